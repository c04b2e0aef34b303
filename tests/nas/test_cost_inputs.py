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


# --- the boundary (nas/checks.py): every tensor and number the NAS API takes, once, one message ---------

def _given(normal, reduce=None):
    from nas.cost import DartsCost
    from nas.space import mdarts_space
    space = mdarts_space(shapes="mdarts-table1")
    return DartsCost(space, normal=normal, reduce=reduce if reduce is not None else torch.ones(14, 3))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, -1.0])
def test_given_cost_arrays_must_be_finite_and_non_negative(bad):
    normal = torch.ones(14, 7)
    normal[2, 3] = bad
    with pytest.raises(CostModelError, match="normal costs holds (NaN or infinite|negative) values"):
        _given(normal)
    with pytest.raises(CostModelError, match="reduce costs holds"):
        _given(torch.ones(14, 7), torch.full((14, 3), bad))
    with pytest.raises(CostModelError, match="not an array of numbers"):
        _given([["a"] * 7] * 14)


@pytest.mark.parametrize("value", [math.nan, math.inf, -5.0, "cheap"])
def test_op_costs_are_checked(table1_like, value):
    from nas.cost import DartsCost
    with pytest.raises(CostModelError, match=r"op_costs\['none'\]"):
        DartsCost(table1_like.space, tables=table1_like.tables, op_costs={"none": value})
    with pytest.raises(CostModelError, match="op_costs must be a dict"):
        DartsCost(table1_like.space, tables=table1_like.tables, op_costs=[("none", 1.0)])


def test_integer_alphas_are_converted_not_a_torch_error(table1_like):
    an, ar = torch.zeros(14, 7, dtype=torch.int64), torch.zeros(14, 3, dtype=torch.int32)
    want = table1_like.cost(an.double(), ar.double())
    assert float(table1_like.cost(an, ar)) == pytest.approx(float(want))
    assert float(table1_like.critical_path(an, ar, mode="pair")) == pytest.approx(
        float(table1_like.critical_path(an.double(), ar.double(), mode="pair")))
    assert torch.isfinite(separation_loss(an, ar))
    hot = torch.nn.functional.one_hot(torch.zeros(14, dtype=torch.int64), 7)     # GDAS-style integer one-hot
    assert torch.isfinite(table1_like.cost_from_probs(hot, torch.ones(14, 3, dtype=torch.int64)))
    with pytest.raises(CostModelError, match="alphas_normal must be a torch.Tensor"):
        table1_like.cost(an.numpy(), ar)
    with pytest.raises(CostModelError, match="complex"):
        table1_like.cost(an.to(torch.complex64), ar)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -0.5])
def test_op_and_edge_weights_are_checked(table1_like, bad):
    pn, pr = torch.full((14, 7), 1 / 7, dtype=torch.float64), torch.full((14, 3), 1 / 3, dtype=torch.float64)
    w = torch.ones(14, dtype=torch.float64)
    assert torch.isfinite(table1_like.cost_from_probs(pn, pr, (w, w)))
    bad_w = w.clone()
    bad_w[4] = bad
    with pytest.raises(CostModelError, match=r"edge_weights\[1\] \(reduce\) holds"):
        table1_like.cost_from_probs(pn, pr, (w, bad_w))
    with pytest.raises(CostModelError, match="edge_weights_normal holds"):
        table1_like.critical_path(torch.zeros(14, 7), torch.zeros(14, 3), mode="pair", edge_weights_normal=bad_w)
    bad_p = pn.clone()
    bad_p[0, 0] = bad
    with pytest.raises(CostModelError, match=r"op weights \(normal\) holds"):
        table1_like.cost_from_probs(bad_p, pr)


@pytest.mark.parametrize("band", [(math.nan, 1e6), (0.0, math.nan), (0.0, math.inf), (2.0, 1.0), ("a", 1.0)])
def test_project_to_band_refuses_a_bad_band(table1_like, band):
    from nas.losses import project_to_band
    an, ar = torch.zeros(14, 7, dtype=torch.float64), torch.zeros(14, 3, dtype=torch.float64)
    with pytest.raises(CostModelError, match="QoS band"):
        project_to_band((an, ar), table1_like.cost, *band, steps=1)


@pytest.mark.parametrize("kw, match", [({"tau": math.nan}, "tau"), ({"lr": 0.0}, "lr = 0.0"),
                                       ({"steps": -1}, "steps"), ({"lr": math.inf}, "lr = inf")])
def test_project_to_band_refuses_bad_settings(table1_like, kw, match):
    from nas.losses import project_to_band
    an, ar = torch.zeros(14, 7, dtype=torch.float64), torch.zeros(14, 3, dtype=torch.float64)
    with pytest.raises(CostModelError, match=match):
        project_to_band((an, ar), table1_like.cost, 0.0, 1e6, **kw)
    with pytest.raises(CostModelError, match="alphas #0 holds NaN"):
        project_to_band((torch.full((14, 7), math.nan), ar), table1_like.cost, 0.0, 1e6, steps=1)


def test_loss_numbers_are_checked():
    from nas.losses import ProfilerPenalty, deffarts_loss, rapdarts_loss
    with pytest.raises(CostModelError, match="gamma"):
        deffarts_loss(torch.tensor(1.0), math.nan)
    with pytest.raises(CostModelError, match="L_com is NaN"):
        deffarts_loss(torch.tensor(math.nan), 0.01)
    with pytest.raises(CostModelError, match="lambda"):
        rapdarts_loss({"cycles": torch.tensor(1.0)}, {"cycles": math.inf})
    with pytest.raises(CostModelError, match="baseline"):
        ProfilerPenalty(math.nan)
