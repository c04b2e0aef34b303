"""Which loops nest.analyze multiplies, worked out once per loop structure.

A loop structure (loops inner -> outer: (level index, dim, spatial axis or None)) on a spec and a problem
shape with its coefficients fixes every index list the analysis needs: the loops at each level, the
temporal and spatial loops above or below a level, per data space and per keeping level. `structure`
builds them once and keeps them in the spec's cache (loopnest.speccache), so a batch of mappings, and
every later batch or problem with the same structure, costs only the multiplications of its factor rows.
"""
from __future__ import annotations

import numpy as np

from .speccache import spec_cache

MAX_STRUCTURES = 4096       # per spec; a sampled search meets many structures: the cache starts over beyond


def rows_product(F: np.ndarray, idx: np.ndarray, ones: np.ndarray) -> np.ndarray:
    """The product of rows `idx` of F ([batch]); `ones` when there are none (integers: any order is exact)."""
    if idx.size == 0:
        return ones
    if idx.size == 1:
        return F[idx[0]]
    return F[idx].prod(axis=0)


def _idx(js) -> np.ndarray:
    return np.asarray(list(js), dtype=np.intp)


class Keeper:
    """Level `level` keeping a data space: the loops above it (and the temporal ones among them), its
    temporal loops above per relevant dim (the partition), and the relevant spatial loops down to the next
    inner keeper (`between`, set by DataSpace)."""

    def __init__(self, loops, level: int, rel: set):
        self.level = level
        self.above = [j for j, lp in enumerate(loops) if lp[0] < level]
        self.temporal_above = {d: _idx(j for j in self.above if loops[j][1] == d and loops[j][2] is None)
                               for d in rel}
        self.between = None


class DataSpace:
    def __init__(self, problem, spec, loops, ds: str):
        self.name = ds
        self.axes = problem.dataspaces()[ds]
        self.rel = {d for ax in self.axes for d, _ in ax}
        self.read_write = ds in problem.shape.read_write
        self.keepers = [Keeper(loops, i, self.rel) for i, lv in enumerate(spec.levels) if ds in lv.keep]
        inner = self.keepers[-1].level
        self.relspatial_below = _idx(j for j, lp in enumerate(loops)
                                     if lp[2] is not None and lp[0] >= inner and lp[1] in self.rel)
        for a, b in zip(self.keepers[-2::-1], self.keepers[::-1]):     # a outer of b
            a.between = _idx(j for j, lp in enumerate(loops)
                             if lp[2] is not None and a.level <= lp[0] < b.level and lp[1] in self.rel)


class Structure:
    """The index lists of one loop structure (see the module docstring)."""

    def __init__(self, problem, spec, loops):
        nL = len(spec.levels)
        self.temporal = _idx(j for j, lp in enumerate(loops) if lp[2] is None)
        self.at_level = [[(j, lp[1]) for j, lp in enumerate(loops) if lp[0] == i] for i in range(nL)]
        self.spatial_at = [_idx(j for j, lp in enumerate(loops) if lp[2] is not None and lp[0] == i)
                           for i in range(nL)]
        self.dataspaces = [DataSpace(problem, spec, loops, ds) for ds in problem.shape.dataspaces]


def structure(problem, spec, loops: list) -> Structure:
    """The Structure of `loops` on `spec` and the problem's shape (cached per spec)."""
    cache = spec_cache(spec).setdefault("nest-structures", {})
    key = (problem.shape, tuple(problem.params.items()), tuple(loops))
    hit = cache.get(key)
    if hit is None:
        if len(cache) >= MAX_STRUCTURES:
            cache.clear()
        hit = cache[key] = Structure(problem, spec, loops)
    return hit
