"""The cost term and a DARTS `Architect`: never lose it silently.

DARTS' second-order step (quark0/darts `cnn/architect.py`, `_backward_step_unrolled`; PC-DARTS and their
forks the same) back-propagates the loss of `unrolled_model` and then copies that model's alpha gradients
OVER `self.model`'s. A penalty computed on `self.model` there adds its gradient to `self.model`'s alphas
before the copy: it is overwritten, and the applied gradient changes by exactly 0.0.

  warn_if_discarded(model)     called by `DartsCost.penalty(model)`: warns (DiscardedPenaltyWarning) when the
                               caller is such a step, i.e. it has a local `unrolled_model` module that is not
                               the model the penalty is computed on
  attach(hw, architect, lam)   `hw.attach(architect, lam=1.0)`: the penalty's gradient is added to the
                               architecture parameters' gradients right before the architect's optimizer
                               steps, in first- and second-order mode alike, with no line added to the loss.
                               The penalty depends on the alphas (and betas) only, which `unrolled_model`
                               shares with `self.model`, so this is the gradient `penalty(unrolled_model)` adds.
"""
from __future__ import annotations

import sys
import warnings

import torch

from costmodel.errors import CostModelError

from . import checks


class DiscardedPenaltyWarning(UserWarning):
    """A hardware penalty whose gradient the caller's optimizer step will overwrite."""


def warn_if_discarded(model, depth: int = 2) -> None:
    """Warn when the function `depth` frames up is a DARTS-style unrolled step penalising the wrong model."""
    try:
        frame = sys._getframe(depth)
    except ValueError:
        return
    try:
        unrolled = frame.f_locals.get("unrolled_model")
        where = f"{frame.f_code.co_name} ({frame.f_code.co_filename}:{frame.f_lineno})"
    finally:
        del frame
    if isinstance(unrolled, torch.nn.Module) and unrolled is not model:
        warnings.warn(f"hw.penalty(...) in {where} is computed on a model other than `unrolled_model`: DARTS' "
                      f"second-order step copies unrolled_model's alpha gradients over the model's, so this "
                      f"penalty's gradient is discarded (the applied gradient changes by 0). Use "
                      f"hw.penalty(unrolled_model), or hw.attach(architect) and no penalty line",
                      DiscardedPenaltyWarning, stacklevel=depth + 1)


def attach(hw, architect, lam: float = 1.0):
    """Make `architect` (DARTS' `Architect`: `.model`, `.optimizer` over the architecture parameters) apply
    `lam * hw.penalty(architect.model)` at every step; returns the architect. Attaching twice is refused."""
    lam = checks.number(lam, "lam", 0)
    model, opt = getattr(architect, "model", None), getattr(architect, "optimizer", None)
    if not isinstance(model, torch.nn.Module) or not isinstance(opt, torch.optim.Optimizer):
        raise CostModelError(f"attach: {type(architect).__name__} has no `.model` (a torch module) and "
                             f"`.optimizer` (its architecture optimizer): not a DARTS Architect")
    if getattr(opt, "_hw_attached", False):
        raise CostModelError("attach: this architect already has a hardware penalty attached")
    params = [p for group in opt.param_groups for p in group["params"]]
    hw.penalty(model)                                    # fail now, not at the first step, if the model is unreadable
    plain_step = opt.step

    def step(*args, **kwargs):
        with torch.enable_grad():
            pen = lam * hw.adapter.penalty(hw, model)
            grads = torch.autograd.grad(pen, params, allow_unused=True)
        for p, g in zip(params, grads):
            if g is not None:
                p.grad = g.detach() if p.grad is None else p.grad + g.detach()
        architect.hw_penalty = float(pen.detach())       # the last penalty applied (for logging)
        return plain_step(*args, **kwargs)

    opt.step = step
    opt._hw_attached = True
    return architect
