"""The constrained mapspace is Timeloop's: same index-factorization counts as the reference runs."""
import itertools
from dataclasses import replace

import numpy as np
from hypothesis import given, settings, strategies as st

from costmodel.arch.registry import load_arch
from costmodel.loopnest.mapspace import (ID_ORDER, build_slots, dim_choices, enumerate_mappings, factorizations,
                                         mapspace_size)
from costmodel.loopnest.nest import analyze
from costmodel.loopnest.problem import Problem

from refdata import exact_rows, index_rows, problem_of


def test_index_factorization_counts_match_timeloop():
    rows = index_rows() + [r for r in exact_rows() if r["mapspace_size"]]
    assert len(rows) > 100
    for row in rows:
        ref = int(row["mapspace_size"].split(";")[0].split("=")[1])
        assert mapspace_size(problem_of(row), load_arch(row["arch"])) == ref, row.get("problem_id") or row["problem_folder"]


@given(st.integers(1, 300), st.integers(1, 4))
def test_factorizations_are_all_ordered_products(n, parts):
    fs = [tuple(f) for f in factorizations(n, parts).tolist()]
    assert len(set(fs)) == len(fs) and fs == sorted(fs)     # distinct, in lexicographic order
    for f in fs:
        prod = 1
        for x in f:
            prod *= x
        assert prod == n and len(f) == parts
    # count = product over prime powers p^e of C(e + parts - 1, parts - 1)
    from math import comb
    m, count, p = n, 1, 2
    while m > 1:
        e = 0
        while m % p == 0:
            m //= p
            e += 1
        count *= comb(e + parts - 1, parts - 1)
        p += 1
    assert len(fs) == count


def _brute_force_ids(problem, spec):
    return _brute_force(problem, spec)[0]


def _brute_force(problem, spec):
    """Mapping IDs of every index factorization that passes the model's own checks (fan-out per level
    and axis, capacity from nest.analyze), by walking the whole product of per-dim choices; and their
    factors [n_slots, n_legal]."""
    slots = build_slots(problem, spec)
    ch = dim_choices(problem, slots)
    if ch is None:
        return np.zeros(0, dtype=np.int64), np.zeros((len(slots), 0), dtype=np.int64)
    picks = np.array(list(itertools.product(*[range(len(ch[d][1])) for d in ID_ORDER])), dtype=np.int64)
    picks = picks.reshape(-1, len(ID_ORDER))
    F = np.ones((len(slots), len(picks)), dtype=np.int64)
    for k, s in enumerate(slots):
        if s.fixed is not None:
            F[k] = s.fixed
    for a, d in enumerate(ID_ORDER):
        free, arr = ch[d]
        if free:
            F[free] = arr[picks[:, a]].T
    ok = analyze(problem, spec, [(s.level, s.dim, s.axis) for s in slots], F)["valid"]
    for i in range(len(spec.levels)):
        for axis, lim in zip("XY", spec.fanout(i)):
            used = np.prod([F[k] for k, s in enumerate(slots) if s.level == i and s.axis == axis] or [1], axis=0)
            ok &= used <= lim
    return np.flatnonzero(ok), F[:, ok]        # itertools.product walks the mixed-radix IDs in order


@settings(max_examples=20, deadline=None)
@given(arch=st.sampled_from(["eyeriss", "diannao"]), c=st.sampled_from([2, 3, 4, 6, 16]),
       k=st.sampled_from([1, 2, 4, 6, 32]), r=st.sampled_from([1, 3]), p=st.sampled_from([2, 3, 4]),
       stride=st.sampled_from([1, 2]), g=st.sampled_from([1, 2]))
def test_enumeration_equals_a_brute_force_walk(arch, c, k, r, p, stride, g):
    """The pruned, broadcast enumeration keeps exactly the legal mappings, in mapping-ID order."""
    spec = load_arch(arch)
    problem = Problem(N=1, C=c, K=k, G=g, R=r, S=r, P=p, Q=p, Wstride=stride, Hstride=stride)
    _, F, ids, _, size, _ = enumerate_mappings(problem, spec)
    assert size == mapspace_size(problem, spec)
    want_ids, want_F = _brute_force(problem, spec)
    assert np.array_equal(ids, want_ids)
    assert np.array_equal(F, want_F)          # each row's factors, not only its ID


def test_a_derived_spec_does_not_reuse_the_original_s_tables():
    """The per-spec cache is per spec object: a variant with a smaller buffer gets its own mapspace."""
    spec = load_arch("eyeriss")
    problem = Problem(N=1, C=16, K=16, R=3, S=3, P=8, Q=8)
    before = enumerate_mappings(problem, spec)[2]
    gb = spec.level("GlobalBuffer")
    small = replace(spec, levels=tuple(replace(lv, entries=600) if lv is gb else lv for lv in spec.levels))
    ids = enumerate_mappings(problem, small)[2]
    assert 0 < ids.size < before.size
    assert np.array_equal(ids, _brute_force_ids(problem, small))
    assert np.array_equal(enumerate_mappings(problem, spec)[2], before)
