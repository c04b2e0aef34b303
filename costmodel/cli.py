"""`costmodel` command line. Core commands here; more plug in from `costmodel/commands/`.

Every error a user can cause prints one line ``error: ...`` and exits with code 2.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
from pathlib import Path

from .errors import CostModelError


def default_db() -> str:
    """$COSTMODEL_LUT, else the project's shipped ``lut_cache.db``."""
    return os.environ.get("COSTMODEL_LUT") or str(Path(__file__).resolve().parent.parent / "lut_cache.db")


def add_query_args(p: argparse.ArgumentParser, op_required: bool = True) -> None:
    """The op + shape arguments shared by every command that names one op."""
    p.add_argument("--op", required=op_required, help="op name, e.g. sep_conv_3x3, conv, linear")
    p.add_argument("--hw", type=int, required=op_required, help="input height = width [pixels]")
    p.add_argument("--c-in", type=int, required=op_required, help="input channels")
    p.add_argument("--c-out", type=int, help="output channels (default: c-in)")
    p.add_argument("--stride", type=int, default=1)
    p.add_argument("--n", type=int, default=1, help="batch size")
    p.add_argument("--kernel", type=int, help="kernel size (plain conv/pool ops)")
    p.add_argument("--dilation", type=int, help="dilation (plain conv)")
    p.add_argument("--groups", type=int, help="groups (plain conv)")
    p.add_argument("--padding", type=int, help="padding (plain ops; default d*(k-1)//2)")
    p.add_argument("--lowering", choices=("exact", "mdarts"), default="exact",
                   help="exact = what PyTorch computes (default); mdarts = the MDARTS Table I encoding")


def query_from_args(args):
    from .ops import OpQuery
    return OpQuery(args.op, args.c_in, args.hw, c_out=args.c_out, stride=args.stride, n=args.n, kernel=args.kernel,
                   dilation=args.dilation, groups=args.groups, padding=args.padding)


def cmd_archs(args) -> int:
    from .arch import list_archs, load_arch
    for name, path in list_archs().items():
        spec = load_arch(name)
        presets = ", ".join(getattr(spec, "presets", {}) or {}) or "-"
        print(f"{name:<10} backend={spec.default_backend:<9} presets={presets:<32} {path}")
    return 0


def cmd_build(args) -> int:
    from .build import build_lut
    if args.jobs < 1:
        raise CostModelError(f"--jobs {args.jobs}: must be >= 1")
    return build_lut(args.arch, args.space or ["darts-search"], args.db, args.lowering, args.backend, args.jobs,
                     args.dry_run)


def cmd_query(args) -> int:
    from .evaluate import evaluate_op, resolve
    from .lut import LUT
    spec, be = resolve(args.arch, args.backend)
    q = query_from_args(args).resolved()
    from .ops import lower
    lower(q, args.lowering)  # validate the shape before anything is written
    lut = LUT(args.db)
    hit = lut.get(spec, be, args.lowering, q)
    cost = hit or evaluate_op(spec, q, lowering=args.lowering, backend=be.name, lut=lut)
    source = "LUT" if hit else "computed now, stored in the LUT"
    print(f"{spec.name} / {be.name}-{be.version} / {args.lowering}: {q.op} N={q.n} C_in={q.c_in} C_out={q.c_out} "
          f"H={q.h} W={q.w} k={q.kernel} s={q.stride} d={q.dilation} g={q.groups} ({source})")
    if not cost.ok:
        print(f"status {cost.status}: {cost.message}")
        return 1
    energy = "n/a (no energy model)" if cost.energy_pj is None else f"{cost.energy_pj:,.1f}"
    util = "n/a" if cost.utilization is None else f"{cost.utilization:.3f}"
    print(f"  cycles (total, bandwidth-throttled) {cost.cycles:>16,}\n  compute_cycles (MAC-level)         "
          f"{cost.compute_cycles:>16,}\n  energy_pj                          {energy:>16}\n"
          f"  utilization                        {util:>16}\n  macs                               {cost.macs:>16,}")
    return 0


def cmd_export(args) -> int:
    from .lut import LUT
    filters = {k: v for k, v in (("arch", args.arch), ("lowering", args.lowering)) if v}
    lut = LUT(args.db, create=False)
    from .sweep.store import with_variants   # a `variant` column (rows of swept arch variants), --variant filter
    df = with_variants(lut, lut.query(**filters), args.variant)
    try:
        out = open(args.out, "w") if args.out else sys.stdout
    except OSError as e:
        raise CostModelError(f"--out {args.out}: cannot write: {e.strerror}") from None
    try:
        if args.format == "csv":
            df.to_csv(out, index=False)
        else:
            json.dump(json.loads(df.to_json(orient="records", date_format="iso")), out, indent=1)
            out.write("\n")
    finally:
        if args.out:
            out.close()
    return 0


def cmd_reproduce(args) -> int:
    from . import reproduce
    if args.name is None:
        print("\n".join(reproduce.registry()))
        return 0
    print(reproduce.render(args.name, reproduce.run(args.name)))
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with the CLI's error convention: one line ``error: ...``, exit code 2 (subcommands inherit it)."""

    def error(self, message):
        print(f"error: {self.prog}: {message} (see `{self.prog} --help`)", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="costmodel", description="Hardware cost models and LUTs for NAS.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("archs", help="list targets and their spec files").set_defaults(func=cmd_archs)

    p = sub.add_parser("build-lut", help="fill the LUT for a space of ops x shapes")
    p.add_argument("--arch", required=True, help="target name (see `costmodel archs`), name:PRESET, or a spec .yaml")
    p.add_argument("--space", action="append", help="darts-search (default), darts-eval, or a space .yaml; repeatable")
    p.add_argument("--db", default=default_db(), help="LUT file or SQLAlchemy URL (default: %(default)s)")
    p.add_argument("--lowering", choices=("exact", "mdarts"), default="exact")
    p.add_argument("--backend", help="analytic | timeloop | c64x (default: the arch's)")
    p.add_argument("--jobs", type=int, default=1, help="worker processes")
    p.add_argument("--dry-run", action="store_true", help="list what would be computed, write nothing")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("query", help="the cost of one op at one shape (from the LUT, else computed and stored)")
    p.add_argument("--arch", required=True)
    p.add_argument("--backend")
    p.add_argument("--db", default=default_db())
    add_query_args(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("export", help="dump the LUT as CSV or JSON")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--db", default=default_db())
    p.add_argument("--arch")
    p.add_argument("--lowering", choices=("exact", "mdarts"))
    p.add_argument("--variant", help="only rows of swept variants whose name matches this glob (see `costmodel sweep`)")
    p.add_argument("--out", help="file (default: stdout)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("reproduce", help="regenerate a paper table: published vs computed")
    p.add_argument("name", nargs="?", help="table name; omit to list them")
    p.set_defaults(func=cmd_reproduce)

    from . import commands
    for info in pkgutil.iter_modules(commands.__path__):
        mod = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(mod, "register"):
            mod.register(sub)
    return parser


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except CostModelError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: rows written so far are kept; rerun to resume", file=sys.stderr)
        return 130
    except BrokenPipeError:      # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
