"""ONNX front end: a ``.onnx`` file + input shape -> `Graph` (the ``onnx`` package, imported lazily).

Shapes come from ONNX shape inference after the graph inputs are set to the given shapes. Supported:
Conv (1-d and 2-d), Gemm and MatMul by a constant 2-d weight (linear), MatMul between activations or
on inputs of 3 or more dims (matmul: attention's products, token-wise linears; see `attention`),
MaxPool, AveragePool, GlobalAveragePool, Add/Sum (joins), Concat, and the fused / free ops (Relu,
Clip, BatchNormalization, LayerNormalization, Softmax, other activations, Flatten, Reshape, Squeeze,
Transpose, Dropout, Identity, constant scalings). Values computed from shapes and constants only
(``Shape`` and what follows from it: a softmax scale, an expand target) count as constants. Node
names of a torch export (``/layer1/layer1.0/conv1/Conv``) become module paths (``layer1.0.conv1``)
so the table matches a profile of the torch module.
"""
from __future__ import annotations


from ..errors import CostModelError
from .attention import matmul_event
from .events import function_event
from .graph import Graph, GraphBuilder

FREE_OPS = {"Flatten": "flatten", "Reshape": "reshape", "Squeeze": "squeeze", "Unsqueeze": "unsqueeze",
            "Transpose": "transpose", "Dropout": "dropout", "Identity": "identity", "Shape": "size",
            "Gather": "getitem", "Slice": "getitem", "Cast": "to", "Split": "split", "Constant": "constant",
            "BatchNormalization": "batch_norm", "Relu": "relu", "Clip": "clip", "LeakyRelu": "leaky_relu",
            "Sigmoid": "sigmoid", "Tanh": "tanh", "HardSwish": "hardswish", "HardSigmoid": "hardsigmoid",
            "Elu": "elu", "Gelu": "gelu", "Mul": "mul", "Div": "div", "Softmax": "softmax", "LogSoftmax": "log_softmax",
            "LayerNormalization": "layer_norm", "GroupNormalization": "group_norm", "Expand": "expand",
            "Where": "where", "Erf": "erf", "Sqrt": "sqrt", "Pow": "pow", "Neg": "neg"}


def module_path(node_name: str) -> str:
    """``/layer1/layer1.0/downsample/downsample.0/Conv`` -> ``layer1.0.downsample.0`` (torch export scopes)."""
    parts = []
    for seg in node_name.strip("/").split("/")[:-1]:
        head, _, tail = seg.rpartition(".")
        parts.append(tail if head and parts and parts[-1] == head.rpartition(".")[2] else seg)
    return ".".join(parts)


def _attrs(node) -> dict:
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _dims(value_info) -> tuple:
    return tuple(d.dim_value if d.HasField("dim_value") else None for d in value_info.type.tensor_type.shape.dim)


def _weights_as_inputs(model) -> dict:
    """Replace large initializers by typed graph inputs (shape inference then needs no weight bytes: a
    ResNet-18 infers in ms, not 1 s); small ones (reshape targets, ...) stay. Returns every initializer's dims."""
    from onnx import helper
    dims = {i.name: tuple(i.dims) for i in model.graph.initializer}
    keep = []
    for init in model.graph.initializer:
        if len(init.dims) >= 2 or (init.dims and init.dims[0] > 64):
            model.graph.input.append(helper.make_tensor_value_info(init.name, init.data_type, list(init.dims)))
        else:
            keep.append(init)
    del model.graph.initializer[:]
    model.graph.initializer.extend(keep)
    return dims


def _shape_list(input_shape) -> list | None:
    """None, one shape (ints) or several shapes -> None or a list of shape tuples."""
    if input_shape is None:
        return None
    shapes = list(input_shape)
    if shapes and all(isinstance(v, int) for v in shapes):
        return [tuple(shapes)]
    return [tuple(int(v) for v in s) for s in shapes]


def _text(dims) -> str:
    return "x".join(str(d or "?") for d in dims)


def load(path: str, input_shape=None):
    """(model with its graph inputs set to `input_shape` (one shape or a list, one per input) and shapes
    inferred, initializer dims)."""
    try:
        import onnx
        from onnx import shape_inference
    except ImportError:
        from ..extras import missing
        raise missing("onnx") from None
    import os

    from ..userfiles import limit, read_bytes
    if not os.path.exists(path):
        raise CostModelError(f"{path}: no such ONNX file")
    data = read_bytes(path, "ONNX model", limit("ONNX_BYTES"))     # a regular file, size-capped, never a FIFO
    try:
        model = onnx.load_model_from_string(data)
    except Exception as e:
        raise CostModelError(f"{path} is not an ONNX model ({type(e).__name__}: {str(e).splitlines()[0]})") from None
    weights = _weights_as_inputs(model)
    inputs = [i for i in model.graph.input if i.name not in weights]
    wanted = _shape_list(input_shape)
    if wanted is not None and len(wanted) != len(inputs):
        raise CostModelError(f"{path}: the model has {len(inputs)} input(s), --input gives {len(wanted)} shape(s)")
    for i, x in enumerate(inputs):
        have = _dims(x)
        if wanted is None:
            if None in have:
                raise CostModelError(f"{path}: the model's input {x.name!r} has dynamic dims; give its shape with --input")
            continue
        want = wanted[i]
        if len(have) != len(want) or any(h is not None and h != w for h, w in zip(have, want)):
            raise CostModelError(f"{path}: the model's input {x.name!r} has shape {_text(have)}; --input says "
                                 f"{_text(want)}")
        for d, v in zip(x.type.tensor_type.shape.dim, want):
            d.dim_value = v
    try:
        return shape_inference.infer_shapes(model, strict_mode=True, data_prop=True), weights
    except Exception as e:
        raise CostModelError(f"{path}: ONNX shape inference failed: {str(e).splitlines()[0]}") from None


def read_onnx(path: str, input_shape=None) -> Graph:
    """The `Graph` of an ONNX model (see the module docstring)."""
    model, weights = load(path, input_shape)
    g = model.graph
    consts = set(weights)
    shapes = {v.name: _dims(v) for v in (*g.input, *g.value_info, *g.output)}
    b = GraphBuilder("onnx")
    vals = {i.name: b.input(i.name, shapes[i.name]) for i in g.input if i.name not in consts}
    for node in g.node:
        op, a = node.op_type, _attrs(node)
        acts = [x for x in node.input if x and x not in consts]
        deps = frozenset().union(*[vals.get(x, frozenset()) for x in acts])
        in_shape = shapes.get(acts[0], ()) if acts else ()
        out_shape = shapes.get(node.output[0], ()) if node.output else ()
        scope = module_path(node.name) if node.name.startswith("/") else ""
        name = scope or node.name or op
        if op in ("Constant", "Shape", "Size") or not acts:
            consts.update(node.output)            # a constant, a shape, or computed from them only
            continue
        if op == "Conv":
            w = weights.get(node.input[1])
            kernel = a.get("kernel_shape") or (w[2:] if w else None)
            pads = list(a.get("pads", [0] * 2 * len(kernel or ())))
            n = len(pads) // 2
            if w is None or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", b"VALID") or pads[:n] != pads[n:]:
                v = b.unsupported(name, op, "weights not a constant, auto_pad SAME or asymmetric padding", deps)
            else:
                attrs = dict(kernel=tuple(kernel), stride=tuple(a.get("strides", [1] * n)), padding=tuple(pads[:n]),
                             dilation=tuple(a.get("dilations", [1] * n)), groups=a.get("group", 1), out_channels=w[0])
                v = b.layer(name, "conv1d" if len(kernel) == 1 else "conv", op, attrs, in_shape, out_shape, deps)
        elif op == "MatMul" and not (node.input[1] in weights and len(weights[node.input[1]]) == 2 == len(in_shape)):
            x, y = (shapes.get(v) or weights.get(v) or () for v in node.input[:2])
            v = matmul_event(b, name if len(acts) < 2 else f"{scope}.matmul" if scope else "matmul", op, x, y,
                             out_shape, deps)
        elif op in ("Gemm", "MatMul"):
            w = weights.get(node.input[1])
            if w is None or len(w) != 2 or (op == "Gemm" and a.get("transA", 0)):
                v = b.unsupported(name, op, "only a product with a constant 2-d weight (a linear layer) is modelled", deps)
            else:
                out = w[0] if op == "Gemm" and a.get("transB", 0) else w[1]
                v = b.layer(name, "linear", op, {"out_features": out}, in_shape, out_shape, deps)
        elif op in ("MaxPool", "AveragePool"):
            kernel = tuple(a["kernel_shape"])
            n = len(kernel)
            pads = list(a.get("pads", [0] * 2 * n))
            if pads[:n] != pads[n:] or a.get("auto_pad", b"NOTSET") not in (b"NOTSET", b"VALID"):
                v = b.unsupported(name, op, "asymmetric padding or auto_pad SAME", deps)
            else:
                attrs = dict(kernel=kernel, stride=tuple(a.get("strides", [1] * n)), padding=tuple(pads[:n]),
                             dilation=tuple(a.get("dilations", [1] * n)), ceil_mode=a.get("ceil_mode", 0))
                v = b.layer(name, "max_pool" if op == "MaxPool" else "avg_pool", op, attrs, in_shape, out_shape, deps)
        elif op == "GlobalAveragePool":
            v = b.layer(name, "adaptive_avg_pool", op, {"output_size": 1}, in_shape, out_shape, deps)
        elif op in ("Add", "Sum", "Sub"):
            v = function_event(b, scope, "add", len(acts), deps, in_shape, out_shape)
        elif op == "Concat":
            v = function_event(b, scope, "cat", len(acts), deps, in_shape, out_shape)
        elif op in FREE_OPS and (op not in ("Mul", "Div") or len(acts) < 2):
            v = b.free(deps, FREE_OPS[op])
        else:
            v = b.unsupported(name, op, "no cost model for this ONNX operator", deps)
        for out in node.output:
            vals[out] = v
    return b.graph(frozenset().union(*[vals.get(o.name, frozenset()) for o in g.output]))
