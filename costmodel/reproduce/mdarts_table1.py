"""MDARTS (paper 000) Table I: compute cycles of the first cell's ops (H = W = 32, C = 16, stride 1)
on Eyeriss and DianNao, through the toolkit: `evaluate_op(..., lowering="mdarts")` on the analytic
backend (embedded Timeloop-v1.0 model + exact EDP mapper), MAC-level compute cycles. No pool and no
preset is involved; every row is claimed reproducible. The four dil_conv rows need the fitted rule
``mdarts-dil-pointwise`` (the pointwise conv on the 32x32 map, not the 34x34 / 36x36 one the stated rule gives):
each row says so and prints what the stated rule gives, computed here.
"""
from __future__ import annotations

from . import Row
from ..evaluate import evaluate_op
from ..ops import OpQuery, lower

# Published values: MDARTS, Table I ("Comparison of the first cell's cycle with two different ASICs").
PUBLISHED = {
    "eyeriss": {"dw_conv_3x3": 12288, "dw_conv_5x5": 40960, "sep_conv_3x3": 28672, "sep_conv_5x5": 86016,
                "dil_conv_3x3": 15920, "dil_conv_5x5": 53888},
    "diannao": {"dw_conv_3x3": 9216, "dw_conv_5x5": 25600, "sep_conv_3x3": 20480, "sep_conv_5x5": 53248,
                "dil_conv_3x3": 11428, "dil_conv_5x5": 33424},
}


def table1(backend: str | None = None) -> list[Row]:
    """MDARTS Table I rows: published vs computed compute cycles per op on Eyeriss and DianNao [cycles]."""
    rows = []
    for arch, ops in PUBLISHED.items():
        for op, published in ops.items():
            cost = evaluate_op(arch, OpQuery(op, c_in=16, h=32, stride=1), lowering="mdarts", backend=backend)
            computed = cost.compute_cycles if cost.ok else None
            note = "compute cycles" if cost.ok else f"{cost.status}: {cost.message}"
            rules = ()
            if op.startswith("dil_conv") and cost.ok:
                rules = ("mdarts-dil-pointwise",)
                hw = lower(OpQuery(op, c_in=16, h=32), "mdarts")[0].P
                note += f"; the stated rule (pointwise on the {hw}x{hw} map) gives {stated_dil(arch, op, backend):,}"
            rows.append(Row(f"{arch} {op}", published, computed, note, arch=arch, claimed=True, rules=rules))
    return rows


def stated_dil(arch: str, op: str, backend: str | None = None) -> int:
    """A dil_conv's compute cycles when its pointwise conv runs on the depthwise output the stated mdarts rule
    gives (P = H - R + 2 pad + 1 = 34 at 32x32), not on the true 32x32 map [cycles]."""
    def cycles(q):
        return evaluate_op(arch, q, lowering="mdarts", backend=backend).compute_cycles
    q = OpQuery(op, c_in=16, h=32, stride=1)
    stated = lower(q, "mdarts")[0].P          # the depthwise conv's output under the stated rule
    return cycles(q) - cycles(OpQuery("conv", c_in=16, h=32, kernel=1)) + cycles(OpQuery("conv", c_in=16, h=stated,
                                                                                           kernel=1))


REPRODUCTIONS = {"mdarts-table1": table1}
