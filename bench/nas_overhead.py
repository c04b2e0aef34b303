"""Overhead of the differentiable hardware cost in a DARTS supernet training step (measured side by side).

One step = the first-order architecture step (CE on a val batch, backward, Adam) + the weight
step (CE on a train batch, backward, clip, SGD). Three variants, interleaved round-robin in one
run so that machine load hits them alike:
  base   CE only
  sum    CE + lambda * DartsCost.cost(alphas)              (expected cost, RAPDARTS Eq. 7-9)
  cp     CE + lambda * DartsCost.critical_path(alphas, T)  (expected critical path, smooth max)
Times are this process's CPU time (one intra-op thread), so other jobs on a shared machine
disturb them less; the overhead compares the fastest step of each variant (the least disturbed
one; medians are printed beside). The last line is exactly
`nas_overhead: X.XX% (sum), Y.YY% (critical path)`.

    python bench/nas_overhead.py [--arch eyeriss] [--steps 20] [--batch 16] [--c 8] [--hw 16]
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
    ap.add_argument("--arch", default="eyeriss", help="arch whose costs fill the table")
    ap.add_argument("--lowering", default="mdarts", help="mdarts + eyeriss = the MDARTS Table I costs")
    ap.add_argument("--steps", type=int, default=20, help="timed steps per variant")
    ap.add_argument("--batch", type=int, default=16)
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
        t0 = time.process_time()        # this process's CPU time: robust to other jobs on a shared machine
        a_opt.zero_grad()
        (F.cross_entropy(net(x), y) + term()).backward()
        a_opt.step()
        w_opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        torch.nn.utils.clip_grad_norm_(net.weight_parameters(), 5.0)
        w_opt.step()
        return time.process_time() - t0

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
        t0 = time.process_time()
        for _ in range(200):
            fn().backward()
        alone[name] = (time.process_time() - t0) / 200

    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"supernet: MDARTS space, {args.layers} cells, C={args.c}, {args.hw}x{args.hw}, batch {args.batch}, "
          f"{args.threads} thread(s); costs: {cost.tables.source}")
    print(f"{'variant':<8} {'fastest step [ms CPU]':>21} {'median step [ms CPU]':>20} {'cost term alone [ms CPU]':>25}")
    print(f"{'base':<8} {min(times['base']) * 1e3:>21.2f} {med['base'] * 1e3:>20.2f} {'-':>25}")
    for k in ("sum", "cp"):
        print(f"{k:<8} {min(times[k]) * 1e3:>21.2f} {med[k] * 1e3:>20.2f} {alone[k] * 1e3:>25.3f}")
    with torch.no_grad():
        e = float(cost.cost(net.alphas_normal, net.alphas_reduce))
        cp = float(cost.critical_path(net.alphas_normal, net.alphas_reduce, mode="pair"))
    n_edges = (cost.normal_costs.shape[0] + cost.reduce_costs.shape[0]) * cost.space.n_edges
    print(f"expected cost (sum over {n_edges} edges) {e:,.0f} {cost.metric}; expected critical path (pair rule, T=0) "
          f"{cp:,.0f} {cost.metric}")
    fast = {k: min(v) for k, v in times.items()}
    over_sum = 100 * (fast["sum"] - fast["base"]) / fast["base"]
    over_cp = 100 * (fast["cp"] - fast["base"]) / fast["base"]
    print(f"cost term alone / base step: {100 * alone['sum'] / med['base']:.4f}% (sum), "
          f"{100 * alone['cp'] / med['base']:.4f}% (critical path); step-to-step noise is larger than that")
    print(f"nas_overhead: {over_sum:.2f}% (sum), {over_cp:.2f}% (critical path)")


if __name__ == "__main__":
    main()
