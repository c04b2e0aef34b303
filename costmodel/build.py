"""`costmodel build-lut`: fill the LUT for a space, resumable, with a progress line and a summary.

Everything is checked before the first write: the arch, the space, every shape (lowered once), the
LUT (folder, permissions, integrity). Rows already in the LUT are reused (an interrupted build
resumes where it stopped); each new row is written in its own transaction as soon as it is computed.

Builds running at once on one LUT split the work: before computing a row, a build re-checks that
no other build has written it since the plan was made and claims it (`LUT.claim`); rows another
build has claimed are left to it and, if still missing at the end (that build was killed), computed
here. With --jobs N the costs are computed in N worker processes and written by this one. Workers
die with this process, even on SIGKILL (PR_SET_PDEATHSIG on Linux, and a watchdog thread checking
the parent everywhere); SIGINT and SIGTERM stop the build with one line, keeping the rows written.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context
from pathlib import Path

from .evaluate import evaluate_layers, resolve
from .lut import LUT
from .lutdb import mask
from .ops import lower, op_params
from .progress import bar, note
from .spaces import load_space


def _compute(job):
    arch, backend, lowering, query = job
    spec, be = resolve(arch, backend)
    t0 = time.perf_counter()
    cost = evaluate_layers(query, spec, be, lowering)
    return query, cost, time.perf_counter() - t0


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)                 # the build is gone: nobody will read this worker's result


def _worker_init(parent: int) -> None:
    """In each worker: ignore Ctrl-C (the parent stops the build) and die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watchdog").start()


def _missing(db: str) -> bool:
    return "://" not in str(db) and not Path(db).exists()


class _Pool:
    """N worker processes (fork) that die with this one; `close(kill=True)` stops them at once."""

    def __init__(self, jobs: int):
        self.executor = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork"),
                                            initializer=_worker_init, initargs=(os.getpid(),))

    def close(self, kill: bool) -> None:
        if kill:
            for p in list((getattr(self.executor, "_processes", None) or {}).values()):
                if p.is_alive():
                    p.kill()
        self.executor.shutdown(wait=not kill, cancel_futures=True)


def check_jobs(jobs: int | None, flag: str = "--jobs") -> int | None:
    """`jobs` if 1 <= jobs <= the JOBS limit (4 x the cores unless $COSTMODEL_MAX_JOBS says otherwise)."""
    from .errors import CostModelError
    from .userfiles import limit
    if jobs is None:
        return None
    cap = limit("JOBS")
    if jobs < 1 or jobs > cap:
        raise CostModelError(f"{flag} {jobs}: must be 1..{cap} (4 x the {os.cpu_count() or 1} cores; "
                             f"$COSTMODEL_MAX_JOBS raises the limit)")
    return jobs


def row_kind(status: str) -> str:
    """The summary count a stored row goes to: added (ok), not-expressible (the arch cannot express the op:
    stored as such, no failure) or failed."""
    return "added" if status == "ok" else status if status == "not-expressible" else "failed"


def build_lut(arch: str, spaces: list[str], db: str, lowering: str = "exact", backend: str | None = None,
              jobs: int = 1, dry_run: bool = False) -> int:
    """Build (or complete) the LUT; prints a closing summary. Returns the exit code (1 if any row failed; a row
    the arch cannot express, e.g. a max pool on an arch without a pool model, is stored as such and counted
    apart)."""
    spec, be = resolve(arch, backend)
    queries = list(dict.fromkeys(q for name in spaces for q in load_space(name).queries))
    for q in queries:
        lower(q, lowering)          # every shape is possible: a user error stops the build before any write
    lut = None if dry_run and _missing(db) else LUT(db, create=not dry_run)
    if lut is not None and not dry_run:
        lut.require_writable()
    todo = [q for q in queries if lut is None or not lut.has(spec, be, lowering, q)]
    reused = len(queries) - len(todo)
    print(f"build-lut: arch={spec.name} backend={be.name}-{be.version} lowering={lowering} spaces={','.join(spaces)} "
          f"db={mask(str(db)) if '://' in str(db) else db}: {len(queries)} ops x shapes, {reused} already in the "
          f"LUT, {len(todo)} to compute", flush=True)
    if dry_run:
        for q in todo:
            print(f"  would compute {q.op} c_in={q.c_in} c_out={q.c_out} hw={q.h} stride={q.stride}")
        return 0
    t0 = time.perf_counter()
    job_arch = arch if isinstance(arch, str) else spec
    stats = {"added": 0, "failed": 0, "other": 0, "not-expressible": 0}
    jobs = max(1, min(jobs, len(todo)))   # never more workers than tasks
    pool = _Pool(jobs) if jobs > 1 else None
    interrupted = True
    progress = bar(len(todo), f"build-lut {spec.name} {lowering}", unit=" rows")
    try:
        later = _run(lut, spec, be, lowering, job_arch, backend, todo, pool, jobs, stats, progress)
        while later:                # rows other builds are computing: wait for them (or take them if they die)
            time.sleep(0.2)
            later = _run(lut, spec, be, lowering, job_arch, backend, later, pool, jobs, stats, progress)
        interrupted = False
    finally:
        progress.close()
        if pool is not None:
            pool.close(kill=interrupted)
        try:
            lut.release_claims()
        except Exception:           # the LUT itself failed: that error is the one to report
            pass
    other = f"; {stats['other']} written meanwhile by another build" if stats["other"] else ""
    if stats["not-expressible"]:
        other += f"; {stats['not-expressible']} not expressible on this arch (stored as such, see above)"
    print(f"build-lut: {stats['added']} rows added, {reused} reused, {stats['failed']} failed{other} "
          f"({time.perf_counter() - t0:.2f} s; LUT now holds {len(lut)} rows)")
    return 1 if stats["failed"] else 0


def _run(lut, spec, be, lowering, job_arch, backend, queries, pool, jobs, stats, progress) -> list:
    """Compute and store the rows of `queries` no other live build has written or claimed; returns the
    rows another build is computing now."""
    later, pending, running = [], list(reversed(queries)), {}

    def mine(q) -> bool:
        if lut.has(spec, be, lowering, q):
            stats["other"] += 1
            return False
        if lut.claim(spec, be, lowering, q):
            return True
        later.append(q)
        return False

    def store(q, cost, wall) -> None:
        lut.put(spec, be, lowering, q, cost, params=op_params(q, lowering), wall_s=wall)
        stats[row_kind(cost.status)] += 1
        if not cost.ok:
            note(f"  {cost.status}: {q.op} c_in={q.c_in} hw={q.h} stride={q.stride}: {cost.message}")
        progress.set_postfix_str(f"{q.op} C={q.c_in} {q.h}x{q.w}", refresh=False)
        progress.update()

    while pending or running:
        while pending and (pool is None and not running or pool is not None and len(running) < 2 * jobs):
            q = pending.pop()
            if mine(q):
                if pool is None:
                    store(*_compute((job_arch, backend, lowering, q)))
                else:
                    running[pool.executor.submit(_compute, (job_arch, backend, lowering, q))] = q
        if running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                running.pop(fut)
                store(*fut.result())
    return later
