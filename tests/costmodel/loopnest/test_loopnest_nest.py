"""The closed-form fills of nest.analyze equal an explicit walk of the temporal iterations as Timeloop v1.0
visits them (gExtrapolateUniformTemporal: per loop, iteration #0 and iteration #1 standing for the other
F - 1; the AAHR delta rule: a new tile box keeps an overlap with the previous one only when it moved
forward along a single axis), on random legal mappings of shapes not in the reference -- CNN layers and the
other packaged problem shapes (GEMM, batched GEMM, Conv1D, Conv1D+OC, depthwise)."""
import itertools

import numpy as np
from hypothesis import given, settings, strategies as st

from costmodel.arch.registry import load_arch
from costmodel.loopnest.bind import bind
from costmodel.loopnest.mapspace import enumerate_mappings
from costmodel.loopnest.nest import analyze
from costmodel.loopnest.problem import Problem


def walk_fills(problem, loops, f, i, ds):
    axes = problem.dataspaces()[ds]
    ext = {d: 1 for d in problem.dims}
    for (lvl, d, _), n in zip(loops, f):
        if lvl >= i:
            ext[d] *= n
    extents = [sum((ext[d] - 1) * c for d, c in ax) + 1 for ax in axes]
    size = int(np.prod(extents))
    above = [(j, d, n, sp) for j, ((lvl, d, sp), n) in enumerate(zip(loops, f)) if lvl < i]
    stride, run = {}, dict(ext)
    for j, d, n, sp in above:                      # inner -> outer
        stride[j] = run[d]
        run[d] *= n
    temporal = [(j, d, n) for j, d, n, sp in above if sp is None]
    total, prev = 0, None
    for idx in itertools.product(*[range(min(n, 2)) for _, _, n in reversed(temporal)]):   # outermost slowest
        weight = int(np.prod([n - 1 if k else 1 for (_, _, n), k in zip(reversed(temporal), idx)]))
        off = {d: 0 for d in problem.dims}
        for (j, d, _), k in zip(reversed(temporal), idx):
            off[d] += k * stride[j]
        low = [sum(off[d] * c for d, c in ax) for ax in axes]
        if prev is None:
            total += size * weight
        else:
            moved = [a for a in range(len(axes)) if low[a] != prev[a]]
            if len(moved) == 1 and low[moved[0]] > prev[moved[0]]:
                a = moved[0]
                keep = max(0, extents[a] - (low[a] - prev[a])) * size // extents[a]
                total += (size - keep) * weight
            elif moved:
                total += size * weight
        prev = low
    return total


@settings(max_examples=30, deadline=None)
@given(arch=st.sampled_from(["eyeriss", "diannao"]), c=st.sampled_from([2, 3, 4, 6]), k=st.sampled_from([2, 4, 6]),
       r=st.sampled_from([1, 3]), p=st.sampled_from([2, 3, 4, 6]), stride=st.sampled_from([1, 2]),
       dil=st.sampled_from([1, 2]), g=st.sampled_from([1, 2]), pick=st.integers(0, 10 ** 6))
def test_closed_form_fills_equal_an_explicit_walk(arch, c, k, r, p, stride, dil, g, pick):
    problem = Problem(N=1, C=c, K=k, G=g, R=r, S=r, P=p, Q=p, Wstride=stride, Hstride=stride, Wdilation=dil,
                      Hdilation=dil)
    _check_walk(problem, load_arch(arch), pick)


SHAPED = {"gemm": st.fixed_dictionaries({"M": st.sampled_from([2, 3, 4, 6]), "N": st.sampled_from([2, 4, 5]),
                                         "K": st.sampled_from([2, 3, 4, 8])}),
          "batched-gemm": st.fixed_dictionaries({"H": st.sampled_from([2, 3]), "M": st.sampled_from([2, 4]),
                                                 "N": st.sampled_from([2, 3, 4]), "K": st.sampled_from([2, 4, 6])}),
          "conv1d": st.fixed_dictionaries({"R": st.sampled_from([1, 2, 3, 5]), "P": st.sampled_from([2, 6, 8, 12])}),
          "conv1d-oc": st.fixed_dictionaries({"K": st.sampled_from([2, 4, 6]), "R": st.sampled_from([1, 3]),
                                              "P": st.sampled_from([2, 4, 6, 9])}),
          "depthwise": st.fixed_dictionaries({"N": st.just(1), "C": st.sampled_from([2, 4, 6]), "R": st.sampled_from([1, 3]),
                                              "S": st.sampled_from([1, 3]), "P": st.sampled_from([2, 4, 6]),
                                              "Q": st.sampled_from([2, 3])})}


@settings(max_examples=60, deadline=None)
@given(arch=st.sampled_from(["eyeriss", "diannao"]), shaped=st.sampled_from(sorted(SHAPED)).flatmap(
    lambda name: st.tuples(st.just(name), SHAPED[name])), stride=st.sampled_from([1, 2, 3]), dil=st.sampled_from([1, 2]),
       pick=st.integers(0, 10 ** 6))
def test_closed_form_fills_equal_an_explicit_walk_on_other_shapes(arch, shaped, stride, dil, pick):
    name, bounds = shaped
    params = {"Wstride": stride, "Hdilation": dil} if name == "depthwise" else {}
    _check_walk(Problem(name, bounds, params), load_arch(arch), pick)


def _check_walk(problem, spec, pick):
    slots, F, *_ = enumerate_mappings(problem, spec)
    if F.shape[1] == 0:
        return
    col = F[:, pick % F.shape[1]]
    loops = [(s.level, s.dim, s.axis) for s in slots]
    stats = analyze(problem, bind(spec, problem.shape), loops, col[:, None], detail=True)["stats"]
    for i, lv in enumerate(bind(spec, problem.shape).levels):
        for ds in lv.keep:
            if i == 0:
                continue
            assert stats[(lv.name, ds)]["fills"][0] == walk_fills(problem, loops, col, i, ds), (lv.name, ds)
