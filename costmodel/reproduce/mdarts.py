"""MDARTS (Kim et al., paper 000) Tables III and IV: the maximum cycle of published architectures.

Rule (`costmodel.schedule`, mode ``mdarts-table3``; MDARTS Sec. III-C): a reduction cell followed
by the normal cell after it in one DAG, edges in parallel, a node ready when its last input edge
is done, max(L_N(from c_k-2), L_R + L_N(from c_k-1)); one cost per op at the first cell's shapes
(C=16, 32x32: pools at stride 2, the other ops at stride 1), compute cycles, the ``mdarts``
lowering (the Table I encoding), the embedded Timeloop-faithful model of the arch.
Max pooling is not expressible in Timeloop v1.0: the rows use the named preset ``eyeriss:mdarts-table3``,
whose serial max-pool constant (1 comparison/cycle for the whole array) was FITTED to this table's
DARTS_V2 row; each row says whether its number needed it (the default physical pool model, arch
``eyeriss``, gives another number, shown beside it). The schedule rule itself was chosen because it
reproduces the public rows: every row computed with it is counted under the fitted rule
``mdarts-table3-schedule``.
"""
from __future__ import annotations

from ..genotypes import PUBLISHED
from ..schedule import Scheduler
from . import Row, preset_row

PRESET, DEFAULT = "eyeriss:mdarts-table3", "eyeriss"
DIAN_PRESET, DIAN_DEFAULT = "diannao:mdarts-table4", "diannao"
CLAIMED = ("DARTS_V2", "ENAS", "NSGANet")   # the rows this module declares reproducible (exit 1 otherwise)
FIRST_CELL = dict(c=16, hw=32)  # the DARTS search net's first cell (MDARTS Table I)

# MDARTS Table III "Maximum Cycle" on Eyeriss: (row label, published genotype name or None, published cycles).
TABLE3 = [
    ("DARTS_V2", "DARTS_V2", 81_456),
    ("ENAS", "ENAS", 229_376),
    ("NSGANet", "NSGANet", 139_904),
    ("NASNet-A", "NASNet", 561_152),
    ("AmoebaNet-A", "AmoebaNet", 270_336),
    ("GDAS", "GDAS_V1", 331_776),
    ("PDARTS", "PDARTS", 246_576),
    ("PC-DARTS", "PC_DARTS", 323_584),
    ("ResNet", None, 49_152),
    ("DenseNet-BC", None, 2_764_800),
    ("RAPDARTS", None, 68_704),
    ("RC-DARTS", None, 94_208),
    ("MDARTS-C10-A", None, 44_592),
    ("MDARTS-C10-B", None, 49_152),
    ("MDARTS-C10-C", None, 122_416),
    ("MDARTS-C10-D", None, 172_032),
    ("MDARTS-C100-A", None, 32_768),
    ("MDARTS-C100-B", None, 106_496),
    ("MDARTS-C100-C", None, 135_168),
    ("MDARTS-C100-D", None, 230_016),
]
# MDARTS Table IV "Maximum Cycle" on DianNao: none of these genotypes is public.
TABLE4 = [("MDARTS-Dian-A", 24_576), ("MDARTS-Dian-B", 47_268), ("MDARTS-Dian-C", 76_800), ("MDARTS-Dian-D", 106_496)]

NOTES = {
    "GDAS": "GDAS_V1 (D-X-Y/AutoDL-Projects); the paper's exact cell/costing is not public",
    "PDARTS": "the public P-DARTS cell is 'from one run' (its README), maybe not the paper's",
    "ResNet": "human-designed; the paper's estimate method is not given",
    "DenseNet-BC": "human-designed; the paper's estimate method is not given",
}


def _scheduler(arch: str) -> Scheduler:
    return Scheduler(arch, mode="mdarts-table3", metric="compute_cycles", lowering="mdarts", **FIRST_CELL)


def _rows(preset: str, default: str):
    schedulers = {arch: _scheduler(arch) for arch in (preset, default)}  # one cost table per arch
    return lambda label, genotype, published, note="", claimed=False: preset_row(
        label, published, lambda arch: schedulers[arch].max_value(genotype), preset, default, note, claimed,
        rules=("mdarts-table3-schedule",))


def table3() -> list[Row]:
    """MDARTS Table III rows: maximum cycle of published genotypes on Eyeriss [compute cycles]."""
    row = _rows(PRESET, DEFAULT)
    rows = []
    for label, name, published in TABLE3:
        if name is None:
            rows.append(Row(label, None, None, f"paper: {published:,} cycles"
                            + (f"; {NOTES[label]}" if label in NOTES else "")))
            continue
        note = NOTES.get(label, "" if label in CLAIMED else "the public genotype under this rule gives another number")
        rows.append(row(label, PUBLISHED[name], published, note, claimed=label in CLAIMED))
    return rows


def table4() -> list[Row]:
    """MDARTS Table IV (DianNao): its rows (genotypes not public) + published genotypes for comparison [cycles]."""
    rows = [Row(label, None, None, f"paper: {published:,} cycles") for label, published in TABLE4]
    row = _rows(DIAN_PRESET, DIAN_DEFAULT)
    for name in ("DARTS_V2", "ENAS", "NSGANet"):
        rows.append(row(f"{name} on DianNao", PUBLISHED[name], None,
                        "not in Table IV; the same rule on DianNao, for comparison"))
    return rows


REPRODUCTIONS = {"mdarts-table3": table3, "mdarts-table4": table4}
