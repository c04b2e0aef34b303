"""`costmodel schedule`: the critical path (maximum cycle) of a genotype on a target, as a table or a drawing."""
from __future__ import annotations



def register(subparsers) -> None:
    from ..cli import add_arch_args, add_command, add_db_arg, add_lowering_arg
    from ..schedule import METRICS, MODES
    p = add_command(
        subparsers, "schedule", help="critical path / maximum cycle of a genotype (MDARTS Sec. III-C)",
        description="Schedule a genotype's edges in parallel (a node starts when all its inputs have finished)\n"
                    "and print the critical path. Modes:\n" + "\n".join(f"  {k:<14} {v}" for k, v in MODES.items()),
        examples=["costmodel schedule --genotype DARTS_V2 --arch eyeriss",
                  "costmodel schedule --genotype DARTS_V2 --arch eyeriss --mode mdarts-table3 --lowering mdarts",
                  "costmodel schedule --genotype /tmp/g.json --arch c64x --png /tmp/net.png"])
    p.add_argument("--genotype", required=True,
                   help="a published name (DARTS_V2, ENAS, ...), a .json/.yaml file, or a 'Genotype(...)' string")
    add_arch_args(p, backend=False)
    p.add_argument("--mode", choices=tuple(MODES), default="cell", help="what is scheduled (see above)")
    p.add_argument("--metric", choices=tuple(METRICS), default="compute_cycles",
                   help="compute_cycles (MAC-level, MDARTS's convention) [cycles], cycles (bandwidth-throttled) "
                        "[cycles], energy (summed: no critical path) [pJ]")
    add_lowering_arg(p)
    p.add_argument("--cell", choices=("normal", "reduce"), default="normal", help="which cell (mode cell)")
    p.add_argument("--hw", type=int, default=32, help="input height = width of the (first) cell [pixels]")
    p.add_argument("--c", type=int, default=16, help="channels of the (first) cell (network: initial C)")
    p.add_argument("--layers", type=int, default=8, help="cells in the network (mode network)")
    p.add_argument("--backend", help="analytic | timeloop | c64x (default: the arch's default backend)")
    add_db_arg(p, "LUT file or SQLAlchemy URL: op costs are read from it, missing ones computed and stored")
    p.add_argument("--no-lut", action="store_true", help="compute every op cost now; read and write no LUT")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--dot", metavar="FILE", help="write the DAG (critical path in red) as Graphviz DOT")
    out.add_argument("--png", metavar="FILE", help="draw the DAG (critical path in red) as PNG; needs matplotlib")
    p.add_argument("--force", action="store_true", help="replace an existing --dot/--png file that does not look "
                                                        "like an earlier drawing (never the LUT or a file read)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..arch.registry import load_arch
    from ..genotypes import PUBLISHED, parse_genotype
    from ..schedule import Scheduler
    from ..schedule.report import render, write_dot, write_png
    from ..outputs import check_outputs, given_files
    check_outputs([("--dot", args.dot, "dot"), ("--png", args.png, "image")],      # before any cost is computed
                  given_files(the_genotype_file=args.genotype, the_arch_file=args.arch), db=args.db,
                  use_db=not args.no_lut, force=args.force)
    if args.png:
        from ..plotting import pyplot
        pyplot()                             # matplotlib missing: one error before any work
    genotype = parse_genotype(args.genotype)
    name = args.genotype if args.genotype in PUBLISHED else "genotype"
    spec = load_arch(args.arch)
    lut = None
    if not args.no_lut:
        from ..lut import LUT
        lut = LUT(args.db)
    scheduler = Scheduler(spec, mode=args.mode, metric=args.metric, lowering=args.lowering, backend=args.backend,
                          lut=lut, c=args.c, hw=args.hw, layers=args.layers, cell=args.cell)
    result = scheduler.schedule(genotype)
    print(render(result, name, spec.name))
    title = f"{name} on {spec.name}: {args.mode}, {result.metric} = {result.value:,.0f}"
    if args.dot:
        write_dot(result, args.dot, title)
        print(f"wrote {args.dot}")
    if args.png:
        write_png(result, args.png, title)
        print(f"wrote {args.png}")
    return 0
