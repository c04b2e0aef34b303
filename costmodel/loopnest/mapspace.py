"""The legal mappings of a problem on an AcceleratorSpec, in Timeloop v1.0's mapping-ID order.

The slots and each dim's index factorizations come from loopnest.slots (re-exported here); X/Y split
and keep/bypass left to the mapper are expanded before (loopnest.choices): a spec here has them fixed,
and is bound to the problem's shape (loopnest.bind). `enumerate_mappings` combines the dims' choices
in mapping-ID order, pruning fan-out and capacity as it goes (loopnest.combine: the dims linked by no limit
are combined apart, then interleaved). Orders of unnamed dims are tried
afterwards on the best candidates (loopnest.permute); the stock eyeriss/diannao specs name every order
that can change a cost.
"""
from __future__ import annotations

import math

import numpy as np

from .bind import bind
from .combine import Legal, _legal
from ..shape import cnn
from .problem import Problem
from .slots import (Slot, _order, build_slots, dim_choices, factorizations, mapspace_size,  # noqa: F401 (API)
                    partial_dims)
from .spec import AcceleratorSpec
from .speccache import spec_cache as _spec_cache


# Timeloop's mapping-ID order: a mixed-radix number over the shape's dims in its `dimensions` order (the
# grouped CNN layer: R S P Q C K N G), the first the least significant digit; within a dim, factorizations
# in lexicographic order of (outermost slot, ..., innermost) with ascending divisors (the order that
# reproduces the reference's choices among equal-cost mappings). Combining the most significant dim first
# keeps the rows in that order.
def id_order(problem: Problem) -> str:
    return "".join(reversed(problem.shape.dims))


ID_ORDER = "".join(reversed(cnn().dims))        # id_order of the grouped CNN layer: GNKCQPSR


class _DimTables:
    """Per-dim lookup tables over its factorization choices (row n = lower bound: free slots at 1)."""

    def __init__(self, spec, slots, d, free, ch):
        nL = len(spec.levels)
        n = len(ch)
        idx = [k for k, s in enumerate(slots) if s.dim == d]
        full = np.ones((n + 1, len(slots)), dtype=np.int64)
        for k in idx:
            if slots[k].fixed is not None:
                full[:, k] = slots[k].fixed
        if free:
            full[:n, free] = ch
        self.full = full
        self.active = (full[:-1] != 1).any(axis=0)               # slots whose factor is not always 1
        level = np.array([slots[k].level for k in idx])
        per_level = np.ones((n + 1, nL), dtype=np.int64)         # the product of the dim's factors at level i
        for i in set(level.tolist()):
            per_level[:, i] = full[:, [k for k, lv in zip(idx, level) if lv == i]].prod(axis=1)
        self.ext = np.ascontiguousarray(np.cumprod(per_level[:, ::-1], axis=1)[:, ::-1])   # extent at/below level i
        self.fan = np.ones((n + 1, nL, 2), dtype=np.int64)       # spatial X/Y product at level i
        for k in idx:
            if slots[k].axis is not None:
                self.fan[:, slots[k].level, 0 if slots[k].axis == "X" else 1] *= full[:, k]
        self.temporal = full[:, [k for k in idx if slots[k].axis is None]].prod(axis=1)
        # whether the choices give different values (else every choice has row 0's)
        self.ext_varies = (self.ext[:-1] != self.ext[0]).any(axis=0).tolist()
        self.fan_varies = (self.fan[:-1] != self.fan[0]).any(axis=0).tolist()
        self.temporal_varies = bool((self.temporal[:-1] != self.temporal[0]).any())


def _dim_tables(cache, spec, slots, d, free, ch) -> _DimTables:
    """The tables of dim `d`, shared like its choices `ch` (slots.dim_choices: per dim and bound)."""
    key = ("tables", d, id(ch))
    if key not in cache:
        cache[key] = _DimTables(spec, slots, d, free, ch)
    return cache[key]


def _constraints(problem, spec, tables) -> tuple[list, bool]:
    """The fan-out and capacity limits as (limit, kind, terms, dims whose choices change it), and whether
    the fixed parts alone already break one (a dim whose choices all give one value counts with it; a limit
    nothing changes is checked here and dropped). Fan-out terms: (the product of the fixed dims' spatial
    factors, {varying dim: its spatial-factor column at that level and axis}); capacity terms: per data space
    kept, per axis, (its extent from the fixed dims, ((varying dim, coefficient, extent column), ...), those
    dims) -- combine._legal's input."""
    out, broken = [], False
    for i in range(len(spec.levels)):
        if spec.fanout(i) == (1, 1):       # no fan-out: its spatial factors are all 1
            continue
        for a, lim in enumerate(spec.fanout(i)):
            vary = {d for d, t in tables.items() if t.fan_varies[i][a]}
            const = math.prod(int(t.fan[0, i, a]) for d, t in tables.items() if d not in vary)
            if vary:
                out.append((lim, "fan", (const, {d: tables[d].fan[:, i, a] for d in vary}), vary))
            elif const > lim:
                broken = True
    spaces = problem.dataspaces()
    for i, lv in enumerate(spec.levels):
        if lv.entries is None or not lv.keep:
            continue
        terms, vary = [], set()
        for ds in lv.keep:
            axes = []
            for ax in spaces[ds]:
                var = tuple((d, c, tables[d].ext[:, i]) for d, c in ax if tables[d].ext_varies[i])
                base = 1 + sum((int(tables[d].ext[0, i]) - 1) * c for d, c in ax if not tables[d].ext_varies[i])
                axes.append((base, var, {d for d, _, _ in var}))
                vary |= {d for d, _, _ in var}
            terms.append(axes)
        if vary:
            out.append((lv.entries, "cap", terms, vary))
        elif sum(math.prod(base for base, _, _ in axes) for axes in terms) > lv.entries:
            broken = True
    return out, broken


def legal_cells(problem: Problem, spec: AcceleratorSpec):
    """Every legal index factorization (fan-out and capacity) as the cells of a loopnest.combine.Legal grid.

    Returns (slots, legal (None if nothing is legal), (temporal, spatial), size, factors_of): temporal
    [legal.shape] = compute cycles per cell; spatial(dims, levels) the product of those dims' spatial factors
    at those levels (broadcastable to legal.shape, or an int if the same everywhere); size the index
    factorizations in all; factors_of(cells) the factors F [n_slots, n] of those cells, or with
    only_active=True (active slot indices, F[active]).
    """
    spec = bind(spec, problem.shape)
    cache = _spec_cache(spec)
    slots = build_slots(problem, spec, cache)
    choices = dim_choices(problem, slots, cache)
    if choices is None:
        return slots, None, (None, None), 0, None
    size = int(np.prod([len(c[1]) for c in choices.values()]))
    dims = problem.shape.order
    tables = {d: _dim_tables(cache, spec, slots, d, *choices[d]) for d in dims}
    key = ("constraints", tuple(id(t) for t in tables.values()), problem.shape, tuple(problem.params.items()))
    if key not in cache:
        cache[key] = _constraints(problem, spec, tables)
    constraints, broken = cache[key]
    legal = (None if broken or not _legal(constraints, {}, 1).all() else
             Legal(constraints, id_order(problem), {d: len(c[1]) for d, c in choices.items()}))
    if legal is None or legal.size == 0:   # no legal mapping (e.g. a dilated input window larger than every buffer)
        return slots, None, (None, None), size, None
    temporal = np.broadcast_to(legal.grid({d: t.temporal[:-1] for d, t in tables.items()}), legal.shape)

    memo = {}
    fanned = {i for i in range(len(spec.levels)) if spec.fanout(i) != (1, 1)}

    def spatial(dims, levels):
        """Product of the spatial factors of `dims` at the given level indices over the grid (an int when
        it is the same for every cell)."""
        levels = tuple(i for i in levels if i in fanned)
        key = ("".join(sorted(dims)), levels)
        if key not in memo:
            memo[key] = legal.grid({d: (tables[d].fan[:-1, levels, 0] * tables[d].fan[:-1, levels, 1]).prod(axis=1)
                                    for d in key[0]})
        return memo[key]

    active = [k for k, s in enumerate(slots) if tables[s.dim].active[k]]
    by_dim = {}                     # dim -> (positions in `active`, its choices x those slots' factors)
    for n, k in enumerate(active):
        by_dim.setdefault(slots[k].dim, []).append(n)
    by_dim = {d: (pos, np.ascontiguousarray(tables[d].full[:, [active[n] for n in pos]].T))
              for d, pos in by_dim.items()}

    def factors_of(cells, only_active=False):
        """F for the cells `cells`: all slots [n_slots, n], or (active slot indices, F[active])."""
        Fa = np.empty((len(active), len(cells)), dtype=np.int64)
        parts = legal.parts(cells)
        for d, (pos, sub) in by_dim.items():
            Fa[pos] = np.take(sub, legal.choice(d, parts), axis=1)     # (3x faster than sub[:, idx])
        if only_active:
            return active, Fa
        F = np.ones((len(slots), len(cells)), dtype=np.int64)
        F[active] = Fa
        return F

    return slots, legal, (temporal, spatial), size, factors_of


def enumerate_mappings(problem: Problem, spec: AcceleratorSpec, with_factors: bool = True):
    """Every legal index factorization (fan-out and capacity), in Timeloop's mapping-ID order (legal_cells,
    sorted).

    Returns (slots, F [n_slots, n_legal] int64 (None unless with_factors), ids [n_legal] (mapping IDs
    in the full index-factorization space), (temporal [n_legal] = compute cycles, spatial(dims, levels) ->
    [n_legal] (or an int if constant) product of those dims' spatial factors at those levels), size, factors_of),
    where factors_of(rows) gives F for a subset of the legal rows.
    """
    slots, legal, (temporal, spatial), size, factors_of = legal_cells(problem, spec)
    if legal is None:
        empty = np.zeros(0, dtype=np.int64)
        return (slots, np.zeros((len(slots), 0), dtype=np.int64), empty, (empty, lambda d, l: empty),
                size, lambda r, only_active=False: np.zeros((len(slots), 0)))
    order = legal.in_id_order()

    def in_order(v):
        return v if isinstance(v, int) else np.broadcast_to(v, legal.shape).ravel()[order]

    return (slots, factors_of(order) if with_factors else None, legal.ids(order), (in_order(temporal),
            lambda dims, levels: in_order(spatial(dims, levels))), size,
            lambda rows, only_active=False: factors_of(order[rows], only_active))
