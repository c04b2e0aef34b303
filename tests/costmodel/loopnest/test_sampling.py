"""Mapspaces too large to enumerate (an arch read without its constraints file) are searched within
bounds: Timeloop's random search with its timeout / victory-condition / search-size stops, seeded;
small mapspaces keep the exact mapper."""
import os
import resource
import subprocess
from dataclasses import replace

import pytest

from costmodel.arch import load_arch
from costmodel.loopnest import sampling, strategy
from costmodel.loopnest.mapper import search
from costmodel.loopnest.model import evaluate
from costmodel.loopnest.problem import Problem

CONV = Problem(N=1, C=16, K=16, R=3, S=3, P=32, Q=32)


@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    """The split-file legacy folder `costmodel specs` writes (arch.yaml without its constraints.yaml)."""
    out = tmp_path_factory.mktemp("specs")
    r = subprocess.run(["costmodel", "specs", "--arch", "eyeriss", "--op", "conv", "--kernel", "3", "--hw", "32",
                        "--c-in", "16", "--format", "legacy", "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out / "00_conv" / "legacy"


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_an_unconstrained_query_finishes_under_1gb_and_says_which_search_ran(legacy, tmp_path):
    """Before: 'Unable to allocate 61.9 GiB' (a failed row, exit 1). Under a 1 GiB address-space limit."""
    r = subprocess.run(["costmodel", "query", "--arch", str(legacy / "arch.yaml"), "--op", "conv", "--kernel", "3",
                        "--hw", "32", "--c-in", "16", "--db", str(tmp_path / "lut.db")], capture_output=True,
                       text=True, preexec_fn=_limit_memory, timeout=300, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "note: sampled search" in r.stdout and "victory-condition" in r.stdout
    assert "cycles (total, bandwidth-throttled)" in r.stdout


def test_the_sampled_result_is_reproducible_and_its_mapping_re_evaluates_to_it(legacy):
    spec = load_arch(str(legacy / "arch.yaml"))
    a, b = search(CONV, spec), search(CONV, spec)
    assert a.strategy == "sampled" and a.mapping is not None
    assert (a.cycles, a.energy_pj, a.mapping) == (b.cycles, b.energy_pj, b.mapping)
    cost = evaluate(CONV, spec, a.mapping)
    assert (cost.cycles, cost.compute_cycles, cost.energy_pj) == (a.cycles, a.compute_cycles, a.energy_pj)
    # the unconstrained space holds the constrained one: sampling + local search beats its optimum here
    exact = search(CONV, load_arch("eyeriss"))
    assert exact.strategy == "exact"
    assert a.energy_pj * a.cycles < exact.energy_pj * exact.cycles


def _with(spec, **timeloop):
    return replace(spec, mapper={**spec.mapper, "timeloop": {**spec.mapper.get("timeloop", {}), **timeloop}})


def test_the_config_s_mapper_settings_decide_when_it_stops(legacy):
    spec = load_arch(str(legacy / "arch.yaml"))
    p = strategy.plan(CONV, spec)
    assert p.settings == {"timeout": 1000, "victory-condition": 500, "search-size": 0, "threads": 1}  # v1.0's
    better = lambda a, b: a["energy_pj"] * a["cycles"] < b["energy_pj"] * b["cycles"] * (1 - 1e-3)
    short = sampling.run(CONV, spec, strategy.plan(CONV, _with(spec, **{"victory-condition": 20})), better)
    assert short.stops == ("victory-condition",)
    full = sampling.run(CONV, spec, p, better)
    assert short.valid < full.valid
    sized = sampling.run(CONV, spec, strategy.plan(CONV, _with(spec, **{"search-size": 90, "num-threads": 3,
                                                                          "victory-condition": 0})), better)
    assert sized.stops == ("search-size",) * 3 and sized.valid == 90          # split between the threads
    timed = sampling.run(CONV, spec, strategy.plan(CONV, _with(spec, timeout=1, **{"victory-condition": 0})), better)
    assert set(timed.stops) == {"timeout"}


def test_a_mapspace_where_nothing_fits_stops_at_the_timeout(legacy):
    spec = load_arch(str(legacy / "arch.yaml"))
    tiny = replace(spec, levels=tuple(replace(lv, entries=1) if lv.entries else lv for lv in spec.levels))
    r = search(CONV, _with(tiny, timeout=300))
    assert r.mapping is None and r.strategy == "sampled"
    assert "no valid mapping found" in r.message and "timeout (300 invalid in a row)" in r.message


def test_constrained_configs_stay_exact():
    for arch in ("eyeriss", "diannao"):
        assert strategy.plan(CONV, load_arch(arch)).strategy == "exact"


def test_the_local_search_only_improves_the_sampled_best(legacy, monkeypatch):
    spec = load_arch(str(legacy / "arch.yaml"))
    edp = lambda r: r["energy_pj"] * r["cycles"]
    better = lambda a, b: edp(a) < edp(b) * (1 - 1e-3)
    climbed = sampling.run(CONV, spec, strategy.plan(CONV, spec), better)
    monkeypatch.setattr(sampling, "CLIMB_ROUNDS", 0)
    sampled = sampling.run(CONV, spec, strategy.plan(CONV, spec), better)
    assert sampled.moves == 0 and climbed.moves > 0
    assert edp(climbed.best[3]) < edp(sampled.best[3])


def test_a_mid_sized_mapspace_is_searched_exactly_in_parts(monkeypatch):
    """Between EXACT_MAX and CHUNKED_MAX: the space cut into parts of <= PART_MAX (one dim's factorization
    pinned per part), each searched exactly; the same optimum as the whole search (here with small limits)."""
    from costmodel.loopnest import mapspace
    from costmodel.loopnest.mapper import _exact
    spec = load_arch("eyeriss")
    whole = _exact(CONV, spec, ("edp",), spec.mapper["tie_tolerance"])
    monkeypatch.setattr(strategy, "EXACT_MAX", 1000)
    monkeypatch.setattr(strategy, "PART_MAX", 1000)
    p = strategy.plan(replace(CONV, K=16), replace(spec, name="eyeriss-small-limits"))
    assert p.strategy == "chunked" and p.size == 6300
    parts = list(strategy.chunks(CONV, spec))
    assert len(parts) > 1 and all(mapspace.mapspace_size(CONV, s) <= 1000 for s in parts)
    assert sum(mapspace.mapspace_size(CONV, s) for s in parts) == 6300          # a partition of the space
    r = search(CONV, replace(spec, name="eyeriss-small-limits"))
    assert r.strategy == "chunked"
    assert (r.cycles, r.compute_cycles, r.energy_pj) == (whole.cycles, whole.compute_cycles, whole.energy_pj)
