"""`costmodel sweep` (architecture variants into one LUT) and `costmodel sweep-pareto` (compare them)."""
from __future__ import annotations

from pathlib import Path

from ..errors import CostModelError

SET_HELP = ("PATH=V1,V2,... : one sweep axis, a dotted path into the arch spec's YAML form (mac.mesh_x, "
            "levels.GlobalBuffer.entries; a list item by name or index) and its values; repeat for more axes "
            "(cartesian product). Paths set together: PATH1:PATH2=A1:A2,B1:B2")


def run(args) -> int:
    from ..cli import default_db
    from ..sweep.run import run_sweep, sweep_from_args
    return run_sweep(sweep_from_args(args), args.db or default_db(), jobs=args.jobs, dask=args.dask,
                     batch=args.batch)


def run_pareto(args) -> int:
    from ..cli import default_db
    from ..lut import LUT
    from ..schedule import MODES
    from ..sweep.pareto import plot, variant_points
    if args.mode not in MODES:
        raise CostModelError(f"--mode {args.mode!r}: use one of {', '.join(MODES)}")
    db = args.db or default_db()
    df = variant_points(LUT(db, create=False), args.arch, args.genotype, args.mode, args.metric, args.lowering,
                        args.backend, args.variant)
    ycol = f"max_{args.metric}"
    print(f"{args.genotype} on {len(df)} variants of {args.arch} ({args.mode} mode, {args.lowering} lowering; "
          f"{ycol} [cycles], energy [pJ], PEs; * = Pareto-optimal in all three)")
    for _, r in df.sort_values([ycol, "energy_pj"]).iterrows():
        print(f"{'*' if r.pareto else ' '} {r[ycol]:>12,.0f} {r.energy_pj:>16,.0f} {r.pes:>6}  {r.variant}")
    if args.csv:
        df.to_csv(args.csv, index=False)
    if args.png:
        plot(df, args.png, f"{args.genotype}: {len(df)} variants of {args.arch} ({args.mode} mode, {args.lowering}; "
                           f"LUT {Path(db).name})")
        print(f"wrote {args.png}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("sweep", help="architecture variants x spaces into one LUT (local processes or Dask)")
    p.add_argument("--arch", help="base target (name, name:PRESET or spec .yaml); overrides the sweep file's")
    p.add_argument("--set", action="append", metavar="PATH=V1,V2", help=SET_HELP)
    p.add_argument("--file", metavar="SWEEP.yaml", help="a sweep file {name, arch, spaces, lowerings, backend, axes}")
    p.add_argument("--space", action="append", help="darts-search (default), darts-eval, or a space .yaml; repeatable")
    p.add_argument("--lowering", help="exact (default), mdarts, or both: exact,mdarts")
    p.add_argument("--backend", help="analytic | timeloop | c64x (default: the arch's)")
    p.add_argument("--db", help="LUT file or SQLAlchemy URL, e.g. postgresql+psycopg://user@127.0.0.1/lut "
                                "(default: $COSTMODEL_LUT, else the shipped lut_cache.db)")
    p.add_argument("--jobs", type=int, help="local worker processes (default 1); with --dask local: the worker count")
    p.add_argument("--dask", metavar="local|tcp://HOST:PORT",
                   help="run on Dask: 'local' starts a LocalCluster on 127.0.0.1, else a running scheduler's address")
    p.add_argument("--batch", type=int, help="op-shapes per Dask task (default: a whole variant when there are "
                                              "two variants per worker, else split to keep every worker busy)")
    p.add_argument("--name", help="a name for this sweep (printed; default: the sweep file's stem)")
    p.set_defaults(func=run)

    p = sub.add_parser("sweep-pareto", help="a genotype's max cycle vs energy vs PEs on every swept variant")
    p.add_argument("--arch", required=True, help="the base arch the variants were derived from (e.g. eyeriss)")
    p.add_argument("--db", help="the sweep's LUT file or URL")
    p.add_argument("--variant", help="only variants whose name matches this glob, e.g. 'eyeriss[*entries=65536*'")
    p.add_argument("--genotype", default="DARTS_V2", help="a genotype name or literal (default %(default)s)")
    p.add_argument("--mode", default="network", help="schedule mode (default %(default)s: the whole search network)")
    p.add_argument("--metric", choices=("compute_cycles", "cycles"), default="compute_cycles")
    p.add_argument("--lowering", choices=("exact", "mdarts"), default="exact")
    p.add_argument("--backend")
    p.add_argument("--png", help="write the scatter plot here (needs matplotlib)")
    p.add_argument("--csv", help="write the points here")
    p.set_defaults(func=run_pareto)
