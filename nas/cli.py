"""`costmodel search`: registered from nas/ through the ``costmodel.commands`` entry point (pyproject.toml).

Torch-free at import: `register` only adds the arguments (`nas.config`); `run` imports the search.
"""
from __future__ import annotations

EXAMPLES = """examples:
  costmodel search --arch eyeriss --lowering mdarts --qos 0.5e6 0.7e6 --genotype-out g.json
  costmodel search --arch c64x --loss deffarts --space darts --epochs 2
  costmodel search --arch eyeriss --loss rapdarts --lambda compute_cycles=1e-6 --lambda params=1e-5"""


def register(subparsers) -> None:
    import argparse

    from .config import add_arguments
    p = subparsers.add_parser(
        "search", help="a reference first-order DARTS search with the MDARTS / DEff-ARTS / RAPDARTS cost loss "
                       "(needs torch)",
        description="Reference search (nas.search) on digits (built in) or cifar10 --data-dir DIR. A progress bar "
                    "inside each epoch (step, loss, expected cost, ETA; silent when not a terminal) and a per-epoch "
                    "log of CE, accuracy, expected cost, derived genotype, its max cycle and skip count.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from costmodel.errors import CostModelError
    try:
        from .search import run_cli
    except ImportError as e:
        raise CostModelError(f"costmodel search needs torch: pip install 'hwnas-costmodel[nas]' ({e})") from None
    return run_cli(args)
