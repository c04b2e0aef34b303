"""The constrained mapspace of a problem on an AcceleratorSpec, as Timeloop v1.0 builds it.

Slots: one temporal slot per (level, dim); one spatial slot per (level, dim) on levels whose fan-out
to the level below is > 1. A constraint factor fixes a slot: 0 = the remaining bound (a free slot
that absorbs the rest), v > bound = clamped to the bound, v not dividing the bound = dropped (free),
else fixed to v (Timeloop v1.0 behaviour; e.g. DianNao's K=16 at C = K = 36 leaves K free, which the
reference's mapspace sizes confirm). Index factorizations: every ordered factorization of each dim's
(remaining) bound over its free slots. Loop order inside a level follows the constraint permutation
(inner -> outer; unnamed dims outermost); spatial loops sit inside the level's temporal loops.
Permutations are not enumerated: the stock specs fix every order that can change a cost.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .problem import Problem
from .spec import AcceleratorSpec, DIMS


@lru_cache(maxsize=4096)
def factorizations(n: int, parts: int) -> tuple:
    """All ordered tuples of `parts` positive integers whose product is n."""
    if parts == 0:
        return ((),) if n == 1 else ()
    if parts == 1:
        return ((n,),)
    out = []
    for d in range(1, n + 1):
        if n % d == 0:
            out.extend((d,) + rest for rest in factorizations(n // d, parts - 1))
    return tuple(out)


@dataclass(frozen=True)
class Slot:
    level: int          # spec level index (0 = outermost)
    dim: str
    axis: str | None    # None = temporal, "X"/"Y" = spatial fan-out below the level
    fixed: int | None   # fixed factor, or None if free


def _order(perm: str) -> str:
    return perm + "".join(d for d in DIMS if d not in perm)


def build_slots(problem: Problem, spec: AcceleratorSpec) -> list[Slot]:
    """Every slot, in nest order INNER -> OUTER (the loop structure of the whole mapspace)."""
    bounds = problem.bounds
    slots = []
    for i in range(len(spec.levels) - 1, -1, -1):
        lv = spec.levels[i]
        fx, fy = spec.fanout(i)
        if fx > 1 or fy > 1:
            for d in _order(lv.spatial.permutation):
                axis = lv.spatial.axis_of(d)
                fixed = _resolve(lv.spatial.factors.get(d), bounds[d])
                if (fx if axis == "X" else fy) == 1:
                    fixed = 1
                slots.append(Slot(i, d, axis, fixed))
        for d in _order(lv.temporal.permutation):
            slots.append(Slot(i, d, None, _resolve(lv.temporal.factors.get(d), bounds[d])))
    return slots


def _resolve(v, bound: int):
    if v is None or v == 0:
        return None
    if v > bound:
        return bound
    if bound % v:
        return None
    return v


def dim_choices(problem: Problem, slots: list[Slot]) -> dict:
    """dim -> (free slot indices, array [n_choices, n_free]) of the index factorizations; None if impossible."""
    out = {}
    for d in DIMS:
        idx = [k for k, s in enumerate(slots) if s.dim == d]
        fixed = int(np.prod([slots[k].fixed for k in idx if slots[k].fixed is not None] or [1]))
        free = [k for k in idx if slots[k].fixed is None]
        bound = problem.bounds[d]
        if bound % fixed:
            return None
        rest = bound // fixed
        # Timeloop's order: ascending divisors, the OUTERMOST free slot varying slowest
        ch = tuple(t[::-1] for t in factorizations(rest, len(free)))
        if not ch:
            return None
        out[d] = (free, np.array(ch, dtype=np.int64).reshape(len(ch), len(free)))
    return out


def mapspace_size(problem: Problem, spec: AcceleratorSpec) -> int:
    """Number of index factorizations (Timeloop's 'IF' count)."""
    ch = dim_choices(problem, build_slots(problem, spec))
    return 0 if ch is None else int(np.prod([len(c[1]) for c in ch.values()]))


# Timeloop's mapping-ID order: a mixed-radix number over the problem dims R S P Q C K N G, R the least
# significant digit; within a dim, factorizations in lexicographic order of (outermost slot, ...,
# innermost) with ascending divisors (the order that reproduces the reference's choices among
# equal-cost mappings). Combining the most significant dim first keeps the rows in that order.
ID_ORDER = "GNKCQPSR"


class _DimTables:
    """Per-dim lookup tables over its factorization choices (row n = lower bound: free slots at 1)."""

    def __init__(self, spec, slots, d, free, ch):
        nL = len(spec.levels)
        n = len(ch)
        full = np.ones((n + 1, len(slots)), dtype=np.int64)
        for k, s in enumerate(slots):
            if s.dim == d and s.fixed is not None:
                full[:, k] = s.fixed
        if free:
            full[:n, free] = ch
        self.full = full
        idx = [k for k, s in enumerate(slots) if s.dim == d]
        self.ext = np.ones((n + 1, nL), dtype=np.int64)          # extent at/below level i
        self.fan = np.ones((n + 1, nL, 2), dtype=np.int64)       # spatial X/Y product at level i
        self.temporal = np.ones(n + 1, dtype=np.int64)
        for k in idx:
            s = slots[k]
            self.ext[:, : s.level + 1] *= full[:, k:k + 1]
            if s.axis is None:
                self.temporal *= full[:, k]
            else:
                self.fan[:, s.level, 0 if s.axis == "X" else 1] *= full[:, k]


def _legal(problem, spec, tables, sel, n, dims=None) -> np.ndarray:
    """Fan-out and capacity checks for the rows given by per-dim choice indices (uncombined dims: their
    lower-bound row). With `dims`, only the limits those dims' choices can change are checked."""
    ok = np.ones(n, dtype=bool)
    lb = {d: len(t.full) - 1 for d, t in tables.items()}

    def col(t, d, arr):  # per-row values of a table column, or a scalar when the dim is not combined yet
        return arr[sel[d]] if d in sel else arr[lb[d]]

    for i in range(len(spec.levels)):
        for a, lim in enumerate(spec.fanout(i)):
            if lim == 1 and dims is not None:
                continue
            if dims is not None and not any((tables[d].fan[:, i, a] != tables[d].fan[0, i, a]).any() for d in dims):
                continue
            prod = np.ones(n, dtype=np.int64)
            for d, t in tables.items():
                if (t.fan[:, i, a] != 1).any():
                    prod = prod * col(t, d, t.fan[:, i, a])
            ok &= prod <= lim
    spaces = problem.dataspaces()
    for i, lv in enumerate(spec.levels):
        if lv.entries is None or not lv.keep:
            continue
        rel = {d for ds in lv.keep for ax in spaces[ds] for d, _ in ax}
        if dims is not None and not any(d in rel and (tables[d].ext[:, i] != tables[d].ext[0, i]).any() for d in dims):
            continue
        ext = {d: col(t, d, t.ext[:, i]) for d, t in tables.items() if d in rel}
        words = np.zeros(n, dtype=np.int64)
        for ds in lv.keep:
            size = np.ones(n, dtype=np.int64)
            for ax in spaces[ds]:
                size = size * (sum((ext[d] - 1) * c for d, c in ax) + 1)
            words = words + size
        ok &= words <= lv.entries
    return ok


def enumerate_mappings(problem: Problem, spec: AcceleratorSpec, with_factors: bool = True):
    """Every legal index factorization (fan-out and capacity), in Timeloop's mapping-ID order.

    Returns (slots, F [n_slots, n_legal] int64 (None unless with_factors), ids [n_legal] (mapping IDs
    in the full index-factorization space), (temporal [n_legal] = compute cycles, spatial(dims, levels) ->
    [n_legal] product of those dims' spatial factors at those levels), size, factors_of),
    where factors_of(rows) gives F for a subset of the legal rows.
    """
    slots = build_slots(problem, spec)
    choices = dim_choices(problem, slots)
    empty = np.zeros(0, dtype=np.int64)
    if choices is None:
        return (slots, np.zeros((len(slots), 0), dtype=np.int64), empty, (empty, lambda d, l: empty),
                0, lambda r: np.zeros((len(slots), 0)))
    size = int(np.prod([len(c[1]) for c in choices.values()]))
    tables = {d: _DimTables(spec, slots, d, *choices[d]) for d in DIMS}
    sel = {d: np.zeros(1, dtype=np.int64) for d in DIMS if len(choices[d][1]) == 1}
    ids = np.zeros(1, dtype=np.int64)
    ok = _legal(problem, spec, tables, sel, 1)
    sel, ids = {d: v[ok] for d, v in sel.items()}, ids[ok]
    for d in ID_ORDER:
        m = len(choices[d][1])
        if m == 1 or ids.size == 0:
            continue
        n = ids.size
        sel = {k: np.repeat(v, m) for k, v in sel.items()}
        sel[d] = np.tile(np.arange(m), n)
        ids = np.repeat(ids, m) * m + sel[d]
        ok = _legal(problem, spec, tables, sel, ids.size, dims=(d,))
        sel, ids = {k: v[ok] for k, v in sel.items()}, ids[ok]
    if ids.size == 0:   # no legal mapping (e.g. a dilated input window larger than every buffer)
        return (slots, np.zeros((len(slots), 0), dtype=np.int64), empty, (empty, lambda d, l: empty),
                size, lambda r: np.zeros((len(slots), 0)))
    temporal = np.ones(ids.size, dtype=np.int64)
    for d, t in tables.items():
        temporal = temporal * t.temporal[sel[d]]

    def spatial(dims, levels):
        """Per legal row: product of the spatial factors of `dims` at the given level indices."""
        out = np.ones(ids.size, dtype=np.int64)
        for d in dims:
            f = (tables[d].fan[:, levels, 0] * tables[d].fan[:, levels, 1]).prod(axis=1)
            if (f != 1).any():
                out = out * f[sel[d]]
        return out

    active = [k for k, s in enumerate(slots) if (tables[s.dim].full[:-1, k] != 1).any()]

    def factors_of(rows, only_active=False):
        """F for the legal rows `rows`: all slots [n_slots, n], or (active slot indices, F[active])."""
        Fa = np.empty((len(active), len(rows)), dtype=np.int64)
        for n, k in enumerate(active):
            d = slots[k].dim
            Fa[n] = tables[d].full[sel[d][rows], k]
        if only_active:
            return active, Fa
        F = np.ones((len(slots), len(rows)), dtype=np.int64)
        F[active] = Fa
        return F

    F = factors_of(np.arange(ids.size)) if with_factors else None
    return slots, F, ids, (temporal, spatial), size, factors_of
