"""`costmodel specs`: write the Timeloop input files of an op, one folder per sub-layer; check such files.

  costmodel specs --arch eyeriss --op sep_conv_3x3 --hw 32 --c-in 16 --out DIR [--format v0.4|legacy|both]
  costmodel specs ... --out DIR --validate      # check the files before writing them
  costmodel specs --validate DIR                # check existing files (DIR or its v0.4/legacy sub-folders)

writes DIR/<nn>_<layer>/<format>/*.yaml for every layer of the op (lowered with --lowering exact|mdarts):
legacy = arch, constraints, mapper, problem, ERT, ART; v0.4 = arch (constraints inline), variables, mapper,
problem, ERT, ART. Pools have no Timeloop form: they are listed and skipped. --validate runs our strict
checks (costmodel.timeloop.validate) always and timeloopfe's own when a Python with it is found.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from ..errors import CostModelError

FORMAT_CHOICES = ("v0.4", "legacy", "both")


def _mapper_overrides(items) -> dict:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CostModelError(f"--mapper {item!r}: expected KEY=VALUE, e.g. algorithm=linear-pruned")
        import yaml                        # lazily: `costmodel --help` loads no heavy library
        try:
            out[key] = yaml.safe_load(value) if value else value      # typed: 2 -> int, false -> bool
        except yaml.YAMLError as e:
            raise CostModelError(f"--mapper {item!r}: the value is not a YAML scalar ({str(e).splitlines()[0]})") from None
    return out


def write_specs(spec, query, lowering: str, out: Path, formats, mapper: dict | None = None,
                inputs=()) -> list[tuple]:
    """Write the files; returns [(layer, folder or None if not expressible, [file names])]. A planned file that
    is one of `inputs` [(what, path)] (the arch file) is refused before anything is written; files of an
    earlier run at the planned places are replaced."""
    from ..outputs import check_outputs
    from ..userfiles import write_file
    from ..ops import lower
    from ..timeloop import files_for, timeloop_spec
    arch = timeloop_spec(spec)
    layers = lower(query, lowering)
    # every file of every layer is built (and so checked) before anything is written
    planned = {i: {fmt: files_for(layer, arch, fmt, mapper=mapper) for fmt in formats}
               for i, layer in enumerate(layers) if layer.kind == "conv"}
    check_outputs([("--out", out / f"{i:02d}_{layers[i].name}" / fmt / name, "spec") for i, fmts in planned.items()
                   for fmt, texts in fmts.items() for name in texts], inputs, use_db=False, force=True,
                  folders_exist=False)
    written = []
    for i, layer in enumerate(layers):
        if i not in planned:
            written.append((layer, None, []))
            continue
        folder = out / f"{i:02d}_{layer.name}"
        names = []
        for fmt, texts in planned[i].items():
            target = folder / fmt
            target.mkdir(parents=True, exist_ok=True)
            for name, text in texts.items():
                write_file(target / name, text, "--out")
            names += [f"{fmt}/{n}" for n in texts]
        written.append((layer, folder, names))
    return written


def _check(folder: Path) -> list:
    from ..timeloop.runner import timeloopfe_python
    from ..timeloop.validate import validate
    return validate(folder, timeloopfe_python())


def _report(results, root: Path | None = None) -> None:
    for folder, check, result in results:
        shown = Path(folder).relative_to(root) if root else folder
        print(f"  {check:10s} {result if result == 'ok' else 'FAILED: ' + result}  {shown}")
    bad = [r for r in results if r[2] != "ok"]
    if bad:
        raise CostModelError(f"{bad[0][1]} check failed for {bad[0][0]}: {bad[0][2]}")


def run_validate(path: Path) -> int:
    if not path.exists():
        raise CostModelError(f"--validate {path}: no such folder")
    results = _check(path)
    print(f"validated {len({r[0] for r in results})} folder(s) under {path} "
          f"({', '.join(sorted({r[1] for r in results}))} checks)")
    _report(results)
    return 0


def run(args) -> int:
    from ..arch import load_arch
    from ..cli import query_from_args
    from ..outputs import given_files
    if isinstance(args.validate, str):
        return run_validate(Path(args.validate))
    missing = [f"--{k.replace('_', '-')}" for k in ("arch", "op", "hw", "c_in", "out") if getattr(args, k) is None]
    if missing:
        raise CostModelError(f"specs: {', '.join(missing)} required (or --validate DIR to check existing files)")
    spec = load_arch(args.arch)
    query = query_from_args(args).resolved()
    formats = ("legacy", "v0.4") if args.format == "both" else (args.format,)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CostModelError(f"--out {out}: exists and is not a folder")
    overrides = _mapper_overrides(args.mapper)
    if args.validate:                      # check in a scratch folder: nothing reaches --out unless all pass
        with tempfile.TemporaryDirectory(prefix="costmodel-specs-") as tmp:
            write_specs(spec, query, args.lowering, Path(tmp), formats, overrides)
            _report(_check(Path(tmp)), Path(tmp))
    try:
        written = write_specs(spec, query, args.lowering, out, formats, overrides,
                              given_files(the_arch_file=args.arch))
    except OSError as e:
        raise CostModelError(f"--out {out}: cannot write: {e.strerror}") from None
    print(f"{spec.name} / {args.lowering} lowering: {query.op} C_in={query.c_in} C_out={query.c_out} "
          f"H={query.h} W={query.w} stride={query.stride} -> {len(written)} layer(s)")
    if not written:
        print("  (no cost-bearing layers: nothing to write)")
    for layer, folder, names in written:
        shape = (f"N={layer.N} C={layer.C} K={layer.K} G={layer.G} R={layer.R} S={layer.S} P={layer.P} Q={layer.Q} "
                 f"stride={layer.Hstride} dilation={layer.Hdilation}")
        if folder is None:
            print(f"  {layer.name}: {layer.kind} is not expressible in Timeloop (MAC-only problem shapes); skipped")
        else:
            files = sorted({n.split("/", 1)[1] for n in names})
            print(f"  {layer.name}: {shape}\n      -> {folder}/{{{','.join(formats)}}}/ {' '.join(files)}")
    if "legacy" in formats and any(f for _, f, _ in written):
        print("run (Timeloop v1.0): cd <folder>/legacy && timeloop-mapper arch.yaml constraints.yaml mapper.yaml problem.yaml "
              "ERT.yaml")
    return 0


def register(sub) -> None:
    from ..cli import add_command, add_query_args
    p = add_command(sub, "specs",
                    help="write Timeloop input files (problem, arch, constraints, mapper, ERT/ART) of an op; "
                         "check such files",
                    examples=["costmodel specs --arch eyeriss --op sep_conv_3x3 --hw 32 --c-in 16 --out /tmp/specs",
                              "costmodel specs --arch diannao --op conv_1x1 --hw 8 --c-in 4 --format legacy "
                              "--mapper algorithm=linear-pruned --out /tmp/specs",
                              "costmodel specs --validate /tmp/specs"])
    p.add_argument("--arch", help="a Timeloop-style accelerator: eyeriss, diannao, or a spec .yaml "
                                  "(required unless --validate DIR)")
    add_query_args(p, op_required=False)
    p.add_argument("--format", choices=FORMAT_CHOICES, default="v0.4",
                   help="v0.4 = timeloopfe's format, legacy = Timeloop v1.0's, both")
    p.add_argument("--mapper", action="append", metavar="KEY=VALUE",
                   help="override a Timeloop mapper setting (v1.0 names), e.g. --mapper algorithm=linear-pruned")
    p.add_argument("--out", help="output folder (created; one sub-folder per layer; required unless --validate DIR)")
    p.add_argument("--validate", nargs="?", const=True, default=False, metavar="DIR",
                   help="check the files (ours always, timeloopfe's when found): the ones about to be written, "
                        "or existing ones in DIR")
    p.set_defaults(func=run)
