"""The README drop-in: DartsCost in a DARTS `architect.py`-style architecture step."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from nas.cost import DartsCost
from nas.space import darts_space


class TinyDartsModel(nn.Module):
    """Stands in for DARTS model_search.Network: alphas [14, 8] in DARTS PRIMITIVES order, `_loss`."""

    def __init__(self):
        super().__init__()
        self.alphas_normal = nn.Parameter(1e-3 * torch.randn(14, 8))
        self.alphas_reduce = nn.Parameter(1e-3 * torch.randn(14, 8))
        self.head = nn.Linear(4, 3)

    def _loss(self, x, y):
        return F.cross_entropy(self.head(x), y)

    def arch_parameters(self):
        return [self.alphas_normal, self.alphas_reduce]


class Architect:
    def __init__(self, model, hw_cost, lam):
        self.model, self.hw, self.lam = model, hw_cost, lam
        self.optimizer = torch.optim.Adam(model.arch_parameters(), lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)

    def step(self, x, y):
        self.optimizer.zero_grad()
        loss = self.model._loss(x, y)
        loss = loss + self.lam * self.hw.cost(self.model.alphas_normal, self.model.alphas_reduce)   # the drop-in
        loss.backward()
        self.optimizer.step()


def test_cost_term_steers_the_architecture_step():
    torch.manual_seed(0)
    hw = DartsCost(darts_space(), metric="params")      # any metric/arch; params needs no backend
    x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
    costs = []
    for lam in (0.0, 1e-3):
        torch.manual_seed(1)
        model = TinyDartsModel()
        arch = Architect(model, hw, lam)
        for _ in range(50):
            arch.step(x, y)
        costs.append(float(hw.cost(model.alphas_normal, model.alphas_reduce).detach()))
    assert costs[1] < costs[0]          # the cost-aware step moves alphas towards cheaper ops
