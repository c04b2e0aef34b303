"""costmodel.loopnest.bounds.lowest: the k lowest values' indices, found through a sampled threshold, are
the k lowest (as a multiset of values: ties may pick any of the equal ones), for any array and k."""
import numpy as np
from hypothesis import given, settings, strategies as st

from costmodel.loopnest.bounds import lowest


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 20000), k=st.integers(1, 300), levels=st.integers(1, 50), seed=st.integers(0, 2**32 - 1))
def test_lowest_are_the_k_smallest(n, k, levels, seed):
    k = min(k, n)
    rng = np.random.default_rng(seed)
    values = rng.integers(0, levels, size=n).astype(np.float64) * rng.choice([1.0, 1e6])   # many ties
    got = lowest(values, k)
    assert got.size == k and np.unique(got).size == k
    assert np.array_equal(np.sort(values[got]), np.sort(values)[:k])


def test_lowest_on_a_sorted_and_a_reversed_array():
    v = np.arange(100000, dtype=np.float64)
    assert set(lowest(v, 128).tolist()) == set(range(128))
    assert set(lowest(v[::-1].copy(), 128).tolist()) == set(range(100000 - 128, 100000))
