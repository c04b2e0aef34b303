"""LUT build speed, side by side in one run: the embedded analytic backend vs the recorded Timeloop
v1.0 mapper wall times (reference `wall_s`), like for like on the DISTINCT problems of the reference set
(its `duplicate == 0` rows: each (arch, problem) once, as a LUT builds it), and vs ZigZag (zigzag-dse,
eyeriss_like, LOMA, EDP) measured live on a sample of the same conv layers.

Our side is one single-threaded run in a fresh interpreter with a fresh backend and fresh specs (nothing
memoised or cached), timed by process CPU time (what that process used; the headline, since the machine may
be shared) and by wall time (printed beside it). It runs twice, each in a process of its own: as the
`costmodel` command runs (build-lut: freed heap kept for reuse, costmodel.heap; the headline) and with glibc's
default heap policy (what a Python caller's process has; printed beside it with both runs' page faults).
Timeloop's `wall_s` was recorded with 2 mapper threads. The all-rows figure (every reference row: Timeloop
re-ran duplicates, our memo answers them) is printed, labelled.

ZigZag runs in the interpreter given by --zigzag-python / $ZIGZAG_PYTHON, else in the venv of its own
that --install-zigzag makes (pip install zigzag-dse six; bench/.zigzag-venv, used whenever it exists),
else this one if it can import zigzag; if none can, the ratio is skipped and the reason printed.
When `timeloop-mapper` is on PATH, it is also timed LIVE, in the same run on the same machine: the
`timeloop` backend (input files written, the stock mapper run, its stats parsed: what `build-lut --backend
timeloop` does per problem) on an evenly spaced sample of the distinct problems (--timeloop-problems,
default 6), against the embedded backend on the same sample; wall time and CPU time (the mapper's
child-process CPU) are printed.
Last line: `lut_speed: vs timeloop R× (recorded; D× with the default heap), L× (live, N problems), vs zigzag S×`
(R and D on distinct problems, CPU time; L the same sample's CPU time, the mapper's threads included; n/a
without Timeloop).
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from costmodel.arch.registry import load_arch
from costmodel.backends.analytic import AnalyticBackend
from costmodel.loopnest.fidelity import PROBLEM_COLS, RESULT_COLS, read_reference
from costmodel.resources import reference_dir

HERE = Path(__file__).resolve().parent


def zigzag_python(arg: str | None) -> tuple[str | None, str]:
    cand = arg or os.environ.get("ZIGZAG_PYTHON")
    if cand:
        ok = subprocess.run([cand, "-c", "import zigzag"], capture_output=True, text=True)
        return (cand, "") if ok.returncode == 0 else (None, f"{cand} cannot import zigzag: "
                                                            f"{(ok.stderr.strip().splitlines() or ['?'])[-1]}")
    venv = HERE / ".zigzag-venv" / "bin" / "python"                 # made by an earlier --install-zigzag
    if venv.exists():
        return zigzag_python(str(venv))
    if importlib.util.find_spec("zigzag") is not None:
        return sys.executable, ""
    return None, ("zigzag-dse is not importable here (rerun with --install-zigzag, or pass --zigzag-python / "
                  "$ZIGZAG_PYTHON pointing to an interpreter that has it)")


def install_zigzag(venv: Path) -> str:
    """A venv of its own with zigzag-dse (kept out of the toolkit's environment); returns its python."""
    py = venv / "bin" / "python"
    if not py.exists():
        print(f"installing zigzag-dse six into {venv} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "zigzag-dse", "six"], check=True)
    return str(py)


def reference_rows(ref_csv: Path) -> tuple[list, list]:
    """The reference's rows (fidelity.read_reference) and, per row, (recorded wall_s, whether it is the first
    of its problem: `duplicate == 0`)."""
    rows = read_reference(ref_csv)
    with open(ref_csv, newline="") as fh:      # the rows read_reference keeps, in order
        meta = [(float(r["wall_s"]), r.get("duplicate") in ("0", "0.0")) for r in csv.DictReader(fh)
                if all((r.get(c) or "").strip() for c in PROBLEM_COLS + RESULT_COLS)]
    assert len(meta) == len(rows)
    return rows, meta


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", default=str(reference_dir() / "timeloop_v1.0_darts_ops.csv"),
                    help="reference CSV with recorded Timeloop wall times (default: the packaged one)")
    ap.add_argument("--zigzag-python")
    ap.add_argument("--install-zigzag", nargs="?", const=str(HERE / ".zigzag-venv"), metavar="VENV",
                    help="create VENV (default bench/.zigzag-venv) with zigzag-dse and measure ZigZag live in it")
    ap.add_argument("--zigzag-layers", type=int, default=8, help="conv layers of the set to run ZigZag on")
    ap.add_argument("--timeloop-problems", type=int, default=6,
                    help="distinct problems to time the real timeloop-mapper on, when it is on PATH")
    ap.add_argument("--child", choices=("build-lut", "default"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    ref_csv = Path(args.reference)
    if args.child:
        print(json.dumps(timed(ref_csv, args.child == "build-lut")))
        return
    rows, meta = reference_rows(ref_csv)
    first = [row for row, (_, dup0) in zip(rows, meta) if dup0]
    wall_distinct = sum(w for w, dup0 in meta if dup0)
    wall_all = sum(w for w, _ in meta)
    specs = {a: load_arch(a) for a in {a for _, a, *_ in rows}}
    runs = {}
    for heap in ("build-lut", "default"):            # each in a fresh interpreter: nothing warm, nothing cached
        out = subprocess.run([sys.executable, __file__, "--child", heap, "--reference", str(ref_csv)],
                             capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"error: the timed run failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}")
        runs[heap] = json.loads(out.stdout.strip().splitlines()[-1])
    ours, plain = runs["build-lut"], runs["default"]
    distinct = ours["distinct"]
    r_cpu, r_wall, r_plain = wall_distinct / ours["cpu"], wall_distinct / ours["wall"], wall_distinct / plain["cpu"]
    print(f"reference problem set: {len(rows)} conv sub-layer rows, {distinct} distinct problems, "
          f"archs {', '.join(sorted(specs))}")
    print("ours: embedded analytic backend (exact EDP mapper), one single-threaded run in a fresh process, fresh "
          "backend; timed by process CPU time and by wall time (the machine may be shared)")
    heap_note = ("freed heap kept for reuse, costmodel.heap" if ours["heap_kept"] else
                 "costmodel.heap does not apply here (no glibc): the same as the default")
    print(f"  distinct problems ({distinct}), like for like: Timeloop v1.0 mapper recorded wall_s "
          f"{wall_distinct:,.1f} s (2 threads) vs ours {ours['cpu']:.3f} s CPU / {ours['wall']:.3f} s wall "
          f"({1e3 * ours['cpu'] / distinct:.1f} / {1e3 * ours['wall'] / distinct:.1f} ms per problem; as "
          f"`costmodel build-lut` runs: {heap_note}) -> {r_cpu:,.0f}x CPU, {r_wall:,.0f}x wall")
    print(f"  the same in a process with glibc's default heap policy (a Python caller's): {plain['cpu']:.3f} s CPU "
          f"({plain['faults']:,} page faults vs {ours['faults']:,}) -> {r_plain:,.0f}x CPU")
    print(f"  all {len(rows)} rows (not like for like: Timeloop re-ran the {len(rows) - distinct} duplicates, our "
          f"memo answers them): {wall_all:,.1f} s vs ours {ours['all_cpu']:.3f} s CPU / {ours['all_wall']:.3f} s "
          f"wall -> {wall_all / ours['all_cpu']:,.0f}x CPU, {wall_all / ours['all_wall']:,.0f}x wall")

    l_text = live_timeloop(first, specs, args.timeloop_problems)

    if args.install_zigzag and not args.zigzag_python:
        args.zigzag_python = install_zigzag(Path(args.install_zigzag))
    py, why = zigzag_python(args.zigzag_python)
    s_text = "n/a"
    if py is None:
        print(f"ZigZag: skipped -- {why}")
    else:
        distinct = {}
        for _, arch, layer, *_ in rows:
            distinct.setdefault((layer.C, layer.K, layer.G, layer.R, layer.S, layer.P, layer.Q, layer.Hstride,
                                 layer.Hdilation), layer)
        layers = list(distinct.values())
        step = max(1, len(layers) // max(1, args.zigzag_layers))
        sample = layers[::step][: args.zigzag_layers]
        fresh, eyeriss = AnalyticBackend(), load_arch("eyeriss")     # nothing cached from the run above
        t0 = time.perf_counter()
        for layer in sample:
            fresh.evaluate(layer, eyeriss)
        ours = time.perf_counter() - t0                     # wall, like ZigZag's own timing
        probs = [{"N": l.N, "C": l.C // l.G, "K": l.K // l.G, "G": l.G, "R": l.R, "S": l.S, "P": l.P, "Q": l.Q,
                  "Wstride": l.Wstride, "Hstride": l.Hstride, "Wdilation": l.Wdilation, "Hdilation": l.Hdilation}
                 for l in sample]
        out = subprocess.run([py, str(HERE / "zigzag_runner.py")], input=json.dumps(probs), capture_output=True,
                             text=True)
        try:
            zz = json.loads(out.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            zz = None
        if zz is None:
            print(f"ZigZag: skipped -- the run failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}")
        else:
            ok = zz["layers"] - len(zz["failed"])
            print(f"ZigZag {zz['zigzag']} eyeriss_like (LOMA, EDP) on {zz['layers']} of these conv layers "
                  f"({ok} mapped): {zz['seconds']:.2f} s; embedded on the same layers (Eyeriss): {ours:.3f} s")
            for f in zz["failed"]:
                print(f"  ZigZag failed: {f}")
            if ok == zz["layers"]:
                s_text = f"{zz['seconds'] / ours:,.0f}×"
            else:
                print("  (ratio skipped: not every layer mapped)")
    print(f"lut_speed: vs timeloop {r_cpu:,.0f}× (recorded; {r_plain:,.0f}× with the default heap), {l_text}, "
          f"vs zigzag {s_text}")


def timed(ref_csv: Path, keep_heap: bool) -> dict:
    """The distinct problems, then every row, mapped by a fresh backend on freshly loaded specs in this
    process (with the `costmodel` command's heap policy if `keep_heap`): CPU and wall seconds, page faults."""
    from costmodel.heap import keep_freed_heap
    kept = keep_freed_heap() if keep_heap else False
    rows, meta = reference_rows(ref_csv)
    first = [row for row, (_, dup0) in zip(rows, meta) if dup0]
    specs = {a: load_arch(a) for a in {a for _, a, *_ in rows}}
    backend = AnalyticBackend()                       # fresh: nothing memoised, specs just loaded
    f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    t0, c0 = time.perf_counter(), time.process_time()
    for _, arch, layer, *_ in first:
        backend.evaluate(layer, specs[arch])
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
    if len(backend._memo) != len(first):
        raise SystemExit(f"error: {ref_csv}: {len(first)} rows marked duplicate == 0 but {len(backend._memo)} "
                         f"distinct problems")
    for _, arch, layer, *_ in rows:                   # the duplicates: memo hits, as in a LUT build
        backend.evaluate(layer, specs[arch])
    return {"cpu": cpu, "wall": wall, "faults": faults, "distinct": len(first), "heap_kept": kept,
            "all_cpu": time.process_time() - c0, "all_wall": time.perf_counter() - t0}


def live_timeloop(first, specs, n: int) -> str:
    """Time the real timeloop-mapper (through the `timeloop` backend) and ours on a sample of the distinct
    problems, same machine, same run; returns the last line's `L× (live, N problems)` text."""
    if shutil.which("timeloop-mapper") is None:
        print("Timeloop live: skipped -- timeloop-mapper is not on PATH")
        return "n/a (live: no timeloop-mapper)"
    from costmodel.backends.timeloop import TimeloopBackend
    step = max(1, len(first) // max(1, n))
    sample = first[::step][:n]
    real, ours = TimeloopBackend(), AnalyticBackend()
    child0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    costs = [real.evaluate(layer, specs[arch]) for _, arch, layer, *_ in sample]
    child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    tl_wall = time.perf_counter() - t0
    tl_cpu = (child1.ru_utime + child1.ru_stime) - (child0.ru_utime + child0.ru_stime)
    t0, c0 = time.perf_counter(), time.process_time()
    mine = [ours.evaluate(layer, specs[arch]) for _, arch, layer, *_ in sample]
    our_wall, our_cpu = time.perf_counter() - t0, time.process_time() - c0
    failed = sum(c.status != "ok" for c in costs)
    same = sum(c.status == "ok" and c.compute_cycles == m.compute_cycles for c, m in zip(costs, mine))
    print(f"Timeloop live ({real.version}, stock mapper settings of each spec) on {len(sample)} of the distinct "
          f"problems: {tl_wall:.2f} s wall / {tl_cpu:.2f} s mapper CPU vs ours {our_wall:.3f} s wall / "
          f"{our_cpu:.3f} s CPU -> {tl_wall / our_wall:,.0f}x wall, {tl_cpu / our_cpu:,.0f}x CPU "
          f"({failed} failed; compute cycles equal on {same}/{len(sample)})")
    return f"{tl_cpu / our_cpu:,.0f}× (live, {len(sample)} problems)"


if __name__ == "__main__":
    main()
