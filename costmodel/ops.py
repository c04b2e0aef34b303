"""NAS operations and their lowering into `Layer`s (DARTS `operations.py` conventions).

An `OpQuery` names an op at a feature-map shape; `lower(query, mode)` returns its layers.
Op names follow DARTS: none, skip_connect, max_pool_3x3, avg_pool_3x3, sep_conv_{3,5,7}x{..},
dil_conv_{3,5}x{..}, plus MDARTS's dw_conv_{3,5}x{..} (one depthwise k x k, no pointwise),
conv_1x1, conv_3x3, conv_7x1_1x7, factorized_reduce (DARTS preprocessing), and plain layers
``conv``, ``conv1d`` (a 1 x k kernel over a 1 x W input: h = 1), ``max_pool``, ``avg_pool``, ``linear``
that take kernel/stride/dilation/groups/padding, and ``matmul``, a batched matrix product
(B, M, K) x (B, K, N) keyed as n = B, h = M, c_in = K, c_out = N, w = 1 (`costmodel.matmul`).
"""
from __future__ import annotations

from dataclasses import dataclass, asdict

from .errors import CostModelError, did_you_mean
from .matmul import matmul_layer
from .validate import MAX_BATCH, MAX_CHANNELS, MAX_SPATIAL, integer
from .workload import Layer, conv, LOWERINGS

DARTS_PRIMITIVES = ("none", "max_pool_3x3", "avg_pool_3x3", "skip_connect",
                    "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5")
CELL_OPS = DARTS_PRIMITIVES + ("sep_conv_7x7", "dw_conv_3x3", "dw_conv_5x5", "conv_1x1", "conv_3x3",
                               "conv_7x1_1x7", "factorized_reduce")
PLAIN_OPS = ("conv", "conv1d", "max_pool", "avg_pool", "linear", "matmul")
ALL_OPS = CELL_OPS + PLAIN_OPS


def _kernel_of(op: str) -> int:
    return {"conv_7x1_1x7": 7, "conv_1x1": 1, "factorized_reduce": 1}.get(op) or int(op.rsplit("_", 1)[1][0])


@dataclass(frozen=True)
class OpQuery:
    """An op at a shape: input N x C_in x H x W, output channels C_out, stride.

    kernel/dilation/groups/padding are for the plain ops; for named cell ops they are derived
    from the name (and filled in by `resolved()` for the LUT key).
    """

    op: str
    c_in: int
    h: int
    w: int | None = None
    c_out: int | None = None
    stride: int = 1
    n: int = 1
    kernel: int | None = None
    dilation: int | None = None
    groups: int | None = None
    padding: int | None = None

    def resolved(self) -> "OpQuery":
        """Fill every field so the query is a complete LUT key (validates the op name)."""
        if self.op not in ALL_OPS:
            raise CostModelError(f"unknown op {self.op!r}{did_you_mean(self.op, ALL_OPS)}; "
                                 f"known ops: {', '.join(ALL_OPS)}")
        w = self.w if self.w is not None else (1 if self.op == "matmul" else self.h)
        c_out = self.c_out if self.c_out is not None else self.c_in
        for name, v in (("c_in", self.c_in), ("c_out", c_out), ("h", self.h), ("w", w), ("stride", self.stride),
                        ("n", self.n), ("kernel", self.kernel), ("dilation", self.dilation), ("groups", self.groups),
                        ("padding", self.padding)):
            if v is None and name in ("kernel", "dilation", "groups", "padding"):
                continue
            if v is None:
                raise CostModelError(f"op {self.op!r}: impossible shape, {name} = None (must be >= 1)")
            top = MAX_BATCH if name == "n" else MAX_CHANNELS if name in ("c_in", "c_out", "groups") else MAX_SPATIAL
            integer(v, f"op {self.op!r}: impossible shape, {name}", 0 if name in ("padding", "kernel") else 1, top)
        if self.op in PLAIN_OPS:
            k = 1 if self.op in ("linear", "matmul") else self.kernel
            if k is None or k < 1:
                raise CostModelError(f"op {self.op!r} needs a kernel size >= 1 (--kernel), got {k}")
            d = self.dilation if self.dilation is not None else 1
            g = self.groups if self.groups is not None else (c_out if self.op in ("max_pool", "avg_pool") else 1)
            pad = self.padding if self.padding is not None else d * (k - 1) // 2
            if self.op in ("linear", "matmul"):   # fully connected over C_in x H x W; a matmul's M rows are h
                fixed = {"kernel": 1, "stride": 1, "dilation": 1, "groups": 1, "padding": 0}
                if self.op == "matmul" and w != 1:
                    raise CostModelError(f"op 'matmul' keys its M rows as h (w = 1), got w = {w}")
            elif self.op in ("max_pool", "avg_pool"):    # one window per channel
                fixed = {"groups": c_out}
            else:
                fixed = {}
            self._check_fixed(fixed)
        elif self.op in ("none", "skip_connect"):
            k, d, g, pad = (1, 1, 1, 0) if self.stride > 1 and self.op == "skip_connect" else (0, 1, 1, 0)
            self._check_fixed({"kernel": k, "dilation": d, "groups": g, "padding": pad})
        else:
            k = _kernel_of(self.op)
            d = 2 if self.op.startswith("dil_conv") else 1
            g = c_out if "pool" in self.op or self.op.startswith(("dw_conv",)) else (
                self.c_in if self.op.startswith(("sep_conv", "dil_conv")) else 1)
            pad = d * (k - 1) // 2
            self._check_fixed({"kernel": k, "dilation": d, "groups": g, "padding": pad})
        return OpQuery(self.op, self.c_in, self.h, w, c_out, self.stride, self.n, k, d, g, pad)

    def _check_fixed(self, fixed: dict) -> None:
        """A field the op fixes may be given only with that value (else it would be silently ignored)."""
        for name, want in fixed.items():
            given = getattr(self, name)
            if given is not None and given != want:
                hint = "" if self.op in PLAIN_OPS else " (kernel/dilation/groups/padding are for the plain ops)"
                raise CostModelError(f"op {self.op!r} fixes {name} = {want}; got {name} = {given}{hint}")

    def to_dict(self) -> dict:
        return asdict(self)


def lower(query: OpQuery, mode: str = "exact") -> list[Layer]:
    """Lower an op at a shape into its cost-bearing layers (in execution order)."""
    if mode not in LOWERINGS:
        raise CostModelError(f"unknown lowering {mode!r} (use one of {LOWERINGS})")
    q = query.resolved()
    op, n, ci, co, h, w, s = q.op, q.n, q.c_in, q.c_out, q.h, q.w, q.stride
    same_channels = op in ("max_pool_3x3", "avg_pool_3x3", "dw_conv_3x3", "dw_conv_5x5", "max_pool", "avg_pool") or (
        op == "skip_connect" and s == 1)
    if same_channels and ci != co:
        raise CostModelError(f"op {op!r} keeps the channel count: c_in = {ci} but c_out = {co}")
    if op == "none" or (op == "skip_connect" and s == 1):
        return []
    if op in ("skip_connect", "factorized_reduce"):
        return _factorized_reduce(n, ci, co, h, w, s, mode)
    if op in ("max_pool_3x3", "avg_pool_3x3", "max_pool", "avg_pool"):
        kind = "pool-max" if "max" in op else "pool-avg"
        return [conv("pool", n, ci, ci, h, w, q.kernel, s, q.padding, q.dilation, ci, mode, kind)]
    if op.startswith("sep_conv"):
        k, p = q.kernel, q.padding
        dw1 = conv("dw1", n, ci, ci, h, w, k, s, p, 1, ci, mode)
        pw1 = conv("pw1", n, ci, ci, dw1.P, dw1.Q, 1, 1, 0, 1, 1, mode)
        dw2 = conv("dw2", n, ci, ci, pw1.P, pw1.Q, k, 1, p, 1, ci, mode)
        pw2 = conv("pw2", n, ci, co, dw2.P, dw2.Q, 1, 1, 0, 1, 1, mode)
        return [dw1, pw1, dw2, pw2]
    if op.startswith("dil_conv"):
        dw = conv("dw", n, ci, ci, h, w, q.kernel, s, q.padding, 2, ci, mode)
        true = conv("dw", n, ci, ci, h, w, q.kernel, s, q.padding, 2, ci, "exact")  # the feature map the pw sees
        return [dw, conv("pw", n, ci, co, true.P, true.Q, 1, 1, 0, 1, 1, mode)]
    if op.startswith("dw_conv"):
        return [conv("dw", n, ci, ci, h, w, q.kernel, s, q.padding, 1, ci, mode)]
    if op == "conv_7x1_1x7":
        a = conv("conv1x7", n, ci, co, h, w, (1, 7), (1, s), (0, 3), 1, 1, mode)
        return [a, conv("conv7x1", n, co, co, a.P, a.Q, (7, 1), (s, 1), (3, 0), 1, 1, mode)]
    if op == "conv1d":
        if h != 1:
            raise CostModelError(f"op 'conv1d' runs over a 1 x W input (h = 1), got h = {h}")
        return [conv("conv", n, ci, co, 1, w, (1, q.kernel), (1, s), (0, q.padding), q.dilation, q.groups, mode)]
    if op == "matmul":
        return [matmul_layer(n, h, ci, co)]
    if op == "linear":
        return [conv("fc", n, ci * h * w, co, 1, 1, 1, 1, 0, 1, 1, mode)]
    # conv_1x1, conv_3x3, plain conv
    return [conv("conv", n, ci, co, h, w, q.kernel, s, q.padding, q.dilation, q.groups, mode)]


def _factorized_reduce(n, ci, co, h, w, s, mode) -> list[Layer]:
    """DARTS FactorizedReduce: two 1x1 stride-2 convs C_in -> C_out/2, the second on x[:, :, 1:, 1:]."""
    if s != 2:
        raise CostModelError(f"factorized_reduce/skip_connect reduces with stride 2, got stride {s}")
    if co % 2:
        raise CostModelError(f"FactorizedReduce needs an even c_out, got {co}")
    a = conv("fr_conv1", n, ci, co // 2, h, w, 1, 2, 0, 1, 1, mode)
    if mode == "mdarts":  # the paper encoding runs both halves on the full input
        return [a, conv("fr_conv2", n, ci, co // 2, h, w, 1, 2, 0, 1, 1, mode)]
    if h < 2 or w < 2:
        raise CostModelError(f"FactorizedReduce needs an input of at least 2x2, got {h}x{w}")
    b = conv("fr_conv2", n, ci, co // 2, h - 1, w - 1, 1, 2, 0, 1, 1, mode)
    if (a.P, a.Q) != (b.P, b.Q):
        raise CostModelError(f"FactorizedReduce needs an even input size, got {h}x{w} (halves {a.P}x{a.Q} vs {b.P}x{b.Q})")
    return [a, b]


def op_macs(query: OpQuery, mode: str = "exact") -> int:
    """Multiply-accumulates of the op's conv layers in lowering `mode` [MACs]; pools are not counted."""
    return sum(l.macs for l in lower(query, mode) if l.kind == "conv")


def op_params(query: OpQuery, mode: str = "exact") -> int:
    """Weights of the op's layers in lowering `mode` [parameters]; pools, ReLU and BatchNorm have none counted."""
    return sum(l.params for l in lower(query, mode))
