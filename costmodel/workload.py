"""Workload model: the typed `Layer`, and `conv()`, which builds one layer in a lowering mode.

Data flow step 1 (op name + feature-map shape -> list[Layer]) is `costmodel.ops.lower`, built on `conv()`.

Two lowering modes (see DESIGN.md):
  * ``exact`` (default): what PyTorch computes. Depthwise convs keep groups = C, dilation sets the
    input footprint, Q = floor((H + 2p - d(S-1) - 1)/s) + 1 (P likewise from W).
  * ``mdarts``: how MDARTS Table I was produced with Timeloop's cnn-layer tuples: every conv
    sub-layer is a DENSE conv C_in -> C_out (groups ignored), dilation dropped,
    Q = floor((H - S + 2 pad)/s) + 1 (P likewise from W).

ReLU and BatchNorm are element-wise and fused into the producing layer: they are not costed
(neither MDARTS Table I nor DEff-ARTS Appendix B counts them).
"""
from __future__ import annotations

from dataclasses import dataclass, asdict

from .errors import CostModelError
from .validate import MAX_LAYER_MACS

LOWERINGS = ("exact", "mdarts")
LAYER_KINDS = ("conv", "pool-max", "pool-avg")


@dataclass(frozen=True)
class Layer:
    """One loop-nest layer in Timeloop's naming.

    C and K are TOTAL input/output channels; G is the number of groups (each group maps C/G
    input channels to K/G outputs). H, W are the input height/width (unpadded). Timeloop's convention,
    used everywhere (Layer, loopnest.problem, the Timeloop emitters and readers): R (kernel width),
    P (output width), Wstride, Wdilation, Wpad run along W; S (kernel height), Q (output height),
    Hstride, Hdilation, Hpad along H. A pool is a grouped layer with G = C = K (a window per channel): ``pool-avg`` is
    linear (a k x k conv with constant weights), ``pool-max`` is element comparisons, not MACs.
    """

    name: str
    kind: str
    N: int
    C: int
    K: int
    R: int
    S: int
    P: int
    Q: int
    H: int
    W: int
    G: int = 1
    Hstride: int = 1
    Wstride: int = 1
    Hdilation: int = 1
    Wdilation: int = 1
    Hpad: int = 0
    Wpad: int = 0

    def __post_init__(self):
        if self.kind not in LAYER_KINDS:
            raise CostModelError(f"layer {self.name!r}: unknown kind {self.kind!r} (use one of {LAYER_KINDS})")
        for f in ("N", "C", "K", "R", "S", "P", "Q", "H", "W", "G", "Hstride", "Wstride", "Hdilation", "Wdilation"):
            if getattr(self, f) < 1:
                raise CostModelError(f"layer {self.name!r}: impossible shape, {f} = {getattr(self, f)} (must be >= 1)")
        if self.Hpad < 0 or self.Wpad < 0:
            raise CostModelError(f"layer {self.name!r}: padding {self.Hpad}x{self.Wpad} (must be >= 0)")
        if self.macs > MAX_LAYER_MACS:
            raise CostModelError(f"layer {self.name!r}: {self.macs:.3g} MACs is above the toolkit's limit of "
                                 f"{MAX_LAYER_MACS:.0e} MACs per layer")
        if self.C % self.G or self.K % self.G:
            raise CostModelError(f"layer {self.name!r}: groups G={self.G} must divide C={self.C} and K={self.K}")

    @property
    def macs(self) -> int:
        """Multiply-accumulates (for a pool: window elements visited)."""
        return self.N * self.K * self.P * self.Q * (self.C // self.G) * self.R * self.S

    @property
    def params(self) -> int:
        """Weights (pools have none)."""
        return 0 if self.kind != "conv" else self.K * (self.C // self.G) * self.R * self.S

    @property
    def outputs(self) -> int:
        """Output elements N*K*P*Q [words]."""
        return self.N * self.K * self.P * self.Q

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ShapedLayer:
    """A layer of any problem shape (costmodel.shape), costed by the analytic and timeloop
    backends like a conv `Layer`, e.g. attention's QK^T for 4 heads of 64 tokens x 16:
    ``ShapedLayer("qk", "batched-gemm", (("H", 4), ("M", 64), ("N", 64), ("K", 16)))``."""

    name: str
    shape: str                   # a packaged shape (costmodel.shape.SHAPES) or a Timeloop problem-shape YAML
    bounds: tuple                # ((dim, bound), ...)
    coefficients: tuple = ()     # ((coefficient, value), ...), e.g. (("Wstride", 2),)
    weights: int = 0             # constant weights it holds (0: activation x activation, e.g. attention)
    kind: str = "conv"           # a multiply-accumulate layer

    def __post_init__(self):
        for d, b in self.bounds:
            if isinstance(b, bool) or not isinstance(b, int) or b < 1:
                raise CostModelError(f"layer {self.name!r}: impossible shape, {d} = {b!r} (must be an integer >= 1)")
        if self.macs > MAX_LAYER_MACS:
            raise CostModelError(f"layer {self.name!r}: {self.macs:.3g} MACs is above the toolkit's limit of "
                                 f"{MAX_LAYER_MACS:.0e} MACs per layer")

    @property
    def macs(self) -> int:
        out = 1
        for _, b in self.bounds:
            out *= b
        return out

    @property
    def params(self) -> int:
        return self.weights

    @property
    def outputs(self) -> int:
        """Elements of the shape's read-write data space [words]."""
        from .shape import load_shape           # YAML + pydantic: loaded when a shape is used, not at start-up
        s = load_shape(self.shape)
        return s.size(s.read_write[0], dict(self.bounds), {**s.defaults, **dict(self.coefficients)})

    def to_dict(self) -> dict:
        return asdict(self)


def out_size(h: int, k: int, stride: int, pad: int, dilation: int, mode: str) -> int:
    """Output size of a window op; mdarts mode drops dilation and uses int((H - R + 2pad)/s) + 1."""
    if mode == "mdarts":
        return (h - k + 2 * pad) // stride + 1
    return (h + 2 * pad - dilation * (k - 1) - 1) // stride + 1


def conv(name, n, c_in, c_out, h, w, k, stride=1, pad=0, dilation=1, groups=1, mode="exact", kind="conv"):
    """A conv (or pool) layer at input h x w, lowered per ``mode``; `k`, `stride`, `pad`, `dilation` are ints
    or (height, width) pairs, as torch's Conv2d takes them."""
    if mode not in LOWERINGS:
        raise CostModelError(f"unknown lowering {mode!r} (use one of {LOWERINGS})")
    kh, kw = (k, k) if isinstance(k, int) else k
    ph, pw = (pad, pad) if isinstance(pad, int) else pad
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    if mode == "mdarts" and kind != "pool-max":
        groups, (dh, dw) = 1, (1, 1)
    else:
        dh, dw = (dilation, dilation) if isinstance(dilation, int) else dilation
    q, p = out_size(h, kh, sh, ph, dh, mode), out_size(w, kw, sw, pw, dw, mode)    # Q: height, P: width
    if p < 1 or q < 1:
        raise CostModelError(f"{name}: impossible shape, output {q}x{p} from input {h}x{w} with kernel "
                             f"{kh}x{kw}, stride {stride}, padding {pad}, dilation {dilation}")
    return Layer(name=name, kind=kind, N=n, C=c_in, K=c_out, R=kw, S=kh, P=p, Q=q, H=h, W=w, G=groups,
                 Hstride=sh, Wstride=sw, Hdilation=dh, Wdilation=dw, Hpad=ph, Wpad=pw)
