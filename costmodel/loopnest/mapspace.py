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
