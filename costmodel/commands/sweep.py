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
                     batch=args.batch, dask_timeout=args.dask_timeout, max_variants=args.max_variants)


def run_pareto(args) -> int:
    from ..cli import default_db
    from ..lut import LUT
    from ..schedule import MODES
    from ..sweep.pareto import plot, variant_points
    if args.mode not in MODES:
        raise CostModelError(f"--mode {args.mode!r}: use one of {', '.join(MODES)}")
    from ..outputs import check_outputs
    from ..redact import mask_url
    check_outputs([("--csv", args.csv, "csv"), ("--png", args.png, "image")], db=args.db, force=args.force)
    db = args.db or default_db()
    df = variant_points(LUT(db, create=False), args.arch, args.genotype, args.mode, args.metric, args.lowering,
                        args.backend, args.variant)
    ycol = f"max_{args.metric}"
    print(f"{args.genotype} on {len(df)} variants of {args.arch} ({args.mode} mode, {args.lowering} lowering; "
          f"{ycol} [cycles], energy [pJ], area [mm^2], PEs; * = Pareto-optimal in max cycle, energy and area)")
    for _, r in df.sort_values([ycol, "energy_pj"]).iterrows():
        print(f"{'*' if r.pareto else ' '} {r[ycol]:>12,.0f} {r.energy_pj:>16,.0f} {r.area_mm2:>10.3f} {r.pes:>6}  "
              f"{r.variant}")
    if args.csv:
        from ..userfiles import writing
        with writing(args.csv, "--csv") as out:
            df.to_csv(out, index=False)
    if args.png:
        plot(df, args.png, f"{args.genotype}: {len(df)} variants of {args.arch} ({args.mode} mode, {args.lowering}; "
                           f"LUT {Path(mask_url(db)).name})")
        print(f"wrote {args.png}")
    return 0


def register(sub) -> None:
    from ..cli import add_command, add_db_arg
    p = add_command(sub, "sweep", help="architecture variants x spaces into one LUT (local processes or Dask)",
                    examples=["costmodel sweep --arch eyeriss --set levels.GlobalBuffer.entries=16384,65536 "
                              "--db /tmp/sweep.db --jobs 2",
                              "costmodel sweep --file eyeriss-12 --db /tmp/sweep.db --dask local",
                              "costmodel sweep --file my_sweep.yaml --db postgresql+psycopg://me@127.0.0.1/lut "
                              "--dask tcp://127.0.0.1:8786"])
    p.add_argument("--arch", help="base target (name, name:PRESET or spec .yaml); overrides the sweep file's")
    p.add_argument("--set", action="append", metavar="PATH=V1,V2", help=SET_HELP)
    p.add_argument("--file", metavar="SWEEP.yaml", help="a sweep file {name, arch, spaces, lowerings, backend, axes} "
                                                        "or a packaged one (eyeriss-12)")
    p.add_argument("--space", action="append", help="darts-search (default), darts-eval, or a space .yaml; repeatable")
    p.add_argument("--lowering", help="exact (default), mdarts, or both: exact,mdarts")
    p.add_argument("--backend", help="analytic | timeloop | c64x (default: the arch's)")
    add_db_arg(p, "LUT file or SQLAlchemy URL, e.g. postgresql+psycopg://USER@HOST/DB")
    p.add_argument("--jobs", type=int, help="local worker processes (default 1); with --dask local: the worker count "
                                            "(default: one per core); at most 4 x the cores ($COSTMODEL_MAX_JOBS)")
    p.add_argument("--dask", metavar="local|tcp://HOST:PORT",
                   help="run on Dask: 'local' starts a LocalCluster on 127.0.0.1, else a running scheduler's address")
    p.add_argument("--dask-timeout", type=float, metavar="SECONDS",
                   help="give up connecting to the scheduler, or waiting with no worker left, after this long "
                        "(default: 20) [s]; the rows committed so far are kept")
    p.add_argument("--max-variants", type=int, metavar="N",
                   help="refuse a sweep of more than N variants before building any (default: 1000, or "
                        "$COSTMODEL_MAX_VARIANTS)")
    p.add_argument("--batch", type=int, help="op-shapes per Dask task (default: a whole variant when there are "
                                              "two variants per worker, else split to keep every worker busy)")
    p.add_argument("--name", help="a name for this sweep, printed (default: the sweep file's stem)")
    p.add_argument("--keep-energies", action="store_true",
                   help="every variant keeps the base spec's per-access energies (default: the energies of a resized "
                        "level are re-derived by the model the base numbers came from; a pinned number stays)")
    p.set_defaults(func=run)

    p = add_command(sub, "sweep-pareto", help="a genotype's max cycle vs energy vs area on every swept variant "
                                              "(PEs as a column)",
                    examples=["costmodel sweep-pareto --arch eyeriss --db /tmp/sweep.db --png /tmp/pareto.png",
                              "costmodel sweep-pareto --arch eyeriss --db /tmp/sweep.db --variant '*16x16*' --mode cell"])
    p.add_argument("--arch", required=True, help="the base arch the variants were derived from (e.g. eyeriss)")
    add_db_arg(p, "the sweep's LUT file or SQLAlchemy URL")
    p.add_argument("--variant", help="only variants whose name matches this glob (* and ?), e.g. '*entries=65536*'")
    p.add_argument("--genotype", default="DARTS_V2", help="a genotype name or literal")
    p.add_argument("--mode", default="network", help="schedule mode (network: the whole search network; cell, "
                                                      "mdarts-table3, sequential)")
    p.add_argument("--metric", choices=("compute_cycles", "cycles"), default="compute_cycles",
                   help="the cycle count to schedule [cycles]")
    p.add_argument("--lowering", choices=("exact", "mdarts"), default="exact", help="the lowering of the rows")
    p.add_argument("--backend", help="analytic | timeloop | c64x (default: the arch's)")
    p.add_argument("--png", help="write the scatter plot here (needs matplotlib)")
    p.add_argument("--csv", help="write the points here")
    p.add_argument("--force", action="store_true", help="replace an existing --csv/--png file that does not look "
                                                        "like an earlier output (never the LUT)")
    p.set_defaults(func=run_pareto)
