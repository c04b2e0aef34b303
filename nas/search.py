"""Reference search: first-order DARTS with the MDARTS two-phase loop, DEff-ARTS or RAPDARTS loss.

    costmodel search --arch eyeriss --lowering mdarts --qos 0.4e6 0.5e6 --proj-lr 3e-3 --epochs 3
    python -m nas.search ...        (same arguments)

Inside an epoch a tqdm bar shows the step, loss, expected cost and ETA (on a terminal only). Per
epoch it logs CE, validation accuracy, the expected cost, the derived genotype, that
genotype's actual maximum cycle (critical path, hard max, same cost table) and its number of
skip connections. The result is a costmodel `Genotype` (written with --genotype-out as JSON,
which `costmodel schedule --genotype FILE` reads). --checkpoint saves every epoch; --resume
continues from it.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from costmodel.errors import CostModelError
from costmodel.genotypes import to_dict, to_string
from costmodel.validate import number

from .cost import DartsCost
from .cost_table import check_metric
from .config import DATASETS, LOSSES, SearchConfig, add_arguments, config_from_args
from .data import load_dataset
from .genotype import alphas_from_genotype, count_skips, derive_genotype, mean_max_prob
from .losses import DEFFARTS_NONE_COST, deffarts_loss, project_to_band, rapdarts_loss, separation_loss
from .space import get_space


@dataclass
class SearchResult:
    genotype: tuple
    history: list
    alphas_normal: torch.Tensor
    alphas_reduce: torch.Tensor


def pick_device(name: str) -> torch.device:
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise CostModelError(f"--device {name}: no CUDA device is available here (torch.cuda.is_available() "
                             f"is False); use --device cpu")
    if name not in ("cpu",) and not name.startswith("cuda"):
        raise CostModelError(f"unknown --device {name!r} (use cpu or cuda[:N])")
    return torch.device(name)


def _check(cfg: SearchConfig) -> None:
    if cfg.loss not in LOSSES:
        raise CostModelError(f"unknown --loss {cfg.loss!r} (use one of {', '.join(LOSSES)})")
    if cfg.dataset not in DATASETS:
        raise CostModelError(f"unknown --dataset {cfg.dataset!r} (use one of {', '.join(DATASETS)})")
    for flag, v in (("--mu-sep", cfg.mu_sep), ("--tau", cfg.tau), ("--gamma", cfg.gamma), ("--beta", cfg.beta),
                    *((f"--qos {b}", x) for b, x in zip(("C_L", "C_H"), cfg.qos or ())),
                    *((f"--lambda {m}", x) for m, x in cfg.lambdas.items())):
        number(v, flag)                       # finite: NaN would pass every comparison below
    for m in cfg.lambdas:
        check_metric(m)
    if cfg.limit is not None and cfg.limit < 1:
        raise CostModelError(f"--limit {cfg.limit}: must be >= 1 (omit --limit to use every image)")
    if cfg.qos is not None and (len(cfg.qos) != 2 or cfg.qos[0] > cfg.qos[1]):
        raise CostModelError(f"--qos needs C_L <= C_H, got {cfg.qos}")
    if cfg.loss == "rapdarts" and not cfg.lambdas:
        raise CostModelError("--loss rapdarts needs at least one --lambda METRIC=VALUE")
    if cfg.epochs < 1 or cfg.batch_size < 1:
        raise CostModelError("--epochs and --batch-size must be >= 1")
    if cfg.u_max < 0:
        raise CostModelError(f"--u-max must be >= 0, got {cfg.u_max}")
    if cfg.lr <= 0 or cfg.arch_lr <= 0 or (cfg.proj_lr is not None and cfg.proj_lr <= 0):
        raise CostModelError(f"--lr, --arch-lr and --proj-lr must be > 0, got {cfg.lr}, {cfg.arch_lr}, {cfg.proj_lr}")
    if cfg.threads < 0:
        raise CostModelError(f"--threads must be >= 0 (0 = torch's default), got {cfg.threads}")
    _check_writable(cfg.checkpoint, "--checkpoint")
    if cfg.resume and not cfg.checkpoint:
        raise CostModelError("--resume needs --checkpoint FILE (the state to continue from)")
    if cfg.resume:
        _load_checkpoint(Path(cfg.checkpoint), "cpu")      # exists and is one of ours, before anything is written


def _load_checkpoint(path: Path, device) -> dict:
    """The state saved by --checkpoint; CostModelError for a missing or foreign file."""
    if not path.is_file():
        raise CostModelError(f"--resume: checkpoint {path} does not exist (run without --resume to start afresh)")
    try:
        state = torch.load(path, map_location=device, weights_only=False)
    except Exception as e:     # torch raises many types for a file that is not a checkpoint
        raise CostModelError(f"--resume: {path} is not a search checkpoint ({type(e).__name__})") from None
    keys = {"model", "w_opt", "a_opt", "sched", "proj_state", "history", "epoch", "rng", "batch_rng"}
    if not isinstance(state, dict) or not keys <= set(state):
        raise CostModelError(f"--resume: {path} is not a search checkpoint (missing state entries)")
    return state


def _check_writable(path, flag: str) -> None:
    """Fail before the search, not after it, when an output file cannot be created."""
    if path and not Path(path).resolve().parent.is_dir():
        raise CostModelError(f"{flag} {path}: the folder {Path(path).resolve().parent} does not exist")


def build_costs(cfg: SearchConfig, space, lut):
    """(DartsCost of the main metric, {metric: DartsCost} for RAPDARTS) on the cost shapes.

    For the DEff-ARTS loss, extra["deffarts"] is the main metric with `none` charged 10^6 - 1
    (App. D); the logged expected cost stays the plain metric (`none` = 0)."""
    cost_space = replace(space, shapes=cfg.cost_shapes, c=cfg.cost_c or space.c,
                         input_size=cfg.cost_input_size or space.input_size,
                         in_channels=3 if cfg.cost_input_size else space.in_channels)
    kw = dict(lowering=cfg.lowering, backend=cfg.backend)
    main = DartsCost(cost_space, lut, cfg.arch, cfg.metric, **kw)
    extra = {m: (main if m == cfg.metric else DartsCost(cost_space, lut, cfg.arch, m, **kw)) for m in cfg.lambdas}
    if cfg.loss == "deffarts":
        extra = {"deffarts": DartsCost(cost_space, tables=main.tables, op_costs={"none": DEFFARTS_NONE_COST},
                                       metric=cfg.metric)}
    return main, extra


def actual_max_cycle(cost: DartsCost, genotype) -> float:
    """The derived genotype's maximum cycle on the same cost table (hard max; MDARTS Table III 'pair' rule unless shapes='network')."""
    an, ar, mn, mr = alphas_from_genotype(genotype, cost.space)
    dev = cost.normal_costs.device
    mode = "network" if cost.space.shapes == "network" else "pair"
    with torch.no_grad():
        v = cost.critical_path(an.to(dev), ar.to(dev), mode=mode, edge_weights_normal=mn.to(dev),
                               edge_weights_reduce=mr.to(dev))
    return float(v)


def run_search(cfg: SearchConfig, log=print) -> SearchResult:
    _check(cfg)
    device = pick_device(cfg.device)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    torch.manual_seed(cfg.seed)
    train, val, n_classes, (ch, h, _) = load_dataset(cfg.dataset, cfg.data_dir, cfg.limit, cfg.seed)
    space = get_space(cfg.space, layers=cfg.layers, c=cfg.c, input_size=h, in_channels=ch)
    if cfg.lut:
        from costmodel.lut import LUT
        lut = LUT(cfg.lut)
    else:
        from .cost_table import default_lut
        lut = default_lut()            # read-only: costs it lacks are computed, nothing is written
    cost, extra = build_costs(cfg, space, lut)
    cost = cost.to(device)
    extra = {m: c.to(device) for m, c in extra.items()}

    from .model import Network
    model = Network(space, n_classes).to(device)
    w_opt = torch.optim.SGD(model.weight_parameters(), cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(w_opt, cfg.epochs, eta_min=cfg.lr_min)
    a_opt = torch.optim.Adam(model.arch_parameters(), lr=cfg.arch_lr, betas=(0.5, 0.999),
                             weight_decay=cfg.arch_weight_decay)
    proj_state: dict = {}
    history: list = []
    start = 0
    gen = torch.Generator().manual_seed(cfg.seed + 1)        # batch order
    ckpt = Path(cfg.checkpoint) if cfg.checkpoint else None
    if cfg.resume and ckpt:
        state = _load_checkpoint(ckpt, device)
        model.load_state_dict(state["model"])
        w_opt.load_state_dict(state["w_opt"])
        a_opt.load_state_dict(state["a_opt"])
        sched.load_state_dict(state["sched"])
        proj_state, history, start = state["proj_state"], state["history"], state["epoch"]
        torch.set_rng_state(state["rng"])
        gen.set_state(state["batch_rng"])
        log(f"resumed from {ckpt} at epoch {start}")

    def cost_term():
        an, ar = model.alphas_normal, model.alphas_reduce
        if cfg.loss == "mdarts":
            return cfg.mu_sep * separation_loss(an, ar)
        if cfg.loss == "deffarts":
            return deffarts_loss(extra["deffarts"].cost(an, ar), cfg.gamma, cfg.beta)
        if cfg.loss == "rapdarts":
            return rapdarts_loss({m: c.cost(an, ar) for m, c in extra.items()}, cfg.lambdas)
        return torch.zeros((), device=device)

    for epoch in range(start, cfg.epochs):
        t0 = time.perf_counter()
        model.train()
        ce_sum = n = 0
        bar = tqdm(total=min(len(train), len(val)) // min(cfg.batch_size, len(train)), unit="step", leave=False,
                   desc=f"epoch {epoch + 1}/{cfg.epochs}", disable=cfg.quiet or not sys.stderr.isatty())
        for (xt, yt), (xv, yv) in zip(train.batches(cfg.batch_size, gen), val.batches(cfg.batch_size, gen)):
            xt, yt, xv, yv = xt.to(device), yt.to(device), xv.to(device), yv.to(device)
            a_opt.zero_grad()
            (F.cross_entropy(model(xv), yv) + cost_term()).backward()
            a_opt.step()
            w_opt.zero_grad()
            loss = F.cross_entropy(model(xt), yt)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.weight_parameters(), cfg.grad_clip)
            w_opt.step()
            ce_sum, n = ce_sum + float(loss.detach()) * len(yt), n + len(yt)
            if not bar.disable:
                with torch.no_grad():
                    bar.set_postfix_str(f"loss {float(loss):.3f}  expected_{cost.metric} "
                                        f"{float(cost.cost(model.alphas_normal, model.alphas_reduce)):,.0f}")
                bar.update()
        bar.close()
        sched.step()
        if cfg.loss == "mdarts" and cfg.qos is not None:      # phase 2: projection into [C_L, C_H]
            proj = project_to_band((model.alphas_normal, model.alphas_reduce), cost.cost, cfg.qos[0], cfg.qos[1],
                                   tau=cfg.tau, steps=cfg.u_max, lr=cfg.proj_lr or cfg.arch_lr, weight_decay=cfg.arch_weight_decay,
                                   optimizer_state=proj_state)
            with torch.no_grad():
                model.alphas_normal.copy_(proj.alphas[0])
                model.alphas_reduce.copy_(proj.alphas[1])
        row = _epoch_row(epoch, model, val, cost, ce_sum / max(n, 1), cfg, device, time.perf_counter() - t0)
        history.append(row)
        if ckpt:
            torch.save({"model": model.state_dict(), "w_opt": w_opt.state_dict(), "a_opt": a_opt.state_dict(),
                        "sched": sched.state_dict(), "proj_state": proj_state, "history": history,
                        "epoch": epoch + 1, "rng": torch.get_rng_state(), "batch_rng": gen.get_state(),
                        "config": asdict(cfg)}, ckpt)
        if not cfg.quiet:
            log(f"epoch {epoch + 1}/{cfg.epochs}  ce {row['ce']:.4f}  val_acc {row['val_acc']:.3f}  "
                f"expected_{cost.metric} {row['expected_cost']:,.0f}{_band(row['expected_cost'], cfg)}  "
                f"max_cycle {row['max_cycle']:,.0f}  "
                f"skips {row['skips']}  mean_max_prob {row['mean_max_prob']:.3f}  ({row['seconds']:.1f}s)")
            log(f"  genotype {row['genotype']}")
    geno = derive_genotype(model.alphas_normal, model.alphas_reduce, space)
    return SearchResult(geno, history, model.alphas_normal.detach().cpu(), model.alphas_reduce.detach().cpu())


def _band(value: float, cfg: SearchConfig) -> str:
    if cfg.loss != "mdarts" or cfg.qos is None:
        return ""
    where = "inside" if cfg.qos[0] <= value <= cfg.qos[1] else ("below" if value < cfg.qos[0] else "above")
    return f" ({where} QoS band [{cfg.qos[0]:,.0f}, {cfg.qos[1]:,.0f}])"


def _epoch_row(epoch, model, val, cost, ce, cfg, device, seconds) -> dict:
    model.eval()
    correct = 0
    with torch.no_grad():
        for s in range(0, len(val), 256):
            correct += int((model(val.x[s:s + 256].to(device)).argmax(1).cpu() == val.y[s:s + 256]).sum())
        an, ar = model.alphas_normal, model.alphas_reduce
        expected = float(cost.cost(an, ar))
        cp_mode = "network" if cost.space.shapes == "network" else "pair"
        expected_cp = float(cost.critical_path(an, ar, mode=cp_mode)) if cost.metric != "energy_pj" else None
    geno = derive_genotype(an, ar, model.space)
    return {"epoch": epoch + 1, "ce": ce, "val_acc": correct / len(val), "expected_cost": expected,
            "expected_max_cycle": expected_cp,
            "max_cycle": actual_max_cycle(cost, geno), "skips": count_skips(geno, "normal"),
            "mean_max_prob": (mean_max_prob(an.cpu()) + mean_max_prob(ar.cpu())) / 2,
            "genotype": to_string(geno), "seconds": seconds}


def run_cli(args) -> int:
    cfg = config_from_args(args)
    _check_writable(args.genotype_out, "--genotype-out")
    _check_writable(args.history_out, "--history-out")
    result = run_search(cfg)
    print(f"genotype: {to_string(result.genotype)}")
    for path, data in ((args.genotype_out, to_dict(result.genotype)), (args.history_out, result.history)):
        if path:
            try:
                Path(path).write_text(json.dumps(data, indent=1))
            except OSError as e:
                raise CostModelError(f"cannot write {path}: {e.strerror}") from None
            print(f"wrote {path}")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m nas.search", description=__doc__.split("\n")[0])
    add_arguments(p)
    try:
        return run_cli(p.parse_args(argv))
    except CostModelError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
