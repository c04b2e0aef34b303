"""Adapters: read a DARTS-family model for `DartsCost.for_model(model, arch=...)` and `hw.penalty(model)`.

    hw = DartsCost.for_model(model, arch="eyeriss")       # in Architect.__init__ (or before the loop)
    loss = loss + lam * hw.penalty(model)                  # 1.0 at uniform weights; grads to alphas (+ betas)

| adapter   | architecture parameters of the model                | op weights | edge weights                    |
|-----------|-----------------------------------------------------|------------|---------------------------------|
| darts     | alphas_normal, alphas_reduce [14, 8]                | softmax    | -                               |
| pcdarts   | + betas_normal, betas_reduce [14]                   | softmax    | softmax(betas) over each node's inputs (PC-DARTS forward) |
| fairdarts | alphas_normal, alphas_reduce                        | sigmoid    | -                               |
| gdas      | arch_normal_parameters, arch_reduce_parameters      | softmax (expected; hard samples: `cost_from_probs`) | - |
| nni       | NNI 3 DifferentiableMixedCell `_arch_alpha['normal/i_j']` (+ zero path = none) | softmax | - |

`adapter=None` picks pcdarts when the model has betas_*, darts when it has alphas_*, gdas when it
has arch_*_parameters, nni when a module holds NNI 3's per-edge `_arch_alpha`; FairDARTS names its
alphas like DARTS: say adapter="fairdarts".
The network read from the model: layers (_layers | _Layer | len(cells)), C (_C, else the stem conv's
output channels / stem_multiplier), steps (_steps, else from the 14 = steps(steps+3)/2 edges),
multiplier (_multiplier, else steps), partial channels (PC-DARTS's MixedOp.k), op names in alpha
order (op_names | _op_names, GDAS's names mapped, else DARTS PRIMITIVES). Any of them can be given.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from costmodel.errors import CostModelError
from costmodel.ops import DARTS_PRIMITIVES

from . import checks
from .space import SearchSpace

# GDAS / AutoDL-Projects op names -> ours (AutoDL lib/models/cell_operations.py)
OP_ALIASES = {"dua_sepc_3x3": "sep_conv_3x3", "dua_sepc_5x5": "sep_conv_5x5",
              "dil_sepc_3x3": "dil_conv_3x3", "dil_sepc_5x5": "dil_conv_5x5"}


@dataclass(frozen=True)
class Adapter:
    """Where a model keeps its architecture parameters and how its forward weighs ops and edges."""

    name: str
    normal: str                   # attribute of the normal-cell parameters [edges, ops]
    reduce: str
    weights: str = "softmax"      # softmax | sigmoid
    betas: tuple | None = None    # (normal, reduce) attributes of PC-DARTS edge parameters [edges]

    def tensors(self, model) -> list:
        names = (self.normal, self.reduce) + (self.betas or ())
        missing = [n for n in names if not isinstance(getattr(model, n, None), torch.Tensor)]
        if missing:
            raise CostModelError(f"{type(model).__name__} has no tensor attribute(s) {missing} "
                                 f"(adapter {self.name!r} reads {list(names)})")
        return [getattr(model, n) for n in names]

    def probs(self, cost, model):
        """(op weights normal, reduce, edge weights or None) of `model` now."""
        t = self.tensors(model)
        f = torch.sigmoid if self.weights == "sigmoid" else (lambda a: torch.softmax(a, dim=-1))
        t[0], t[1] = cost._check(t[0], False, self.normal), cost._check(t[1], True, self.reduce)
        edges = None
        if self.betas:
            edges = (edge_weights(t[2], cost.node_slices), edge_weights(t[3], cost.node_slices))
        return f(t[0]), f(t[1]), edges

    def op_names(self, model):
        """Op names in alpha column order, when the parameters name them (None: read from the model)."""
        return None

    def network(self, model) -> dict:
        """What the model's module structure says of the network (layers, c, steps) beyond its attributes."""
        return {}

    def penalty(self, cost, model) -> torch.Tensor:
        pn, pr, edges = self.probs(cost, model)
        if cost.normal_costs.device != pn.device:
            cost.to(pn.device)                       # the device follows the model
        return cost.cost_from_probs(pn, pr, edges) / cost.uniform_cost


class NniAdapter(Adapter):
    """NNI 3's differentiable DARTS (nni.nas.strategy.DARTS on e.g. nni.nas.hub.pytorch.DARTS): every cell
    is a DifferentiableMixedCell whose `_arch_alpha` ParameterDict holds one alpha per edge, keyed
    '<label>/<i>_<j>' (node i >= num_predecessors, input j < i: DARTS's edge order), of length
    len(op_names) + 1 (the last is the zero path, our `none`); its forward takes a softmax over all of
    them. Cells of one label share their alphas (NNI's memo), so the first cell of each label is read."""

    def _cells(self, model) -> dict:
        cells = {}
        for m in model.modules():
            alpha = getattr(m, "_arch_alpha", None)
            if isinstance(alpha, torch.nn.ParameterDict) and getattr(m, "op_names", None) is not None:
                cells.setdefault(str(getattr(m, "label", "")).rsplit("/", 1)[-1], m)
        missing = [label for label in (self.normal, self.reduce) if label not in cells]
        if missing:
            raise CostModelError(f"{type(model).__name__} has no NNI DifferentiableMixedCell labelled {missing} "
                                 f"(found {sorted(cells) or 'none'}); adapter 'nni' reads cells labelled "
                                 f"{self.normal!r} and {self.reduce!r}")
        return cells

    def tensors(self, model) -> list:
        out = []
        for label, cell in ((lb, self._cells(model)[lb]) for lb in (self.normal, self.reduce)):
            first = int(getattr(cell, "num_predecessors", 2))
            keys = [f"{cell.label}/{i}_{j}" for i in range(first, first + int(cell.num_nodes)) for j in range(i)]
            absent = [k for k in keys if k not in cell._arch_alpha]
            if absent:
                raise CostModelError(f"NNI cell {label!r} lacks alphas {absent[:3]}: not a DARTS-style cell")
            out.append(torch.stack([cell._arch_alpha[k] for k in keys]))
        return out

    def op_names(self, model):
        return tuple(self._cells(model)[self.normal].op_names) + ("none",)

    def network(self, model) -> dict:
        """NNI's DARTS space (nni.nas.hub.pytorch.DARTS, an NDS) keeps its cells in `stages`, not `cells`: every
        cell of the network is one DifferentiableMixedCell after the DARTS strategy mutates it, so the cells
        are counted; C is the space's `width` when it is a fixed int, steps a cell's `num_nodes`."""
        cells = [m for m in model.modules() if isinstance(getattr(m, "_arch_alpha", None), torch.nn.ParameterDict)
                 and getattr(m, "op_names", None) is not None]
        out = {"layers": len(cells) or None, "steps": int(cells[0].num_nodes) if cells else None}
        width = getattr(model, "width", None)
        if isinstance(width, int) and not isinstance(width, bool):
            out["c"] = width
        return out


ADAPTERS = {
    "darts": Adapter("darts", "alphas_normal", "alphas_reduce"),
    "pcdarts": Adapter("pcdarts", "alphas_normal", "alphas_reduce", betas=("betas_normal", "betas_reduce")),
    "fairdarts": Adapter("fairdarts", "alphas_normal", "alphas_reduce", weights="sigmoid"),
    "gdas": Adapter("gdas", "arch_normal_parameters", "arch_reduce_parameters"),
    "nni": NniAdapter("nni", "normal", "reduce"),
}


def edge_weights(betas: torch.Tensor, slices) -> torch.Tensor:
    """PC-DARTS edge normalisation: softmax of the betas over each node's incoming edges -> [edges]."""
    betas = checks.logits(betas, "betas (a diverged search?)", (slices[-1][1],))
    return torch.cat([torch.softmax(betas[s:e], dim=-1) for s, e in slices])


def detect(model, adapter: str | None = None) -> Adapter:
    if adapter is not None:
        if adapter not in ADAPTERS:
            raise CostModelError(f"unknown adapter {adapter!r}; use one of {', '.join(ADAPTERS)}")
        return ADAPTERS[adapter]
    if isinstance(getattr(model, "betas_normal", None), torch.Tensor):
        return ADAPTERS["pcdarts"]
    if isinstance(getattr(model, "alphas_normal", None), torch.Tensor):
        return ADAPTERS["darts"]
    if isinstance(getattr(model, "arch_normal_parameters", None), torch.Tensor):
        return ADAPTERS["gdas"]
    if any(isinstance(getattr(m, "_arch_alpha", None), torch.nn.ParameterDict) for m in model.modules()):
        return ADAPTERS["nni"]
    raise CostModelError(f"{type(model).__name__} has none of alphas_normal, betas_normal, arch_normal_parameters: "
                         f"not a DARTS-family model this knows; build DartsCost(SearchSpace(...)) and call "
                         f"cost_from_probs(pn, pr) with your op weights")


def _first(model, names):
    for n in names:
        v = getattr(model, n, None)
        if v is not None:
            return v
    return None


def model_space(model, ad: Adapter, **given) -> SearchSpace:
    """The SearchSpace of `model` (see the module doc for what is read; `given` overrides)."""
    alphas = ad.tensors(model)[0]
    n_edges, n_ops = alphas.shape
    structure = ad.network(model)
    steps = (given.pop("steps", None) or _first(model, ("_steps",)) or structure.get("steps")
             or _steps_from_edges(n_edges))
    stem_mult = given.pop("stem_multiplier", None) or _first(model, ("_stem_multiplier", "stem_multiplier")) or 3
    layers = given.pop("layers", None) or _first(model, ("_layers", "_Layer", "layers"))
    if layers is None and isinstance(getattr(model, "cells", None), torch.nn.ModuleList):
        layers = len(model.cells)
    layers = layers or structure.get("layers")
    c = given.pop("c", None) or _first(model, ("_C", "C")) or structure.get("c")
    if c is None:
        conv = next((m for m in model.modules() if isinstance(m, torch.nn.Conv2d)), None)
        c = conv.out_channels // stem_mult if conv is not None else None
    if layers is None or c is None:
        raise CostModelError(f"cannot read the network of {type(model).__name__}: give layers= and c= "
                             f"(found layers={layers}, C={c})")
    ops = given.pop("ops", None) or ad.op_names(model) or _first(model, ("op_names", "_op_names")) or DARTS_PRIMITIVES
    ops = tuple(OP_ALIASES.get(o, o) for o in ops)
    if len(ops) != n_ops:
        raise CostModelError(f"{ad.normal} has {n_ops} ops per edge but the op names are {list(ops)}: "
                             f"give ops=[...] in alpha column order")
    partial = given.pop("partial_channels", None) or _partial(model)
    multiplier = given.pop("multiplier", None) or _first(model, ("_multiplier",)) or steps
    return SearchSpace(normal_ops=ops, reduce_ops=ops, steps=int(steps), multiplier=int(multiplier),
                       layers=int(layers), c=int(c), stem_multiplier=int(stem_mult), partial_channels=int(partial),
                       **given)


def _steps_from_edges(n_edges: int) -> int:
    for steps in range(1, 64):
        if steps * (steps + 3) // 2 == n_edges:
            return steps
    raise CostModelError(f"{n_edges} alpha rows is not a DARTS cell (2 + 3 + ... edges); give steps=")


def _partial(model) -> int:
    """PC-DARTS's MixedOp keeps K in `.k` (its ops see C / K channels); 1 when no such module."""
    for m in model.modules():
        k = getattr(m, "k", None)
        if isinstance(k, int) and k > 1 and hasattr(m, "_ops"):
            return k
    return 1


SPACE_KEYS = ("steps", "stem_multiplier", "layers", "c", "ops", "partial_channels", "multiplier", "input_size",
              "in_channels", "shapes", "batch")


def for_model(cls, model, *, arch=None, metric="compute_cycles", lut=None, adapter: str | None = None,
              none: str = "exclude", lowering: str = "exact", backend: str | None = None, **space_kw):
    """`DartsCost.for_model`: read the model, fill the cost tables (the default LUT, read-only, when
    `lut` is None), move them to the alphas' device, remember the cost at uniform weights."""
    bad = sorted(set(space_kw) - set(SPACE_KEYS))
    if bad:
        raise CostModelError(f"for_model: unknown argument(s) {bad}; the network can be given as {SPACE_KEYS}")
    ad = detect(model, adapter)
    ad.tensors(model)
    space = model_space(model, ad, **space_kw)
    if lut is None:
        from .cost_table import default_lut
        lut = default_lut()
    cost = cls(space, lut=lut, arch=arch, metric=metric, lowering=lowering, backend=backend, none=none)
    cost.adapter = ad
    cost.to(ad.tensors(model)[0].device)
    uniform = torch.full((space.n_edges, len(space.normal_ops)), 0.5 if ad.weights == "sigmoid" else 1.0 / len(
        space.normal_ops), dtype=cost.normal_costs.dtype, device=cost.normal_costs.device)
    edges = None
    if ad.betas:
        w = torch.cat([torch.full((e - s,), 1.0 / (e - s)) for s, e in cost.node_slices]).to(uniform)
        edges = (w, w)
    cost.uniform_cost = float(cost.cost_from_probs(uniform, uniform, edges))
    if not cost.uniform_cost > 0:
        raise CostModelError(f"every op costs 0 {metric} on {arch}: nothing to penalise")
    return cost
