"""Issue 20's development runs on their own mappings: total cycles exact, energy within 1e-4 of the reference
(its fJ/Compute total: 6 significant digits), every per-level read / fill / update count equal."""
from pathlib import Path

import pytest

from costmodel.loopnest.model import evaluate
from costmodel.timeloop import v4
from costmodel.timeloop.stats import read_stats

from v4devruns import MAPPER_RUNS, RUNS, native, out


def check(run, name):
    ref = read_stats(out(name, "stats.txt"))
    cost, stats = evaluate(run.problem, run.spec, run.mapping, detail=True)
    assert cost.cycles == ref.cycles and cost.macs == ref.macs
    assert cost.energy_pj == pytest.approx(ref.energy_pj, rel=1e-4)
    compared = 0
    for lv in ref.levels[1:]:
        for ds, v in lv.dataspaces.items():
            got = stats[(lv.name, ds)]
            assert (got["reads"], got["fills"], got["updates"]) == (
                v["Scalar reads (per-instance)"], v["Scalar fills (per-instance)"],
                v["Scalar updates (per-instance)"]), (lv.name, ds)
            assert got["energy_pj"] == pytest.approx(v["Energy (total)"], abs=0.006, rel=1e-5), (lv.name, ds)
            compared += 1
    assert compared >= 3
    return cost


@pytest.mark.parametrize("name", sorted(RUNS))
def test_native_input_on_its_mapping(name):
    run = v4.load(native(name), None, out(name, "ERT.yaml"))
    assert run.spec.semantics == "timeloop-v3"
    check(run, name)


@pytest.mark.parametrize("name", sorted(n for n, r in RUNS.items() if r[2]))
def test_v4_files_on_the_same_mapping(name):
    """The timeloopfe v4 files (Jinja2 parse data for timeloop+accelergy) give the same spec as timeloopfe did."""
    _, _, files, variables = RUNS[name]
    extra = [out(name, "map.yaml")] if name in MAPPER_RUNS else []
    run = v4.load(files + extra, variables, out(name, "ERT.yaml"))
    check(run, name)


def test_v1_switch_gives_the_v1_counts():
    """The same run read as v1.0 semantics counts v1.0's first output fills and halo: the switch is the spec's."""
    from dataclasses import replace
    run = v4.load(native("06"), None, out("06", "ERT.yaml"))
    _, v3 = evaluate(run.problem, run.spec, run.mapping, detail=True)
    _, v1 = evaluate(run.problem, replace(run.spec, semantics="timeloop-v1.0"), run.mapping, detail=True)
    assert v3[("shared_glb", "Inputs")]["fills"] == 573440 and v1[("shared_glb", "Inputs")]["fills"] == 475136
    assert v1[("psum_spad", "Outputs")]["fills"] - v3[("psum_spad", "Outputs")]["fills"] == \
        v3[("psum_spad", "Outputs")]["partition"]


@pytest.mark.slow
@pytest.mark.parametrize("name", MAPPER_RUNS)
def test_mapper_not_worse_than_the_reference_mapper(name):
    """Our mapper under the run's constraints and optimization_metrics ([delay, energy]: delay first, energy
    breaks a tie within 0.1 %) is not worse than the reference timeloop-mapper's result."""
    from costmodel.loopnest.mapper import search
    run = v4.load(native(name)[:1], None, out(name, "ERT.yaml"))
    assert run.mapping is None and run.objective == "delay,energy"
    ref = read_stats(out(name, "stats.txt"))
    res = search(run.problem, run.spec, run.objective)
    assert res.cycles <= ref.cycles * 1.001
    if res.cycles >= ref.cycles * 0.999:
        assert res.energy_pj <= ref.energy_pj * 1.001


def test_stats_reader_takes_fj_per_compute():
    """v3+ stats have no 'Total topology energy'; the rounded 'Energy: 0.00 uJ' of run 00 must not read as 0."""
    s = read_stats(out("00", "stats.txt"))
    assert "Energy: 0.00 uJ" in Path(out("00", "stats.txt")).read_text()
    assert s.energy_pj == pytest.approx(2406.54 * 48 / 1000) and s.energy_pj > 115
    assert set(s.level_energy_pj) == {"MACC", "Buffer"}
    assert sum(s.level_energy_pj.values()) == pytest.approx(s.energy_pj, rel=1e-5)
    six = read_stats(out("06", "stats.txt"))
    assert six.level_energy_pj["shared_glb"] == pytest.approx(89.47 * six.macs / 1000)
