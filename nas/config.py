"""Search configuration and its command-line arguments (torch-free: `costmodel search` registers
these without importing torch; `nas.search` runs them)."""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from costmodel.errors import CostModelError

from .space import SPACES

DATASETS = ("digits", "cifar10")
DEFFARTS_BETA = 0.27                 # DEff-ARTS Sec. 3 / App. D.1
LOSSES = ("mdarts", "deffarts", "rapdarts", "none")


@dataclass
class SearchConfig:
    dataset: str = "digits"
    data_dir: str | None = None
    limit: int | None = None               # cap on images used (train + val)
    space: str = "mdarts"
    layers: int = 5
    c: int = 8
    loss: str = "mdarts"
    mu_sep: float = 1.0                    # MDARTS Eq. 3
    qos: tuple | None = None               # MDARTS phase 2 band (C_L, C_H) in the metric's unit
    tau: float = 1.0                       # phase-2 band weight [1 / metric unit]
    u_max: int = 100                       # phase-2 Adam steps per epoch (MDARTS Sec. IV-A)
    proj_lr: float | None = None           # phase-2 Adam learning rate (None = arch_lr, the paper's 3e-4)
    gamma: float = 0.01                    # DEff-ARTS cost weightage
    beta: float = DEFFARTS_BETA            # DEff-ARTS modulation
    lambdas: dict = field(default_factory=dict)   # RAPDARTS metric -> lambda
    arch: str | None = None                # required for hardware metrics (no silent default target)
    metric: str = "compute_cycles"
    lowering: str = "exact"
    backend: str | None = None
    lut: str | None = None                 # LUT path / URL (None = compute, no cache)
    cost_shapes: str = "mdarts-table1"     # mdarts-table1 (MDARTS convention) | first-cell | network
    cost_c: int | None = 16                # C of the costed network (None = the search net's)
    cost_input_size: int | None = 32       # H = W of the costed network (None = the dataset's)
    epochs: int = 5
    batch_size: int = 64
    lr: float = 0.025
    lr_min: float = 0.001
    momentum: float = 0.9
    weight_decay: float = 3e-4
    arch_lr: float = 3e-4
    arch_weight_decay: float = 1e-3
    grad_clip: float = 5.0
    seed: int = 0
    device: str = "cpu"
    threads: int = 0                       # torch CPU threads (0 = torch's default)
    checkpoint: str | None = None
    resume: bool = False
    quiet: bool = False


# -- command line ---------------------------------------------------------------------------------
def add_arguments(p: argparse.ArgumentParser) -> None:
    d = SearchConfig()
    p.add_argument("--arch", required=True, help="target whose cost is searched: eyeriss, diannao, c64x (see "
                   "`costmodel archs`), NAME:PRESET, or a spec .yaml; required")
    p.add_argument("--dataset", choices=DATASETS, default=d.dataset, help="digits: 8x8 images built in; cifar10: "
                   "needs --data-dir")
    p.add_argument("--data-dir", help="cifar10: the cifar-10-batches-py folder")
    p.add_argument("--limit", type=int, help="use at most this many images, train + val (default: all)")
    p.add_argument("--space", choices=tuple(SPACES), default=d.space, help="candidate ops: mdarts (Sec. IV-A) or "
                   "darts (8 PRIMITIVES)")
    p.add_argument("--layers", type=int, default=d.layers, help="cells of the search network")
    p.add_argument("--c", type=int, default=d.c, help="initial channels of the search network")
    p.add_argument("--loss", choices=LOSSES, default=d.loss, help="cost loss: mdarts (L_sep + QoS projection), "
                   "deffarts (Gamma L_com^beta), rapdarts (sum lambda_m C_m), none")
    p.add_argument("--mu-sep", type=float, default=d.mu_sep, help="MDARTS separation-loss weight")
    p.add_argument("--qos", type=float, nargs=2, metavar=("C_L", "C_H"), help="MDARTS phase-2 QoS band of the "
                   "expected cost [metric unit, e.g. cycles]; projected into after every epoch (default: none)")
    p.add_argument("--tau", type=float, default=d.tau, help="phase-2 band weight [1/metric unit]")
    p.add_argument("--u-max", type=int, default=d.u_max, help="phase-2 Adam steps per epoch")
    p.add_argument("--proj-lr", type=float, help="phase-2 Adam learning rate (default: --arch-lr, the paper's "
                   "3e-4; larger reaches a far band in fewer epochs)")
    p.add_argument("--gamma", type=float, default=d.gamma, help="DEff-ARTS cost weightage Gamma")
    p.add_argument("--beta", type=float, default=d.beta, help="DEff-ARTS modulation beta")
    p.add_argument("--lambda", dest="lambdas", action="append", default=[], metavar="METRIC=VALUE",
                   help="RAPDARTS resource weight [1/metric unit] (repeatable), e.g. params=1e-7")
    p.add_argument("--metric", default=d.metric, help="compute_cycles | cycles | energy_pj | macs | params")
    p.add_argument("--lowering", choices=("exact", "mdarts"), default=d.lowering, help="exact = what PyTorch "
                   "computes; mdarts = the MDARTS Table I encoding")
    p.add_argument("--backend", help="costmodel backend (default: the arch's)")
    p.add_argument("--db", "--lut", dest="lut", metavar="DB", help="LUT path or SQLAlchemy URL, read and written, "
                   "as every other command's --db (--lut: the old name; default: the default LUT, read-only; "
                   "missing costs are computed)")
    p.add_argument("--cost-shapes", choices=("mdarts-table1", "first-cell", "network"), default=d.cost_shapes,
                   help="shapes the ops are costed at")
    p.add_argument("--cost-c", type=int, default=d.cost_c, help="C of the costed network, 0 = the search net's")
    p.add_argument("--cost-input-size", type=int, default=d.cost_input_size,
                   help="H = W of the costed network [pixels], 0 = the dataset's")
    p.add_argument("--epochs", type=int, default=d.epochs, help="search epochs")
    p.add_argument("--batch-size", type=int, default=d.batch_size, help="images per step")
    p.add_argument("--lr", type=float, default=d.lr, help="SGD learning rate of the weights (cosine schedule)")
    p.add_argument("--arch-lr", type=float, default=d.arch_lr, help="Adam learning rate of the alphas and of "
                   "phase 2")
    p.add_argument("--seed", type=int, default=d.seed, help="random seed")
    p.add_argument("--device", default=d.device, help="cpu or cuda[:N]")
    p.add_argument("--threads", type=int, default=d.threads, help="torch CPU threads, 0 = torch's default "
                   "(1 is much faster on a busy machine)")
    p.add_argument("--checkpoint", help="save the search state here every epoch")
    p.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    p.add_argument("--genotype-out", help="write the derived genotype as JSON (`costmodel schedule --genotype` "
                   "reads it)")
    p.add_argument("--history-out", help="write the per-epoch log as JSON")


def config_from_args(args) -> SearchConfig:
    lambdas = {}
    for item in args.lambdas:
        metric, _, value = item.partition("=")
        try:
            lambdas[metric] = float(value)
        except ValueError:
            raise CostModelError(f"--lambda {item!r}: expected METRIC=VALUE, e.g. params=1e-7") from None
    keys = set(SearchConfig.__dataclass_fields__) - {"lambdas", "quiet", "qos"}
    kw = {k: getattr(args, k) for k in keys if hasattr(args, k)}
    kw["cost_c"] = args.cost_c or None
    kw["cost_input_size"] = args.cost_input_size or None
    return SearchConfig(**kw, lambdas=lambdas, qos=tuple(args.qos) if args.qos else None)


