"""Golden: MDARTS (paper 000) Table III maximum cycles on Eyeriss, through the embedded backend.

The three rows whose genotype is public and whose rule is known must come out exact; the other
public genotypes are printed with their ratio (no public genotype reproduces them), and rows whose
genotype is not public are listed as such.
"""
from costmodel.reproduce import render
from costmodel.reproduce.mdarts import table3, table4

# MDARTS Table III, "Maximum Cycle" column (Eyeriss).
EXACT = {"DARTS_V2": 81_456, "ENAS": 229_376, "NSGANet": 139_904}


def test_table3_public_rows_exact_on_eyeriss():
    rows = {r.label: r for r in table3()}
    for label, published in EXACT.items():
        assert rows[label].published == published
        assert rows[label].computed == published, label
    for label in ("NASNet-A", "AmoebaNet-A", "GDAS", "PDARTS", "PC-DARTS"):
        assert rows[label].computed > 0 and rows[label].ratio is not None
    for label in ("RAPDARTS", "RC-DARTS", "MDARTS-C10-A", "MDARTS-C100-D"):
        assert rows[label].published is None and rows[label].computed is None and "paper: " in rows[label].note
    text = render("mdarts-table3", list(rows.values()))
    assert [line.split(None, 5)[1:] for line in text.splitlines() if line.startswith("MDARTS-C10-A")] == [
        ["-", "-", "-", "-", "not public; paper: 44,592 cycles"]]
    reproduced = sum(r.reproduced for r in rows.values())
    fitted = sum(r.reproduced and r.fitted for r in rows.values())
    assert reproduced >= 3 and fitted >= 1
    assert text.splitlines()[-1] == (f"mdarts-table3: {reproduced}/8 published numbers reproduced ({fitted} with fitted "
                                     f"presets, {reproduced} with fitted rules)")
    assert all(r.rules == ("mdarts-table3-schedule",) for r in rows.values() if r.computed is not None)
    assert "fitted rule mdarts-table3-schedule: schedule mode `mdarts-table3`" in text


def test_table3_darts_v2_rests_on_the_fitted_max_pool_constant():
    # DARTS_V2's reduction cell has max_pool_3x3 on its critical path: the preset's serial 1/cycle
    # (9*16*16*16 = 36,864 cycles) makes 81,456; the default physical pool model gives less
    rows = {r.label: r for r in table3()}
    assert rows["DARTS_V2"].fitted and rows["DARTS_V2"].arch == "eyeriss:mdarts-table3"
    assert not rows["ENAS"].fitted and not rows["NSGANet"].fitted
    assert [r.label for r in rows.values() if r.claimed] == ["DARTS_V2", "ENAS", "NSGANet"]
    text = render("mdarts-table3", list(rows.values()))
    assert "fitted value of eyeriss:mdarts-table3: pool.compare_per_cycle = 1.0 (MDARTS Table III" in text
    assert "not tuned" not in text


def test_table4_lists_unpublished_genotypes():
    rows = table4()
    assert [r.label for r in rows[:4]] == ["MDARTS-Dian-A", "MDARTS-Dian-B", "MDARTS-Dian-C", "MDARTS-Dian-D"]
    assert all(r.published is None for r in rows)
    assert all(r.computed is None and r.note.startswith("paper: ") for r in rows[:4])
    assert all(r.computed > 0 for r in rows[4:])
