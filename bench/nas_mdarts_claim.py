"""The MDARTS claim, measured on a tiny CPU search (digits): does the separation loss make the
selection more definite and the estimated cost agree better with the derived genotype's cost?

For each mu_sep in --mu (default 0 and 1) and each seed, run the reference search (MDARTS space,
two-phase loop with a QoS band) and record per epoch:
  estimated   L_co(alpha)  = expected sum over the 28 edges (MDARTS Sec. III-B)
              E[max cycle] = expected critical path of alpha (pair rule, T = 0)
  actual      max cycle of the derived genotype (MDARTS Table III rule, same cost table)
              L_co of the derived alphas (one-hot, dropped edges cost 0)
Reported per mu_sep: mean max softmax probability at the end (1/M = indefinite, 1 = definite),
Kendall tau-b between estimated and actual over all (seed, epoch) points, its per-seed mean, and
the mean relative gap |estimated - derived| / estimated of L_co at the end.

    python bench/nas_mdarts_claim.py [--seeds 4] [--epochs 15] [--arch eyeriss] [--mu 0 1]
"""
from __future__ import annotations

import argparse
import statistics

import numpy as np
import torch

from costmodel.genotypes import parse_genotype
from nas.config import SearchConfig
from nas.genotype import alphas_from_genotype
from nas.pareto import kendall_tau_b
from nas.search import build_costs, run_search
from nas.space import get_space


def derived_l_co(cost, genotype_text: str) -> float:
    an, ar, mn, mr = alphas_from_genotype(parse_genotype(genotype_text), cost.space)
    cn = cost.normal_costs[0].double() * torch.softmax(an, -1) * mn[:, None]
    cr = cost.reduce_costs[0].double() * torch.softmax(ar, -1) * mr[:, None]
    return float(cn.sum() + cr.sum())


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=15)
    ap.add_argument("--mu", type=float, nargs="+", default=[0.0, 1.0])
    ap.add_argument("--arch", default="eyeriss", help="eyeriss + mdarts lowering = the MDARTS Table I costs")
    ap.add_argument("--lowering", default="mdarts")
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--arch-lr", type=float, default=3e-3, help="alpha Adam lr (paper 3e-4 over ~20k steps; "
                                                               "this demo has ~100)")
    ap.add_argument("--band", type=float, nargs=2, default=(0.15, 0.25),
                    help="QoS band as fractions of the L_co range [floor, ceiling]")
    ap.add_argument("--qos", type=float, nargs=2, help="QoS band in cycles (overrides --band), e.g. 0.5e6 0.7e6")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)

    base = dict(dataset="digits", limit=args.limit, layers=3, c=8, batch_size=32, epochs=args.epochs,
                arch=args.arch, lowering=args.lowering, loss="mdarts", arch_lr=args.arch_lr, quiet=True)
    probe = SearchConfig(**base)
    cost, _ = build_costs(probe, get_space("mdarts", layers=3, c=8, input_size=8, in_channels=1), None)
    lo, hi = cost.bounds()
    band = tuple(args.qos) if args.qos else (lo + args.band[0] * (hi - lo), lo + args.band[1] * (hi - lo))
    print(f"cost table: {cost.tables.source}; L_co range [{lo:,.0f}, {hi:,.0f}]; QoS band [{band[0]:,.0f}, {band[1]:,.0f}]")
    print(f"{'mu_sep':>6} {'seed':>4} {'val_acc':>7} {'max_prob':>8} {'L_co est':>12} {'L_co derived':>12} "
          f"{'E[maxcyc]':>12} {'max cycle':>12} {'skips':>5} {'tau_b(ep)':>9}")
    summary = {}
    for mu in args.mu:
        est, act, est_cp, taus, probs, gaps = [], [], [], [], [], []
        for seed in range(args.seeds):
            res = run_search(SearchConfig(**base, mu_sep=mu, qos=band, seed=seed))
            h = res.history
            e = [r["expected_cost"] for r in h]
            a = [r["max_cycle"] for r in h]
            d = [derived_l_co(cost, r["genotype"]) for r in h]
            est += e
            act += a
            est_cp += [r["expected_max_cycle"] for r in h]
            tau = kendall_tau_b(e, a)
            taus.append(tau)
            probs.append(h[-1]["mean_max_prob"])
            gaps.append(abs(e[-1] - d[-1]) / e[-1])
            last = h[-1]
            print(f"{mu:>6g} {seed:>4} {last['val_acc']:>7.3f} {last['mean_max_prob']:>8.3f} {e[-1]:>12,.0f} "
                  f"{d[-1]:>12,.0f} {last['expected_max_cycle']:>12,.0f} {a[-1]:>12,.0f} {last['skips']:>5} "
                  f"{tau:>9.3f}")
        summary[mu] = dict(prob=statistics.mean(probs), tau=kendall_tau_b(est, act),
                           tau_cp=kendall_tau_b(est_cp, act), tau_seed=float(np.nanmean(taus)),
                           gap=statistics.mean(gaps))
    print()
    print(f"{'mu_sep':>6} {'mean max-prob':>13} {'tau_b(L_co, maxcyc)':>20} {'tau_b(E[maxcyc], maxcyc)':>25} "
          f"{'mean per-seed tau_b':>20} {'L_co gap':>9}")
    for mu, s in summary.items():
        print(f"{mu:>6g} {s['prob']:>13.3f} {s['tau']:>20.3f} {s['tau_cp']:>25.3f} {s['tau_seed']:>20.3f} "
              f"{100 * s['gap']:>9.1f}%")
    m0, m1 = min(summary), max(summary)
    print(f"nas_mdarts_claim: mean max-prob {summary[m0]['prob']:.3f} -> {summary[m1]['prob']:.3f}, "
          f"tau_b {summary[m0]['tau']:.3f} -> {summary[m1]['tau']:.3f} (mu_sep {m0:g} -> {m1:g}, "
          f"{args.seeds} seeds x {args.epochs} epochs)")


if __name__ == "__main__":
    main()
