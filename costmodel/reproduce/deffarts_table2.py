"""DEff-ARTS (Sadiq et al., paper 002) Table 2: C64x+ CPU cycles per candidate op.

Shape: H = W = 32, C_in = C_out = 3, stride 1 (Appendix B: "fixed sizes and unit strides"),
exact lowering, arch preset ``c64x:deffarts-table2`` (Avg Pool charged 10*H*W*C: FITTED to this
table; the default ``c64x`` counts the written Appendix B formula, shown in the note). Skip Connect's
published 0 is listed but not counted: skip costs 0 by definition, so matching it is no evidence.
"""
from __future__ import annotations

from ..evaluate import evaluate_op
from ..ops import OpQuery
from . import Row, preset_row

PRESET, DEFAULT = "c64x:deffarts-table2", "c64x"
SHAPE = dict(c_in=3, h=32, c_out=3, stride=1)
# (label, op, published cycles, note). The (Sep Conv 3x3)x2 entry is printed 368,340 in the paper: its
# corrected value is counted apart ("as printed" vs "against a corrected typo").
PRINTED = {"sep_conv_3x3": 368_340}
PUBLISHED = [
    ("Max Pool 3x3", "max_pool_3x3", 27_648, ""),
    ("Avg Pool 3x3", "avg_pool_3x3", 30_720, ""),
    ("(Sep Conv 3x3)x2", "sep_conv_3x3", 368_640,
     "the paper prints 368,340: a digit typo (its own formula, and 2 x 184,320 from the same terms, give 368,640)"),
    ("(Sep Conv 5x5)x2", "sep_conv_5x5", 860_160, ""),
    ("Dil Conv 3x3", "dil_conv_3x3", 184_320, ""),
    ("Dil Conv 5x5", "dil_conv_5x5", 430_080, ""),
]
SKIP_PUBLISHED = 0   # DEff-ARTS Table 2, Skip Connect


def table2() -> list[Row]:
    """DEff-ARTS Table 2 rows: published vs computed C64x+ cycles per op [cycles]; every counted row claimed."""
    rows = []
    for label, op, published, note in PUBLISHED:
        q = OpQuery(op, **SHAPE)
        if op == "avg_pool_3x3":
            note = "the default counts Appendix B's written k*k*H*W*C*mul + H*W*C*div"
        rows.append(preset_row(label, published, lambda arch: evaluate_op(arch, q).cycles, PRESET, DEFAULT, note,
                               claimed=True, printed=PRINTED.get(op)))
    skip = evaluate_op(DEFAULT, OpQuery("skip_connect", **SHAPE)).cycles
    rows.append(Row("Skip Connect", None, skip, f"paper: {SKIP_PUBLISHED}; skip costs 0 by definition "
                                                "(identity at stride 1), so it is not counted", arch=DEFAULT))
    return rows


REPRODUCTIONS = {"deffarts-table2": table2}
