"""`costmodel specs`: write the Timeloop input files of an op, one folder per sub-layer.

  costmodel specs --arch eyeriss --op sep_conv_3x3 --hw 32 --c-in 16 --out DIR [--format v0.4|legacy|both]

writes DIR/<nn>_<layer>/<format>/{arch,constraints,mapper,problem,ERT,ART}.yaml for every layer of the op
(lowered with --lowering exact|mdarts). Pools have no Timeloop form: they are listed and skipped.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import CostModelError

FORMAT_CHOICES = ("v0.4", "legacy", "both")


def _mapper_overrides(items) -> dict:
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise CostModelError(f"--mapper {item!r}: expected KEY=VALUE, e.g. algorithm=linear-pruned")
        out[key] = int(value) if value.isdigit() else value
    return out


def write_specs(spec, query, lowering: str, out: Path, formats, mapper: dict | None = None) -> list[tuple]:
    """Write the files; returns [(layer, folder or None if not expressible, [file names])]."""
    from ..ops import lower
    from ..timeloop import files_for, timeloop_arch
    arch = timeloop_arch(spec)
    layers = lower(query, lowering)
    # every file of every layer is built (and so checked) before anything is written
    planned = {i: {fmt: files_for(layer, arch, fmt, mapper=mapper) for fmt in formats}
               for i, layer in enumerate(layers) if layer.kind == "conv"}
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
                (target / name).write_text(text)
            names += [f"{fmt}/{n}" for n in texts]
        written.append((layer, folder, names))
    return written


def run(args) -> int:
    from ..arch import load_arch
    from ..cli import query_from_args
    spec = load_arch(args.arch)
    query = query_from_args(args).resolved()
    formats = ("legacy", "v0.4") if args.format == "both" else (args.format,)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CostModelError(f"--out {out}: exists and is not a folder")
    try:
        written = write_specs(spec, query, args.lowering, out, formats, _mapper_overrides(args.mapper))
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
        print("run (Timeloop v1.0): cd <folder>/legacy && timeloop-mapper arch.yaml constraints.yaml mapper.yaml problem.yaml")
    return 0


def register(sub) -> None:
    from ..cli import add_command, add_query_args
    p = add_command(sub, "specs",
                    help="write Timeloop input files (problem, arch, constraints, mapper, ERT/ART) of an op",
                    examples=["costmodel specs --arch eyeriss --op sep_conv_3x3 --hw 32 --c-in 16 --out /tmp/specs",
                              "costmodel specs --arch diannao --op conv_1x1 --hw 8 --c-in 4 --format legacy "
                              "--mapper algorithm=linear-pruned --out /tmp/specs"])
    p.add_argument("--arch", required=True, help="a Timeloop-style accelerator: eyeriss, diannao, or a spec .yaml")
    add_query_args(p)
    p.add_argument("--format", choices=FORMAT_CHOICES, default="v0.4",
                   help="v0.4 = timeloopfe's format, legacy = Timeloop v1.0's, both")
    p.add_argument("--mapper", action="append", metavar="KEY=VALUE",
                   help="override a Timeloop mapper setting (v1.0 names), e.g. --mapper algorithm=linear-pruned")
    p.add_argument("--out", required=True, help="output folder (created; one sub-folder per layer)")
    p.set_defaults(func=run)
