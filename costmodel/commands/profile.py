"""`costmodel profile MODEL --input 1x3x224x224 --arch eyeriss`: per-layer costs and the critical path of a model.

MODEL is a ``.onnx`` file (read with the ``onnx`` package) or ``package.module:factory``, a Python
function returning a torch module (needs torch), e.g. ``nas.zoo:resnet18``; the module is looked up
as ``python -m`` would, the current folder first. ``--input`` is checked before anything runs
(`costmodel.profiler.inputs`: rank, positive sizes, elements per input) and the model is traced on
tensors without data.
"""
from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from ..errors import CostModelError


def register(subparsers) -> None:
    from ..profiler.inputs import MAX_INPUT_ELEMENTS, MAX_INPUT_RANK
    from ..cli import add_arch_args, add_command, add_db_arg, add_lowering_arg
    p = add_command(
        subparsers, "profile", help="per-layer cycles/energy and the critical path of a PyTorch model or ONNX graph",
        description="Cost every layer of a model on a target (from the LUT, computed and stored when missing)\n"
                    "and schedule its real data-dependency DAG (branches run in parallel).",
        examples=["costmodel profile resnet18.onnx --input 1x3x224x224 --arch eyeriss --csv r18.csv",
                  "costmodel profile nas.zoo:mobilenet_v2 --input 1x3x224x224 --arch c64x --dag-png dag.png"])
    p.add_argument("model", help="a .onnx file, or package.module:factory returning a torch.nn.Module")
    p.add_argument("--input", required=True,
                   help="input shape [elements], e.g. 1x3x224x224 (N x C x H x W); several inputs comma-separated, "
                        f"e.g. 1x4x64x16,1x4x64x16; 1 to {MAX_INPUT_RANK} dims, at most {MAX_INPUT_ELEMENTS:,} "
                        "elements per input (traced without data)")
    add_arch_args(p)
    add_lowering_arg(p)
    p.add_argument("--metric", choices=("compute_cycles", "cycles"), default="compute_cycles",
                   help="the critical path's metric: compute_cycles (MAC-level) [cycles] or cycles "
                        "(bandwidth-throttled) [cycles]")
    p.add_argument("--tracer", choices=("auto", "fx", "hooks"), default="auto",
                   help="torch models: auto = torch.fx, falling back to forward hooks")
    add_db_arg(p, "LUT file or SQLAlchemy URL: layer costs are read from it, missing ones computed and stored")
    p.add_argument("--no-lut", action="store_true", help="compute every layer now; read and write no LUT")
    p.add_argument("--csv", metavar="FILE", help="write the per-layer table as CSV")
    p.add_argument("--png", metavar="FILE", help="draw per-layer cycles and energy by level as PNG (needs matplotlib)")
    p.add_argument("--dag-png", metavar="FILE", help="draw the DAG with its critical path as PNG (needs matplotlib)")
    p.add_argument("--force", action="store_true", help="replace an existing --csv/--png/--dag-png file that does "
                                                        "not look like an earlier output (never the LUT or the model)")
    p.set_defaults(func=run)


def load_factory(spec: str):
    """``package.module:factory`` -> the torch module it returns."""
    mod_name, _, attr = spec.partition(":")
    if not attr:
        raise CostModelError(f"model {spec!r}: give a .onnx file or package.module:factory")
    try:
        import torch
    except ImportError:
        from ..extras import missing
        raise missing("torch", "a Python model (package.module:factory; or give a .onnx file)") from None
    here = os.getcwd()
    if here not in sys.path and "" not in sys.path:      # as `python -m`: the current folder first
        sys.path.insert(0, here)
    try:
        factory = getattr(importlib.import_module(mod_name), attr)
    except (ImportError, AttributeError) as e:
        raise CostModelError(f"model {spec!r}: cannot load it ({type(e).__name__}: {e})") from None
    try:
        model = factory()
    except Exception as e:
        raise CostModelError(f"model {spec!r}: the factory failed ({type(e).__name__}: {e})") from None
    if not isinstance(model, torch.nn.Module):
        raise CostModelError(f"model {spec!r}: the factory returned a {type(model).__name__}, not a torch.nn.Module")
    return model


def run(args) -> int:
    from ..evaluate import resolve
    from ..profiler import cost_graph
    from ..profiler.report import render, write_csv
    from ..profiler.inputs import parse_shapes
    shapes = parse_shapes(args.input)
    spec, be = resolve(args.arch, args.backend)
    from ..outputs import check_outputs, given_files
    check_outputs([("--csv", args.csv, "csv"), ("--png", args.png, "image"), ("--dag-png", args.dag_png, "image")],
                  given_files(the_model_file=args.model, the_arch_file=args.arch), db=args.db,
                  use_db=not args.no_lut, force=args.force)
    if args.png or args.dag_png:
        from ..plotting import pyplot
        pyplot()                                  # matplotlib missing: one error before any work
    if args.model.endswith(".onnx"):
        from ..profiler.onnx_read import read_onnx
        graph = read_onnx(args.model, shapes)
    else:
        from ..profiler.trace import trace
        graph = trace(load_factory(args.model), shapes, args.tracer, name=args.model)
    lut = None
    if not args.no_lut:
        from ..lut import LUT
        lut = LUT(args.db)
    r = cost_graph(graph, spec, metric=args.metric, lowering=args.lowering, backend=be.name, lut=lut)
    title = Path(args.model).name if args.model.endswith(".onnx") else args.model.rpartition(":")[2]
    print(render(r, title))
    if args.csv:
        write_csv(r, args.csv)
        print(f"wrote {args.csv}")
    if args.png:
        from ..profiler.plot import plot_layers
        plot_layers(r, args.png, title)
        print(f"wrote {args.png}")
    if args.dag_png:
        from ..profiler.plot import plot_dag
        plot_dag(r, args.dag_png, title)
        print(f"wrote {args.dag_png}")
    return 0
