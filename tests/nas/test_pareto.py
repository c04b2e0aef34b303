"""nas.pareto: dominance, Pareto ranks (PRP-NAS Eq. 1), hypervolume, rank correlations, DPP-Net selection."""
import itertools

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from costmodel.errors import CostModelError
from nas.pareto import (dominates, dpp_select, hypervolume, kendall_tau_b, pareto_front, pareto_rank_correlation,
                        pareto_ranks, plot_front, spearman)


def test_dominance_and_senses():
    assert dominates([1, 2], [2, 2]) and not dominates([1, 2], [1, 2]) and not dominates([1, 3], [2, 2])
    # (latency min, accuracy max)
    assert dominates([1.0, 0.9], [2.0, 0.8], senses=["min", "max"])


def test_pareto_ranks_peel_fronts():
    pts = [[1, 4], [2, 2], [4, 1], [2, 4], [3, 3], [5, 5]]
    assert pareto_ranks(pts).tolist() == [1, 1, 1, 2, 2, 3]
    assert pareto_front(pts).tolist() == [0, 1, 2]


def test_hypervolume_2d_exact():
    # staircase: (1,4),(2,2),(4,1) vs ref (5,5): 4*1 + 3*2 + 1*1 = 11
    assert hypervolume([[1, 4], [2, 2], [4, 1], [3, 3]], [5, 5]) == 11.0
    assert hypervolume([[6, 6]], [5, 5]) == 0.0
    assert hypervolume([[0.9, 1.0]], [0.0, 3.0], senses=["max", "min"]) == pytest.approx(0.9 * 2.0)


def brute_hv(points, ref):
    """Inclusion-exclusion over subsets (exact for small sets)."""
    total = 0.0
    for k in range(1, len(points) + 1):
        for sub in itertools.combinations(points, k):
            corner = np.max(sub, axis=0)
            total += (-1) ** (k + 1) * np.prod(np.clip(np.asarray(ref) - corner, 0, None))
    return total


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(*[st.integers(0, 9)] * 3), min_size=1, max_size=7))
def test_hypervolume_nd_matches_inclusion_exclusion(points):
    pts = np.array(points, dtype=float)
    assert hypervolume(pts, [10, 10, 10]) == pytest.approx(brute_hv(pts, [10, 10, 10]))


def test_tau_b_and_spearman_by_hand():
    # tau-b on x = 1,2,2,3 / y = 1,2,3,3: 4 concordant pairs, 0 discordant, one tie in x, one in y:
    # 4 / sqrt((6 - 1)(6 - 1)) = 0.8; Spearman on 1,2,3,4 / 1,3,2,4: 1 - 6 * 2 / (4 * 15) = 0.8
    assert kendall_tau_b([1, 2, 2, 3], [1, 2, 3, 3]) == pytest.approx(0.8)
    assert kendall_tau_b([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert spearman([10, 20, 20, 40], [1, 2, 2, 9]) == pytest.approx(1.0)      # average ranks of the ties
    assert np.isnan(kendall_tau_b([1, 1, 1], [1, 2, 3])) and np.isnan(spearman([1, 2, 3], [5, 5, 5]))
    with pytest.raises(CostModelError, match="NaN or infinite"):
        kendall_tau_b([1, np.nan, 2], [1, 2, 3])
    with pytest.raises(CostModelError, match="equal length"):
        spearman([1, 2], [1, 2, 3])


def test_pareto_rank_correlation():
    true = [[1, 4], [2, 2], [4, 1], [2, 4], [3, 3], [5, 5]]
    assert pareto_rank_correlation(true, true) == pytest.approx(1.0)
    reversed_est = [[5, 5], [3, 3], [2, 4], [1, 4], [2, 2], [4, 1]]
    assert pareto_rank_correlation(reversed_est, true) < 0


def test_dpp_select_takes_fronts_in_order():
    pts = [[1, 4], [2, 2], [4, 1], [2, 4], [3, 3], [5, 5]]
    assert sorted(dpp_select(pts, 3).tolist()) == [0, 1, 2]
    four = dpp_select(pts, 4).tolist()
    assert sorted(four[:3]) == [0, 1, 2] and four[3] in (3, 4)
    two = dpp_select(pts, 2).tolist()          # front cut: the boundary (most isolated) points first
    assert sorted(two) == [0, 2]
    with pytest.raises(CostModelError):
        dpp_select(pts, 7)


def test_bad_input():
    with pytest.raises(CostModelError):
        pareto_ranks([1, 2, 3])
    with pytest.raises(CostModelError):
        pareto_ranks([[1, 2]], senses=["min", "up"])


def test_plot_front(tmp_path):
    out = plot_front([[1, 4], [2, 2], [4, 1], [3, 3]], str(tmp_path / "front.png"))
    assert (tmp_path / "front.png").stat().st_size > 0 and out.endswith("front.png")
