"""Max-cycle evaluations per second for random genotypes, costs from the LUT (one core).

The per-op costs are looked up once (LUT -> the scheduler's dict); each evaluation then builds the
genotype's task list and runs the one-pass longest path. Side by side, the same genotypes through
the full report path (networkx acyclicity check, critical path, per-task times) give the ratio.
The shipped LUT is copied to a temporary file first, so a miss never writes into the repository.

    python bench/schedule_speed.py [--arch eyeriss] [--mode mdarts-table3] [--lowering mdarts] [--db lut_cache.db]

Last line: ``schedule_speed: N evals/s``.
"""
from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

from costmodel.genotypes import Genotype, validate
from costmodel.lut import LUT
from costmodel.ops import DARTS_PRIMITIVES
from costmodel.schedule import MODES, Scheduler

OPS = [op for op in DARTS_PRIMITIVES if op != "none"]


def random_genotype(rng: random.Random, steps: int = 4) -> Genotype:
    """A DARTS-style genotype: two edges per node from distinct earlier nodes, every node concatenated."""
    def cell():
        return [(rng.choice(OPS), inp) for node in range(2, 2 + steps) for inp in rng.sample(range(node), 2)]
    concat = list(range(2, 2 + steps))
    return validate(Genotype(cell(), concat, cell(), concat))


def rate(fn, genotypes, min_seconds: float) -> float:
    """Evaluations per second over whole passes of `genotypes`, at least `min_seconds` long."""
    n, t0 = 0, time.perf_counter()
    while True:
        for g in genotypes:
            fn(g)
        n += len(genotypes)
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds:
            return n / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", default="eyeriss")
    ap.add_argument("--mode", choices=tuple(MODES), default="mdarts-table3")
    ap.add_argument("--lowering", choices=("exact", "mdarts"), default="mdarts")
    from costmodel.resources import shipped_lut_path
    ap.add_argument("--db", default=str(shipped_lut_path()), help="LUT copied as the starting cache (default: shipped)")
    ap.add_argument("--genotypes", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()

    rng = random.Random(0)
    genotypes = [random_genotype(rng) for _ in range(args.genotypes)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "lut.db"
        if Path(args.db).exists():
            shutil.copy(args.db, db)
        lut = LUT(str(db))
        rows_before = len(lut)
        scheduler = Scheduler(args.arch, mode=args.mode, lowering=args.lowering, lut=lut)
        t0 = time.perf_counter()
        for g in genotypes:  # fills the scheduler's dict: one LUT lookup (or backend run) per distinct op + shape
            scheduler.max_value(g)
        warm = time.perf_counter() - t0
        print(f"arch {args.arch}, mode {args.mode}, lowering {args.lowering}, {args.genotypes} random genotypes")
        print(f"LUT {args.db}: {rows_before} rows; {len(lut) - rows_before} missing rows computed; "
              f"first pass (lookups) {warm:.2f} s")
        fast = rate(scheduler.max_value, genotypes, args.seconds)
        full = rate(scheduler.schedule, genotypes[:200], args.seconds / 2)
        print(f"full report path (networkx check, critical path): {full:,.0f} evals/s")
        print(f"hot path (max_value):                             {fast:,.0f} evals/s")
        print(f"ratio hot/full: {fast / full:.1f}x")
        lut.close()
    print(f"schedule_speed: {fast:.0f} evals/s")


if __name__ == "__main__":
    main()
