"""The embedded mapper's bounded search vs real Timeloop v1.0 on UNCONSTRAINED split-file specs.

  PATH=/path/to/timeloop/bin:$PATH python bench/unconstrained_mapper.py [--arch eyeriss] [--cap-s 120]
                                                                        [--algorithm linear-pruned]

For each layer below: `costmodel.timeloop.emit` writes the legacy folder (what `costmodel specs --format
legacy` writes); both mappers get arch.yaml + mapper.yaml (+ problem.yaml, ERT.yaml) and NOT constraints.yaml,
so the mapspace is the whole one (every factorization, order, split and keep/bypass). Real Timeloop:
`timeloop-mapper arch.yaml mapper.yaml problem.yaml ERT.yaml` in a temp folder, SIGINT after --cap-s (it
then writes the best mapping found so far; the row says "capped"). Ours: mapper.search on the same arch +
mapper settings (loopnest.sampling: Timeloop's timeout / victory-condition / search-size, seeded). Printed
side by side: each one's EDP [pJ x cycles], the ratio ours / Timeloop (< 1: ours found the better mapping),
and each one's wall time [s]. `--algorithm` replaces the mapper.yaml algorithm Timeloop runs (ours always
samples at random). Exits 2 when timeloop-mapper is not on PATH.
"""
from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from costmodel.arch import load_arch
from costmodel.errors import CostModelError
from costmodel.loopnest import mapper
from costmodel.loopnest.problem import Problem
from costmodel.timeloop.emit import files_for
from costmodel.timeloop.stats import parse_stats
from costmodel.workload import Layer

# (name, N, C, K, R, S, P, Q, H, W, G): a 3x3 conv, a 1x1 conv, a depthwise 3x3 (G = C), a late 3x3
LAYERS = (("conv3x3_c16_32", 1, 16, 16, 3, 3, 32, 32, 34, 34, 1),
          ("conv1x1_c32k64_16", 1, 32, 64, 1, 1, 16, 16, 16, 16, 1),
          ("dw3x3_c32_16", 1, 32, 32, 3, 3, 16, 16, 18, 18, 32),
          ("conv3x3_c64_8", 1, 64, 64, 3, 3, 8, 8, 10, 10, 1))


def fail(msg: str, code: int = 2):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(code)


def run_timeloop(exe: str, files: dict, cap_s: float) -> tuple:
    """(EDP, cycles, energy_pj, wall s, note) of real Timeloop on `files` (no constraints.yaml)."""
    with tempfile.TemporaryDirectory(prefix="unconstrained-") as wd:
        for name, text in files.items():
            Path(wd, name).write_text(text)
        t0 = time.perf_counter()
        log = open(Path(wd, "log.txt"), "w")
        proc = subprocess.Popen([exe, "arch.yaml", "mapper.yaml", "problem.yaml", "ERT.yaml"], cwd=wd,
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        note = ""
        try:
            proc.wait(timeout=cap_s)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)          # Timeloop writes its best-so-far on SIGINT
            note = f"capped at {cap_s:g} s"
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        wall = time.perf_counter() - t0
        log.close()
        stats = Path(wd, "timeloop-mapper.stats.txt")
        if not stats.exists():
            last = (Path(wd, "log.txt").read_text().strip().splitlines() or ["no output"])[-1]
            return None, None, None, wall, (note + "; " if note else "") + f"no stats written ({last[:90]})"
        s = parse_stats(stats.read_text())
        return s.energy_pj * s.cycles, s.cycles, s.energy_pj, wall, note


def run_ours(files: dict, layer: Layer) -> tuple:
    """(EDP, cycles, energy_pj, wall s, note) of the embedded mapper on arch.yaml + mapper.yaml."""
    with tempfile.TemporaryDirectory(prefix="unconstrained-ours-") as wd:
        path = Path(wd, "arch_mapper.yaml")
        path.write_text(files["arch.yaml"] + "\n" + files["mapper.yaml"])
        spec = load_arch(str(path))
    t0 = time.perf_counter()
    r = mapper.search(Problem.from_layer(layer), spec)
    wall = time.perf_counter() - t0
    if r.mapping is None:
        return None, None, None, wall, r.message
    return r.energy_pj * r.cycles, r.cycles, r.energy_pj, wall, f"{r.strategy}: {r.evaluated:,} valid"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--arch", default="eyeriss", help="a Timeloop-style arch (its constraints are dropped)")
    ap.add_argument("--cap-s", type=float, default=120.0, help="wall cap per Timeloop run [s] (SIGINT after)")
    ap.add_argument("--algorithm", help="Timeloop's search algorithm (default: the arch's mapper.yaml)")
    ap.add_argument("--only", action="append", help="run only this layer (repeatable; names in the table)")
    args = ap.parse_args(argv)
    exe = shutil.which("timeloop-mapper")
    if exe is None:
        fail("timeloop-mapper (Timeloop v1.0) is not on PATH: this benchmark compares against it; "
             "put its bin folder on PATH (e.g. PATH=/path/to/timeloop/bin:$PATH)")
    try:
        spec = load_arch(args.arch)
    except CostModelError as e:
        fail(str(e))
    settings = {"algorithm": args.algorithm} if args.algorithm else None
    print(f"arch {spec.name} without its constraints; timeloop-mapper {exe}; cap {args.cap_s:g} s per Timeloop run")
    print(f"{'layer':<20}{'EDP Timeloop':>14}{'EDP ours':>14}{'ours/TL':>9}{'TL s':>9}{'ours s':>9}  notes")
    for name, *dims in LAYERS:
        if args.only and name not in args.only:
            continue
        n, c, k, r, s, p, q, h, w, g = dims
        layer = Layer(name, "conv", n, c, k, r, s, p, q, h, w, G=g)
        files = files_for(layer, spec, "legacy", mapper=settings)
        files.pop("constraints.yaml")
        tl = run_timeloop(exe, files, args.cap_s)
        ours = run_ours(files, layer)
        ratio = f"{ours[0] / tl[0]:.3f}" if tl[0] and ours[0] else "n/a"
        fmt = lambda v: f"{v:.4g}" if v else "none"
        print(f"{name:<20}{fmt(tl[0]):>14}{fmt(ours[0]):>14}{ratio:>9}{tl[3]:>9.1f}{ours[3]:>9.1f}  "
              f"TL: {tl[4] or 'finished'}; ours: {ours[4]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
