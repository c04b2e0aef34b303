"""`costmodel table`: the LUT as a table, ops x cell-edge shapes, for one metric; then the other rows.

Cell-edge rows (c_in == c_out, one row per op and shape) form the ops x shapes grid, wrapped into blocks
of at most ``--width`` characters (``--wide``: one block, however wide). Every other row of the selection
(preprocessing convs, FactorizedReduce, a custom space's ``extra`` entries) is listed below it.
"""
from __future__ import annotations

from ..errors import CostModelError

METRICS = ("compute_cycles", "cycles", "energy_pj", "utilization", "macs", "params")
WIDTH = 100
OTHER_COLUMNS = ["op", "n", "c_in", "c_out", "h", "w", "kernel", "stride", "dilation", "groups"]


def split(df, metric: str):
    """(ops x shapes grid of the cell-edge rows, the other ok rows) of one LUT selection."""
    ok = df[df.status == "ok"].copy()
    ok["shape"] = [f"C{c} {h}x{w} s{s}" for c, h, w, s in zip(ok.c_in, ok.h, ok.w, ok.stride)]
    cell = (ok.c_in == ok.c_out) & ~ok.duplicated(["op", "shape"], keep=False)
    cells, other = ok[cell], ok[~cell]
    order = cells.drop_duplicates("shape").sort_values(["stride", "h", "c_in"], ascending=[True, False, True])
    table = cells.pivot_table(index="op", columns="shape", values=metric, aggfunc="first", sort=False)
    return table[list(order["shape"])], other[OTHER_COLUMNS + [metric]]


def pivot(df, metric: str):
    """ops x shapes of the cell-edge rows (c_in == c_out) of one LUT selection."""
    return split(df, metric)[0]


def cell_format(metric: str):
    """How a table cell of `metric` prints: utilization to 3 decimals, everything else a whole number; '-' if absent."""
    import pandas as pd
    if metric == "utilization":
        return lambda v: "-" if pd.isna(v) else f"{v:.3f}"
    return lambda v: "-" if pd.isna(v) else f"{v:,.0f}"


def blocks(text_table, width: int | None) -> list:
    """Column blocks of a formatted (string) DataFrame, each printing within `width` characters."""
    if width is None or text_table.empty:
        return [text_table]
    label = max([len(str(i)) for i in text_table.index] + [len(str(text_table.index.name or ""))])
    out, cur, used = [], [], label
    for col in text_table.columns:
        w = 1 + max([len(str(col))] + [len(v) for v in text_table[col]])
        if cur and used + w > width:
            out.append(text_table[cur])
            cur, used = [], label
        cur.append(col)
        used += w
    return out + [text_table[cur]]


def run(args) -> int:
    from ..arch import spec_hash
    from ..evaluate import resolve
    from ..lut import LUT
    if args.variant or args.by_variant:   # rows of swept arch variants (costmodel sweep)
        from ..sweep.report import run_table
        return run_table(args, pivot)
    spec, be = resolve(args.arch, args.backend)
    # only rows of the spec as it is now and of this backend version: rows of an edited spec are stale
    filters = {"arch": spec.name, "spec_hash": spec_hash(spec), "backend": f"{be.name}-{be.version}",
               "lowering": args.lowering}
    df = LUT(args.db, create=False).query(skip_bad_rows=args.skip_bad_rows, **filters)
    if df.empty:
        raise CostModelError(f"the LUT has no rows for arch={spec.name} (spec hash {filters['spec_hash']}) "
                             f"backend={filters['backend']} lowering={args.lowering}; run `costmodel build-lut "
                             f"--arch {args.arch} --lowering {args.lowering}` first")
    table, other = split(df, args.metric)
    fmt = cell_format(args.metric)
    print(f"{spec.name} ({filters['backend']}, {args.lowering} lowering): {args.metric}\n"
          f"ops x cell-edge shapes (C channels, HxW input, stride)")
    width = None if args.wide else args.width
    for block in blocks(table.map(fmt), width):
        print(block.to_string())
    if len(other):
        print(f"\nother rows ({len(other)}: preprocessing, reductions, extras of the space): {args.metric}")
        other = other.assign(**{args.metric: other[args.metric].map(fmt)})
        print(other.to_string(index=False))
    return 0


def register(sub) -> None:
    from ..cli import add_arch_args, add_command, add_db_arg, add_lowering_arg
    p = add_command(sub, "table", help="print the LUT as ops x shapes for one metric, then its other rows",
                    examples=["costmodel table --arch eyeriss",
                              "costmodel table --arch diannao --metric energy_pj --wide",
                              "costmodel table --arch eyeriss --lowering mdarts --db /tmp/my_lut.db"])
    add_arch_args(p)
    add_lowering_arg(p)
    p.add_argument("--metric", choices=METRICS, default="compute_cycles",
                   help="compute_cycles / cycles [cycles], energy_pj [pJ], utilization [0..1], macs, params")
    add_db_arg(p)
    p.add_argument("--width", type=int, default=WIDTH, help="wrap the shape columns into blocks this wide [characters]")
    p.add_argument("--wide", action="store_true", help="all shape columns side by side, however wide")
    p.add_argument("--skip-bad-rows", action="store_true",
                   help="leave out LUT rows with an unreadable field (one note each on stderr) instead of refusing")
    p.add_argument("--variant", help="a swept variant (name or glob, see `costmodel sweep`) instead of the spec as it is")
    p.add_argument("--by-variant", action="store_true", help="variants x ops at one shape (every variant, or --variant's)")
    p.add_argument("--shape", help="with --by-variant: the shape column, e.g. 'C16 32x32 s1' (default: the first)")
    p.set_defaults(func=run)
