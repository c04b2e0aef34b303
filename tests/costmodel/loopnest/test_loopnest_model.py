"""The loop-nest model on FIXED mappings: evaluating Timeloop's own mapping gives Timeloop's numbers.

Checked on all 52 index problems (term by term on two full stats files), every row of the
paper-encoding dataset with a mapping, and the exact-mode (G, dilation) reference.
"""
import pytest

from costmodel.arch.registry import load_arch
from costmodel.errors import CostModelError
from costmodel.loopnest.model import evaluate
from costmodel.loopnest.problem import Problem
from costmodel.timeloop.stats import read_stats

from refdata import REF, exact_rows, index_rows, problem_of


@pytest.mark.parametrize("row", index_rows(), ids=lambda r: f"{r['arch']}-{r['problem_id']}")
def test_timeloops_own_mapping_gives_its_cycles_and_energy(row):
    cost = evaluate(problem_of(row), load_arch(row["arch"]), row["mapping"])
    assert cost.compute_cycles == int(row["compute_cycles"])
    assert cost.cycles == int(row["total_cycles"])
    assert cost.energy_pj == pytest.approx(float(row["energy_pJ"]), rel=1e-7)


def test_exact_mode_rows_with_groups_and_dilation():
    rows = exact_rows()
    assert any(int(r["G"]) > 1 for r in rows) and any(int(r["Wdilation"]) > 1 for r in rows)
    for row in rows:
        cost = evaluate(problem_of(row), load_arch(row["arch"]), row["mapping"])
        assert (cost.compute_cycles, cost.cycles) == (int(row["cycles"]), int(row["cycles_bw"])), row["problem_folder"]
        assert cost.energy_pj == pytest.approx(float(row["energy_pJ"]), rel=1e-7)


STAT_KEYS = {"size": "Utilized capacity", "instances": "Utilized instances (max)",
             "fills": "Scalar fills (per-instance)", "reads": "Scalar reads (per-instance)",
             "updates": "Scalar updates (per-instance)"}


@pytest.mark.parametrize("arch, pid", [("eyeriss", "t1_dw3"), ("eyeriss", "p26_vgg3x3_C512K512_P2"),
                                        ("diannao", "p15_dw3_C36"), ("diannao", "p06_fr1x1_s2_C32K16")])
def test_term_by_term_against_stats_txt(arch, pid):
    row = next(r for r in index_rows() if r["arch"] == arch and r["problem_id"] == pid)
    stats = read_stats(REF / "timeloop-v1.0" / row["folder"] / "timeloop-mapper.stats.txt")
    _, ours = evaluate(problem_of(row), load_arch(arch), row["mapping"], detail=True)
    for key, st in ours.items():
        if key == "level_cycles":
            continue
        level, ds = key
        tl = stats.level(level).dataspaces[ds]
        for k, label in STAT_KEYS.items():
            assert st[k] == tl[label], (level, ds, k)
        assert st["energy_pj"] == pytest.approx(tl["Energy (total)"], rel=1e-6, abs=0.01)
    for level, cycles in ours["level_cycles"].items():
        assert cycles == stats.level(level).cycles, level


def test_illegal_mappings_are_rejected():
    spec = load_arch("eyeriss")
    p = Problem(N=1, C=16, K=16, R=3, S=3, P=32, Q=32)
    row = next(r for r in index_rows() if r["arch"] == "eyeriss" and r["problem_id"] == "t1_dw3")
    with pytest.raises(CostModelError, match="multiply"):
        evaluate(Problem(N=1, C=16, K=32, R=3, S=3, P=32, Q=32), spec, row["mapping"])
    bad_fanout = row["mapping"].replace("for Q in [0:16) (Spatial-X)", "for Q in [0:32) (Spatial-X)").replace(
        "| for Q in [0:2) |", "|")
    with pytest.raises(CostModelError, match="fan-out"):
        evaluate(p, spec, bad_fanout)
    with pytest.raises(CostModelError, match="level"):
        evaluate(p, load_arch("diannao"), row["mapping"])
