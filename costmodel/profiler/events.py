"""What a traced PyTorch module call or function call is, for the `GraphBuilder` (torch imported lazily).

Both tracers (torch.fx and the forward-hook tracer) see the same two kinds of events:
  * a call of a leaf module: `module_event` maps its type to a layer kind + attributes, a fused or
    free op, or unsupported;
  * a tensor function or method: `function_event` maps its normalised name (``__iadd__`` -> ``iadd``)
    to a join (add, concat), a free op, a global average pool (``mean`` over H, W), a matrix product
    or attention (`attention`), or unsupported.
"""
from __future__ import annotations

from .attention import matmul_event, mha_event, sdpa_event
from .graph import FUSED

ADDS = {"add", "iadd", "radd", "sub", "isub", "rsub"}
CONCATS = {"cat", "concat", "concatenate"}
FREE = set(FUSED) | {"dropout", "dropout2d", "identity", "flatten", "unflatten", "reshape", "view", "contiguous",
                     "getitem", "squeeze", "unsqueeze", "permute", "transpose", "chunk", "split", "clone", "detach",
                     "to", "float", "half", "size", "dim", "type_as", "expand_as", "channel_shuffle",
                     "relu_", "sigmoid_", "hardtanh_", "clamp", "clamp_", "clip", "hardswish_", "silu_",
                     "getattr", "expand", "repeat", "unbind", "masked_fill", "masked_fill_", "tril", "triu", "neg"}
MATMULS = {"matmul", "mm", "bmm", "rmatmul"}
SCALE = {"mul", "imul", "rmul", "truediv", "itruediv", "div"}


def fname(func) -> str:
    """The normalised name of a torch function / Tensor method / operator: ``__iadd__`` -> ``iadd``."""
    name = func if isinstance(func, str) else getattr(func, "__name__", str(func))
    return name.strip("_")


def _padding(mod, k):
    p = mod.padding
    if isinstance(p, str):       # 'valid' or 'same' (stride 1): the padding torch applies
        return tuple(0 if p == "valid" else d * (kk - 1) // 2 for d, kk in zip(mod.dilation, k))
    return p


def module_event(b, name: str, mod, in_shape, out_shape, deps, shapes=()):
    """Add one leaf-module call to the builder `b`; returns its value (frozenset of producers).
    `shapes`: of every tensor argument (nn.MultiheadAttention's query, key, value)."""
    import torch.nn as nn
    source = type(mod).__name__
    if isinstance(mod, (nn.Conv1d, nn.Conv2d)) and not isinstance(mod, nn.modules.conv._ConvTransposeNd):
        kind = "conv1d" if isinstance(mod, nn.Conv1d) else "conv"
        attrs = dict(kernel=mod.kernel_size, stride=mod.stride, padding=_padding(mod, mod.kernel_size),
                     dilation=mod.dilation, groups=mod.groups, out_channels=mod.out_channels)
        return b.layer(name, kind, source, attrs, in_shape, out_shape, deps)
    if isinstance(mod, nn.Linear) and len(in_shape) >= 3:      # tokens: a product with a shared weight
        return matmul_event(b, name, source, in_shape, (mod.in_features, mod.out_features), out_shape, deps)
    if isinstance(mod, nn.Linear):
        return b.layer(name, "linear", source, {"out_features": mod.out_features}, in_shape, out_shape, deps)
    if isinstance(mod, nn.MaxPool2d):
        attrs = dict(kernel=mod.kernel_size, stride=mod.stride, padding=mod.padding, dilation=mod.dilation,
                     ceil_mode=mod.ceil_mode)
        return b.layer(name, "max_pool", source, attrs, in_shape, out_shape, deps)
    if isinstance(mod, nn.AvgPool2d):
        attrs = dict(kernel=mod.kernel_size, stride=mod.stride, padding=mod.padding, ceil_mode=mod.ceil_mode)
        return b.layer(name, "avg_pool", source, attrs, in_shape, out_shape, deps)
    if isinstance(mod, nn.AdaptiveAvgPool2d):
        return b.layer(name, "adaptive_avg_pool", source, {"output_size": mod.output_size}, in_shape, out_shape, deps)
    if isinstance(mod, nn.MultiheadAttention):
        return mha_event(b, name, mod, shapes or (in_shape,) * 3, deps)
    if isinstance(mod, nn.modules.batchnorm._BatchNorm):
        return b.free(deps, "batch_norm")
    what = _free_modules(nn).get(type(mod))
    if what is not None:
        return b.free(deps, what)
    return b.unsupported(name, source, "no cost model for this module type", deps)


def _free_modules(nn) -> dict:
    """Module types fused into their producer or free (data movement): type -> op name."""
    return {nn.ReLU: "relu", nn.ReLU6: "relu6", nn.LeakyReLU: "leaky_relu", nn.Hardtanh: "hardtanh",
            nn.Sigmoid: "sigmoid", nn.Tanh: "tanh", nn.SiLU: "silu", nn.GELU: "gelu", nn.Hardswish: "hardswish",
            nn.Hardsigmoid: "hardsigmoid", nn.ELU: "elu", nn.Identity: "identity", nn.Flatten: "flatten",
            nn.Unflatten: "unflatten", nn.Dropout: "dropout", nn.Dropout2d: "dropout2d",
            nn.ChannelShuffle: "channel_shuffle", nn.LayerNorm: "layer_norm", nn.GroupNorm: "group_norm",
            nn.Softmax: "softmax", nn.LogSoftmax: "log_softmax"}


def is_handled(mod) -> bool:
    """Whether `module_event` knows this module type (the hook tracer then ignores the calls inside it)."""
    import torch.nn as nn
    layers = (nn.Conv1d, nn.Conv2d, nn.Linear, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d,
              nn.modules.batchnorm._BatchNorm, nn.MultiheadAttention)
    return isinstance(mod, layers) or type(mod) in _free_modules(nn)


def function_event(b, scope: str, what: str, n_tensors: int, deps, in_shape, out_shape, dims=None, shapes=()):
    """Add one tensor function call (normalised name `what`, `n_tensors` tensor arguments of shapes
    `shapes`) made inside module `scope` ('' at the top) to `b`; its row is named ``scope.add`` /
    ``scope.cat`` / ``scope.matmul`` / ``scope.what``."""
    label = "add" if what in ADDS else "cat" if what in CONCATS else "matmul" if what in MATMULS else what
    name = f"{scope}.{label}" if scope else label
    if what in MATMULS and len(shapes) >= 2:
        x, y = shapes[:2] if what != "rmatmul" else shapes[1::-1]
        return matmul_event(b, name, what, x, y, out_shape, deps)
    if what == "linear" and len(shapes) >= 2 and len(shapes[1]) == 2:     # F.linear(x, weight (out, in))
        if len(shapes[0]) >= 3:
            return matmul_event(b, name, what, shapes[0], shapes[1][::-1], out_shape, deps)
        return b.layer(name, "linear", what, {"out_features": shapes[1][0]}, in_shape, out_shape, deps)
    if what == "scaled_dot_product_attention":
        return sdpa_event(b, scope, shapes, out_shape, deps)
    if what in ADDS:
        return b.join(name, "add", what, deps, out_shape) if n_tensors > 1 else b.free(deps, "scale")
    if what in CONCATS:
        return b.join(name, "concat", what, deps, out_shape)
    if what in FREE or (what in SCALE and n_tensors < 2) or n_tensors == 0:    # n_tensors 0: sizes, constants
        return b.free(deps, what)
    if what == "adaptive_avg_pool2d" and dims is not None:
        return b.layer(name, "adaptive_avg_pool", what, {"output_size": dims}, in_shape, out_shape, deps)
    if what == "mean" and dims is not None and len(in_shape) == 4 and \
            sorted(d % 4 for d in ([dims] if isinstance(dims, int) else dims)) == [2, 3]:
        return b.layer(name, "adaptive_avg_pool", "mean", {"output_size": 1}, in_shape,
                       tuple(out_shape[:2]) + (1, 1), deps)
    return b.unsupported(name, what, "no cost model for this function (use the nn module form of conv/pool "
                         "layers)" if what in ("conv2d", "conv1d", "max_pool2d", "avg_pool2d") else
                         "no cost model for this function", deps)
