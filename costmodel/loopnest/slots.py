"""The slots of a mapspace and each dim's index factorizations, as Timeloop v1.0 builds them.

Slots: one temporal slot per (level, dim); one spatial slot per (level, dim) on levels whose fan-out
to the level below is > 1. A constraint factor fixes a slot as Timeloop v1.0 resolves it (`_resolve`:
0 or above the bound = the whole bound; dropped (free) when it would not divide the bound; e.g. DianNao's
K=16 at C = K = 36 leaves K free, which the reference's mapspace sizes confirm). Loop order inside a level
follows the constraint permutation (inner -> outer; unnamed dims outermost, in the shape's unnamed-order);
spatial loops sit inside the level's temporal loops. Index factorizations: every ordered factorization of
each dim's (remaining) bound over its free slots. Dims come from the problem's shape (costmodel.shape).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .bind import bind
from .fields import DIMS
from .problem import Problem
from .spec import AcceleratorSpec


@lru_cache(maxsize=4096)
def factorizations(n: int, parts: int) -> np.ndarray:
    """All ordered tuples of `parts` positive integers whose product is n, [count, parts] int64 (read-only),
    in lexicographic order (the first factor ascending, then the rest recursively)."""
    if parts <= 1:
        out = np.full((1, 1), n, dtype=np.int64) if parts else np.zeros((int(n == 1), 0), dtype=np.int64)
    else:
        blocks = []
        for d in range(1, n + 1):
            if n % d == 0:
                rest = factorizations(n // d, parts - 1)
                blocks.append(np.concatenate((np.full((len(rest), 1), d, dtype=np.int64), rest), axis=1))
        out = np.concatenate(blocks)
    out.flags.writeable = False
    return out


@dataclass(frozen=True)
class Slot:
    level: int          # spec level index (0 = outermost)
    dim: str
    axis: str | None    # None = temporal, "X"/"Y" = spatial fan-out below the level
    fixed: int | None   # fixed factor, or None if free


def _order(perm: str, dims: str = DIMS) -> str:
    """The loop order (inner -> outer) of a level: its permutation, then the other `dims` in their order."""
    return perm + "".join(d for d in dims if d not in perm)


def build_slots(problem: Problem, spec: AcceleratorSpec, cache: dict | None = None) -> list[Slot]:
    """Every slot, in nest order INNER -> OUTER (the loop structure of the whole mapspace). With a
    per-spec `cache`, problems whose constraints resolve alike share one (read-only) list."""
    bounds, order = problem.bounds, problem.shape.order
    if cache is None:
        tpl = _template(spec, order)
    else:
        if ("template", order) not in cache:
            cache[("template", order)] = _template(spec, order)
        tpl = cache[("template", order)]
    fixed = _resolve(tpl, bounds)
    if cache is None:
        return [Slot(i, d, axis, f) for (i, d, axis, _, _), f in zip(tpl, fixed)]
    key = ("slots", fixed)
    if key not in cache:
        cache[key] = [Slot(i, d, axis, f) for (i, d, axis, _, _), f in zip(tpl, fixed)]
    return cache[key]


def _template(spec: AcceleratorSpec, dims: str) -> list:
    """(level, dim, axis, constraint factor, forced to 1) per slot, INNER -> OUTER (Timeloop's tiling-level
    order: per storage level, inner first, its spatial level (if it fans out) then its temporal level)."""
    out = []
    for i in range(len(spec.levels) - 1, -1, -1):
        lv = spec.levels[i]
        fx, fy = spec.fanout(i)
        if fx > 1 or fy > 1:
            for d in _order(lv.spatial.permutation, dims):
                axis = lv.spatial.axis_of(d)
                out.append((i, d, axis, lv.spatial.factors.get(d), (fx if axis == "X" else fy) == 1))
        for d in _order(lv.temporal.permutation, dims):
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
    for d in problem.shape.order:
        own = [s for s in slots if s.dim == d]
        if own and all(s.fixed is not None for s in own):
            got = int(np.prod([s.fixed for s in own]))
            if got < problem.bounds[d]:
                out[d] = got
    return out


def dim_choices(problem: Problem, slots: list[Slot], cache: dict | None = None) -> dict:
    """dim -> (free slot indices, array [n_choices, n_free]) of the index factorizations; None if impossible.
    A per-spec `cache` needs `slots` from build_slots with that cache: a dim's slots (their positions and
    fixed factors) depend on the spec's template for the shape and on that dim's bound only (_resolve), so
    its choices are shared by every problem with that bound."""
    out = {}
    for d in problem.shape.order:
        key = ("choices", problem.shape.order, d, problem.bounds[d])
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
    ch = factorizations(rest, len(free))
    if not len(ch):
        return None
    return free, ch[:, ::-1].copy()


def mapspace_size(problem: Problem, spec: AcceleratorSpec) -> int:
    """Number of index factorizations (Timeloop's 'IF' count)."""
    ch = dim_choices(problem, build_slots(problem, bind(spec, problem.shape)))
    return 0 if ch is None else int(np.prod([len(c[1]) for c in ch.values()]))

