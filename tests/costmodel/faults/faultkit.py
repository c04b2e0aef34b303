"""Shared pieces of the fault-injection tests: a small build space, file snapshots, process trees.

(A helper module, not a conftest.py: a second conftest module would shadow tests/conftest.py.)"""
import hashlib
import os
import sqlite3
import subprocess
import time
from pathlib import Path

# Small enough that one eyeriss build takes a second or two, large enough that builds overlap.
TINY_SPACE = """name: tiny
network: {C: 8, layers: 3, hw: 16}
ops: [sep_conv_3x3, dil_conv_3x3, max_pool_3x3, skip_connect]
"""


def tiny_space(folder: Path) -> Path:
    path = folder / "tiny.yaml"
    path.write_text(TINY_SPACE)
    return path


def snapshot(folder: Path) -> dict:
    """path -> (sha256, mode) of every file under `folder` (what "nothing written" compares)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            out[str(p.relative_to(folder))] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mode)
    return out


def rows(db, table: str = "op_costs") -> list:
    """The key and cost columns of every row (no ids, times): equal for equal LUT contents. A file or a URL."""
    sql = ("select arch, spec_hash, backend, lowering, op, n, c_in, c_out, h, w, kernel, stride, dilation, groups, "
           "padding, cycles, compute_cycles, energy_pj, utilization, macs, params, status from op_costs")
    if table != "op_costs":
        sql = f"select * from {table}"
    if "://" in str(db):
        from sqlalchemy import create_engine, text
        eng = create_engine(str(db))
        try:
            with eng.connect() as conn:
                return sorted(tuple(r) for r in conn.execute(text(sql)).fetchall())
        finally:
            eng.dispose()
    with sqlite3.connect(db) as conn:
        return sorted(conn.execute(sql).fetchall())


def descendants(pid: int) -> set:
    """Every process below `pid` now (children, grandchildren), from /proc."""
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                parent[int(d)] = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    out, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, pp in parent.items() if pp in frontier} - out
        out |= frontier
    return out


def alive(pid: int) -> bool:
    """Running (a zombie, dead but not yet reaped by init, is not alive)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def start_build(db, space, *extra) -> subprocess.Popen:
    return subprocess.Popen(["costmodel", "build-lut", "--arch", "eyeriss", "--space", str(space), "--db", str(db),
                             *map(str, extra)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_workers(proc: subprocess.Popen, n: int, db: Path, timeout: float = 120) -> set:
    """Wait until the build has `n` worker processes and has written its first row."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        kids = descendants(proc.pid)
        if len(kids) >= n and db.exists():
            try:
                with sqlite3.connect(db) as conn:
                    if conn.execute("select count(*) from op_costs").fetchone()[0] > 0:
                        return kids
            except sqlite3.Error:
                pass
        if proc.poll() is not None:
            raise AssertionError(f"the build ended before it could be killed: {proc.communicate()}")
        time.sleep(0.05)
    raise AssertionError("the build never started its workers")
