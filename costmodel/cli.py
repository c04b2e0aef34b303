"""`costmodel` command line. Core commands here; more plug in from `costmodel/commands/`.

Every error a user can cause prints one line ``error: ...`` and exits with code 2.

Writing a command (core or plug-in): add it with `add_command` (one-line help, 1-3 examples shown in
its epilog, `HelpFormatter`), give every option a help text with its unit (defaults are appended),
use `add_arch_args` / `add_query_args` / `add_lowering_arg` / `add_db_arg` for the shared options, and
import heavy modules (pandas, SQLAlchemy, numpy, networkx, yaml, torch) inside the command's function,
never in `register` or at module level: `costmodel --help` must start in well under 0.5 s.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from .errors import CostModelError, Interrupted


def default_db() -> str:
    """The default LUT (= `costmodel.paths.resolve_lut()`, the one place that decides it)."""
    from .paths import resolve_lut
    return resolve_lut()


# -- help conventions (every subcommand, core or plug-in, follows them) ----------------------------------
class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps description/epilog line breaks and appends ``(default: X)`` to every option help that has a
    default (not None/False) and does not already say ``default``."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if (action.option_strings and default not in (None, False, argparse.SUPPRESS, [])
                and "default" not in text):
            text += " (default: %(default)s)"
        return text


def add_command(sub, name: str, *, help: str, examples: list[str], description: str | None = None,
                **kwargs) -> argparse.ArgumentParser:
    """Add subcommand `name` the way every `costmodel` command is added (plug-ins too).

    Conventions: ``help`` is one line; ``examples`` are 1-3 full command lines (shown in the epilog under
    "examples:"); every option gets ``help=`` text naming its unit ([cycles], [pixels], ...); defaults are
    appended by `HelpFormatter` (write "default: ..." yourself when it is not a plain value, e.g. a
    resolved path); an option that names a LUT is added with `add_db_arg`. Example::

        def register(sub):
            p = add_command(sub, "profile", help="cost of a torch model", examples=["costmodel profile m.py"])
            p.add_argument("--arch", required=True, help="target name (see `costmodel archs`)")
            p.set_defaults(func=run)
    """
    epilog = "examples:\n" + "\n".join(f"  {e}" for e in examples)
    return sub.add_parser(name, help=help, description=description or help[:1].upper() + help[1:] + ".",
                          epilog=epilog, formatter_class=HelpFormatter, **kwargs)


def add_db_arg(p: argparse.ArgumentParser, what: str = "LUT file or SQLAlchemy URL") -> None:
    """``--db``: None unless given; resolve it with `costmodel.paths.resolve_lut` (LUT(args.db) does)."""
    from .paths import RESOLUTION
    p.add_argument("--db", help=f"{what} (default: {RESOLUTION})")


def add_query_args(p: argparse.ArgumentParser, op_required: bool = True) -> None:
    """The op + shape arguments shared by every command that names one op."""
    p.add_argument("--op", required=op_required,
                   help="op name: a DARTS op (sep_conv_3x3, dil_conv_5x5, max_pool_3x3, ...) "
                        "or conv, max_pool, avg_pool, linear")
    p.add_argument("--hw", type=int, required=op_required, help="input height = width [pixels]")
    p.add_argument("--c-in", type=int, required=op_required, help="input channels")
    p.add_argument("--c-out", type=int, help="output channels (default: --c-in)")
    p.add_argument("--stride", type=int, default=1, help="stride [pixels]")
    p.add_argument("--n", type=int, default=1, help="batch size [images]")
    p.add_argument("--kernel", type=int, help="kernel size [pixels] (plain conv/pool ops; DARTS ops fix it)")
    p.add_argument("--dilation", type=int, help="dilation (plain conv; default: 1)")
    p.add_argument("--groups", type=int, help="groups (plain conv; default: 1)")
    p.add_argument("--padding", type=int, help="padding [pixels] (plain ops; default: dilation*(kernel-1)//2)")
    add_lowering_arg(p)


def add_lowering_arg(p: argparse.ArgumentParser, **kwargs) -> None:
    p.add_argument("--lowering", choices=("exact", "mdarts"), default="exact",
                   help="exact = what PyTorch computes; mdarts = the MDARTS Table I encoding (dense, no dilation)",
                   **kwargs)


def add_arch_args(p: argparse.ArgumentParser, backend: bool = True) -> None:
    """``--arch`` (required) and ``--backend``."""
    p.add_argument("--arch", required=True, help="target name (see `costmodel archs`; yours: `costmodel archs --add`), "
                                                 "name:PRESET, a spec .yaml, or a Timeloop v1.0 config .cfg/.yaml")
    if backend:
        p.add_argument("--backend", help="analytic | timeloop | c64x (default: the arch's default backend)")


def query_from_args(args):
    from .ops import OpQuery
    return OpQuery(args.op, args.c_in, args.hw, c_out=args.c_out, stride=args.stride, n=args.n, kernel=args.kernel,
                   dilation=args.dilation, groups=args.groups, padding=args.padding)


def cmd_build(args) -> int:
    from .build import build_lut, check_jobs
    from .paths import resolve_lut
    check_jobs(args.jobs)
    return build_lut(args.arch, args.space or ["darts-search"], resolve_lut(args.db), args.lowering, args.backend,
                     args.jobs, args.dry_run)


def cmd_query(args) -> int:
    from .evaluate import evaluate_op, resolve
    from .ops import lower
    spec, be = resolve(args.arch, args.backend)
    q = query_from_args(args).resolved()
    lower(q, args.lowering)  # validate the shape before anything is written
    from .lut import LUT
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
    for layer in cost.layers:        # computed now by a search other than the exact one: which, how much it saw
        if layer.message and not layer.message.startswith("exact search:"):
            print(f"  note: {layer.message}")
    from .arch.registry import fitted
    for path, (value, source) in fitted(args.arch if ":" in str(args.arch) else "").items():
        print(f"  FITTED by preset {args.arch}: {path} = {value} ({source})")
    return 0


def cmd_reproduce(args) -> int:
    """Print the table(s); exit 0 only if every row a reproduction claims reproducible reproduces, else 1."""
    from . import reproduce
    from .extras import MissingExtra, from_import_error
    if args.all and args.name:
        raise CostModelError("give a table name or --all, not both")
    if args.list or (args.name is None and not args.all):
        reg = reproduce.registry()
        width = max(map(len, reg))
        for name, fn in reg.items():
            print(f"{name:<{width}}  {describe(fn)}")
        return 0
    names = list(reproduce.registry()) if args.all else [args.name]
    failed, skipped = [], []
    from .progress import bar
    shown = bar(names, "reproduce", unit=" tables")
    for i, name in enumerate(shown):
        shown.set_postfix_str(f"running {name}")
        try:
            rows = reproduce.run(name)
        except (MissingExtra, ImportError) as e:     # --all: run every table it can, list the others
            why = e if isinstance(e, MissingExtra) else from_import_error(e)
            if not args.all or why is None:
                raise why or e
            skipped.append(f"{name} ({why})")
            continue
        shown.write(("\n" if i else "") + reproduce.render(name, rows), file=sys.stdout)   # above the bar
        failed += [f"{name}: {r.label}" for r in reproduce.failures(rows)]
    if skipped:
        print(f"skipped {len(skipped)} table(s) this installation cannot run: {'; '.join(skipped)}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} row(s) claimed reproducible did not reproduce: {'; '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def describe(obj) -> str:
    """The first line of `obj`'s docstring, else of its module's (a one-line description for listings)."""
    doc = obj.__doc__ or getattr(sys.modules.get(getattr(obj, "__module__", ""), None), "__doc__", None) or ""
    return doc.strip().splitlines()[0] if doc.strip() else "(no description)"


class _Parser(argparse.ArgumentParser):
    """argparse with the CLI's error convention: one line ``error: ...``, exit code 2 (subcommands inherit it)."""

    def error(self, message):
        print(f"error: {self.prog}: {message} (see `{self.prog} --help`)", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    parser = _Parser(prog="costmodel", formatter_class=HelpFormatter,
                     description="Hardware cost models (Eyeriss, DianNao, TI C64x+) and cost LUTs for NAS.",
                     epilog="examples:\n  costmodel archs\n"
                            "  costmodel query --arch eyeriss --op sep_conv_3x3 --hw 32 --c-in 16\n"
                            "  costmodel build-lut --arch eyeriss && costmodel table --arch eyeriss\n"
                            "`costmodel COMMAND --help` explains each command.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = add_command(sub, "build-lut", help="fill the LUT for a space of ops x shapes (rows already there are reused)",
                    examples=["costmodel build-lut --arch eyeriss",
                              "costmodel build-lut --arch diannao --space darts-eval --jobs 2",
                              "costmodel build-lut --arch c64x --space my_space.yaml --db /tmp/my_lut.db"])
    add_arch_args(p)
    p.add_argument("--space", action="append",
                   help="darts-search, darts-eval, mdarts-first-cell, or a space .yaml; repeatable "
                        "(default: darts-search)")
    add_db_arg(p)
    add_lowering_arg(p)
    p.add_argument("--jobs", type=int, default=1, help="worker processes, at most 4 x the cores "
                                                       "($COSTMODEL_MAX_JOBS) and never more than the rows to compute")
    p.add_argument("--dry-run", action="store_true", help="list what would be computed, write nothing")
    p.set_defaults(func=cmd_build)

    p = add_command(sub, "query", help="the cost of one op at one shape (from the LUT, else computed and stored)",
                    examples=["costmodel query --arch eyeriss --op sep_conv_3x3 --hw 32 --c-in 16",
                              "costmodel query --arch c64x --op conv --kernel 3 --hw 8 --c-in 4 --c-out 8",
                              "costmodel query --arch eyeriss --op dil_conv_3x3 --hw 32 --c-in 16 --lowering mdarts"])
    add_arch_args(p)
    add_db_arg(p)
    add_query_args(p)
    p.set_defaults(func=cmd_query)

    p = add_command(sub, "reproduce", help="regenerate a paper table: published vs computed",
                    description="Regenerate a paper table: published vs computed. Exit status 0 when every row "
                                "the table claims reproducible reproduces, 1 otherwise.",
                    examples=["costmodel reproduce --list", "costmodel reproduce mdarts-table1",
                              "costmodel reproduce --all"])
    p.add_argument("name", nargs="?", help="table name (see --list; default: list them)")
    p.add_argument("--list", action="store_true", help="list the tables, one line each")
    p.add_argument("--all", action="store_true", help="run every table (exit 1 if any claimed row fails)")
    p.set_defaults(func=cmd_reproduce)

    from . import commands
    for info in pkgutil.iter_modules(commands.__path__):
        mod = importlib.import_module(f"{commands.__name__}.{info.name}")
        if hasattr(mod, "register"):
            mod.register(sub)
    for ep in commands.plugins("costmodel.commands"):   # e.g. `search`, registered by nas/ (pyproject.toml)
        ep.load()(sub)
    return parser


def _on_sigterm(signum, _frame):
    raise Interrupted(signum)


def main(argv=None) -> int:
    import signal
    import threading
    previous = None
    if threading.current_thread() is threading.main_thread():    # SIGTERM = Ctrl-C: one line, rows kept
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        args = build_parser().parse_args(argv)
        code = args.func(args)
        sys.stdout.flush()       # a full /dev/full or a closed pipe shows here, not at interpreter exit
    except CostModelError as e:
        from .redact import redact
        print(f"error: {redact(e)}", file=sys.stderr)
        return 2
    except ImportError as e:     # an optional dependency missing where no command checked it: name its extra
        from .extras import from_import_error
        missing = from_import_error(e)
        if missing is None:
            raise
        print(f"error: {missing}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as e:
        signum = getattr(e, "signum", signal.SIGINT)
        print(f"interrupted ({signal.Signals(signum).name}): rows written so far are kept; rerun to resume",
              file=sys.stderr)
        return 128 + signum
    except BrokenPipeError:      # output piped into e.g. `head`, which stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:         # standard output cannot be written (`> /dev/full`): one line, nothing more
        import errno
        if e.filename is not None or e.errno not in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EBADF,
                                                     errno.EROFS, errno.ECONNRESET):
            raise                # not an output stream: a real fault, shown as such
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"error: cannot write the output: {e.strerror or e}", file=sys.stderr)
        return 2
    else:
        return code
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    sys.exit(main())
