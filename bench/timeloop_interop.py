"""Our Timeloop files through the REAL tools; writes the golden data under tests/data/timeloop/.

  python bench/timeloop_interop.py timeloopfe [--keep N]
      every v0.4 folder `costmodel specs` writes for {eyeriss, diannao} x OPS x {exact, mdarts} through
      timeloopfe's Specification.from_yaml_files + its pre-call processing (the v0.4 -> Timeloop transpile);
      writes timeloopfe_folders.csv and keeps the transpiled files of a few folders (timeloopfe/).
  python bench/timeloop_interop.py reference [--only ID,...]
      `--backend timeloop` (legacy files, real timeloop-mapper v1.0) on the 52 problems of
      reference/timeloop-v1.0 -> v1.0_reference_runs.csv, compared with the reference numbers.
  python bench/timeloop_interop.py new
      new shapes: real timeloop-mapper vs the embedded backend -> v1.0_new_shapes.csv.
  python bench/timeloop_interop.py exhaustive
      the rows of v1.0_new_shapes.csv where they differ: Timeloop's exhaustive search decides.
Needs timeloop-mapper on PATH and, for `timeloopfe`, $COSTMODEL_TIMELOOPFE_PYTHON (or timeloopfe importable).
"""
from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from costmodel.arch.registry import load_arch
from costmodel.backends.analytic import AnalyticBackend
from costmodel.backends.timeloop import TimeloopBackend
from costmodel.commands.specs import write_specs
from costmodel.ops import OpQuery
from costmodel.resources import reference_dir
from costmodel.timeloop.problem import layer_from_instance
from costmodel.timeloop.runner import timeloopfe_python
from costmodel.workload import Layer

PRINTED_PJ = 0.0051          # stats.txt prints the total energy to 0.01 pJ: equal = within that rounding
OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "timeloop"
ARCHS = ("eyeriss", "diannao")
OPS = [("conv_1x1", 1), ("conv_3x3", 1), ("sep_conv_3x3", 1), ("dil_conv_5x5", 1), ("sep_conv_3x3", 2),
       ("dil_conv_3x3", 2), ("conv_3x3", 2), ("factorized_reduce", 2)]
KEEP = {("eyeriss", "sep_conv_3x3", 1, "exact", "00_dw1"), ("eyeriss", "conv_1x1", 1, "mdarts", "00_conv"),
        ("diannao", "sep_conv_3x3", 1, "exact", "00_dw1"), ("diannao", "conv_1x1", 1, "mdarts", "00_conv")}
CHECK = """import sys, logging, timeloopfe.v4 as tl
from timeloopfe.common.backend_calls import _pre_call
logging.disable(logging.CRITICAL)
d, out = sys.argv[1], sys.argv[2]
names = ["arch.yaml", "variables.yaml", "mapper.yaml", "problem.yaml", "ERT.yaml", "ART.yaml"]
_pre_call(tl.Specification.from_yaml_files(*[d + "/" + n for n in names]), out)
"""


def timeloopfe_cmd(args):
    py = timeloopfe_python()
    if py is None:
        sys.exit("timeloopfe not found: set $COSTMODEL_TIMELOOPFE_PYTHON")
    rows, kept = [], OUT / "timeloopfe"
    shutil.rmtree(kept, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        for arch in ARCHS:
            for op, stride in OPS:
                for low in ("exact", "mdarts"):
                    out = Path(tmp, f"{arch}_{op}_s{stride}_{low}")
                    q = OpQuery(op, 16, 32, stride=stride).resolved()
                    for layer, folder, _ in write_specs(load_arch(arch), q, low, out, ("v0.4",)):
                        if folder is None:
                            continue
                        res = subprocess.run([py, "-c", CHECK, str(folder / "v0.4"), str(folder / "tlfe")],
                                             capture_output=True, text=True)
                        err = (res.stderr.strip().splitlines() or [""])[-1][:300]
                        rows.append({"arch": arch, "op": op, "stride": stride, "lowering": low,
                                     "layer": folder.name, "G": layer.G, "timeloopfe": "ok" if res.returncode == 0
                                     else "fail", "error": "" if res.returncode == 0 else err})
                        if res.returncode == 0 and (arch, op, stride, low, folder.name) in KEEP:
                            dest = kept / f"{arch}_{op}_{low}_{folder.name}"
                            dest.mkdir(parents=True, exist_ok=True)
                            shutil.copy(folder / "tlfe" / "parsed-processed-input.yaml", dest)
    _write(OUT / "timeloopfe_folders.csv", rows)
    ok = sum(r["timeloopfe"] == "ok" for r in rows)
    print(f"timeloopfe: {ok}/{len(rows)} emitted v0.4 folders load and transpile")


def _layer(r) -> Layer:
    return layer_from_instance(r, r.get("problem_id", "layer"))


def reference_cmd(args):
    rows = list(csv.DictReader(open(reference_dir() / "timeloop-v1.0" / "index.csv")))
    rows = [r for r in rows if (not args.only or r["problem_id"] in args.only.split(","))
            and (not args.arch or r["arch"] == args.arch)]
    path = Path(args.csv) if args.csv else OUT / "v1.0_reference_runs.csv"
    done = {(r["arch"], r["problem_id"]) for r in csv.DictReader(open(path))} if path.exists() else set()
    be = TimeloopBackend(fmt="legacy")
    for r in reversed(rows) if args.reverse else rows:
        if (r["arch"], r["problem_id"]) in done:          # resume: rows already in the CSV are kept
            continue
        t = time.time()
        c = be.evaluate(_layer(r), load_arch(r["arch"]))
        same = (c.status == "ok" and c.cycles == int(r["total_cycles"]) and c.compute_cycles == int(r["compute_cycles"])
                and abs(c.energy_pj - float(r["energy_pJ"])) <= PRINTED_PJ)
        _append(path, {"problem_id": r["problem_id"], "arch": r["arch"], "status": c.status, "cycles": c.cycles,
                       "compute_cycles": c.compute_cycles, "energy_pJ": c.energy_pj, "ref_cycles": r["total_cycles"],
                       "ref_compute_cycles": r["compute_cycles"], "ref_energy_pJ": r["energy_pJ"],
                       "same_as_reference": int(same), "note": c.message, "wall_s": round(time.time() - t, 1)})
        print(r["arch"], r["problem_id"], c.status, c.cycles, c.compute_cycles, c.energy_pj, "same" if same else
              f"DIFF ref {r['total_cycles']} {r['compute_cycles']} {r['energy_pJ']}", c.message, flush=True)
    got = list(csv.DictReader(open(path)))
    print(f"reference: {sum(g['same_as_reference'] == '1' for g in got)}/{len(got)} equal to reference/timeloop-v1.0")


NEW = [("n1_3x3_C24K40_P14", 1, 24, 40, 3, 14, 1), ("n2_1x1_C48K24_P8", 1, 48, 24, 1, 8, 1),
       ("n3_5x5_C8K8_P16", 1, 8, 8, 5, 16, 1), ("n4_3x3_s2_C20K20_P8", 1, 20, 20, 3, 8, 2),
       ("n5_1x1_C96K48_P4", 1, 96, 48, 1, 4, 1), ("n6_3x3_N2_C16K16_P8", 2, 16, 16, 3, 8, 1)]


EXHAUSTIVE = {"algorithm": "linear-pruned", "victory-condition": 0, "timeout": 0}   # reference/.../exhaustive_check


def exhaustive_cmd(args):
    """Rows of v1.0_new_shapes.csv where the stock search and the embedded mapper differ: Timeloop's own
    exhaustive search (no early termination) decides which one is the mapspace optimum."""
    from costmodel.timeloop import files_for
    from costmodel.timeloop.runner import run_mapper
    path = OUT / "v1.0_new_shapes.csv"
    rows = list(csv.DictReader(open(path)))
    for r in rows:
        if r["same_as_embedded"] == "1":
            r.update({"exhaustive_cycles": "", "exhaustive_energy_pJ": "", "embedded_is_exhaustive_optimum": ""})
            continue
        res = run_mapper(files_for(_layer(r), load_arch(r["arch"]), "legacy", mapper=EXHAUSTIVE), "legacy", 7200)
        s = res.stats
        r.update({"exhaustive_cycles": s.cycles, "exhaustive_energy_pJ": s.energy_pj,
                  "embedded_is_exhaustive_optimum": int(s.cycles == int(r["embedded_cycles"]) and
                                                        abs(s.energy_pj - float(r["embedded_energy_pJ"])) <= PRINTED_PJ)})
        print(r["arch"], r["problem_id"], "exhaustive", s.cycles, s.energy_pj, "| embedded", r["embedded_cycles"],
              r["embedded_energy_pJ"], flush=True)
    _write(path, rows)


def new_cmd(args):
    out = []
    for arch in ARCHS:
        spec = load_arch(arch)
        for name, n, c, k, rs, p, s in NEW:
            r = {"problem_id": name, "N": n, "C": c, "K": k, "R": rs, "S": rs, "P": p, "Q": p, "Wstride": s,
                 "Hstride": s, "Wdilation": 1, "Hdilation": 1}
            layer = _layer(r)
            real, emb = TimeloopBackend(fmt="legacy").evaluate(layer, spec), AnalyticBackend().evaluate(layer, spec)
            same = real.status == "ok" and (real.cycles, real.compute_cycles) == (emb.cycles, emb.compute_cycles) \
                and abs(real.energy_pj - emb.energy_pj) <= PRINTED_PJ
            edp = "" if real.status != "ok" else real.energy_pj * real.cycles / (emb.energy_pj * emb.cycles)
            out.append({**r, "arch": arch, "status": real.status, "cycles": real.cycles,
                        "compute_cycles": real.compute_cycles, "energy_pJ": real.energy_pj, "embedded_cycles": emb.cycles,
                        "embedded_compute_cycles": emb.compute_cycles, "embedded_energy_pJ": emb.energy_pj,
                        "same_as_embedded": int(same), "edp_timeloop_over_embedded": edp, "mapping": real.mapping})
            print(arch, name, real.status, real.cycles, real.energy_pj, "| embedded", emb.cycles, emb.energy_pj,
                  "same" if same else f"EDP ratio {edp}", flush=True)
    _write(OUT / "v1.0_new_shapes.csv", out)


def _append(path: Path, row: dict) -> None:
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(row))
        if new:
            w.writeheader()
        w.writerow(row)


def _write(path: Path, rows: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("timeloopfe").set_defaults(func=timeloopfe_cmd)
    p = sub.add_parser("reference")
    p.add_argument("--only", help="comma-separated problem ids")
    p.add_argument("--arch", choices=ARCHS)
    p.add_argument("--reverse", action="store_true", help="last problem first")
    p.add_argument("--csv", help="output (appended to; rows already there are skipped)")
    p.set_defaults(func=reference_cmd)
    sub.add_parser("new").set_defaults(func=new_cmd)
    sub.add_parser("exhaustive").set_defaults(func=exhaustive_cmd)
    args = ap.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
