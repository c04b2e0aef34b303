"""The README drop-in: `DartsCost.for_model(model, arch="eyeriss")` + `hw.penalty(model)` in a DARTS
`architect.py`-style step."""
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from nas.cost import DartsCost


class TinyDartsModel(nn.Module):
    """Stands in for DARTS model_search.Network: alphas [14, 8] in DARTS PRIMITIVES order, _C/_layers/_steps/
    _multiplier, `_loss`."""

    def __init__(self):
        super().__init__()
        self._C, self._layers, self._steps, self._multiplier = 16, 8, 4, 4
        self.alphas_normal = nn.Parameter(1e-3 * torch.randn(14, 8))
        self.alphas_reduce = nn.Parameter(1e-3 * torch.randn(14, 8))
        self.head = nn.Linear(4, 3)

    def _loss(self, x, y):
        return F.cross_entropy(self.head(x), y)

    def arch_parameters(self):
        return [self.alphas_normal, self.alphas_reduce]


class Architect:
    def __init__(self, model, lam):
        self.model = model
        self.optimizer = torch.optim.Adam(model.arch_parameters(), lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)
        self.hw = DartsCost.for_model(model, arch="eyeriss")      # the README's line, the default LUT read-only
        self.lam = lam

    def step(self, x, y):
        self.optimizer.zero_grad()
        loss = self.model._loss(x, y)
        loss = loss + self.lam * self.hw.penalty(self.model)     # the drop-in
        loss.backward()
        self.optimizer.step()


def test_cost_term_steers_the_architecture_step():
    torch.manual_seed(0)
    x, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
    costs = []
    for lam in (0.0, 1.0):
        torch.manual_seed(1)
        model = TinyDartsModel()
        arch = Architect(model, lam)
        trace = [float(arch.hw.penalty(model))]
        assert trace[0] == pytest.approx(1.0, abs=1e-3)                   # 1.0 at (near-)uniform alphas
        for _ in range(20):
            arch.step(x, y)
            trace.append(float(arch.hw.penalty(model)))
        costs.append(trace)
    assert costs[1][-1] < costs[0][-1]                                    # the cost-aware step is cheaper
    assert all(b < a for a, b in zip(costs[1], costs[1][1:]))             # and lowers the cost every step
