"""How large is the gradient of `hw.penalty(model)` at uniform alphas, per target and network size?

Prints the README's sentence on it (a generated block: `python bench/penalty_scale.py`): the norm of
d penalty / d (alphas_normal, alphas_reduce) at uniform alphas for DartsCost.for_model's defaults
(none="exclude", compute_cycles, the default LUT read-only) on Eyeriss and C64x+, for the networks
C=8 / 5 cells, C=16 / 8 cells and C=36 / 20 cells, and how much the raw cost's gradient spans.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402

from nas.cost import DartsCost  # noqa: E402
from nas.cost_table import default_lut  # noqa: E402
from nas.space import SearchSpace  # noqa: E402

NETS = ((8, 5), (16, 8), (36, 20))
ARCHS = (("eyeriss", "Eyeriss"), ("c64x", "C64x+"))


def grad_norms(arch: str, c: int, layers: int) -> tuple[float, float]:
    """(|grad penalty|, |grad raw cost|) at uniform alphas."""
    space = SearchSpace(c=c, layers=layers)
    cost = DartsCost(space, lut=default_lut(), arch=arch, none="exclude")
    n_ops = len(space.normal_ops)
    a = [torch.zeros(space.n_edges, n_ops, dtype=torch.float64, requires_grad=True) for _ in range(2)]
    cost = cost.to(dtype=torch.float64)
    raw = cost.cost(*a)
    grads = torch.autograd.grad(raw, a)
    g = float(torch.sqrt(sum((x ** 2).sum() for x in grads)))
    return g / float(raw.detach()), g


def main() -> None:
    parts, spans, means = [], [], {}
    for arch, label in ARCHS:
        pen, raw = zip(*(grad_norms(arch, c, n) for c, n in NETS))
        parts.append(f"{label} {' / '.join(f'{p:.3f}' for p in pen)}")
        spans.append(f"{max(raw) / min(raw):.0f}x")
        means[arch] = sum(pen) / len(pen)
        worst = max(pen) / min(pen) - 1
        means[arch + "_var"] = worst
    nets = ", ".join(f"{c}/{n}" for c, n in NETS)
    ratio = means["c64x"] / means["eyeriss"]
    print(f"measured |grad_alpha penalty| at uniform alpha: {' and '.join(parts)} for C/cells = {nets}, "
          f"while the raw cost's gradient spans {' and '.join(spans)}; across these sizes the penalty's gradient "
          f"varies by at most {max(means['eyeriss_var'], means['c64x_var']):.0%} per target, and C64x+'s is "
          f"{ratio:.2f}x Eyeriss's (so lambda ~ {1 / ratio:.1f} on C64x+ matches lambda = 1 on Eyeriss)")


if __name__ == "__main__":
    main()
