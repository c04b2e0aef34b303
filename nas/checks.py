"""The NAS API's boundary: every tensor or number a caller hands to `nas.cost` / `nas.losses` is checked
here, once, so nothing non-finite reaches a cost and no raw torch/numpy exception reaches the caller.

  logits(a, name, shape)     architecture parameters (alphas, betas): a torch.Tensor of that shape; integer
                             or bool tensors are converted to floating point (they carry no gradient anyway);
                             no NaN, no +inf, a finite logit on every row (-inf masks an op: one-hot genotypes)
  weights(w, name, shape)    op or edge weights (softmax/sigmoid probabilities, GDAS samples, PC-DARTS edge
                             weights): finite and >= 0; integer tensors converted
  costs(arr, name)           cost arrays given directly (DartsCost(normal=, reduce=), op_costs values):
                             finite numbers >= 0, as float64 numpy
  number(x, name, lo=)       a finite real number (band edges, temperatures, tau, lr, baselines)
Every refusal is one CostModelError naming the argument.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from costmodel.errors import CostModelError


def _tensor(a, name: str, shape=None) -> torch.Tensor:
    if not isinstance(a, torch.Tensor):
        raise CostModelError(f"{name} must be a torch.Tensor{f' {shape}' if shape else ''}, got {type(a).__name__}")
    if a.is_complex():
        raise CostModelError(f"{name} is complex ({a.dtype}): give real numbers")
    if shape is not None and tuple(a.shape) != tuple(shape):
        raise CostModelError(f"{name} has shape {tuple(a.shape)}, the space needs {tuple(shape)}")
    if not a.is_floating_point():
        a = a.to(torch.get_default_dtype())
    return a


def usable_logits(a: torch.Tensor) -> bool:
    """No NaN, no +inf, and a finite logit on every row (-inf masks an op: a one-hot genotype's logits)."""
    if a.numel() == 0:
        return True
    return not bool(torch.isnan(a).any() or torch.isposinf(a).any()) and bool((a > float("-inf")).any(-1).all())


def logits(a, name: str, shape=None) -> torch.Tensor:
    """`a` as a floating-point tensor of `shape`, or one CostModelError (see the module doc)."""
    a = _tensor(a, name, shape)
    if not usable_logits(a):
        raise CostModelError(f"{name} holds NaN or +inf values, or a row whose logits are all -inf: "
                             f"a cost of them would be NaN")
    return a


def weights(w, name: str, shape=None) -> torch.Tensor:
    """`w` as a floating-point tensor of `shape` with finite values >= 0, or one CostModelError."""
    w = _tensor(w, name, shape)
    if not bool(torch.isfinite(w).all()):
        raise CostModelError(f"{name} holds NaN or infinite values: a cost of them would be NaN")
    if bool((w < 0).any()):
        raise CostModelError(f"{name} holds negative values: weights are probabilities or gates (>= 0)")
    return w


def costs(arr, name: str) -> np.ndarray:
    """`arr` (array-like or tensor) as float64 numpy with finite values >= 0, or one CostModelError."""
    if isinstance(arr, torch.Tensor):
        arr = arr.detach().cpu().numpy()
    try:
        a = np.asarray(arr, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise CostModelError(f"{name} is not an array of numbers: {exc}") from None
    if not np.isfinite(a).all():
        raise CostModelError(f"{name} holds NaN or infinite values: every cost must be a finite number")
    if (a < 0).any():
        raise CostModelError(f"{name} holds negative values: costs are cycles, energies, ... (>= 0)")
    return a


def number(x, name: str, lo: float | None = None, *, strict: bool = False, hint: str = "") -> float:
    """`x` (a real number or a one-element tensor) as a finite float (>= lo, or > lo if strict)."""
    if isinstance(x, torch.Tensor):
        if x.numel() != 1:
            raise CostModelError(f"{name} must be one number, got a tensor of shape {tuple(x.shape)}")
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise CostModelError(f"{name} must be a number, got {type(x).__name__}")
    x = float(x)
    bound = "" if lo is None else f" {'>' if strict else '>='} {lo:g}"
    if not math.isfinite(x) or (lo is not None and (x <= lo if strict else x < lo)):
        raise CostModelError(f"{name} = {x!r}: must be a finite number{bound}{hint}")
    return x
