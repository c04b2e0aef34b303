"""Issue 19 item 2 / issue 22 item 3: real Timeloop v1.0 (tag v1.0, 9f9b713, built-in pat) on problem shapes
other than the CNN layer -- GEMM, batched GEMM (DianNao, constraints renamed to the GEMM dims; data spaces
A, B, Z), Conv1D and Conv1D+OC (a two-level arch, exhaustive search) -- and on asymmetric kernels and strides
as cnn-layer problems (stock eyeriss-256 and DianNao). The model on Timeloop's own mapping equals its
stats.txt term by term; the embedded mapper's optimum is never worse (equal where Timeloop searched
exhaustively). Inputs, stats and maps: tests/data/timeloop/v1.0-shapes, v1.0-asym (the lead's hand-written
configs; the `*_emitted` folders hold the legacy files costmodel.timeloop.emit writes for eyeriss)."""
from pathlib import Path

import pytest
import yaml

from costmodel.arch import load_arch
from costmodel.loopnest.mapper import search
from costmodel.loopnest.model import evaluate
from costmodel.loopnest.problem import Problem
from costmodel.timeloop.emit import problem_files
from costmodel.timeloop.problem import layer_from_instance
from costmodel.timeloop.stats import read_map, read_stats

DATA = Path(__file__).resolve().parents[2] / "data" / "timeloop"
RUNS = sorted(list((DATA / "v1.0-shapes").glob("*/")) + list((DATA / "v1.0-asym").glob("*/*/")))
STAT_KEYS = {"size": "Utilized capacity", "instances": "Utilized instances (max)",
             "fills": "Scalar fills (per-instance)", "reads": "Scalar reads (per-instance)",
             "updates": "Scalar updates (per-instance)"}
EXHAUSTIVE = {"conv1d_2level", "conv1d_oc_2level"}       # linear-pruned with timeout 0, victory 0


def problem_of(run: Path) -> Problem:
    """The run's problem.yaml: a shape inline, or Timeloop's built-in cnn-layer instance."""
    return Problem.from_file(run / "problem.yaml")


def spec_of(run: Path):
    """The arch of a run: its own config, or (an emitted folder) the eyeriss spec it was written from."""
    if (run / "constraints.yaml").exists():
        return load_arch("eyeriss")
    return load_arch(str(run / "arch.yaml"))


def test_the_emitted_folders_are_what_we_write_today():
    emitted = [r for r in RUNS if r.name.endswith("_emitted")]
    assert len(emitted) == 3
    for run in emitted:
        mapper = yaml.safe_load((run / "mapper.yaml").read_text())["mapper"]
        files = problem_files(problem_of(run), load_arch("eyeriss"), {"timeout": mapper["timeout"]})
        for name, text in files.items():
            assert (run / name).read_text() == text, (run.name, name)


def test_every_run_is_here():
    assert {r.name for r in RUNS} >= {"gemm_diannao", "bgemm_diannao", "conv1d_2level", "conv1d_oc_2level",
                                      "conv1d_k2s2_C8", "conv1x7_s1x2_C16", "conv7x1_s2x1_C16"}
    assert len(RUNS) == 13


@pytest.mark.parametrize("run", RUNS, ids=lambda r: f"{r.parent.name}-{r.name}")
def test_model_equals_timeloop_term_by_term(run):
    spec = spec_of(run)
    problem = problem_of(run)
    stats = read_stats(run / "timeloop-mapper.stats.txt")
    cost, ours = evaluate(problem, spec, read_map(run / "timeloop-mapper.map.txt"), detail=True)
    assert cost.macs == problem.macs
    assert (cost.compute_cycles, cost.cycles) == (stats.compute_cycles, stats.cycles)
    assert cost.energy_pj == pytest.approx(stats.energy_pj, rel=1e-6)
    n = 0
    for (level, ds), st in ((k, v) for k, v in ours.items() if k != "level_cycles"):
        tl = stats.level(level).dataspaces[ds]
        for k, label in STAT_KEYS.items():
            assert st[k] == tl[label], (level, ds, k)
        assert st["energy_pj"] == pytest.approx(tl["Energy (total)"], rel=1e-6, abs=0.01), (level, ds)
        n += 1
    assert n >= len(problem.shape.dataspaces)


@pytest.mark.parametrize("run", RUNS, ids=lambda r: f"{r.parent.name}-{r.name}")
def test_the_mapper_is_never_worse_than_timeloop(run):
    spec = spec_of(run)
    stats = read_stats(run / "timeloop-mapper.stats.txt")
    res = search(problem_of(run), spec)
    ours, theirs = res.energy_pj * res.cycles, stats.energy_pj * stats.cycles
    assert ours <= theirs * (1 + 1e-6)
    if run.name in EXHAUSTIVE:
        assert ours == pytest.approx(theirs, rel=1e-6)


def test_asymmetric_layers_are_the_torch_convention():
    """conv1x7 at stride (1, 2): Timeloop's instance pairs R = 7 with P and Wstride = 2 (the width), as our
    lowering of torch's Conv2d(k=(1, 7), stride=(1, 2)) does."""
    from costmodel.workload import conv
    inst = yaml.safe_load((DATA / "v1.0-asym" / "eyeriss" / "conv1x7_s1x2_C16" / "problem.yaml").read_text())["problem"]
    layer = layer_from_instance(inst)
    ours = conv("c", layer.N, layer.C, layer.K, layer.H, layer.W, (layer.S, layer.R), (layer.Hstride, layer.Wstride))
    assert (ours.R, ours.S, ours.P, ours.Q) == (inst["R"], inst["S"], inst["P"], inst["Q"])
    assert (inst["R"], inst["Wstride"]) == (7, 2)
    for run in (DATA / "v1.0-asym").glob("*/*/"):                  # both readers of a cnn-layer instance agree
        inst = yaml.safe_load((run / "problem.yaml").read_text())["problem"]
        assert Problem.from_layer(layer_from_instance(inst)) == problem_of(run)
