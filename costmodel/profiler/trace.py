"""PyTorch front end: a module + example input -> `Graph` (torch is imported inside the functions).

`trace` tries torch.fx (symbolic trace + shape propagation: the static graph) and falls back to the
hook tracer for models fx cannot trace (data-dependent control flow): forward hooks give the module
calls and their paths, a `TorchFunctionMode` sees every tensor function between them, and tensor
identity gives the data dependencies of the one path the example input takes. The `Graph` says which
tracer was used (``tracer`` = fx | hooks).
"""
from __future__ import annotations

from ..errors import CostModelError
from .events import fname, function_event, is_handled, module_event
from .graph import Graph, GraphBuilder


def _inputs(example_input) -> tuple:
    import torch
    xs = example_input if isinstance(example_input, (tuple, list)) else (example_input,)
    if not xs or not all(isinstance(x, torch.Tensor) for x in xs):
        raise CostModelError("example_input must be a tensor or a tuple of tensors, e.g. torch.randn(1, 3, 224, 224)")
    return tuple(xs)


def trace(module, example_input, tracer: str = "auto") -> Graph:
    """The graph of `module` on `example_input`; tracer: auto (fx, else hooks) | fx | hooks."""
    import torch
    if tracer not in ("auto", "fx", "hooks"):
        raise CostModelError(f"unknown tracer {tracer!r} (use auto, fx or hooks)")
    if not isinstance(module, torch.nn.Module):
        raise CostModelError(f"expected a torch.nn.Module, got {type(module).__name__}")
    xs = _inputs(example_input)
    was_training, threads = module.training, torch.get_num_threads()
    module.eval()
    torch.set_num_threads(1)          # one forward pass for the shapes: threads only contend on a busy machine
    try:
        with torch.no_grad():
            if tracer == "hooks" or is_handled(module):   # a bare layer: fx would trace its F.conv2d
                return trace_hooks(module, xs)
            try:
                return trace_fx(module, xs)
            except CostModelError:
                raise
            except Exception as e:       # fx cannot trace it (control flow on values, ...): run it
                if tracer == "fx":
                    raise CostModelError(f"torch.fx cannot trace {type(module).__name__}: {type(e).__name__}: "
                                         f"{str(e).splitlines()[0] if str(e) else ''} (use tracer='hooks')") from None
                return trace_hooks(module, xs)
    finally:
        module.train(was_training)
        torch.set_num_threads(threads)


def _shape(meta) -> tuple:
    return tuple(meta.shape) if hasattr(meta, "shape") else ()


def trace_fx(module, xs) -> Graph:
    import torch
    import torch.fx
    from torch.fx.passes.shape_prop import ShapeProp
    gm = torch.fx.symbolic_trace(module)
    ShapeProp(gm).propagate(*xs)
    b, env, outputs = GraphBuilder("fx"), {}, []

    def deps_of(*args):
        found = []
        torch.fx.node.map_arg(args, lambda n: found.append(n))
        return frozenset().union(*[env.get(n, frozenset()) for n in found])

    def meta(n):
        return n.meta.get("tensor_meta") if isinstance(n, torch.fx.Node) else None

    for node in gm.graph.nodes:
        out = _shape(node.meta.get("tensor_meta"))
        if node.op == "placeholder":
            env[node] = b.input(node.target, out)
        elif node.op == "get_attr":
            env[node] = frozenset()
        elif node.op == "call_module":
            first = node.args[0] if node.args else None
            env[node] = module_event(b, node.target, gm.get_submodule(node.target), _shape(meta(first)), out,
                                     deps_of(node.args, node.kwargs))
        elif node.op in ("call_function", "call_method"):
            what = fname(node.target)
            stack = node.meta.get("nn_module_stack") or {}
            scope = list(stack)[-1] if stack else ""
            tensors = [a for a in (*node.args, *node.kwargs.values()) if isinstance(a, torch.fx.Node)
                       and isinstance(meta(a), torch.fx.passes.shape_prop.TensorMetadata)]
            if what in ("cat", "concat", "concatenate") and node.args and isinstance(node.args[0], (list, tuple)):
                tensors = list(node.args[0])
            dims = node.kwargs.get("dim", node.kwargs.get("output_size", node.args[1] if len(node.args) > 1 else None))
            in_shape = _shape(meta(tensors[0])) if tensors else ()
            env[node] = function_event(b, scope, what, len(tensors), deps_of(node.args, node.kwargs), in_shape, out,
                                       dims)
        elif node.op == "output":
            outputs = deps_of(node.args)
    return b.graph(outputs)


def trace_hooks(module, xs) -> Graph:
    """Run the module once; record leaf-module calls (hooks) and tensor functions (a TorchFunctionMode)."""
    import torch
    from torch.overrides import TorchFunctionMode
    from torch.utils._pytree import tree_flatten
    b = GraphBuilder("hooks")
    values, keep, stack, state = {}, [], [], {"inside": 0, "busy": False}
    paths = {id(m): name for name, m in module.named_modules()}
    if is_handled(module):         # a bare layer: name its row after its type
        paths[id(module)] = type(module).__name__

    def tensors(obj):
        return [t for t in tree_flatten(obj)[0] if isinstance(t, torch.Tensor)]

    def deps_of(obj):
        return frozenset().union(*[values.get(id(t), frozenset()) for t in tensors(obj)])

    def bind(obj, value):
        for t in tensors(obj):
            values[id(t)] = value
            keep.append(t)        # keeps ids unique while tracing

    for i, x in enumerate(xs):
        bind(x, b.input(f"input{i}" if len(xs) > 1 else "x", tuple(x.shape)))

    class Mode(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            out = func(*args, **kwargs)
            if state["inside"] or state["busy"] or not tensors(out):
                return out
            state["busy"] = True
            try:
                what = fname(func)
                ins = tensors((args, kwargs))
                dims = kwargs.get("dim", kwargs.get("output_size", args[1] if len(args) > 1 else None))
                bind(out, function_event(b, stack[-1] if stack else "", what, len(ins), deps_of((args, kwargs)),
                                         tuple(ins[0].shape) if ins else (), tuple(tensors(out)[0].shape), dims))
            finally:
                state["busy"] = False
            return out

    def pre(mod, args):
        stack.append(paths.get(id(mod), type(mod).__name__))
        if is_handled(mod) and not state["inside"]:
            state["inside"] = id(mod)

    def post(mod, args, out):
        name = stack.pop()
        if state["inside"] != id(mod):
            return None
        state["inside"], state["busy"] = 0, True
        try:
            first = tensors(args)
            bind(out, module_event(b, name, mod, tuple(first[0].shape) if first else (), tuple(tensors(out)[0].shape),
                                   deps_of(args)))
        finally:
            state["busy"] = False
        return None

    handles = []
    for m in module.modules():
        if m is not module or is_handled(m):
            handles += [m.register_forward_pre_hook(pre), m.register_forward_hook(post)]
    try:
        with Mode():
            out = module(*xs)
    finally:
        for h in handles:
            h.remove()
    return b.graph(deps_of(out))
