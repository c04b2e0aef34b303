"""Where the embedded mapper's time goes: the distinct problems of bench/lut_speed.py (the reference's
`duplicate == 0` rows), mapped once each by a fresh backend, with the mapper's phases timed (process CPU
time, exclusive: a phase inside another counts once, for itself).

  python bench/mapper_profile.py [--reference CSV]

Phases (costmodel.loopnest.mapper): plan (strategy.plan: which search), enumerate (candidates: the legal
index factorizations, fan-out and capacity pruned), bounds (energy_lower_bound, cycles_lower_bound),
outer bound (bounds.outer_bound without the evaluations it asks for), analyze (nest.analyze: every
evaluation: incumbent probes, final rows, loop-order refinement), mapping (tiles, to_mapping), and the
rest of the search. Problems are split into those evaluated whole (at most bounds.SMALL legal mappings)
and those bounded. Last line: `mapper_profile: M ms per distinct problem; <phase> P% ...`.
"""
from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from costmodel.arch.registry import load_arch
from costmodel.backends.analytic import AnalyticBackend
from costmodel.loopnest import mapper
from costmodel.loopnest.bounds import SMALL
from costmodel.resources import reference_dir
from lut_speed import reference_rows

PHASES = [("plan", mapper.strategy, "plan"), ("enumerate", mapper, "candidates"),
          ("bounds", mapper, "energy_lower_bound"), ("bounds", mapper, "cycles_lower_bound"),
          ("outer bound", mapper, "outer_bound"), ("analyze", mapper, "analyze"),
          ("mapping", mapper, "tiles"), ("mapping", mapper, "to_mapping")]


def timed(spent: Counter, stack: list, label: str, fn):
    """`fn` charging its exclusive CPU time to spent[label] (time of phases it calls goes to them)."""
    def run(*a, **k):
        t0 = time.process_time()
        stack.append(0.0)
        try:
            out = fn(*a, **k)
        finally:
            inner = stack.pop()
            took = time.process_time() - t0
            spent[label] += took - inner
            if stack:
                stack[-1] += took
        if label == "enumerate":
            spent["rows"] = out[-2].size            # legal mappings meeting the minimum utilization
        return out
    return run


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", default=str(reference_dir() / "timeloop_v1.0_darts_ops.csv"))
    args = ap.parse_args(argv)
    rows, meta = reference_rows(Path(args.reference))
    first = [row for row, (_, dup0) in zip(rows, meta) if dup0]
    specs = {a: load_arch(a) for a in {a for _, a, *_ in rows}}
    spent, stack, classes = Counter(), [], {}
    for label, module, name in PHASES:
        setattr(module, name, timed(spent, stack, label, getattr(module, name)))
    backend = AnalyticBackend()
    for _, arch, layer, *_ in first:
        spent.clear()
        t0 = time.process_time()
        backend.evaluate(layer, specs[arch])
        total = time.process_time() - t0
        kind = "evaluated whole" if spent.pop("rows", 0) <= SMALL else "bounded"
        spent["rest"] += total - sum(spent.values())
        n, acc = classes.get(kind, (0, Counter()))
        classes[kind] = (n + 1, acc + spent)
    overall = sum((acc for _, acc in classes.values()), Counter())
    n_all, t_all = sum(n for n, _ in classes.values()), sum(overall.values())
    print(f"{n_all} distinct problems of {Path(args.reference).name}, {t_all:.3f} s CPU "
          f"({1e3 * t_all / n_all:.2f} ms per problem)")
    for kind, (n, acc) in sorted(classes.items()):
        t = sum(acc.values())
        print(f"  {kind} ({n} problems, {1e3 * t / n:.2f} ms each, {100 * t / t_all:.0f}% of the time): " +
              ", ".join(f"{k} {1e3 * v / n:.2f} ms" for k, v in acc.most_common()))
    print(f"mapper_profile: {1e3 * t_all / n_all:.2f} ms per distinct problem; " +
          " ".join(f"{k} {100 * v / t_all:.0f}%" for k, v in overall.most_common()))


if __name__ == "__main__":
    main()
