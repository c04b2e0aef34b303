"""`costmodel search`: registered from nas/ through the ``costmodel.commands`` entry point (pyproject.toml).

Torch-free at import: `register` only adds the arguments (`nas.config`); `run` imports the search.
"""
from __future__ import annotations

EXAMPLES = ["costmodel search --arch eyeriss --lowering mdarts --qos 0.4e6 0.5e6 --proj-lr 3e-3 --epochs 3 --limit 600 "
            "--threads 1 --genotype-out /tmp/g.json",
            "costmodel search --arch c64x --loss deffarts --space darts --epochs 2",
            "costmodel search --arch eyeriss --loss rapdarts --lambda compute_cycles=1e-6 --lambda params=1e-5"]


def register(subparsers) -> None:
    from costmodel.cli import add_command

    from .config import add_arguments
    p = add_command(
        subparsers, "search", help="a reference first-order DARTS search with the MDARTS / DEff-ARTS / RAPDARTS "
                                   "cost loss (needs torch)", examples=EXAMPLES,
        description="Reference search (nas.search) on digits (built in) or cifar10 --data-dir DIR. A progress bar "
                    "inside each epoch (step, loss, expected cost, ETA; silent when not a terminal) and a per-epoch "
                    "log of CE, accuracy, expected cost and its place against the QoS band, derived genotype, its max "
                    "cycle and skip count.")
    add_arguments(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from costmodel.errors import CostModelError
    try:
        from .search import run_cli
    except ImportError as e:
        from costmodel.extras import from_import_error, missing
        raise (from_import_error(e, "costmodel search") or missing("torch", "costmodel search")) from None
    return run_cli(args)
