"""DartsCost.for_model / penalty on small models of our own with the DARTS-family attributes
(DARTS alphas 14x8, PC-DARTS betas and MixedOp.k, GDAS arch_*_parameters and op names, FairDARTS sigmoids)."""
import hashlib
from pathlib import Path

import pytest
import torch
import torch.nn as nn

from costmodel.darts_net import node_slices
from costmodel.errors import CostModelError
from costmodel.resources import shipped_lut_path
from costmodel.ops import DARTS_PRIMITIVES
from nas.cost import DartsCost, smooth_max

GDAS_SPACE = ["none", "skip_connect", "dua_sepc_3x3", "dua_sepc_5x5", "dil_sepc_3x3", "dil_sepc_5x5",
              "avg_pool_3x3", "max_pool_3x3"]          # AutoDL-Projects DARTS_SPACE order


class TinyDarts(nn.Module):
    """DARTS model_search.Network's interface: plain-tensor alphas, _C/_layers/_steps/_multiplier, new()."""

    def __init__(self, C=16, layers=8, betas=False):
        super().__init__()
        self._C, self._layers, self._steps, self._multiplier = C, layers, 4, 4
        self.stem = nn.Conv2d(3, 3 * C, 3, padding=1)
        self.head = nn.Linear(3 * C, 10)
        self.alphas_normal = (1e-3 * torch.randn(14, 8)).requires_grad_()
        self.alphas_reduce = (1e-3 * torch.randn(14, 8)).requires_grad_()
        if betas:
            self.betas_normal = (1e-3 * torch.randn(14)).requires_grad_()
            self.betas_reduce = (1e-3 * torch.randn(14)).requires_grad_()
            self.mixed = PartialMixedOp()

    def arch_parameters(self):
        return [self.alphas_normal, self.alphas_reduce] + ([self.betas_normal, self.betas_reduce]
                                                            if hasattr(self, "betas_normal") else [])

    def new(self):
        m = TinyDarts(self._C, self._layers, hasattr(self, "betas_normal"))
        m.load_state_dict(self.state_dict())            # DARTS: _construct_model_from_theta
        for x, y in zip(m.arch_parameters(), self.arch_parameters()):
            x.data.copy_(y.data)
        return m

    def _loss(self, x, y):
        w = torch.softmax(self.alphas_normal, -1)[:, 1].sum() + torch.softmax(self.alphas_reduce, -1)[:, 2].sum()
        return nn.functional.cross_entropy(self.head(self.stem(x).mean((2, 3))) * w, y)


class PartialMixedOp(nn.Module):
    def __init__(self):
        super().__init__()
        self.k = 4                       # PC-DARTS MixedOp: ops see C / 4 channels
        self._ops = nn.ModuleList()


class TinyGDAS(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 48, 3, padding=1), nn.BatchNorm2d(48))   # C = 48 / 3
        self.cells = nn.ModuleList(nn.Identity() for _ in range(8))
        self.op_names = list(GDAS_SPACE)
        self.arch_normal_parameters = nn.Parameter(1e-3 * torch.randn(14, 8))
        self.arch_reduce_parameters = nn.Parameter(1e-3 * torch.randn(14, 8))


def test_for_model_eyeriss_from_any_folder_writes_no_lut(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path / "cwd" if (tmp_path / "cwd").mkdir() is None else tmp_path)
    monkeypatch.delenv("COSTMODEL_LUT", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))          # no per-user LUT: the shipped one
    shipped = shipped_lut_path()
    before = hashlib.sha256(shipped.read_bytes()).hexdigest()
    torch.manual_seed(0)
    model = TinyDarts(betas=True)
    hw = DartsCost.for_model(model, arch="eyeriss")
    assert hw.space.partial_channels == 4 and hw.space.c == 16 and hw.space.layers == 8
    loss = model._loss(torch.randn(4, 3, 8, 8), torch.tensor([0, 1, 2, 3])) + 0.5 * hw.penalty(model)
    loss.backward()
    for p in model.arch_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["cwd"]             # no LUT file anywhere
    assert hashlib.sha256(shipped.read_bytes()).hexdigest() == before        # read, never written
    assert abs(float(hw.penalty(model).detach()) - 1) < 1e-3               # scale-free: 1 at (near) uniform weights


def test_pcdarts_betas_weigh_edges_per_node():
    torch.manual_seed(1)
    model = TinyDarts(C=8, layers=5, betas=True)
    hw = DartsCost.for_model(model, metric="params", none="zero")
    with torch.no_grad():
        model.betas_normal.copy_(torch.randn(14))
        model.alphas_normal.copy_(torch.randn(14, 8))
    want = 0.0
    pn, pr = torch.softmax(model.alphas_normal, -1).detach(), torch.softmax(model.alphas_reduce, -1).detach()
    for s, e in node_slices(4):
        bn, br = torch.softmax(model.betas_normal[s:e], 0).detach(), torch.softmax(model.betas_reduce[s:e], 0).detach()
        for i in range(s, e):
            want += float(bn[i - s] * (hw.normal_costs[:, i] * pn[i]).sum() + br[i - s] * (hw.reduce_costs[:, i] * pr[i]).sum())
    assert float(hw.penalty(model).detach()) * hw.uniform_cost == pytest.approx(want, rel=1e-5)
    assert hw.node_slices == [(0, 2), (2, 5), (5, 9), (9, 14)]


def test_gdas_names_and_hard_samples_through_cost_from_probs():
    torch.manual_seed(2)
    model = TinyGDAS()
    hw = DartsCost.for_model(model, metric="params")
    assert hw.space.c == 16 and hw.space.layers == 8 and hw.space.normal_ops[2] == "sep_conv_3x3"
    probs = torch.softmax(model.arch_normal_parameters, -1)
    idx = probs.argmax(-1)
    hard = nn.functional.one_hot(idx, 8).float() - probs.detach() + probs          # GDAS straight-through sample
    pr = torch.softmax(model.arch_reduce_parameters, -1)
    total = hw.cost_from_probs(hard, pr)
    total.backward()
    g = model.arch_normal_parameters.grad
    assert torch.isfinite(g).all() and g.abs().sum() > 0
    chosen = sum(float(hw.normal_costs[:, e, int(idx[e])].sum()) for e in range(14))   # a sampled none: 0
    keep = pr.detach().clone()
    keep[:, 0] = 0                                       # none="exclude" (the default): none's weight spread
    assert int((idx == 0).sum()) > 0                     # this sample picks `none` on some edge: still finite
    assert float(total.detach()) == pytest.approx(chosen + float((hw.reduce_costs * keep / keep.sum(-1, keepdim=True)).sum()),
                                         rel=1e-5)


def test_fairdarts_sigmoid_weights():
    model = TinyDarts(C=8, layers=5)
    hw = DartsCost.for_model(model, metric="params", adapter="fairdarts", none="zero")
    with torch.no_grad():
        model.alphas_normal.zero_()
        model.alphas_reduce.zero_()
    assert hw.penalty(model).item() == pytest.approx(1.0)
    assert hw.uniform_cost == pytest.approx(0.5 * float(hw.normal_costs.sum() + hw.reduce_costs.sum()), rel=1e-6)


def test_none_exclude_and_successor():
    model = TinyDarts(C=8, layers=5)
    none = DARTS_PRIMITIVES.index("none")
    a = torch.zeros(14, 8)
    a[:, 4] = 1.0                                                        # sep_conv_3x3 strongest
    for mode in ("zero", "exclude", "successor"):
        hw = DartsCost.for_model(model, metric="params", none=mode)
        an = a.clone().requires_grad_()
        c = hw.cost(an, torch.zeros(14, 8))
        c.backward()
        p = torch.softmax(a, -1)
        plain = float((hw.normal_costs * p).sum() + (hw.reduce_costs * torch.full((14, 8), 1 / 8)).sum())
        if mode == "zero":
            assert float(c) == pytest.approx(plain, rel=1e-5) and an.grad[:, none].abs().sum() > 0
        if mode == "exclude":
            assert float(c) > plain and an.grad[:, none].abs().max() < 1e-6 * an.grad.abs().max()  # none buys nothing
        if mode == "successor":
            q = p.clone()
            q[:, 4] += q[:, none]
            q[:, none] = 0
            assert float(hw.cost_per_cell(an, torch.zeros(14, 8))[0].sum()) == pytest.approx(
                float((hw.normal_costs * q).sum()), rel=1e-5)


def test_unrolled_trap_penalty_must_be_on_the_unrolled_model():
    """DARTS _backward_step_unrolled copies the unrolled model's alpha grads over the model's: a penalty
    on self.model is overwritten (dropped), on unrolled_model it arrives."""
    torch.manual_seed(3)
    x, y = torch.randn(4, 3, 8, 8), torch.tensor([0, 1, 2, 3])
    model = TinyDarts(C=8, layers=5)
    hw = DartsCost.for_model(model, metric="params")

    def architect_step(penalised):                   # architect.py's grad hand-over, penalty on `penalised`
        for v in model.arch_parameters():
            v.grad = None
        unrolled = model.new()
        loss = unrolled._loss(x, y)
        if penalised is not None:
            loss = loss + 0.5 * hw.penalty(unrolled if penalised == "unrolled_model" else model)
        loss.backward()
        for v, u in zip(model.arch_parameters(), unrolled.arch_parameters()):
            if v.grad is None:
                v.grad = u.grad.detach().clone()
            else:
                v.grad.data.copy_(u.grad.data)
        return torch.cat([v.grad.flatten() for v in model.arch_parameters()])

    ce_only = architect_step(None)
    g_cost = torch.cat([g.flatten() for g in torch.autograd.grad(0.5 * hw.penalty(model), model.arch_parameters())])
    assert g_cost.norm() > 0.1 * ce_only.norm()
    assert torch.allclose(architect_step("self.model"), ce_only)                 # the trap: cost gradient gone
    assert torch.allclose(architect_step("unrolled_model"), ce_only + g_cost, rtol=1e-4, atol=1e-6)


def test_bad_inputs_name_the_tensor():
    model = TinyDarts(C=8, layers=5)
    hw = DartsCost.for_model(model, metric="params")
    with torch.no_grad():
        model.alphas_reduce[0, 0] = float("nan")
    with pytest.raises(CostModelError, match="alphas_reduce holds NaN"):
        hw.penalty(model)
    with pytest.raises(CostModelError, match="temperature = -1.0: must be a finite number >= 0"):
        smooth_max(torch.zeros(3), -1.0)
    with pytest.raises(CostModelError, match="none="):
        DartsCost.for_model(model, metric="params", none="free")
    with pytest.raises(CostModelError, match="not a DARTS-family model"):
        DartsCost.for_model(nn.Linear(2, 2), metric="params")
    with pytest.raises(CostModelError, match="needs a DartsCost made by DartsCost.for_model"):
        DartsCost(hw.space, metric="params").penalty(model)
    with pytest.raises(CostModelError, match="give ops="):
        DartsCost.for_model(model, metric="params", ops=DARTS_PRIMITIVES[:7])


def test_penalty_follows_the_models_device_and_dtype():
    model = TinyDarts(C=8, layers=5).double()
    model.alphas_normal = model.alphas_normal.detach().double().requires_grad_()
    model.alphas_reduce = model.alphas_reduce.detach().double().requires_grad_()
    hw = DartsCost.for_model(model, metric="params")
    p = hw.penalty(model)
    assert p.device == model.alphas_normal.device and p.dtype == torch.float32 and torch.isfinite(p)


NNI_DARTS_OPS = ["max_pool_3x3", "avg_pool_3x3", "skip_connect", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3",
                 "dil_conv_5x5"]        # nni.nas.hub.pytorch.DARTS.DARTS_OPS; NNI appends the zero path itself


class NniMixedCell(nn.Module):
    """NNI 3 DifferentiableMixedCell's interface: label, op_names, num_predecessors, num_nodes and one alpha per
    edge in a ParameterDict keyed '<label>/<i>_<j>', len(op_names) + 1 long (the last: the zero path)."""

    def __init__(self, label, memo):
        super().__init__()
        self.label, self.op_names, self.num_predecessors, self.num_nodes = label, list(NNI_DARTS_OPS), 2, 4
        self._arch_alpha = nn.ParameterDict()
        for i in range(2, 6):
            for j in range(i):
                key = f"{label}/{i}_{j}"
                self._arch_alpha[key] = memo.setdefault(key, nn.Parameter(torch.randn(8) * 1e-3))


class TinyNni(nn.Module):
    def __init__(self, C=16, layers=5):
        super().__init__()
        memo = {}                                # cells of one label share their alphas, as NNI's memo does
        self.stem = nn.Conv2d(3, 3 * C, 3, padding=1)
        self.cells = nn.ModuleList(NniMixedCell("reduce" if i in (layers // 3, 2 * layers // 3) else "normal", memo)
                                   for i in range(layers))


def test_nni_differentiable_cells_edge_order_and_zero_path():
    torch.manual_seed(3)
    model = TinyNni()
    hw = DartsCost.for_model(model, metric="params", none="zero")
    assert hw.adapter.name == "nni"
    assert hw.space.layers == 5 and hw.space.c == 16 and hw.space.normal_ops == tuple(NNI_DARTS_OPS) + ("none",)
    cell = model.cells[0]
    with torch.no_grad():                        # one-hot on sep_conv_5x5 for edge (node 3, input 1) only
        for a in cell._arch_alpha.values():
            a.fill_(-1e4)
            a[7] = 0                             # the zero path everywhere else
        cell._arch_alpha["normal/3_1"][4] = 1e4
        for c in model.cells:
            if c.label == "reduce":
                for a in c._arch_alpha.values():
                    a.fill_(-1e4)
                    a[7] = 0
    edge = [(i, j) for i in range(2, 6) for j in range(i)].index((3, 1))      # DARTS edge order: 3
    expected = float(hw.normal_costs[:, edge, 4].sum())
    assert expected > 0
    assert hw.penalty(model).item() * hw.uniform_cost == pytest.approx(expected, rel=1e-6)
    model.zero_grad()
    with torch.no_grad():
        for a in cell._arch_alpha.values():
            a.normal_(0, 1e-3)
    hw.penalty(model).backward()
    assert cell._arch_alpha["normal/2_0"].grad.abs().sum() > 0


def test_nni_cells_missing_a_label_is_one_clear_error():
    model = TinyNni()
    model.cells = nn.ModuleList([c for c in model.cells if c.label == "normal"])
    with pytest.raises(CostModelError, match="labelled \\['reduce'\\]"):
        DartsCost.for_model(model, metric="params", layers=3, c=16)


class TinyNniNds(nn.Module):
    """NNI 3.0's DARTS space (nni.nas.hub.pytorch.DARTS(width=8, num_cells=5), an NDS) after the DARTS strategy
    mutated it: a `stem` (3*width channels on cifar), three `stages` of 1, 2, 2 cells (NDS's
    (i + 1) * n // 3 - i * n // 3), the first cell of stages 2 and 3 a reduction; `width` and `num_cells` kept as
    given; no `cells`, `_layers` or `_C` attribute."""

    def __init__(self, width=8, num_cells=5):
        super().__init__()
        memo = {}
        self.width, self.num_cells, self.num_nodes_per_cell, self.dataset = width, num_cells, 4, "cifar"
        self.stem = nn.Sequential(nn.Conv2d(3, 3 * width, 3, padding=1, bias=False), nn.BatchNorm2d(3 * width))
        per_stage = [(i + 1) * num_cells // 3 - i * num_cells // 3 for i in range(3)]
        self.stages = nn.ModuleList(nn.ModuleList(NniMixedCell("reduce" if s > 0 and k == 0 else "normal", memo)
                                                  for k in range(n)) for s, n in enumerate(per_stage))


def test_nni_darts_space_is_read_without_layers():
    model = TinyNniNds(width=8, num_cells=5)
    assert not hasattr(model, "cells") and not hasattr(model, "_layers")
    hw = DartsCost.for_model(model, metric="params")
    assert (hw.space.layers, hw.space.c, hw.space.steps) == (5, 8, 4)
    assert [c.reduction for c in hw.tables.normal_cells + hw.tables.reduce_cells] == [False] * 3 + [True] * 2
    given = DartsCost.for_model(model, metric="params", layers=5, c=8)      # the old workaround agrees
    assert torch.equal(given.normal_costs, hw.normal_costs) and given.uniform_cost == hw.uniform_cost
    model.width = (8, 16)                         # a width still to be chosen: C from the stem conv instead
    assert DartsCost.for_model(model, metric="params").space.c == 8
