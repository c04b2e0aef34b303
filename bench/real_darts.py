"""The README's real-DARTS table: our penalty in the original DARTS and PC-DARTS search code.

    DARTS_REPO=/path/to/quark0/darts PCDARTS_REPO=/path/to/yuhuixu1993/PC-DARTS python bench/real_darts.py

A `real_tools` block of the README (the tests do not have those repositories). Each path is a clone (or a bare
git directory: its HEAD is read). Their search code is copied to a temp folder with the usual CPU fixes
(`.cuda()` dropped; `sub(eta, x)` / `add_(R, v)` / `sub_(2*R, v)` -> the `alpha=` forms), imported, and run
as `train_search.py` does (an architecture step, then a weight step) for 20 steps: C=8, 5 cells, 32x32
digits (scikit-learn's 8x8 digits upsampled, 3 channels), batch 8, Adam lr 3e-4, Eyeriss, lambda = 1, with the
README's lines in `Architect` (the penalty on `self.model` first order, on `unrolled_model` second order, and
the trap: on `self.model` second order). Prints the markdown table and the lambda guidance drawn from it.
"""
from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from costmodel.schedule import Scheduler  # noqa: E402
from nas.attach import DiscardedPenaltyWarning  # noqa: E402
from nas.cost import DartsCost  # noqa: E402
from nas.data import load_digits_arrays  # noqa: E402

FILES = ("model_search.py", "operations.py", "genotypes.py", "architect.py")
FIXES = [(r"\.cuda\(\)", ""), (r"\.sub\(eta, ([^)]*)\)", r".sub(\1, alpha=eta)"),
         (r"\.sub_\(eta, ([^)]*)\)", r".sub_(\1, alpha=eta)"), (r"\.add_\(R, v\)", ".add_(v, alpha=R)"),
         (r"\.sub_\(2\*R, v\)", ".sub_(v, alpha=2*R)")]
HOOK = ("unrolled_loss = unrolled_model._loss(input_valid, target_valid)",
        "unrolled_loss = self._penalise(unrolled_model._loss(input_valid, target_valid), unrolled_model)")
C, LAYERS, BATCH, STEPS, LAM = 8, 5, 8, 20, 1.0


def source(repo: str, name: str, sub: str) -> str:
    p = Path(repo)
    if (p / sub / name).is_file():
        return (p / sub / name).read_text()
    git = p if p.name.endswith(".git") or (p / "HEAD").is_file() else p / ".git"
    return subprocess.run(["git", f"--git-dir={git}", "show", f"HEAD:{sub + '/' if sub else ''}{name}"],
                          capture_output=True, text=True, check=True).stdout


def load(repo: str, sub: str, tmp: Path):
    """(model_search, architect) modules of a clone, CPU-fixed, imported fresh."""
    folder = tmp / f"code{len(list(tmp.iterdir()))}"
    folder.mkdir()
    for name in FILES:
        text = source(repo, name, sub)
        for pat, rep in FIXES:
            text = re.sub(pat, rep, text)
        if name == "architect.py":
            assert HOOK[0] in text, f"{repo}: architect.py has no `{HOOK[0]}`"
            text = text.replace(HOOK[0], HOOK[1])
        (folder / name).write_text(text)
    for name in FILES:
        sys.modules.pop(name[:-3], None)
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module("model_search"), importlib.import_module("architect")
    finally:
        sys.path.remove(str(folder))


def data():
    x, y, _ = load_digits_arrays()
    x = F.interpolate(torch.from_numpy(x), size=32, mode="bilinear", align_corners=False).repeat(1, 3, 1, 1)
    return x, torch.from_numpy(y)


def arch_grads(model, loss):
    return torch.cat([g.reshape(-1) for g in torch.autograd.grad(loss, model.arch_parameters(), allow_unused=True)
                      if g is not None])


def run(ms, arch_mod, unrolled: bool, on: str, steps: int):
    torch.manual_seed(0)
    np.random.seed(0)
    model = ms.Network(C, 10, LAYERS, torch.nn.CrossEntropyLoss())
    hw = DartsCost.for_model(model, arch="eyeriss")
    sched = Scheduler("eyeriss", mode="network", c=C, layers=LAYERS)

    class Args:
        momentum, weight_decay, arch_learning_rate, arch_weight_decay = 0.9, 3e-4, 3e-4, 1e-3

    class Architect(arch_mod.Architect):
        def __init__(self, m, args):
            super().__init__(m, args)
            self.hw, self.lam = hw, LAM

        def _backward_step(self, input_valid, target_valid):   # the README's first-order lines
            loss = self.model._loss(input_valid, target_valid)
            loss = loss + self.lam * self.hw.penalty(self.model)
            loss.backward()

        def _penalise(self, loss, unrolled_model):              # the README's second-order line (or the trap)
            return loss + self.lam * self.hw.penalty(unrolled_model if on == "unrolled" else self.model)

    architect = Architect(model, Args())
    w_opt = torch.optim.SGD(model.parameters(), 0.025, momentum=0.9, weight_decay=3e-4)
    applied = {}
    plain = architect.optimizer.step

    def spy(*a, **k):
        applied["g"] = torch.cat([p.grad.reshape(-1) for p in model.arch_parameters()]).clone()
        return plain(*a, **k)
    architect.optimizer.step = spy
    x, y = data()
    gen = torch.Generator().manual_seed(0)
    order = torch.randperm(len(x), generator=gen)
    cost = [float(hw.penalty(model)) * hw.uniform_cost]
    ratios, cosines, warned = [], [], 0
    first_cycle = sched.max_value(str(model.genotype()))
    for step in range(steps):
        it, iv = order[2 * step * BATCH:(2 * step + 1) * BATCH], order[(2 * step + 1) * BATCH:(2 * step + 2) * BATCH]
        g_ce = arch_grads(model, model._loss(x[iv], y[iv]))
        g_cost = arch_grads(model, LAM * hw.penalty(model))
        ratios.append(float(g_cost.norm() / g_ce.norm()))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", DiscardedPenaltyWarning)
            architect.step(x[it], y[it], x[iv], y[iv], 0.025, w_opt, unrolled)
        warned += sum(issubclass(w.category, DiscardedPenaltyWarning) for w in caught)
        g = applied["g"]
        cosines.append(float(torch.dot(g, g_cost) / (g.norm() * g_cost.norm())))
        w_opt.zero_grad()
        F.cross_entropy(model(x[it]), y[it]).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        w_opt.step()
        cost.append(float(hw.penalty(model)) * hw.uniform_cost)
    fell = sum(b < a for a, b in zip(cost, cost[1:]))
    return dict(cost=cost, fell=fell, ratios=ratios, cosines=cosines, warned=warned, steps=steps,
                cycles=(first_cycle, sched.max_value(str(model.genotype()))))


def row(label, r) -> str:
    c0, c1 = r["cost"][0], r["cost"][-1]
    warn = f"; {r['warned']} DiscardedPenaltyWarning" if r["warned"] else ""
    return (f"| {label} | {c0:,.1f} → {c1:,.1f} ({(c1 / c0 - 1):+.2%}) | {r['fell']}/{r['steps']} steps{warn} | "
            f"{min(r['ratios']):.2f}–{max(r['ratios']):.2f} | {min(r['cosines']):+.2f}…{max(r['cosines']):+.2f} | "
            f"{r['cycles'][0]:,.0f} → {r['cycles'][1]:,.0f} |")


def main() -> int:
    darts, pcdarts = os.environ.get("DARTS_REPO"), os.environ.get("PCDARTS_REPO")
    if not darts or not pcdarts:
        print("error: set DARTS_REPO and PCDARTS_REPO to clones of quark0/darts and yuhuixu1993/PC-DARTS",
              file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        ms, ar = load(darts, "cnn", Path(tmp))
        first = run(ms, ar, False, "model", STEPS)
        second = run(ms, ar, True, "unrolled", STEPS)
        trap = run(ms, ar, True, "model", 5)
        ms, ar = load(pcdarts, "", Path(tmp))
        pc = run(ms, ar, False, "model", STEPS)
    print("| run (real code, README lines) | expected cost (cycles) | fell at | λ·‖∇cost‖ / ‖∇CE‖ | "
          "cos(applied grad, cost grad) | derived network max cycle |")
    print("|---|---|---|---|---|---|")
    print(row("DARTS first order", first))
    print(row("DARTS unrolled, `penalty(unrolled_model)`", second))
    print(row("DARTS unrolled, `penalty(self.model)` (the trap, 5 steps)", trap))
    print(row("PC-DARTS first order (β, K = 4)", pc))
    d = first["ratios"] + second["ratios"]
    share = float(np.median(pc["ratios"]) / np.median(d))
    print()
    print(f"λ guidance (measured above): with DARTS, λ = 1 makes the cost gradient {min(d):.2f}–{max(d):.2f}× the "
          f"CE gradient and the expected cost fell at {first['fell']}/{STEPS} (first order) and {second['fell']}/{STEPS} "
          f"(unrolled) steps; the share scales linearly with λ. With PC-DARTS (partial channels, β-weighted edges) the "
          f"same λ gives a {share:.1f}× larger share (median), so λ ≈ {1 / share:.2g} there gives it the DARTS balance. "
          f"The derived max cycle jumps because near-uniform α flip their argmax: judge a search by its final "
          f"genotype (`costmodel schedule`), not by {STEPS} steps.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
