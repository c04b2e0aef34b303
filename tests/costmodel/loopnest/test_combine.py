"""costmodel.loopnest.combine: limits split the dims into components; combining each component apart gives,
over the grid of the components' tuples sorted by mapping ID, the same legal rows in the same order as
combining every dim one after the other (the algorithm before the split)."""
import numpy as np
from hypothesis import given, settings, strategies as st

from costmodel.arch import load_arch
from costmodel.loopnest import mapspace
from costmodel.loopnest.combine import Legal, _combine, components
from costmodel.loopnest.problem import Problem


def _limits(arch, problem):
    spec = mapspace.bind(load_arch(arch), problem.shape)
    cache = mapspace._spec_cache(spec)
    slots = mapspace.build_slots(problem, spec, cache)
    choices = mapspace.dim_choices(problem, slots, cache)
    tables = {d: mapspace._dim_tables(cache, spec, slots, d, *choices[d]) for d in problem.shape.order}
    constraints, _ = mapspace._constraints(problem, spec, tables)
    return constraints, {d: len(c[1]) for d, c in choices.items()}


def test_diannao_buffers_split_the_dims_in_two():
    """DianNao's buffers each hold one data space: {K, P, Q} (outputs) and {C, R, S} (inputs, weights)."""
    problem = Problem(N=1, C=72, K=72, R=3, S=3, P=18, Q=18)
    constraints, m = _limits("diannao", problem)
    dims = [d for d in mapspace.id_order(problem) if m[d] > 1]
    assert components(dims, constraints) == [["K", "Q", "P"], ["C", "S", "R"]]
    constraints, m = _limits("eyeriss", problem)
    assert len(components([d for d in mapspace.id_order(problem) if m[d] > 1], constraints)) == 1


@settings(max_examples=25, deadline=None)
@given(arch=st.sampled_from(["eyeriss", "diannao"]), c=st.sampled_from([3, 16, 36, 72]),
       k=st.sampled_from([1, 8, 36, 72]), r=st.sampled_from([1, 3, 5]), p=st.sampled_from([4, 9, 16, 18]),
       stride=st.sampled_from([1, 2]))
def test_interleaved_components_equal_one_combination(arch, c, k, r, p, stride):
    problem = Problem(N=1, C=c, K=k, R=r, S=r, P=p, Q=p, Wstride=stride, Hstride=stride)
    constraints, m = _limits(arch, problem)
    order = mapspace.id_order(problem)
    dims = [d for d in order if m[d] > 1]
    legal = Legal(constraints, order, m)
    whole = _combine(constraints, dims, m)                 # every dim in one sequence
    n = whole[dims[-1]].size if dims else 1
    radix, ids = 1, np.zeros(n, dtype=np.int64)
    for d in reversed(dims):
        ids += whole[d] * radix
        radix *= m[d]
    order = legal.in_id_order()
    assert legal.size == n and np.array_equal(legal.ids(order), ids)
    for d in dims:
        assert np.array_equal(legal.choice(d, legal.parts(order)), whole[d])
    temporal = {d: np.arange(1, m[d] + 1) for d in dims}
    want = np.ones(n, dtype=np.int64)
    for d in dims:
        want = want * temporal[d][whole[d]]
    got = np.broadcast_to(legal.grid(temporal), legal.shape).ravel()[order]
    assert np.array_equal(got, want)
