"""nas.genotype: DARTS discretisation and its inverse."""
import pytest
import torch

from costmodel.errors import CostModelError
from costmodel.genotypes import DARTS_V2, ENAS, GDAS_V1, parse_genotype, to_string
from nas.genotype import alphas_from_genotype, count_skips, derive_genotype, mean_max_prob
from nas.space import darts_space, mdarts_space


def test_round_trip_published_genotype():
    s = darts_space()
    an, ar, mn, mr = alphas_from_genotype(DARTS_V2, s)
    assert int(mn.sum()) == 8 and int(mr.sum()) == 8
    g = derive_genotype(an, ar, s)
    for cell in ("normal", "reduce"):   # same edges per node (DARTS lists them strongest first)
        got, want = getattr(g, cell), getattr(DARTS_V2, cell)
        assert [sorted(got[k:k + 2], key=str) for k in range(0, 8, 2)] == \
               [sorted(want[k:k + 2], key=str) for k in range(0, 8, 2)]
    assert count_skips(DARTS_V2) == 2


def test_derivation_ignores_none_and_picks_two_strongest_edges():
    s = darts_space()
    an = torch.zeros(14, 8)
    an[:, 0] = 10.0                       # `none` dominates everywhere: never chosen
    an[0, 4] = an[1, 5] = 3.0             # node 2: sep3 from 0, sep5 from 1
    ar = torch.zeros(14, 8)
    g = derive_genotype(an, ar, s)
    assert g.normal[:2] == [("sep_conv_3x3", 0), ("sep_conv_5x5", 1)]
    assert all(op != "none" for op, _ in g.normal + g.reduce)
    assert parse_genotype(to_string(g)) == g             # the costmodel CLI accepts it


def test_genotype_outside_space_is_an_error():
    with pytest.raises(CostModelError, match="not in this space"):
        alphas_from_genotype(GDAS_V1, mdarts_space())
    with pytest.raises(CostModelError, match="edge|two edges"):
        alphas_from_genotype(ENAS, darts_space())


def test_mean_max_prob_limits():
    assert mean_max_prob(torch.zeros(14, 7)) == pytest.approx(1 / 7)
    assert mean_max_prob(torch.nn.functional.one_hot(torch.arange(14) % 7, 7).float() * 100) == pytest.approx(1.0)
