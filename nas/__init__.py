"""nas: LUT-driven differentiable hardware costs for DARTS-style searches (torch).

    from nas import DartsCost, mdarts_space            # needs torch
    dc = DartsCost(mdarts_space(shapes="mdarts-table1"), arch="eyeriss", lowering="mdarts")

Modules: space (search space and shapes), cost_table (per-op costs from costmodel, torch-free),
cost (DartsCost: expected cost, expected critical path), losses (MDARTS, DEff-ARTS, RAPDARTS,
NNI-style, MONAS), pareto (ranks, hypervolume, tau-b; numpy), genotype (alphas <-> genotypes),
model/data/search (the reference first-order DARTS search; `python -m nas.search`).
Importing `nas` itself does not import torch; the names below load on first use.
"""
from __future__ import annotations

import importlib

_LAZY = {
    "DartsCost": "nas.cost", "smooth_max": "nas.cost",
    "SearchSpace": "nas.space", "darts_space": "nas.space", "mdarts_space": "nas.space", "get_space": "nas.space",
    "cost_table": "nas.cost_table",
    "separation_loss": "nas.losses", "project_to_band": "nas.losses", "deffarts_loss": "nas.losses",
    "rapdarts_loss": "nas.losses", "ProfilerPenalty": "nas.losses",
    "derive_genotype": "nas.genotype", "alphas_from_genotype": "nas.genotype",
    "SearchConfig": "nas.config", "run_search": "nas.search",
}
__all__ = sorted(_LAZY)


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nas' has no attribute {name!r}")
