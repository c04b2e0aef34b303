"""Issue 20's development runs (timeloop-accelergy-exercises @ 2d55108, tests/data/timeloop/v4-dev): our model
on each run's own mapping vs the reference Timeloop (v3+/v4) stats, and with --mapper our mapper on the mapper
runs vs the reference mapper's result in the run's objective.

  python bench/timeloop_v4_dev.py [--mapper]

Each run is read from its own v3-native input (ref-output/parsed-processed-input.yaml) + the shipped ERT; the
reference energy is the stats' fJ/Compute Total x Computes (6 significant digits). Columns: cycles ours/ref,
energy ours/ref, whether every per-level read/fill/update count equals, and (--mapper) the wall time of
`costmodel mapper` (the reference mapper's own wall time is not in its outputs).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "costmodel" / "timeloop" / "v4"))

from costmodel.loopnest.mapper import search  # noqa: E402
from costmodel.loopnest.model import evaluate  # noqa: E402
from costmodel.timeloop import v4  # noqa: E402
from costmodel.timeloop.stats import read_stats  # noqa: E402
from v4devruns import MAPPER_RUNS, RUNS, native, out  # noqa: E402


def counts_equal(ref, stats) -> bool:
    return all((stats[(lv.name, ds)]["reads"], stats[(lv.name, ds)]["fills"], stats[(lv.name, ds)]["updates"]) ==
               (v["Scalar reads (per-instance)"], v["Scalar fills (per-instance)"], v["Scalar updates (per-instance)"])
               for lv in ref.levels[1:] for ds, v in lv.dataspaces.items())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mapper", action="store_true", help="also run our mapper on the mapper runs (minutes)")
    args = ap.parse_args(argv)
    print(f"{'run':<14} {'cycles ours':>12} {'cycles ref':>12} {'energy ours/ref':>16} counts-equal")
    for name in RUNS:
        run = v4.load(native(name), None, out(name, "ERT.yaml"))
        ref = read_stats(out(name, "stats.txt"))
        cost, stats = evaluate(run.problem, run.spec, run.mapping, detail=True)
        print(f"{name:<14} {cost.cycles:>12} {ref.cycles:>12} {cost.energy_pj / ref.energy_pj:>16.7f} "
              f"{counts_equal(ref, stats)}")
    if args.mapper:
        print(f"\n{'mapper run':<14} {'objective':<14} {'cycles ours':>12} {'cycles ref':>12} {'energy ours [uJ]':>17} "
              f"{'energy ref [uJ]':>16} {'wall s':>8}")
        for name in MAPPER_RUNS:
            run = v4.load(native(name)[:1], None, out(name, "ERT.yaml"))
            ref = read_stats(out(name, "stats.txt"))
            t = time.perf_counter()
            res = search(run.problem, run.spec, run.objective)
            wall = time.perf_counter() - t
            print(f"{name:<14} {run.objective:<14} {res.cycles:>12} {ref.cycles:>12} {res.energy_pj / 1e6:>17.2f} "
                  f"{ref.energy_pj / 1e6:>16.2f} {wall:>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
