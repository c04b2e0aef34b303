"""nas.losses: MDARTS separation loss and phase-2 projection, DEff-ARTS, RAPDARTS, NNI-style, MONAS."""
import pytest
import torch

from costmodel.errors import CostModelError
from nas.losses import (DEFFARTS_BETA, DEFFARTS_NONE_COST, ProfilerPenalty, band_penalty, deffarts_loss,
                        monas_accuracy_constrained_reward, monas_mixed_reward, monas_power_constrained_reward,
                        project_to_band, rapdarts_loss, separation_loss)


def test_separation_loss_values():
    m = 7
    assert float(separation_loss(torch.zeros(14, m))) == pytest.approx(0.0)
    one_hot = torch.full((14, m), -1e4)
    one_hot[:, 2] = 0
    # Eq. 2 at a one-hot edge: -((1 - 1/M)^2 + (M - 1) / M^2) per edge
    assert float(separation_loss(one_hot)) == pytest.approx(-14 * ((1 - 1 / m) ** 2 + (m - 1) / m ** 2))


def test_separation_loss_pushes_towards_definite_choices():
    a = torch.tensor([[0.3, 0.0, -0.1]], requires_grad=True)
    separation_loss(a).backward()
    # descending the gradient strengthens the leading op and weakens the others
    assert a.grad[0, 0] < 0 and a.grad[0, 2] > 0


def test_band_penalty():
    assert float(band_penalty(torch.tensor(5.0), 4, 6, 2.0)) == 0
    assert float(band_penalty(torch.tensor(3.0), 4, 6, 2.0)) == 2.0
    assert float(band_penalty(torch.tensor(9.0), 4, 6, 2.0)) == 6.0
    with pytest.raises(CostModelError, match="empty"):
        band_penalty(torch.tensor(1.0), 6, 4, 1.0)


@pytest.mark.parametrize("band, lr", [((0.9e6, 1.1e6), 3e-4), ((1.5e6, 1.7e6), 1e-2)])
def test_projection_reaches_the_band(table1_like, band, lr):
    torch.manual_seed(0)
    alphas = (1e-3 * torch.randn(14, 7, dtype=torch.float64), 1e-3 * torch.randn(14, 3, dtype=torch.float64))
    start = float(table1_like.cost(*alphas))
    assert not band[0] <= start <= band[1]
    state = {}
    for _ in range(80):   # rounds of u_max = 100 Adam steps (the paper's lr 3e-4; a larger one for band D)
        proj = project_to_band(alphas, table1_like.cost, *band, lr=lr, optimizer_state=state)
        alphas = proj.alphas
        if proj.inside:
            break
    assert proj.inside and band[0] <= float(table1_like.cost(*alphas)) <= band[1]


def test_projection_stays_put_inside_the_band(table1_like):
    alphas = (torch.zeros(14, 7, dtype=torch.float64), torch.zeros(14, 3, dtype=torch.float64))
    l0 = float(table1_like.cost(*alphas))
    proj = project_to_band(alphas, table1_like.cost, l0 - 1e5, l0 + 1e5, steps=20)
    assert proj.inside and torch.allclose(proj.alphas[0], alphas[0], atol=1e-2)


def test_deffarts_loss_and_gradient():
    a = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    c = torch.tensor([DEFFARTS_NONE_COST, 100.0, 5000.0], dtype=torch.float64)
    l_com = (torch.softmax(a, -1) * c).sum()
    loss = deffarts_loss(l_com, gamma=0.01)
    assert float(loss.detach()) == pytest.approx(0.01 * float(l_com.detach()) ** 0.27)
    (g,) = torch.autograd.grad(loss, a)
    (g_com,) = torch.autograd.grad((torch.softmax(a, -1) * c).sum(), a)
    # chain rule: Gamma * beta * L^(beta - 1) * dL/da (DEff-ARTS App. A.2)
    assert torch.allclose(g, 0.01 * DEFFARTS_BETA * float(l_com.detach()) ** (DEFFARTS_BETA - 1) * g_com)


def test_rapdarts_sum_of_weighted_costs():
    costs = {"params": torch.tensor(3e6), "compute_cycles": torch.tensor(2e5)}
    assert float(rapdarts_loss(costs, {"params": 1e-7, "compute_cycles": 1e-6})) == pytest.approx(0.3 + 0.2)
    with pytest.raises(CostModelError, match="no cost"):
        rapdarts_loss(costs, {"energy_pj": 1.0})


@pytest.mark.parametrize("nonlinear, aggregate, penalty, want", [
    ("linear", "add", 150.0, 1.0 + 2 * 0.5),
    ("linear", "add", 50.0, 1.0 - 2 * 0.5),
    ("positive", "add", 50.0, 1.0),
    ("negative", "add", 150.0, 1.0),
    ("absolute", "add", 50.0, 1.0 + 2 * 0.5),
    ("linear", "mul", 150.0, 1.0 * 1.5 ** 2),
])
def test_profiler_penalty(nonlinear, aggregate, penalty, want):
    p = ProfilerPenalty(baseline=100.0, scale=2.0, nonlinear=nonlinear, aggregate=aggregate)
    assert float(p(torch.tensor(1.0), torch.tensor(penalty))) == pytest.approx(want)


def test_profiler_penalty_validation():
    for kw in (dict(baseline=0), dict(baseline=1, nonlinear="relu"), dict(baseline=1, aggregate="max")):
        with pytest.raises(CostModelError):
            ProfilerPenalty(**kw)


def test_monas_rewards():
    assert monas_mixed_reward(0.9, 0.2, 1.0) == 0.9                       # alpha = 1: plain NAS
    assert monas_mixed_reward(0.9, 0.2, 0.5) == pytest.approx(0.35)
    assert monas_power_constrained_reward(0.9, 3.0, 5.0) == 0.9
    assert monas_power_constrained_reward(0.9, 6.0, 5.0) == 0.0
    assert monas_accuracy_constrained_reward(0.95, 0.3, 0.9) == pytest.approx(0.7)
    assert monas_accuracy_constrained_reward(0.85, 0.3, 0.9) == 0.0
    with pytest.raises(CostModelError):
        monas_mixed_reward(0.9, 0.2, 1.5)
