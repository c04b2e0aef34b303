"""Loop orders a config leaves open: Timeloop permutes the dims a level's ``permutation`` does not name.

Timeloop v1.0 keeps a level's named dims innermost, in the given order, and searches every order of the
other (non-unit) dims above them. The factor search (mapper.py) maps with those dims in one fixed order;
`refine` then tries, on the best candidates it found, every order of the unnamed dims that carry a
factor > 1 in any of them (all levels' orders combined, or level by level when that product is large)
and keeps a better one. This is a search over the best factorizations, not over the whole mapspace:
a factorization ranked low in the fixed order is not re-ranked.
"""
from __future__ import annotations

import math
from itertools import permutations, product

import numpy as np

TOP = 32           # candidates refined (the best under the fixed order)
COMBINED = 720     # up to this many order combinations are tried jointly, else level by level


def free_groups(spec, slots, F: np.ndarray) -> list[list[int]]:
    """Per level whose permutation leaves >= 2 dims open with a factor > 1 in some candidate: those
    dims' temporal slot indices (in the default order, inner -> outer)."""
    groups = []
    for i, lv in enumerate(spec.levels):
        named = lv.temporal.permutation
        idx = [k for k, s in enumerate(slots) if s.level == i and s.axis is None and s.dim not in named
               and (F[k] > 1).any()]
        if len(idx) >= 2:
            groups.append(idx)
    return groups


def orders(n_slots: int, groups: list, joint: bool = True):
    """Slot orders (lists of slot indices, inner -> outer) with each group's slots permuted in place:
    every combination, or (joint=False) one group at a time."""
    base = list(range(n_slots))

    def apply(choice):
        out = list(base)
        for g, p in zip(groups, choice):
            for pos, k in zip(sorted(g), p):
                out[pos] = k
        return out
    if joint:
        for choice in product(*[permutations(g) for g in groups]):
            yield apply(choice)
    else:
        for n, g in enumerate(groups):
            for p in permutations(g):
                yield apply([tuple(h) if m != n else p for m, h in enumerate(groups)])


def refine(evaluate, spec, slots, F: np.ndarray, better) -> tuple | None:
    """(candidate column, slot order, result) of the best order found for the candidates F [n_slots, m],
    or None when nothing beats the default order. `evaluate(order, F)` -> per-candidate results (a dict
    of arrays); `better(a, b)` compares two (candidate, result dict, column) picks."""
    groups = free_groups(spec, slots, F)
    if not groups:
        return None
    joint = int(np.prod([math.factorial(len(g)) for g in groups])) <= COMBINED
    best = None
    for order in orders(len(slots), groups, joint):
        r = evaluate(order, F[order])
        for j in np.flatnonzero(r["valid"]):
            pick = (int(j), order, {k: v[j] for k, v in r.items()})
            if best is None or better(pick, best):
                best = pick
    return best

