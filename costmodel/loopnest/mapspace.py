"""The constrained mapspace of a problem on an AcceleratorSpec, as Timeloop v1.0 builds it.

Slots: one temporal slot per (level, dim); one spatial slot per (level, dim) on levels whose fan-out
to the level below is > 1. A constraint factor fixes a slot as Timeloop v1.0 resolves it (`_resolve`:
0 or above the bound = the whole bound; dropped (free) when it would not divide the bound; e.g. DianNao's
K=16 at C = K = 36 leaves K free, which the reference's mapspace sizes confirm). X/Y split and keep/bypass
left to the mapper are expanded before (loopnest.choices): a spec here has them fixed.
Index factorizations: every ordered factorization of each dim's
(remaining) bound over its free slots. Loop order inside a level follows the constraint permutation
(inner -> outer; unnamed dims outermost, in DIMS order); spatial loops sit inside the level's temporal
loops. Orders of unnamed dims are tried afterwards on the best candidates (loopnest.permute); the
stock eyeriss/diannao specs name every order that can change a cost.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .nest import span
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


def build_slots(problem: Problem, spec: AcceleratorSpec, cache: dict | None = None) -> list[Slot]:
    """Every slot, in nest order INNER -> OUTER (the loop structure of the whole mapspace). With a
    per-spec `cache`, problems whose constraints resolve alike share one (read-only) list."""
    bounds = problem.bounds
    if cache is None:
        tpl = _template(spec)
    else:
        if ("template",) not in cache:
            cache[("template",)] = _template(spec)
        tpl = cache[("template",)]
    fixed = _resolve(tpl, bounds)
    if cache is None:
        return [Slot(i, d, axis, f) for (i, d, axis, _, _), f in zip(tpl, fixed)]
    key = ("slots", fixed)
    if key not in cache:
        cache[key] = [Slot(i, d, axis, f) for (i, d, axis, _, _), f in zip(tpl, fixed)]
    return cache[key]


def _template(spec: AcceleratorSpec) -> list:
    """(level, dim, axis, constraint factor, forced to 1) per slot, INNER -> OUTER (Timeloop's tiling-level
    order: per storage level, inner first, its spatial level (if it fans out) then its temporal level)."""
    out = []
    for i in range(len(spec.levels) - 1, -1, -1):
        lv = spec.levels[i]
        fx, fy = spec.fanout(i)
        if fx > 1 or fy > 1:
            for d in _order(lv.spatial.permutation):
                axis = lv.spatial.axis_of(d)
                out.append((i, d, axis, lv.spatial.factors.get(d), (fx if axis == "X" else fy) == 1))
        for d in _order(lv.temporal.permutation):
            out.append((i, d, None, lv.temporal.factors.get(d), False))
    return out


def _resolve(tpl: list, bounds: dict) -> tuple:
    """The fixed factor of each slot (None = free), as Timeloop v1.0 resolves the constraints: a factor 0
    or one above the dim's bound means the whole bound; then, per dim, slot by slot inner -> outer, a fixed
    factor is kept while the product so far still divides the bound, else dropped (free). A fan-out axis
    of 1 forces its slot to 1. When every slot of a dim is fixed and the product is below the bound, the
    mapping covers only part of that dim: Timeloop v1.0 maps it so (silently); see `partial_dims`."""
    partial = {d: 1 for d in bounds}
    out = []
    for _, d, _, v, one in tpl:
        if one:
            out.append(1)
            continue
        if v is None:
            out.append(None)
            continue
        v = bounds[d] if v == 0 or v > bounds[d] else v
        if bounds[d] % (v * partial[d]):
            out.append(None)
        else:
            partial[d] *= v
            out.append(v)
    return tuple(out)


def partial_dims(problem: Problem, slots: list[Slot]) -> dict:
    """{dim: covered} for the dims whose slots are all fixed with a product below the problem's bound
    (the mapping covers `covered` of the bound; Timeloop v1.0 evaluates that part only)."""
    out = {}
    for d in DIMS:
        own = [s for s in slots if s.dim == d]
        if own and all(s.fixed is not None for s in own):
            got = int(np.prod([s.fixed for s in own]))
            if got < problem.bounds[d]:
                out[d] = got
    return out


def dim_choices(problem: Problem, slots: list[Slot], cache: dict | None = None) -> dict:
    """dim -> (free slot indices, array [n_choices, n_free]) of the index factorizations; None if impossible.
    A per-spec `cache` needs `slots` from build_slots with that cache (it is keyed by their identity)."""
    out = {}
    for d in DIMS:
        key = ("choices", d, problem.bounds[d], id(slots))
        if cache is None or key not in cache:
            ch = _choices(d, problem.bounds[d], slots)
            if cache is None:
                if ch is None:
                    return None
                out[d] = ch
                continue
            cache[key] = ch
        if cache[key] is None:
            return None
        out[d] = cache[key]
    return out


def _choices(d: str, bound: int, slots: list[Slot]):
    idx = [k for k, s in enumerate(slots) if s.dim == d]
    fixed = int(np.prod([slots[k].fixed for k in idx if slots[k].fixed is not None] or [1]))
    free = [k for k in idx if slots[k].fixed is None]
    if bound % fixed:
        return None
    rest = bound // fixed if free else 1       # no free slot: the fixed product (maybe part of the bound)
    # Timeloop's order: ascending divisors, the OUTERMOST free slot varying slowest
    ch = tuple(t[::-1] for t in factorizations(rest, len(free)))
    if not ch:
        return None
    return free, np.array(ch, dtype=np.int64).reshape(len(ch), len(free))


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
        self.active = (full[:-1] != 1).any(axis=0)               # slots whose factor is not always 1
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
        # whether the choices give different values (else every choice has row 0's)
        self.ext_varies = (self.ext[:-1] != self.ext[0]).any(axis=0)
        self.fan_varies = (self.fan[:-1] != self.fan[0]).any(axis=0)
        self.temporal_varies = bool((self.temporal[:-1] != self.temporal[0]).any())


_CACHES: dict = {}


def _spec_cache(spec) -> dict:
    """A dict living as long as `spec` (per-dim tables are shared by every problem mapped on it)."""
    hit = _CACHES.get(id(spec))
    if hit is None or hit[0]() is not spec:
        hit = (weakref.ref(spec), {})
        _CACHES[id(spec)] = hit
        weakref.finalize(spec, _CACHES.pop, id(spec), None)
    return hit[1]


def _dim_tables(cache, spec, slots, d, free, ch) -> _DimTables:
    key = ("tables", d, id(slots), id(ch))
    if key not in cache:
        cache[key] = _DimTables(spec, slots, d, free, ch)
    return cache[key]


def _constraints(problem, spec, tables) -> tuple[list, bool]:
    """The fan-out and capacity limits as (limit, kind, terms, dims whose choices change it), and whether
    the fixed parts alone already break one (a dim whose choices all give one value counts with it).
    Fan-out terms: per dim, its spatial-factor column at that level and axis; capacity terms: per data
    space kept, per axis, (dim, coefficient, extent column)."""
    out, broken = [], False
    for i in range(len(spec.levels)):
        for a, lim in enumerate(spec.fanout(i)):
            cols = {d: t.fan[:, i, a] for d, t in tables.items()}
            vary = {d for d, t in tables.items() if t.fan_varies[i, a]}
            if vary:
                out.append((lim, "fan", cols, vary))
            elif int(np.prod([c[0] for c in cols.values()])) > lim:
                broken = True
    spaces = problem.dataspaces()
    for i, lv in enumerate(spec.levels):
        if lv.entries is None or not lv.keep:
            continue
        terms = [[[(d, c, tables[d].ext[:, i]) for d, c in ax] for ax in spaces[ds]] for ds in lv.keep]
        vary = {d for ds in terms for ax in ds for d, _, _ in ax if tables[d].ext_varies[i]}
        out.append((lv.entries, "cap", terms, vary))
    return out, broken


def _legal(constraints, sel, n, new=None) -> np.ndarray:
    """Which rows (per-dim choice indices `sel`, n rows; a dim not combined yet at its lower-bound row)
    meet every limit, [n, 1]. With `new`, each row extended by every choice of dim `new`, [n, m] (only
    the limits that dim's choices change: the others hold already); the other dims' values are computed
    per row and broadcast."""
    ok = np.ones((n, 1), dtype=bool)
    cache = {}

    def val(d, col):
        if d == new:
            return col[None, :-1]
        if d not in sel:
            return col[-1]
        key = (d, id(col))
        if key not in cache:
            cache[key] = col[sel[d]][:, None]
        return cache[key]

    for lim, kind, terms, vary in constraints:
        if new is not None and new not in vary:
            continue
        if kind == "fan":
            prod = 1
            for d, col in terms.items():
                prod = prod * (val(d, col) if d in vary else col[0])
            ok = ok & (prod <= lim)
        else:
            words = 0
            for ds in terms:
                size = 1
                for ax in sorted(ds, key=lambda ax: any(d == new for d, _, _ in ax)):   # [n, m] products last
                    size = size * span([(d, c) for d, c, _ in ax],
                                       {d: val(d, col) if d in vary else col[0] for d, _, col in ax})
                words = words + size
            ok = ok & (words <= lim)
    return ok


def enumerate_mappings(problem: Problem, spec: AcceleratorSpec, with_factors: bool = True):
    """Every legal index factorization (fan-out and capacity), in Timeloop's mapping-ID order.

    Returns (slots, F [n_slots, n_legal] int64 (None unless with_factors), ids [n_legal] (mapping IDs
    in the full index-factorization space), (temporal [n_legal] = compute cycles, spatial(dims, levels) ->
    [n_legal] (or an int if constant) product of those dims' spatial factors at those levels), size, factors_of),
    where factors_of(rows) gives F for a subset of the legal rows.
    """
    cache = _spec_cache(spec)
    slots = build_slots(problem, spec, cache)
    choices = dim_choices(problem, slots, cache)
    empty = np.zeros(0, dtype=np.int64)
    if choices is None:
        return (slots, np.zeros((len(slots), 0), dtype=np.int64), empty, (empty, lambda d, l: empty),
                0, lambda r: np.zeros((len(slots), 0)))
    size = int(np.prod([len(c[1]) for c in choices.values()]))
    tables = {d: _dim_tables(cache, spec, slots, d, *choices[d]) for d in DIMS}
    key = ("constraints", tuple(id(t) for t in tables.values()), problem.Wstride, problem.Hstride,
           problem.Wdilation, problem.Hdilation)
    if key not in cache:
        cache[key] = _constraints(problem, spec, tables)
    constraints, broken = cache[key]
    sel = {}                        # per combined dim, its choice index per row (single-choice dims: 0)
    ids = np.zeros(int(not broken) if _legal(constraints, sel, 1).all() else 0, dtype=np.int64)
    for d in ID_ORDER:
        m = len(choices[d][1])
        if m == 1 or ids.size == 0:
            continue
        ok = np.broadcast_to(_legal(constraints, sel, ids.size, new=d), (ids.size, m))
        parent, choice = np.divmod(np.flatnonzero(ok), m)     # rows stay in mapping-ID order
        sel = {k: v[parent] for k, v in sel.items()}
        sel[d] = choice
        ids = ids[parent] * m + choice
    if ids.size == 0:   # no legal mapping (e.g. a dilated input window larger than every buffer)
        return (slots, np.zeros((len(slots), 0), dtype=np.int64), empty, (empty, lambda d, l: empty),
                size, lambda r: np.zeros((len(slots), 0)))
    zero = np.zeros(ids.size, dtype=np.intp)
    sel.update({d: zero for d in DIMS if d not in sel})
    temporal = np.full(ids.size, int(np.prod([t.temporal[0] for t in tables.values() if not t.temporal_varies])),
                       dtype=np.int64)
    for d, t in tables.items():
        if t.temporal_varies:
            temporal = temporal * t.temporal[sel[d]]

    memo = {}
    fanned = {i for i in range(len(spec.levels)) if spec.fanout(i) != (1, 1)}

    def spatial(dims, levels):
        """Per legal row: product of the spatial factors of `dims` at the given level indices (an int
        when it is the same for every row)."""
        levels = tuple(i for i in levels if i in fanned)
        key = ("".join(sorted(dims)), levels)
        if key not in memo:
            out = 1
            for d in key[0]:
                f = (tables[d].fan[:-1, levels, 0] * tables[d].fan[:-1, levels, 1]).prod(axis=1)
                if (f != f[0]).any():
                    out = out * f[sel[d]]
                elif f[0] != 1:
                    out = out * int(f[0])
            memo[key] = out
        return memo[key]

    active = [k for k, s in enumerate(slots) if tables[s.dim].active[k]]
    by_dim = {}                     # dim -> (positions in `active`, its choices x those slots' factors)
    for n, k in enumerate(active):
        by_dim.setdefault(slots[k].dim, []).append(n)
    by_dim = {d: (pos, np.ascontiguousarray(tables[d].full[:, [active[n] for n in pos]].T))
              for d, pos in by_dim.items()}

    def factors_of(rows, only_active=False):
        """F for the legal rows `rows`: all slots [n_slots, n], or (active slot indices, F[active])."""
        Fa = np.empty((len(active), len(rows)), dtype=np.int64)
        for d, (pos, sub) in by_dim.items():
            Fa[pos] = sub[:, sel[d][rows]]
        if only_active:
            return active, Fa
        F = np.ones((len(slots), len(rows)), dtype=np.int64)
        F[active] = Fa
        return F

    F = factors_of(np.arange(ids.size)) if with_factors else None
    return slots, F, ids, (temporal, spatial), size, factors_of
