"""The mapper finds the optimum of the constrained mapspace: it equals Timeloop's exhaustive search
(reference exhaustive_check), its bound-pruning never drops the optimum, and it is never worse than
the stock Timeloop answer."""
import csv
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from costmodel.arch.registry import load_arch
from costmodel.loopnest.mapper import search
from costmodel.loopnest.mapspace import enumerate_mappings
from costmodel.loopnest.model import evaluate
from costmodel.loopnest.nest import analyze
from costmodel.loopnest.problem import Problem

from refdata import REF, index_rows, problem_of


def _exhaustive():
    idx = {(r["arch"], r["problem_id"]): r for r in index_rows()}
    with open(REF / "timeloop-v1.0" / "exhaustive_check" / "exhaustive_vs_stock.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            yield problem_of(idx[(r["arch"], r["problem_id"])]), r["arch"], r
    with open(REF / "timeloop-v1.0-exact" / "exhaustive_check_diannao.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            g, c, k, rs, p, s, d = map(int, re.match(r"diannao_G(\d+)_C(\d+)_K(\d+)_R(\d+)_P(\d+)_s(\d+)_d(\d+)",
                                                      r["problem"]).groups())
            yield Problem(N=1, C=c, K=k, G=g, R=rs, S=rs, P=p, Q=p, Wstride=s, Hstride=s, Wdilation=d,
                          Hdilation=d), "diannao", r


def test_equals_timeloops_exhaustive_search():
    n = 0
    for problem, arch, r in _exhaustive():
        res = search(problem, load_arch(arch))
        assert (res.compute_cycles, res.cycles) == (int(r["exh_compute_cycles"]), int(r["exh_total_cycles"])), r
        assert res.energy_pj == pytest.approx(float(r["exh_energy_pJ"]), rel=1e-7)
        n += 1
    assert n == 45


def test_never_worse_than_stock_timeloop_and_its_mapping_is_consistent():
    for row in index_rows():
        spec = load_arch(row["arch"])
        res = search(problem_of(row), spec)
        ours = res.energy_pj * res.cycles
        assert ours <= float(row["energy_pJ"]) * int(row["total_cycles"]) * (1 + 1e-6), row["problem_id"]
        again = evaluate(problem_of(row), spec, res.mapping)          # the reported mapping gives the numbers
        assert (again.cycles, again.compute_cycles) == (res.cycles, res.compute_cycles)
        assert again.energy_pj == pytest.approx(res.energy_pj, rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(arch=st.sampled_from(["eyeriss", "diannao"]), c=st.sampled_from([1, 3, 4, 6, 8, 12, 16, 24]),
       k=st.sampled_from([1, 2, 8, 10, 16, 20, 32]), r=st.sampled_from([1, 3, 5]), p=st.sampled_from([2, 6, 7, 8, 12]),
       stride=st.sampled_from([1, 2]), g=st.sampled_from([1, 1, 4]))
def test_bound_pruning_keeps_the_optimum_on_unseen_shapes(arch, c, k, r, p, stride, g):
    spec = load_arch(arch)
    problem = Problem(N=1, C=c, K=k, G=g, R=r, S=r, P=p, Q=p, Wstride=stride, Hstride=stride)
    slots, F, ids, _, size, _ = enumerate_mappings(problem, spec)
    res = search(problem, spec)
    if F.shape[1] == 0:
        assert res.mapping is None
        return
    full = analyze(problem, spec, [(s.level, s.dim, s.axis) for s in slots], F)
    edp = np.where(full["valid"], full["energy_pj"] * full["cycles"], np.inf)
    assert res.energy_pj * res.cycles == pytest.approx(edp.min(), rel=1e-9)


@pytest.mark.parametrize("arch, shape", [("eyeriss", (24, 24, 3, 8)), ("eyeriss", (32, 64, 1, 8)),
                                         ("diannao", (24, 24, 3, 8))])
@pytest.mark.parametrize("objective", ["edp", "energy", "delay"])
def test_bounded_search_equals_evaluating_every_mapping(arch, shape, objective):
    """Mapspaces large enough for the incumbent probes and both bounds: the same mapping (Timeloop's
    first-of-equals rule over mapping IDs) as evaluating every legal mapping, for each objective."""
    from costmodel.loopnest.mapper import SMALL, _tiles, select_threads, to_mapping
    spec = load_arch(arch)
    c, k, r, p = shape
    problem = Problem(N=1, C=c, K=k, R=r, S=r, P=p, Q=p)
    slots, F, ids, _, size, _ = enumerate_mappings(problem, spec)
    assert ids.size > SMALL
    full = analyze(problem, spec, [(s.level, s.dim, s.axis) for s in slots], F)
    cost = {"edp": full["energy_pj"] * full["cycles"], "energy": full["energy_pj"],
            "delay": full["cycles"].astype(float)}[objective]
    ok = np.flatnonzero(full["valid"])
    b = ok[select_threads(cost[ok], ids[ok], size, spec.mapper["tie_tolerance"], spec.mapper["threads"])]
    res = search(problem, spec, objective)
    assert res.evaluated < ids.size
    assert (res.cycles, res.compute_cycles) == (full["cycles"][b], full["compute_cycles"][b])
    assert res.energy_pj == full["energy_pj"][b]
    assert res.mapping == to_mapping(spec, slots, F[:, b], _tiles(problem, spec, slots, F[:, b]))
    again = evaluate(problem, spec, res.mapping)
    assert (again.cycles, again.energy_pj) == (res.cycles, pytest.approx(res.energy_pj, rel=1e-12))
