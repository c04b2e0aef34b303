"""Alphas <-> genotypes in the DARTS convention (`costmodel.genotypes.Genotype`).

`derive_genotype` is DARTS's discretisation (model_search.Network.genotype): for each node keep
the 2 incoming edges whose strongest non-`none` op has the largest softmax weight, and on each
the strongest non-`none` op. `alphas_from_genotype` is the inverse for a derived cell: one-hot
logits (-inf elsewhere) and a 0/1 edge mask, so `DartsCost.critical_path` on them is the cell's
exact maximum cycle.
"""
from __future__ import annotations

import torch

from costmodel.errors import CostModelError
from costmodel.genotypes import Genotype, validate

from .space import SearchSpace


def _derive_cell(weights: torch.Tensor, ops: tuple[str, ...], steps: int, keep: int = 2) -> list:
    w = weights.detach().float().cpu()
    none = ops.index("none") if "none" in ops else None
    if none is not None:
        w = w.clone()
        w[:, none] = -1.0                      # never chosen, never counts for edge strength
    gene, start = [], 0
    for j in range(2, steps + 2):
        block = w[start:start + j]
        strength = block.max(dim=1).values
        order = sorted(range(j), key=lambda i: -float(strength[i]))[:keep]   # stable, as DARTS
        for i in order:                        # DARTS appends in strength order
            gene.append((ops[int(block[i].argmax())], i))
        start += j
    return gene


def derive_genotype(alphas_normal, alphas_reduce, space: SearchSpace) -> Genotype:
    """The discrete cell pair DARTS derives from the architecture parameters."""
    wn = torch.softmax(torch.as_tensor(alphas_normal), dim=-1)
    wr = torch.softmax(torch.as_tensor(alphas_reduce), dim=-1)
    concat = list(range(2 + space.steps - space.multiplier, space.steps + 2))
    g = Genotype(_derive_cell(wn, space.normal_ops, space.steps), concat,
                 _derive_cell(wr, space.reduce_ops, space.steps), concat)
    return validate(g, "derived genotype")


def _cell_alphas(cell: list, ops: tuple[str, ...], space: SearchSpace, name: str):
    logits = torch.full((space.n_edges, len(ops)), float("-inf"), dtype=torch.float64)
    mask = torch.zeros(space.n_edges, dtype=torch.float64)
    index = {edge: e for e, edge in enumerate(space.edges)}
    nodes = [(2 + k // 2) for k in range(len(cell))]
    for (op, src), node in zip(cell, nodes):
        if op not in ops:
            raise CostModelError(f"{name} cell uses {op!r}, not in this space's ops {list(ops)}")
        e = index.get((src, node))
        if e is None:
            raise CostModelError(f"{name} cell: edge {src}->{node} is not in a {space.steps}-node cell")
        if mask[e]:
            raise CostModelError(f"{name} cell: two edges {src}->{node}; a supernet has one edge per pair")
        mask[e] = 1
        logits[e, ops.index(op)] = 0.0
    for e in range(space.n_edges):
        if not mask[e]:
            logits[e, ops.index("none") if "none" in ops else 0] = 0.0
    return logits, mask


def alphas_from_genotype(genotype: Genotype, space: SearchSpace):
    """(alphas_normal, alphas_reduce, edge_mask_normal, edge_mask_reduce) of a derived genotype."""
    an, mn = _cell_alphas(list(genotype.normal), space.normal_ops, space, "normal")
    ar, mr = _cell_alphas(list(genotype.reduce), space.reduce_ops, space, "reduce")
    return an, ar, mn, mr


def count_skips(genotype: Genotype, cell: str = "normal") -> int:
    """Number of skip_connect edges in a cell of the genotype (the skip-aggregation symptom)."""
    return sum(op == "skip_connect" for op, _ in getattr(genotype, cell))


def mean_max_prob(alphas) -> float:
    """Mean over edges of the largest softmax probability: 1/M = indefinite, 1 = definite."""
    return float(torch.softmax(torch.as_tensor(alphas).detach(), dim=-1).max(dim=-1).values.mean())
