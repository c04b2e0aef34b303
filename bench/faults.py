"""Fault-injection figures of issue 9, measured with real processes on real databases.

  * race:  N trials of 3 simultaneous `build-lut` on a fresh SQLite file and on a fresh PostgreSQL
           database: crashed processes (exit != 0 or a traceback), rows vs a clean build, duplicate
           keys, rows computed twice (work not split), claims left behind;
  * kill:  M trials of `build-lut --jobs 2` killed with SIGKILL mid-build: processes of the build
           still alive 2 s later, and whether the rerun equals a clean build.

PostgreSQL: $COSTMODEL_TEST_PG_URL, else a private server started like the tests' (tests/pgserver.py,
Debian's `postgresql` package); without either the PostgreSQL trials are reported as not run.
Usage: python bench/faults.py [--trials 10] [--kills 5]
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


kit = _module("faultkit", ROOT / "tests" / "costmodel" / "faults" / "faultkit.py")   # the tests' own helpers
rows, descendants, alive, build = kit.rows, kit.descendants, kit.alive, kit.start_build


def race(db, space, clean: list) -> dict:
    procs = [build(db, space) for _ in range(3)]
    outs = [p.communicate(timeout=900) for p in procs]
    crashed = sum(p.returncode != 0 or "Traceback" in err for p, (_, err) in zip(procs, outs))
    got = rows(db)
    added = sum(int(out.splitlines()[-1].split()[1]) for out, _ in outs if out.strip())
    return {"crashed": crashed, "equal": got == clean, "duplicates": len(got) - len({r[:15] for r in got}),
            "recomputed": added - len(clean), "claims_left": len(rows(db, "op_claims"))}


def kill(db: Path, space, clean: list) -> dict:
    proc = build(db, space, "--jobs", "2")
    deadline = time.time() + 300
    while time.time() < deadline:
        kids = descendants(proc.pid)
        if len(kids) >= 2 and db.exists() and _count(db) > 0:
            break
        time.sleep(0.05)
    kids = descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    t0 = time.time()
    while time.time() - t0 < 2.0 and any(alive(p) for p in kids):
        time.sleep(0.05)
    left = [p for p in kids if alive(p)]
    kept = _count(db)
    rerun = build(db, space, "--jobs", "2")
    rerun.communicate(timeout=900)
    return {"workers": len(kids), "alive_after_2s": len(left), "kept": kept,
            "resume_equal": rerun.returncode == 0 and rows(db) == clean}


def _count(db) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("select count(*) from op_costs").fetchone()[0]
    except sqlite3.Error:
        return 0


def pg_urls():
    """A function name -> fresh database URL, and a stop function; (None, reason) without PostgreSQL."""
    env = os.environ.get("COSTMODEL_TEST_PG_URL")
    if env:
        return (lambda name: env), (lambda: None), None
    pg = _module("pgserver", ROOT / "tests" / "pgserver.py")
    try:
        srv = pg.PgServer.start()
        pg.wait_ready(srv.url)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        return None, None, str(e)
    return srv.fresh_database, srv.stop, None


def summary(name: str, results: list) -> str:
    n = len(results)
    return (f"{name}: {n} trials x 3 builds: crashed processes {sum(r['crashed'] for r in results)}/{3 * n}, "
            f"rows = clean build {sum(r['equal'] for r in results)}/{n}, duplicate keys "
            f"{sum(r['duplicates'] for r in results)}, rows computed twice {sum(r['recomputed'] for r in results)}, "
            f"claims left {sum(r['claims_left'] for r in results)}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=10, help="race trials per database (3 builds each)")
    ap.add_argument("--kills", type=int, default=5, help="SIGKILL trials")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="costmodel-faults-"))
    space = kit.tiny_space(tmp)
    ref = build(tmp / "clean.db", space)
    ref.communicate(timeout=900)
    clean = rows(tmp / "clean.db")
    print(f"clean build: {len(clean)} rows ({space})")
    sqlite_runs = []
    for i in range(args.trials):
        sqlite_runs.append(race(tmp / f"race{i}.db", space, clean))
        print(f"  sqlite trial {i + 1}: {sqlite_runs[-1]}", flush=True)
    lines = [summary("sqlite", sqlite_runs)]
    fresh, stop, why = pg_urls()
    if fresh is None:
        lines.append(f"postgresql: not run ({why})")
    else:
        try:
            pg_runs = []
            for i in range(args.trials):
                pg_runs.append(race(fresh(f"faults_race{i}"), space, clean))
                print(f"  postgresql trial {i + 1}: {pg_runs[-1]}", flush=True)
            lines.append(summary("postgresql", pg_runs))
        finally:
            stop()
    kills = []
    for i in range(args.kills):
        kills.append(kill(tmp / f"kill{i}.db", space, clean))
        print(f"  kill trial {i + 1}: {kills[-1]}", flush=True)
    lines.append(f"sigkill --jobs 2: {len(kills)} trials: processes alive 2 s later "
                 f"{sum(k['alive_after_2s'] for k in kills)}/{sum(k['workers'] for k in kills)}, resumed = clean build "
                 f"{sum(k['resume_equal'] for k in kills)}/{len(kills)}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
