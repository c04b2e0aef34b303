"""The unrolled trap is loud, and `hw.attach(architect)` applies the cost term in both DARTS modes.

`Architect` below is DARTS' second-order step (quark0/darts cnn/architect.py) rewritten for this test, with
the same steps in the same order: unroll w by one SGD step (momentum + weight decay), back-propagate the
validation loss of the unrolled model, subtract eta x the finite-difference Hessian-vector product, and COPY
the unrolled model's alpha gradients over the model's (the step that discards a penalty on `self.model`).
"""
import copy
import warnings

import pytest
import torch

from costmodel.errors import CostModelError
from nas.attach import DiscardedPenaltyWarning
from nas.cost import DartsCost
from test_adapters import TinyDarts

LAM, ETA = 0.5, 0.1


def flat(xs):
    return torch.cat([x.reshape(-1) for x in xs])


class Architect:
    def __init__(self, model, penalise=None, hw=None):
        self.model, self.penalise, self.hw = model, penalise, hw
        self.momentum, self.weight_decay = 0.9, 3e-4
        self.optimizer = torch.optim.Adam(model.arch_parameters(), lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)

    def step(self, xt, yt, xv, yv, eta, w_opt, unrolled=True):
        self.optimizer.zero_grad()
        if unrolled:
            self._backward_step_unrolled(xt, yt, xv, yv, eta, w_opt)
        else:
            loss = self.model._loss(xv, yv)
            if self.penalise == "self.model":
                loss = loss + LAM * self.hw.penalty(self.model)
            loss.backward()
        self.optimizer.step()

    def _unroll(self, x, y, eta, w_opt):
        weights = list(self.model.parameters())
        theta = flat(weights).detach()
        if all("momentum_buffer" in w_opt.state[w] for w in weights):
            moment = flat(w_opt.state[w]["momentum_buffer"] for w in weights) * self.momentum
        else:
            moment = torch.zeros_like(theta)
        dtheta = flat(torch.autograd.grad(self.model._loss(x, y), weights)).detach() + self.weight_decay * theta
        theta = theta - eta * (moment + dtheta)
        new, state, at = self.model.new(), self.model.state_dict(), 0
        for name, w in self.model.named_parameters():
            state[name] = theta[at:at + w.numel()].view_as(w)
            at += w.numel()
        new.load_state_dict(state)
        return new

    def _backward_step_unrolled(self, xt, yt, xv, yv, eta, w_opt):
        unrolled_model = self._unroll(xt, yt, eta, w_opt)
        unrolled_loss = unrolled_model._loss(xv, yv)
        if self.penalise == "self.model":           # the trap
            unrolled_loss = unrolled_loss + LAM * self.hw.penalty(self.model)
        elif self.penalise == "unrolled_model":     # the README's line
            unrolled_loss = unrolled_loss + LAM * self.hw.penalty(unrolled_model)
        unrolled_loss.backward()
        dalpha = [a.grad for a in unrolled_model.arch_parameters()]
        vector = [w.grad.detach() for w in unrolled_model.parameters()]
        for g, h in zip(dalpha, self._hessian_vector_product(vector, xt, yt)):
            g.data.sub_(h, alpha=eta)
        for a, g in zip(self.model.arch_parameters(), dalpha):
            if a.grad is None:
                a.grad = g.detach().clone()
            else:
                a.grad.data.copy_(g.data)

    def _hessian_vector_product(self, vector, x, y, r=1e-2):
        eps = r / flat(vector).norm()
        weights = list(self.model.parameters())
        grads = []
        for sign in (1, -2):
            for w, v in zip(weights, vector):
                w.data.add_(v, alpha=sign * eps)
            grads.append(torch.autograd.grad(self.model._loss(x, y), self.model.arch_parameters()))
        for w, v in zip(weights, vector):
            w.data.add_(v, alpha=eps)
        return [(p - n) / (2 * eps) for p, n in zip(*grads)]


@pytest.fixture(scope="module")
def setup():
    torch.manual_seed(5)
    model = TinyDarts(C=8, layers=5)
    hw = DartsCost.for_model(model, arch="eyeriss")
    data = (torch.randn(4, 3, 8, 8), torch.tensor([0, 1, 2, 3]), torch.randn(4, 3, 8, 8), torch.tensor([3, 2, 1, 0]))
    return model, hw, data


def run(setup, penalise=None, attach=False, unrolled=True):
    """(gradient applied to the alphas, alphas after the step) of one architect step on a fresh copy."""
    base, hw, data = setup
    model = copy.deepcopy(base)
    w_opt = torch.optim.SGD(model.parameters(), 0.025, momentum=0.9)
    arch = Architect(model, penalise, hw)
    if attach:
        hw.attach(arch, lam=LAM)
    seen = {}
    plain = arch.optimizer.step

    def spy(*a, **k):
        out = plain(*a, **k)               # (attach wraps the step: grads are read after it added the penalty)
        seen["grad"] = flat(p.grad for p in model.arch_parameters()).clone()
        return out
    arch.optimizer.step = spy
    arch.step(*data, ETA, w_opt, unrolled=unrolled)
    return seen["grad"], flat(model.arch_parameters()).detach()


def test_the_unrolled_trap_warns_and_drops_exactly_the_penalty(setup):
    ce, _ = run(setup)
    with pytest.warns(DiscardedPenaltyWarning, match="_backward_step_unrolled.*hw.penalty\\(unrolled_model\\)"):
        trap, _ = run(setup, "self.model")
    assert torch.equal(trap, ce)                        # the applied gradient changes by exactly 0.0


def test_the_readme_line_and_attach_apply_the_cost_term(setup):
    model, hw, _ = setup
    ce, _ = run(setup)
    g_cost = flat(torch.autograd.grad(LAM * hw.penalty(model), model.arch_parameters()))
    assert g_cost.norm() > 0.01 * ce.norm()
    with warnings.catch_warnings():
        warnings.simplefilter("error", DiscardedPenaltyWarning)     # the right model: no warning
        line, after_line = run(setup, "unrolled_model")
        attached, after_attach = run(setup, attach=True)
    assert torch.allclose(line, ce + g_cost, rtol=1e-4, atol=1e-7)
    assert torch.allclose(attached, ce + g_cost, rtol=1e-4, atol=1e-7)
    assert torch.allclose(after_attach, after_line, rtol=0, atol=1e-7)


def test_attach_works_first_order_too_and_refuses_misuse(setup):
    model, hw, _ = setup
    ce, _ = run(setup, unrolled=False)
    g_cost = flat(torch.autograd.grad(LAM * hw.penalty(model), model.arch_parameters()))
    line, _ = run(setup, "self.model", unrolled=False)            # first order: penalty(self.model) is right
    attached, _ = run(setup, attach=True, unrolled=False)
    assert torch.allclose(line, ce + g_cost, rtol=1e-4, atol=1e-7) and torch.allclose(attached, line, atol=1e-7)
    arch = Architect(copy.deepcopy(model))
    hw.attach(arch)
    with pytest.raises(CostModelError, match="already has a hardware penalty"):
        hw.attach(arch)
    with pytest.raises(CostModelError, match="not a DARTS Architect"):
        hw.attach(object())
    with pytest.raises(CostModelError, match="lam"):
        hw.attach(Architect(copy.deepcopy(model)), lam=float("nan"))
