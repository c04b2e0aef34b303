"""MDARTS (paper 000) Table I: compute cycles of the first cell's ops (H = W = 32, C = 16, stride 1)
on Eyeriss and DianNao, through the toolkit: `evaluate_op(..., lowering="mdarts")` on the analytic
backend (embedded Timeloop-v1.0 model + exact EDP mapper), MAC-level compute cycles. No pool and no
fitted value is involved; every row is claimed reproducible.
"""
from __future__ import annotations

from . import Row
from ..evaluate import evaluate_op
from ..ops import OpQuery

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
            rows.append(Row(f"{arch} {op}", published, computed,
                            "compute cycles" if cost.ok else f"{cost.status}: {cost.message}", arch=arch, claimed=True))
    return rows


REPRODUCTIONS = {"mdarts-table1": table1}
