"""The constrained mapspace is Timeloop's: same index-factorization counts as the reference runs."""
from hypothesis import given, strategies as st

from costmodel.arch import load_arch
from costmodel.loopnest.mapspace import factorizations, mapspace_size

from refdata import exact_rows, index_rows, problem_of


def test_index_factorization_counts_match_timeloop():
    rows = index_rows() + [r for r in exact_rows() if r["mapspace_size"]]
    assert len(rows) > 100
    for row in rows:
        ref = int(row["mapspace_size"].split(";")[0].split("=")[1])
        assert mapspace_size(problem_of(row), load_arch(row["arch"])) == ref, row.get("problem_id") or row["problem_folder"]


@given(st.integers(1, 300), st.integers(1, 4))
def test_factorizations_are_all_ordered_products(n, parts):
    fs = factorizations(n, parts)
    assert len(set(fs)) == len(fs)
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
