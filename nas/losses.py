"""Published loss forms for cost-aware DARTS searches (torch), plus MONAS rewards.

  separation_loss        MDARTS Eq. 2:  L_sep = -sum (softmax(alpha) - 1/M)^2
  band_penalty           MDARTS phase 2: tau*max(C_L - L_co, 0) + tau*max(0, L_co - C_H)
  project_to_band        MDARTS phase 2: min (a_p - a)^2 + band_penalty(L_co(a_p)), Adam, u_max steps
  phase2_from_random     phase 2 alone from DARTS-initialised alphas, round after round (MDARTS Table II)
  deffarts_loss          DEff-ARTS Eq. 1: Gamma * L_com^beta (beta = 0.27; none costs 10^6 - 1, App. D)
  rapdarts_loss          RAPDARTS Eq. 10: sum_m lambda_m * C_m
  ProfilerPenalty        NNI-style: nonlinear(penalty / baseline - 1), aggregated by add or mul
  monas_*_reward         MONAS Eq. 1-3 (for non-differentiable searches; plain floats)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from costmodel.errors import CostModelError

from . import checks
from .config import DEFFARTS_BETA  # 0.27, DEff-ARTS Sec. 3 / App. D.1
DEFFARTS_NONE_COST = 10 ** 6 - 1     # DEff-ARTS App. D.1, Cost_zero


def separation_loss(*alphas: torch.Tensor) -> torch.Tensor:
    """MDARTS Eq. 2 summed over every edge of every alphas tensor given ([edges, M] each)."""
    total = 0
    for i, a in enumerate(alphas):
        a = checks.logits(a, f"separation_loss: alphas #{i}")
        p = torch.softmax(a, dim=-1)
        total = total + ((p - 1.0 / a.shape[-1]) ** 2).sum()
    return -total


def band_penalty(l_co: torch.Tensor, c_low: float, c_high: float, tau: float) -> torch.Tensor:
    """tau * (max(C_L - L_co, 0) + max(0, L_co - C_H)): zero inside the QoS band [C_L, C_H]."""
    c_low, c_high = check_band(c_low, c_high)
    tau = checks.number(tau, "tau (band weight)", 0)
    return tau * (torch.relu(c_low - l_co) + torch.relu(l_co - c_high))


def check_band(c_low, c_high) -> tuple[float, float]:
    """A QoS band (C_L, C_H) of finite numbers with C_L <= C_H, or one CostModelError."""
    c_low, c_high = checks.number(c_low, "QoS band C_L"), checks.number(c_high, "QoS band C_H")
    if c_low > c_high:
        raise CostModelError(f"QoS band is empty: C_L = {c_low} > C_H = {c_high}")
    return c_low, c_high


@dataclass
class Projection:
    """Result of `project_to_band`: the projected alphas and the cost they reach."""

    alphas: tuple
    l_co: float
    steps: int
    inside: bool


def project_to_band(alphas: tuple, l_co_fn, c_low: float, c_high: float, *, tau: float = 1.0,
                    steps: int = 100, lr: float = 3e-4, betas=(0.5, 0.999), weight_decay: float = 1e-3,
                    optimizer_state: dict | None = None) -> Projection:
    """MDARTS phase 2 (Sec. III-B): move alphas to the nearest point whose L_co is in [C_L, C_H].

    Minimises sum (a_p - a)^2 + band_penalty(l_co_fn(*a_p)) with Adam (the paper: lr 3e-4,
    betas (0.5, 0.999), wd 1e-3, u_max = 100 steps), starting from a_p = a. `tau` weighs the
    band violation in [1/cost unit]. Pass the same dict as `optimizer_state` across calls to
    keep Adam's moments between rounds (the alternating search does).
    """
    if not isinstance(alphas, (tuple, list)) or not alphas:
        raise CostModelError("project_to_band: alphas must be a tuple of tensors, e.g. (alphas_normal, alphas_reduce)")
    alphas = [checks.logits(a, f"project_to_band: alphas #{i}") for i, a in enumerate(alphas)]
    c_low, c_high = check_band(c_low, c_high)
    tau, lr = checks.number(tau, "tau (band weight)", 0), checks.number(lr, "lr", 0, strict=True)
    weight_decay = checks.number(weight_decay, "weight_decay", 0)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise CostModelError(f"steps = {steps!r}: must be an integer >= 0")
    anchors = [a.detach() for a in alphas]
    params = [a.detach().clone().requires_grad_(True) for a in alphas]
    opt = torch.optim.Adam(params, lr=lr, betas=betas, weight_decay=weight_decay)
    if optimizer_state:
        opt.load_state_dict(optimizer_state["adam"])
    for _ in range(steps):
        opt.zero_grad()
        l_co = l_co_fn(*params)
        phi = sum(((p - a) ** 2).sum() for p, a in zip(params, anchors)) + band_penalty(l_co, c_low, c_high, tau)
        phi.backward()
        opt.step()
    if optimizer_state is not None:
        optimizer_state["adam"] = opt.state_dict()
    with torch.no_grad():
        final = float(l_co_fn(*params))
    if not math.isfinite(final):
        raise CostModelError(f"project_to_band: the cost function gave {final} (non-finite) on the projected alphas")
    return Projection(tuple(p.detach() for p in params), final, steps, c_low <= final <= c_high)


def phase2_from_random(cost, band, *, seed: int = 0, max_rounds: int = 100, steps: int = 100, lr: float = 3e-4):
    """MDARTS phase 2 alone: DARTS-initialised alphas (1e-3 * N(0, 1), `seed`) projected round after
    round (u_max = `steps` Adam steps each, Adam moments kept) until `cost.cost` is inside `band`.
    Returns (the last Projection, rounds used)."""
    if not isinstance(band, (tuple, list)) or len(band) != 2:
        raise CostModelError(f"band must be a pair (C_L, C_H), got {band!r}")
    band = check_band(*band)
    gen = torch.Generator().manual_seed(seed)
    space, dtype = cost.space, cost.normal_costs.dtype
    alphas = (1e-3 * torch.randn(space.n_edges, len(space.normal_ops), generator=gen).to(dtype),
              1e-3 * torch.randn(space.n_edges, len(space.reduce_ops), generator=gen).to(dtype))
    state: dict = {}
    for rounds in range(1, max_rounds + 1):
        proj = project_to_band(alphas, cost.cost, band[0], band[1], steps=steps, lr=lr, optimizer_state=state)
        alphas = proj.alphas
        if proj.inside:
            break
    return proj, rounds


def deffarts_loss(l_com: torch.Tensor, gamma: float, beta: float = DEFFARTS_BETA) -> torch.Tensor:
    """DEff-ARTS cost term Gamma * L_com^beta (add it to the cross-entropy: Eq. 1)."""
    beta = checks.number(beta, "DEff-ARTS beta", 0, strict=True)
    gamma = checks.number(gamma, "DEff-ARTS gamma")
    if not bool(torch.isfinite(torch.as_tensor(l_com)).all()):
        raise CostModelError("deffarts_loss: L_com is NaN or infinite")
    return gamma * l_com.clamp_min(0) ** beta


def rapdarts_loss(costs: dict, lambdas: dict) -> torch.Tensor:
    """RAPDARTS Eq. 10 cost part: sum over metrics m of lambda_m * C_m (C_m = expected cost, Eq. 9)."""
    missing = sorted(set(lambdas) - set(costs))
    if missing:
        raise CostModelError(f"RAPDARTS: lambda given for metric(s) {missing} with no cost; costs: {sorted(costs)}")
    lambdas = {m: checks.number(v, f"RAPDARTS lambda[{m!r}]") for m, v in lambdas.items()}
    return sum(lambdas[m] * costs[m] for m in lambdas)


NONLINEAR = ("linear", "positive", "negative", "absolute")
AGGREGATE = ("add", "mul")


class ProfilerPenalty:
    """NNI-style penalty adapter: normalized = nonlinear(penalty / baseline - 1);
    loss = loss + scale * normalized (add) or loss * (1 + normalized) ** scale (mul).

    `penalty` is any differentiable cost (e.g. `DartsCost.cost(...)`), `baseline` in its unit.
    """

    def __init__(self, baseline: float, scale: float = 1.0, nonlinear: str = "linear", aggregate: str = "add"):
        baseline = checks.number(baseline, "penalty baseline", 0, strict=True)
        scale = checks.number(scale, "penalty scale")
        if nonlinear not in NONLINEAR:
            raise CostModelError(f"unknown nonlinear {nonlinear!r} (use one of {NONLINEAR})")
        if aggregate not in AGGREGATE:
            raise CostModelError(f"unknown aggregate {aggregate!r} (use one of {AGGREGATE})")
        self.baseline, self.scale, self.nonlinear, self.aggregate = baseline, scale, nonlinear, aggregate

    def normalized(self, penalty: torch.Tensor) -> torch.Tensor:
        x = penalty / self.baseline - 1
        return {"linear": lambda: x, "positive": lambda: torch.relu(x), "negative": lambda: -torch.relu(-x),
                "absolute": lambda: x.abs()}[self.nonlinear]()

    def __call__(self, loss: torch.Tensor, penalty: torch.Tensor) -> torch.Tensor:
        n = self.normalized(torch.as_tensor(penalty))
        return loss + self.scale * n if self.aggregate == "add" else loss * (1 + n) ** self.scale


def monas_mixed_reward(accuracy: float, energy: float, alpha: float) -> float:
    """MONAS Eq. 1: alpha * accuracy - (1 - alpha) * energy, alpha in [0, 1] (energy normalised)."""
    if not 0 <= alpha <= 1:
        raise CostModelError(f"MONAS alpha must be in [0, 1], got {alpha}")
    return alpha * accuracy - (1 - alpha) * energy


def monas_power_constrained_reward(accuracy: float, power: float, power_budget: float) -> float:
    """MONAS Eq. 2: accuracy if power <= budget, else 0."""
    return accuracy if power <= power_budget else 0.0


def monas_accuracy_constrained_reward(accuracy: float, energy_normalized: float, threshold: float) -> float:
    """MONAS Eq. 3: 1 - Energy* if accuracy >= threshold, else 0 (Energy* in [0, 1])."""
    if not 0 <= energy_normalized <= 1:
        raise CostModelError(f"MONAS Energy* must be normalised to [0, 1], got {energy_normalized}")
    return 1 - energy_normalized if accuracy >= threshold else 0.0
