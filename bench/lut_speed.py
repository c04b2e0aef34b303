"""LUT build speed, side by side in one run: the embedded analytic backend vs the recorded Timeloop
v1.0 mapper wall times (reference `wall_s`) on the whole reference problem set, and vs ZigZag
(zigzag-dse, eyeriss_like, LOMA, EDP) measured live on a sample of the same conv layers.

ZigZag runs in the interpreter given by --zigzag-python / $ZIGZAG_PYTHON, in a venv of its own made by
--install-zigzag (pip install zigzag-dse six), else this one if it can import zigzag; if none can, the
ratio is skipped and the reason printed.
Last line: `lut_speed: vs timeloop R×, vs zigzag S×`.
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from costmodel.arch import load_arch
from costmodel.backends.analytic import AnalyticBackend
from costmodel.loopnest.fidelity import read_reference
from costmodel.resources import reference_dir

HERE = Path(__file__).resolve().parent


def zigzag_python(arg: str | None) -> tuple[str | None, str]:
    cand = arg or os.environ.get("ZIGZAG_PYTHON")
    if cand:
        ok = subprocess.run([cand, "-c", "import zigzag"], capture_output=True, text=True)
        return (cand, "") if ok.returncode == 0 else (None, f"{cand} cannot import zigzag: "
                                                            f"{(ok.stderr.strip().splitlines() or ['?'])[-1]}")
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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", default=str(reference_dir() / "timeloop_v1.0_darts_ops.csv"),
                    help="reference CSV with recorded Timeloop wall times (default: the packaged one)")
    ap.add_argument("--zigzag-python")
    ap.add_argument("--install-zigzag", nargs="?", const=str(HERE / ".zigzag-venv"), metavar="VENV",
                    help="create VENV (default bench/.zigzag-venv) with zigzag-dse and measure ZigZag live in it")
    ap.add_argument("--zigzag-layers", type=int, default=8, help="conv layers of the set to run ZigZag on")
    args = ap.parse_args(argv)
    ref_csv = Path(args.reference)
    rows = read_reference(ref_csv)
    with open(ref_csv, newline="") as fh:
        wall = [float(r["wall_s"]) for r in csv.DictReader(fh) if (r.get("R") or "").strip()
                and (r.get("cycles") or "").strip()]
        fh.seek(0)
        wall_unique = sum(float(r["wall_s"]) for r in csv.DictReader(fh) if (r.get("R") or "").strip()
                          and (r.get("cycles") or "").strip() and r.get("duplicate") in ("0", "0.0"))
    assert len(wall) == len(rows)
    specs = {a: load_arch(a) for a in {a for _, a, *_ in rows}}

    backend = AnalyticBackend()                       # fresh: nothing memoised
    t0 = time.perf_counter()
    for _, arch, layer, *_ in rows:
        backend.evaluate(layer, specs[arch])
    emb = time.perf_counter() - t0
    unique = len(backend._memo)
    r_all = sum(wall) / emb
    print(f"reference problem set: {len(rows)} conv sub-layer rows ({unique} distinct problems), "
          f"archs {', '.join(sorted(specs))}")
    print(f"  embedded analytic build (exact EDP mapper, memoised like a LUT): {emb:8.2f} s")
    print(f"  Timeloop v1.0 mapper, recorded wall_s, all {len(rows)} rows:         {sum(wall):8.1f} s  -> {r_all:,.0f}x")
    print(f"  Timeloop v1.0 mapper, recorded wall_s, {unique} first runs only:      {wall_unique:8.1f} s  -> "
          f"{wall_unique / emb:,.0f}x")

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
        fresh = AnalyticBackend()
        t0 = time.perf_counter()
        for layer in sample:
            fresh.evaluate(layer, specs["eyeriss"])
        ours = time.perf_counter() - t0
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
    print(f"lut_speed: vs timeloop {r_all:,.0f}×, vs zigzag {s_text}")


if __name__ == "__main__":
    main()
