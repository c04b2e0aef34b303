"""`costmodel search`: the reference cost-aware DARTS search of `nas.search` (needs torch, imported lazily)."""
from __future__ import annotations


def register(subparsers) -> None:
    from nas.config import add_arguments   # torch-free
    from ..cli import add_command
    p = add_command(
        subparsers, "search", help="run a first-order DARTS search with the MDARTS / DEff-ARTS / RAPDARTS cost loss",
        examples=["costmodel search --epochs 1 --limit 256 --arch eyeriss --loss mdarts --genotype-out /tmp/g.json",
                  "costmodel search --loss deffarts --arch c64x --gamma 0.01"],
        description="Reference search (nas.search): digits (built in) or cifar10 --data-dir DIR; per-epoch log of "
                    "CE, accuracy, expected cost, derived genotype, its max cycle and skip count.")
    add_arguments(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..errors import CostModelError
    try:
        from nas.search import run_cli
    except ImportError as e:
        raise CostModelError(f"costmodel search needs torch: pip install 'hwnas-costmodel[nas]' ({e})") from None
    return run_cli(args)
