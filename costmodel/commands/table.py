"""`costmodel table`: the LUT as a table, ops x cell-edge shapes, for one metric."""
from __future__ import annotations

import pandas as pd

from ..errors import CostModelError

METRICS = ("compute_cycles", "cycles", "energy_pj", "utilization", "macs", "params")


def pivot(df: pd.DataFrame, metric: str) -> pd.DataFrame:
    """ops x shapes of the cell-edge rows (c_in == c_out) of one LUT selection."""
    cells = df[(df.c_in == df.c_out) & (df.status == "ok")].copy()
    cells["shape"] = [f"C{c} {h}x{w} s{s}" for c, h, w, s in zip(cells.c_in, cells.h, cells.w, cells.stride)]
    order = cells.drop_duplicates("shape").sort_values(["stride", "h", "c_in"], ascending=[True, False, True])
    table = cells.pivot_table(index="op", columns="shape", values=metric, aggfunc="first", sort=False)
    return table[list(order["shape"])]


def run(args) -> int:
    from ..arch import spec_hash
    from ..cli import default_db
    from ..evaluate import resolve
    from ..lut import LUT
    if args.variant or args.by_variant:   # rows of swept arch variants (costmodel sweep)
        from ..sweep.report import run_table
        return run_table(args, pivot)
    spec, be = resolve(args.arch, args.backend)
    # only rows of the spec as it is now and of this backend version: rows of an edited spec are stale
    filters = {"arch": spec.name, "spec_hash": spec_hash(spec), "backend": f"{be.name}-{be.version}",
               "lowering": args.lowering}
    df = LUT(args.db or default_db(), create=False).query(**filters)
    if df.empty:
        raise CostModelError(f"the LUT has no rows for arch={spec.name} (spec hash {filters['spec_hash']}) "
                             f"backend={filters['backend']} lowering={args.lowering}; run `costmodel build-lut "
                             f"--arch {args.arch} --lowering {args.lowering}` first")
    table = pivot(df, args.metric)
    fmt = (lambda v: "-" if pd.isna(v) else f"{v:.3f}") if args.metric == "utilization" else (
        lambda v: "-" if pd.isna(v) else f"{v:,.0f}")
    print(f"{spec.name} ({filters['backend']}, {args.lowering} lowering): {args.metric}, "
          f"ops x cell-edge shapes (C channels, HxW input, stride)")
    print(table.map(fmt).to_string())
    return 0


def register(sub) -> None:
    p = sub.add_parser("table", help="print the LUT as ops x shapes for one metric")
    p.add_argument("--arch", required=True)
    p.add_argument("--lowering", choices=("exact", "mdarts"), default="exact")
    p.add_argument("--backend", help="analytic | timeloop | c64x (default: the arch's)")
    p.add_argument("--metric", choices=METRICS, default="compute_cycles")
    p.add_argument("--db", help="LUT file or URL (default: the shipped lut_cache.db)")
    p.add_argument("--variant", help="a swept variant (name or glob, see `costmodel sweep`) instead of the spec as it is")
    p.add_argument("--by-variant", action="store_true", help="variants x ops at one shape (every variant, or --variant's)")
    p.add_argument("--shape", help="with --by-variant: the shape column, e.g. 'C16 32x32 s1' (default: the first)")
    p.set_defaults(func=run)
