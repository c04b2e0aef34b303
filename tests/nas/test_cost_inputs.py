"""NAS inputs are checked: NaN/inf alphas and a NaN, infinite or negative temperature are clear errors,
never a silent NaN cost (issue 9)."""
import math

import pytest
import torch

from costmodel.errors import CostModelError
from nas.losses import separation_loss


@pytest.mark.parametrize("bad", [math.nan, math.inf, "row of -inf"])
def test_non_finite_alphas_are_refused(table1_like, bad):
    an = torch.zeros(14, 7, dtype=torch.float64)
    ar = torch.zeros(14, 3, dtype=torch.float64)
    an[3, 1:] = -math.inf             # -inf masks ops (a genotype's one-hot logits): allowed
    assert torch.isfinite(table1_like.cost(an, ar)) and torch.isfinite(separation_loss(an, ar))
    if bad == "row of -inf":
        an[3, 0] = -math.inf
    else:
        an[5, 2] = bad
    with pytest.raises(CostModelError, match="alphas_normal holds NaN or [+]inf"):
        table1_like.cost(an, ar)
    with pytest.raises(CostModelError, match="alphas_normal holds NaN or [+]inf"):
        table1_like.critical_path(an, ar)
    with pytest.raises(CostModelError, match="NaN or [+]inf"):
        separation_loss(an, ar)


@pytest.mark.parametrize("temperature", [math.nan, math.inf, -1.0])
def test_bad_temperatures_are_refused(table1_like, temperature):
    an, ar = torch.zeros(14, 7, dtype=torch.float64), torch.zeros(14, 3, dtype=torch.float64)
    exact = table1_like.critical_path(an, ar, temperature=0.0, mode="pair")
    assert torch.isfinite(exact) and table1_like.critical_path(an, ar, temperature=10.0, mode="pair") >= exact
    with pytest.raises(CostModelError, match="temperature"):
        table1_like.critical_path(an, ar, temperature=temperature, mode="pair")
