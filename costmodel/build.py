"""`costmodel build-lut`: fill the LUT for a space, resumable, with a progress line and a summary.

Rows already in the LUT are reused (an interrupted build resumes where it stopped); each new row
is written in its own transaction as soon as it is computed. With --jobs N the costs are computed
in N worker processes and written by this one.
"""
from __future__ import annotations

import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .evaluate import evaluate_layers, resolve
from .lut import LUT
from .ops import op_params
from .spaces import load_space


def _compute(job):
    arch, backend, lowering, query = job
    spec, be = resolve(arch, backend)
    t0 = time.perf_counter()
    cost = evaluate_layers(query, spec, be, lowering)
    return query, cost, time.perf_counter() - t0


def _missing(db: str) -> bool:
    return "://" not in str(db) and not Path(db).exists()


def _progress(done: int, total: int, label: str) -> None:
    if total and sys.stderr.isatty():
        width = 30
        fill = int(width * done / total)
        sys.stderr.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {done}/{total} {label[:40]:<40}")
        sys.stderr.flush()


def build_lut(arch: str, spaces: list[str], db: str, lowering: str = "exact", backend: str | None = None,
              jobs: int = 1, dry_run: bool = False) -> int:
    """Build (or complete) the LUT; prints a closing summary. Returns the exit code (1 if any row failed)."""
    spec, be = resolve(arch, backend)
    queries = list(dict.fromkeys(q for name in spaces for q in load_space(name).queries))
    lut = None if dry_run and _missing(db) else LUT(db, create=not dry_run)
    todo = [q for q in queries if lut is None or not lut.has(spec, be, lowering, q)]
    reused = len(queries) - len(todo)
    print(f"build-lut: arch={spec.name} backend={be.name}-{be.version} lowering={lowering} spaces={','.join(spaces)} "
          f"db={db}: {len(queries)} ops x shapes, {reused} already in the LUT, {len(todo)} to compute")
    if dry_run:
        for q in todo:
            print(f"  would compute {q.op} c_in={q.c_in} c_out={q.c_out} hw={q.h} stride={q.stride}")
        return 0
    added = failed = 0
    t0 = time.perf_counter()
    jobs_list = [(arch if isinstance(arch, str) else spec, backend, lowering, q) for q in todo]
    if jobs > 1 and len(todo) > 1:
        pool = ProcessPoolExecutor(max_workers=jobs)
        results = pool.map(_compute, jobs_list, chunksize=max(1, len(todo) // (8 * jobs)))
    else:
        pool, results = None, map(_compute, jobs_list)
    try:
        for i, (q, cost, wall) in enumerate(results, 1):
            lut.put(spec, be, lowering, q, cost, params=op_params(q, lowering), wall_s=wall)
            added += cost.ok
            failed += not cost.ok
            if not cost.ok:
                print(f"  {cost.status}: {q.op} c_in={q.c_in} hw={q.h} stride={q.stride}: {cost.message}", file=sys.stderr)
            _progress(i, len(todo), q.op)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if todo and sys.stderr.isatty():
        sys.stderr.write("\n")
    print(f"build-lut: {added} rows added, {reused} reused, {failed} failed "
          f"({time.perf_counter() - t0:.2f} s; LUT now holds {len(lut)} rows)")
    return 1 if failed else 0
