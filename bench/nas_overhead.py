"""Overhead of the differentiable hardware cost in a DARTS supernet training step (measured side by side).

One step = the first-order architecture step (CE on a val batch, backward, Adam) + the weight
step (CE on a train batch, backward, clip, SGD). Three variants, interleaved round-robin in one
run so that machine load hits them alike:
  base   CE only
  sum    CE + lambda * DartsCost.cost(alphas)              (expected cost, RAPDARTS Eq. 7-9)
  cp     CE + lambda * DartsCost.critical_path(alphas, T)  (expected critical path, smooth max)
Prints the median step times and the overhead ratios; the last line is exactly
`nas_overhead: X.XX% (sum), Y.YY% (critical path)`.

    python bench/nas_overhead.py [--arch c64x] [--steps 10] [--batch 32] [--c 8] [--hw 16]
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn.functional as F

from nas.cost import DartsCost
from nas.model import Network
from nas.space import mdarts_space


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", default="c64x", help="arch whose costs fill the table (eyeriss once its backend exists)")
    ap.add_argument("--lowering", default="exact")
    ap.add_argument("--steps", type=int, default=10, help="timed steps per variant")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--c", type=int, default=8)
    ap.add_argument("--hw", type=int, default=16)
    ap.add_argument("--layers", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    space = mdarts_space(layers=args.layers, c=args.c, input_size=args.hw)
    cost = DartsCost(mdarts_space(shapes="mdarts-table1"), arch=args.arch, lowering=args.lowering)
    lam = 1.0 / cost.bounds()[1]
    net = Network(space, 10)
    w_opt = torch.optim.SGD(net.weight_parameters(), 0.025, momentum=0.9, weight_decay=3e-4)
    a_opt = torch.optim.Adam(net.arch_parameters(), 3e-4, betas=(0.5, 0.999), weight_decay=1e-3)
    x = torch.randn(args.batch, 3, args.hw, args.hw)
    y = torch.randint(0, 10, (args.batch,))

    terms = {
        "base": lambda: 0.0,
        "sum": lambda: lam * cost.cost(net.alphas_normal, net.alphas_reduce),
        "cp": lambda: lam * cost.critical_path(net.alphas_normal, net.alphas_reduce, mode="pair",
                                               temperature=1e3),
    }

    def step(term) -> float:
        t0 = time.perf_counter()
        a_opt.zero_grad()
        (F.cross_entropy(net(x), y) + term()).backward()
        a_opt.step()
        w_opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        torch.nn.utils.clip_grad_norm_(net.weight_parameters(), 5.0)
        w_opt.step()
        return time.perf_counter() - t0

    for name in terms:                       # warm-up
        step(terms[name])
    times = {name: [] for name in terms}
    for _ in range(args.steps):
        for name, term in terms.items():
            times[name].append(step(term))
    # the cost terms alone (forward + backward), to show where any difference comes from
    alone = {}
    for name in ("sum", "cp"):
        a = [p.detach().clone().requires_grad_(True) for p in net.arch_parameters()]
        fn = (lambda: cost.cost(*a)) if name == "sum" else (lambda: cost.critical_path(*a, mode="pair", temperature=1e3))
        t0 = time.perf_counter()
        for _ in range(200):
            fn().backward()
        alone[name] = (time.perf_counter() - t0) / 200

    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"supernet: MDARTS space, {args.layers} cells, C={args.c}, {args.hw}x{args.hw}, batch {args.batch}, "
          f"{args.threads} thread(s); costs: {cost.tables.source}")
    print(f"{'variant':<8} {'median step [ms]':>17} {'cost term alone [ms]':>21}")
    print(f"{'base':<8} {med['base'] * 1e3:>17.2f} {'-':>21}")
    for k in ("sum", "cp"):
        print(f"{k:<8} {med[k] * 1e3:>17.2f} {alone[k] * 1e3:>21.3f}")
    with torch.no_grad():
        e = float(cost.cost(net.alphas_normal, net.alphas_reduce))
        cp = float(cost.critical_path(net.alphas_normal, net.alphas_reduce, mode="pair"))
    print(f"expected cost (sum over 28 edges) {e:,.0f} {cost.metric}; expected critical path (pair rule, T=0) "
          f"{cp:,.0f} {cost.metric}")
    over_sum = 100 * (med["sum"] - med["base"]) / med["base"]
    over_cp = 100 * (med["cp"] - med["base"]) / med["base"]
    print(f"cost term alone / base step: {100 * alone['sum'] / med['base']:.4f}% (sum), "
          f"{100 * alone['cp'] / med['base']:.4f}% (critical path); the step medians differ by noise of that order")
    print(f"nas_overhead: {over_sum:.2f}% (sum), {over_cp:.2f}% (critical path)")


if __name__ == "__main__":
    main()
