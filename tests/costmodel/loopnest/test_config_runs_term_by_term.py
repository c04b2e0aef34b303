"""Issue 12, item 5: on every real-Timeloop run of the three stock v1.0 configs (the packaged reference and the
held-out runs of tests/data), the model on Timeloop's own mapping equals its stats.txt term by term: per
level and data space the utilized capacity, instances, fills, reads, updates and energy, and each level's
cycles (bandwidth throttling included)."""
import json
from pathlib import Path

import pytest

from costmodel.arch.registry import load_arch
from costmodel.loopnest.model import evaluate
from costmodel.loopnest.problem import Problem
from costmodel.resources import reference_dir
from costmodel.timeloop.stats import read_map, read_stats

STAT_KEYS = {"size": "Utilized capacity", "instances": "Utilized instances (max)",
             "fills": "Scalar fills (per-instance)", "reads": "Scalar reads (per-instance)",
             "updates": "Scalar updates (per-instance)"}
SETS = {"packaged": reference_dir() / "timeloop-v1.0-configs",
        "held-out": Path(__file__).resolve().parents[2] / "data" / "timeloop" / "v1.0-configs-heldout"}
RUNS = sorted((name, run) for name, root in SETS.items() for run in root.glob("runs/*/*")
              if (run / "timeloop-mapper.stats.txt").exists())


def test_every_run_is_here():
    assert len(RUNS) == 30 + 58


@pytest.mark.parametrize("name, run", RUNS, ids=lambda x: x if isinstance(x, str) else f"{x.parent.name}-{x.name}")
def test_model_equals_timeloop_term_by_term(name, run):
    meta = json.loads((run / "meta.json").read_text())
    spec = load_arch(str(SETS[name] / "configs" / meta["config"]))
    problem = Problem(**meta["problem"])
    stats = read_stats(run / "timeloop-mapper.stats.txt")
    cost, ours = evaluate(problem, spec, read_map(run / "timeloop-mapper.map.txt"), detail=True)
    assert (cost.compute_cycles, cost.cycles) == (stats.compute_cycles, stats.cycles)
    assert cost.energy_pj == pytest.approx(stats.energy_pj, rel=1e-6)
    for (level, ds), st in ((k, v) for k, v in ours.items() if k != "level_cycles"):
        tl = stats.level(level).dataspaces[ds]
        for k, label in STAT_KEYS.items():
            assert st[k] == tl[label], (level, ds, k)
        assert st["energy_pj"] == pytest.approx(tl["Energy (total)"], rel=1e-6, abs=0.01), (level, ds)
    for level, cycles in ours["level_cycles"].items():
        assert cycles == stats.level(level).cycles, level
