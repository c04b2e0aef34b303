"""The `nni` adapter on NNI 3.0 itself (real_tools): `nni.nas.hub.pytorch.DARTS(width=8, num_cells=5)` made a
supernet by NNI 3.0's own DARTS strategy (`nni.nas.strategy.DARTS`: its mutation hooks turn every cell into a
`DifferentiableMixedCell` with `_arch_alpha`), read by `DartsCost.for_model` without `layers=`, and one real
NNI DARTS search step (its `DartsLightningModule` through Lightning, the sequential engine) with
`lam * hw.penalty(model)` in the loss. Skipped with the reason where `nni` does not import; made to pass with

    python -m venv --system-site-packages /tmp/nnivenv
    /tmp/nnivenv/bin/pip install nni==3.0 'pytorch-lightning<2' 'setuptools<81'
    PYTHONPATH=. /tmp/nnivenv/bin/python -m pytest -m real_tools tests/nas/test_nni_real.py
"""
import warnings

import pytest
import torch

pytest.importorskip("nni", reason="NNI is not installed (pip install nni==3.0 'pytorch-lightning<2' 'setuptools<81')")
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")           # pkg_resources deprecation; NNI 3.0 on a newer torch
        from nni.nas.evaluator.pytorch import DataLoader, Lightning, LightningModule, Trainer
        from nni.nas.execution import SequentialExecutionEngine
        from nni.nas.hub.pytorch import DARTS as DartsSpace
        from nni.nas.oneshot.pytorch.supermodule.differentiable import DifferentiableMixedCell
        from nni.nas.space import RawFormatModelSpace
        from nni.nas.strategy import DARTS as DartsStrategy
except Exception as e:                            # e.g. pytorch-lightning 2 or no pkg_resources (setuptools >= 81)
    pytest.skip(f"NNI is installed but its NAS stack does not import: {e!r} "
                f"(NNI 3.0 needs pytorch-lightning<2 and setuptools<81)", allow_module_level=True)

from nas.cost import DartsCost

pytestmark = pytest.mark.real_tools

NNI_OPS = tuple(DartsSpace.DARTS_OPS)             # NNI appends the zero path to every edge itself


def _space(seed=0):
    torch.manual_seed(seed)
    return DartsSpace(width=8, num_cells=5, dataset="cifar")


def _alphas(model):
    """Every distinct architecture parameter of NNI's mixed cells (cells of one label share theirs)."""
    seen = {}
    for m in model.modules():
        if isinstance(m, DifferentiableMixedCell):
            for a in m._arch_alpha.values():
                seen.setdefault(id(a), a)
    return list(seen.values())


def test_nni_darts_supernet_is_read_and_penalty_reaches_every_alpha():
    model = DartsStrategy().mutate_model(_space())          # what the strategy does to the space before training
    cells = [m for m in model.modules() if isinstance(m, DifferentiableMixedCell)]
    assert [c.label for c in cells] == ["normal", "reduce", "normal", "reduce", "normal"]

    hw = DartsCost.for_model(model, arch="eyeriss")          # no layers=, no c=
    assert hw.adapter.name == "nni"
    assert (hw.space.layers, hw.space.c, hw.space.steps) == (5, 8, 4)
    assert hw.space.normal_ops == NNI_OPS + ("none",)
    normal, reduce = hw.adapter.tensors(model)
    assert normal.shape == reduce.shape == (14, len(NNI_OPS) + 1)
    alphas = _alphas(model)
    assert len(alphas) == normal.shape[0] + reduce.shape[0] == 28

    # The op weights read are NNI's own: its export_probs (softmax over an edge, zero path dropped) per edge.
    pn, pr, _ = hw.adapter.probs(hw, model)
    first = {c.label: c for c in reversed(cells)}
    for label, probs in (("normal", pn), ("reduce", pr)):
        nni_probs = first[label].export_probs({})
        edges = [f"{label}/{i}_{j}" for i in range(2, 6) for j in range(i)]
        assert list(nni_probs) == edges
        for e, row in zip(edges, probs):
            assert list(nni_probs[e]) == list(NNI_OPS)
            assert row[:-1].tolist() == pytest.approx(list(nni_probs[e].values()), abs=1e-7)

    p = hw.penalty(model)
    assert p.item() == pytest.approx(1.0, abs=1e-3)         # NNI starts its alphas at 1e-3 * randn
    p.backward()
    for a in alphas:
        assert a.grad is not None and torch.isfinite(a.grad).all() and a.grad.abs().sum() > 0


class CostAwareClassification(LightningModule):
    """The evaluator's training module: cross entropy + lam * hardware penalty. The cost is built in
    on_fit_start, when `self.model` is the supernet NNI's strategy made (NasExperiment runs the same calls)."""

    def __init__(self, lam):
        super().__init__()
        self.lam, self.penalties = lam, []

    def on_fit_start(self):
        self.hw = DartsCost.for_model(self.model, arch="eyeriss")

    def training_step(self, batch, batch_idx):
        x, y = batch
        penalty = self.hw.penalty(self.model)
        self.penalties.append(penalty.item())
        return torch.nn.functional.cross_entropy(self.model(x), y) + self.lam * penalty

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.025, momentum=0.9)


def _one_search_step(lam):
    """One NNI DARTS iteration (an architecture step on the `val` batch, then a weight step) on 2 random
    CIFAR-shaped samples, through strategy.initialize + strategy.run as NasExperiment does."""
    space = _space()
    data = torch.utils.data.TensorDataset(torch.randn(2, 3, 32, 32), torch.randint(0, 10, (2,)))
    module = CostAwareClassification(lam)
    trainer = Trainer(max_epochs=1, limit_train_batches=1, accelerator="cpu", devices=1, logger=False,
                      enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False)
    evaluator = Lightning(module, trainer, train_dataloaders=DataLoader(data, batch_size=2),
                          val_dataloaders=DataLoader(data, batch_size=2))
    strategy = DartsStrategy()                               # NNI's defaults: Adam, arc_learning_rate=3e-4
    model = strategy.initialize(RawFormatModelSpace(space, evaluator), SequentialExecutionEngine()).model_space
    before = [a.detach().clone() for a in _alphas(model)]
    strategy.run()
    assert trainer.global_step > 0 and len(module.penalties) == 2      # architecture step, then weight step
    with torch.no_grad():
        after = module.hw.penalty(model).item()
    return model, before, module, after


def test_one_real_nni_darts_step_with_the_penalty_moves_the_alphas_down_the_cost():
    model, before, module, after = _one_search_step(lam=1.0)
    alphas = _alphas(model)
    assert len(alphas) == 28
    changed = [not torch.equal(a.detach(), b) for a, b in zip(alphas, before)]
    assert all(changed), f"{sum(changed)}/28 alphas changed"
    assert after < module.penalties[0]                      # the architecture step lowered the expected cost
    _, _, _, baseline = _one_search_step(lam=0.0)           # same seed, data and NNI step without the penalty
    assert after < baseline
