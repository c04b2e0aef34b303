"""`costmodel table --variant NAME` / `--by-variant`: the LUT rows of swept variants as tables."""
from __future__ import annotations

import pandas as pd

from ..errors import CostModelError
from . import store


def run_table(args, pivot) -> int:
    """--variant GLOB: the usual ops x shapes table of the one variant it matches; --by-variant: variants x ops
    at one cell-edge shape (--shape, default the first one), for every variant matching --variant (default all)."""
    from ..cli import default_db
    from ..commands.table import blocks, cell_format
    from ..evaluate import resolve
    from ..lut import LUT
    lut = LUT(args.db or default_db(), create=False)
    base, be = resolve(args.arch, args.backend)
    reg = store.variants(lut, arch=base.name, pattern=args.variant).drop_duplicates("spec_hash")
    if reg.empty:
        raise CostModelError(f"no registered variant of {base.name!r}{' matches ' + repr(args.variant) if args.variant else ''}"
                             f" in {lut.url} (run `costmodel sweep --arch {args.arch} --set ...` first)")
    backend = f"{be.name}-{be.version}"
    frames = {r.variant: lut.query(skip_bad_rows=args.skip_bad_rows, arch=base.name, spec_hash=r.spec_hash, backend=backend, lowering=args.lowering)
              for r in reg.itertuples()}
    frames = {k: v for k, v in frames.items() if not v.empty}
    if not frames:
        raise CostModelError(f"the LUT has no {backend} {args.lowering} rows for these variants; sweep them with "
                             f"--lowering {args.lowering}")
    fmt, width = cell_format(args.metric), None if args.wide else args.width    # wrapped like `costmodel table`
    if not args.by_variant:
        if len(frames) > 1:
            raise CostModelError(f"--variant {args.variant!r} matches {len(frames)} variants ({', '.join(frames)}); "
                                 f"name one, or add --by-variant")
        (name, df), = frames.items()
        print(f"{name} ({backend}, {args.lowering} lowering): {args.metric}, ops x cell-edge shapes")
        for block in blocks(pivot(df, args.metric).map(fmt), width):
            print(block.to_string())
        return 0
    tables = {name: pivot(df, args.metric) for name, df in frames.items()}
    shape = args.shape or next(iter(tables.values())).columns[0]
    missing = [n for n, t in tables.items() if shape not in t.columns]
    if missing:
        raise CostModelError(f"--shape {shape!r}: not a cell-edge shape of {missing[0]} (its shapes: "
                             f"{', '.join(tables[missing[0]].columns)})")
    out = pd.DataFrame({name: t[shape] for name, t in tables.items()}).T
    print(f"{base.name} variants ({backend}, {args.lowering} lowering): {args.metric} at {shape}, variants x ops")
    labels = [f"v{i}" for i in range(1, len(out) + 1)]          # variant names are long: a legend, short rows
    for label, name in zip(labels, out.index):
        print(f"  {label:>4} = {name}")
    out.index = pd.Index(labels, name="variant")
    for block in blocks(out.map(fmt), width):
        print(block.to_string())
    return 0
