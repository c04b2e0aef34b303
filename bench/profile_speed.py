"""Profiling speed: the project's ResNet-18 at 224x224, exported to ONNX, on eyeriss, diannao and c64x.

Per arch: a cold run into a fresh LUT (every distinct layer mapped / counted and stored: seconds per
new layer), then a warm run of the same command path (LUT hits only; target < 2 s, tracing included).
With a ZigZag interpreter (--zigzag-python / $ZIGZAG_PYTHON, or --install-zigzag as in
bench/lut_speed.py), ZigZag (eyeriss_like, LOMA, EDP) maps the same distinct conv layers of the same
ONNX graph, side by side with the cold embedded Eyeriss time.
Last line: `profile_speed: warm max X s (target < 2 s)`.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hw", type=int, default=224)
    ap.add_argument("--arch", action="append", help="default: eyeriss, diannao, c64x")
    ap.add_argument("--zigzag-python")
    ap.add_argument("--install-zigzag", nargs="?", const=str(HERE / ".zigzag-venv"), metavar="VENV")
    args = ap.parse_args()
    import torch
    from costmodel.lut import LUT
    from costmodel.ops import lower
    from costmodel.profiler import profile, profile_onnx
    from nas.zoo import resnet18
    shape = (1, 3, args.hw, args.hw)
    with tempfile.TemporaryDirectory(prefix="profile_speed") as tmp:
        onnx = Path(tmp) / "resnet18.onnx"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(resnet18(), (torch.randn(*shape),), str(onnx), dynamo=False)
        warm_max, eyeriss_cold = 0.0, None
        for arch in args.arch or ["eyeriss", "diannao", "c64x"]:
            lut = LUT(str(Path(tmp) / f"{arch}.db"))
            t0 = time.perf_counter()
            cold = profile_onnx(str(onnx), shape, arch, lut=lut)
            t_cold = time.perf_counter() - t0
            t0 = time.perf_counter()
            warm = profile_onnx(str(onnx), shape, arch, lut=lut)
            t_warm = time.perf_counter() - t0
            warm_max = max(warm_max, t_warm)
            n = cold.timing["new_layers"]
            print(f"{arch:<8} ResNet-18 {args.hw}x{args.hw}: cold {t_cold:6.2f} s ({n} new layers, "
                  f"{t_cold / max(n, 1):.3f} s per new layer) | warm {t_warm:5.2f} s "
                  f"({warm.timing['new_layers']} new) | critical path {warm.max_value:,.0f} compute_cycles")
            if arch == "eyeriss":
                eyeriss_cold = (onnx, shape, t_cold)
                model, times = resnet18(), []
                for _ in range(2):     # the first call also pays torch's one-time operator initialisation
                    t0 = time.perf_counter()
                    mod = profile(model, torch.randn(*shape), arch, lut=lut)
                    times.append(time.perf_counter() - t0)
                warm_max = max(warm_max, times[1])
                print(f"{arch:<8} the same from the torch module ({mod.tracer}), warm: {times[1]:5.2f} s "
                      f"(first call in the process {times[0]:.2f} s)")
        if eyeriss_cold is not None:
            zigzag(args, eyeriss_cold, lower)
    print(f"profile_speed: warm max {warm_max:.2f} s (target < 2 s)")


def zigzag(args, eyeriss_cold, lower) -> None:
    from lut_speed import install_zigzag, zigzag_python
    if args.install_zigzag and not args.zigzag_python:
        args.zigzag_python = install_zigzag(Path(args.install_zigzag))
    py, why = zigzag_python(args.zigzag_python)
    if py is None:
        print(f"ZigZag: skipped -- {why}")
        return
    onnx, shape, t_cold = eyeriss_cold
    from costmodel.profiler.onnx_read import read_onnx
    distinct = {}
    for node in read_onnx(str(onnx), shape).nodes:
        if node.op == "conv":
            lay = lower(node.query)[0]
            distinct.setdefault((lay.C, lay.K, lay.G, lay.R, lay.S, lay.P, lay.Q, lay.Hstride, lay.Hdilation), lay)
    layers = [{"N": l.N, "C": l.C // l.G, "K": l.K // l.G, "G": l.G, "R": l.R, "S": l.S, "P": l.P, "Q": l.Q,
               "Wstride": l.Wstride, "Hstride": l.Hstride, "Wdilation": l.Wdilation, "Hdilation": l.Hdilation}
              for l in distinct.values()]
    out = subprocess.run([py, str(HERE / "zigzag_runner.py")], input=json.dumps(layers), capture_output=True, text=True)
    try:
        zz = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        print(f"ZigZag: skipped -- the run failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}")
        return
    print(f"ZigZag {zz['zigzag']} eyeriss_like (LOMA, EDP) on the {zz['layers']} distinct conv layers: "
          f"{zz['seconds']:.2f} s ({len(zz['failed'])} failed); embedded Eyeriss cold profile: {t_cold:.2f} s")


if __name__ == "__main__":
    main()
