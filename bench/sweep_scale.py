"""Sweep throughput, side by side in one run: the same architecture-variant sweep (default: the packaged
12-variant Eyeriss sweep over darts-search) with --jobs 1, --jobs 2 and a Dask LocalCluster (2 workers), each
into a fresh SQLite LUT and in a fresh interpreter, and once into PostgreSQL; the rate excludes the Dask
cluster start-up (printed on its own); checks that every run wrote the same rows and projects
the time of a 1,000-variant sweep from each measured rate.

PostgreSQL: --pg URL (an empty database), or --pg auto (default) starts a private server on 127.0.0.1 with
tests/pgserver.py where Debian's postgresql is installed; --pg none skips it.
Last line: `sweep_scale: jobs1 A/s, jobs2 B/s, dask C/s problems; 1,000 variants: ...`.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from costmodel.lut import LUT
from costmodel.sweep import load_sweep_file, plan
from costmodel.sweep.store import content

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"sweep: (?P<added>\d+) rows added, \d+ reused, (?P<failed>\d+) failed \((?P<s>[\d.]+) s")


def pg_url(arg: str):
    """(url, server to stop or None, reason if none)."""
    if arg == "none":
        return None, None, "--pg none"
    if arg != "auto":
        return arg, None, ""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from pgserver import PgServer, wait_ready
        srv = PgServer.start()
        wait_ready(srv.url)
        return srv.fresh_database("sweep_scale"), srv, ""
    except Exception as e:  # noqa: BLE001 -- any reason is printed
        return None, None, f"no PostgreSQL server ({e})"


def measure(label: str, sweep_file: str, db: str, *flags: str) -> dict:
    """One `costmodel sweep` in a fresh interpreter (the analytic backend memoises per process: a run in
    this one, or forked from it, would inherit the previous run's results)."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "costmodel.cli", "sweep", "--file", sweep_file, "--db", db, *flags],
                          capture_output=True, text=True)
    wall = time.perf_counter() - t0
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    m = SUMMARY.search(proc.stdout)
    if proc.returncode != 0 or not m:
        raise SystemExit(f"sweep_scale: {label} failed (exit {proc.returncode})")
    added, failed, compute_s = int(m["added"]), int(m["failed"]), float(m["s"])
    return {"label": label, "code": proc.returncode, "wall_s": wall, "db": db, "computed": added + failed,
            "failed": failed, "compute_s": compute_s, "rate": (added + failed) / compute_s}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", default="eyeriss-12", help="sweep file or packaged sweep (default %(default)s)")
    ap.add_argument("--pg", default="auto", help="auto | none | a SQLAlchemy URL of an empty database")
    ap.add_argument("--variants", type=int, default=1000, help="projected sweep size (default %(default)s)")
    args = ap.parse_args()
    p = plan(load_sweep_file(args.file))
    per_variant = len(p.queries) * len(p.sweep.lowerings)
    tmp = Path(tempfile.mkdtemp(prefix="sweep_scale_"))
    runs = [measure("jobs1", args.file, str(tmp / "jobs1.db"), "--jobs", "1"),
            measure("jobs2", args.file, str(tmp / "jobs2.db"), "--jobs", "2"),
            measure("dask-local-2", args.file, str(tmp / "dask.db"), "--jobs", "2", "--dask", "local")]
    url, srv, why = pg_url(args.pg)
    try:
        if url:
            runs.append(measure("postgres-jobs2", args.file, url, "--jobs", "2"))
        ref = content(LUT(runs[0]["db"]))
        same = {r["label"]: content(LUT(r["db"])).equals(ref) for r in runs[1:]}
    finally:
        if srv is not None:
            srv.stop()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nmachine: {os.cpu_count()} cores, load average {load} (1, 5, 15 min) at the end")
    print(f"{len(p.variants)} variants x {per_variant} problems (op x shape rows) = {len(p.variants) * per_variant}"
          f" per run; identical rows to jobs1: {same}{'' if url else f'; PostgreSQL skipped: {why}'}")
    print(f"{'run':<16}{'rows':>6}{'compute s':>11}{'wall s':>9}{'problems/s':>12}{f'{args.variants} variants':>16}")
    for r in runs:
        proj = args.variants * per_variant / r["rate"]
        print(f"{r['label']:<16}{r['computed']:>6}{r['compute_s']:>11.2f}{r['wall_s']:>9.2f}{r['rate']:>12.1f}"
              f"{proj / 60:>12.1f} min")
    ok = all(same.values()) and all(r["code"] == 0 and r["failed"] == 0 for r in runs)
    best = max(runs, key=lambda r: r["rate"])
    rates = ", ".join(f"{r['label']} {r['rate']:.1f}/s" for r in runs)
    print(f"sweep_scale: {rates} problems; "
          f"{args.variants:,} variants x {per_variant} problems: {args.variants * per_variant / best['rate'] / 60:.1f} "
          f"min at the best rate ({best['label']}); rows identical: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
