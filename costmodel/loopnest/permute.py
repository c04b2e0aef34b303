"""Loop orders a config leaves open: Timeloop permutes the dims a level's ``permutation`` does not name.

Timeloop v1.0 keeps a level's named dims innermost, in the given order, and searches every order of the
other (non-unit) dims above them. The factor search (mapper.py) maps with those dims in one fixed order;
`refine` then tries, on the best candidates it found, every order of the unnamed dims that carry a
factor > 1 in any of them (all levels' orders combined, or level by level when that product is large)
and keeps a better one. The mapper then searches the factorizations again with the order found
pinned (`pinned`), a few rounds while that improves, and once more from the reverse of the default
order (`reversed_open`): a factorization that is best only under another order is found that way.
Still a guided search, not every order x factorization.
"""
from __future__ import annotations

import math
from dataclasses import replace
from itertools import permutations, product

import numpy as np

from .fields import DIMS

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


def refine(evaluate, spec, slots, F: np.ndarray, best_of, better) -> tuple | None:
    """(candidate column, slot order, result) of the best order found for the candidates F [n_slots, m]
    (the default order included), or None if the spec leaves no order open there. `evaluate(order, F)` ->
    per-candidate results (a dict of arrays); `best_of(result)` -> the index of its best valid candidate
    or -1; `better(a, b)` compares two results (dicts of scalars)."""
    groups = free_groups(spec, slots, F)
    if not groups:
        return None
    joint = int(np.prod([math.factorial(len(g)) for g in groups])) <= COMBINED
    best = None
    for order in orders(len(slots), groups, joint):
        r = evaluate(order, F[order])
        j = best_of(r)
        if j >= 0:
            pick = (j, order, {k: v[j] for k, v in r.items()})
            if best is None or better(pick[2], best[2]):
                best = pick
    return best


def has_open_orders(spec, dims: str = DIMS) -> bool:
    """Whether some level's permutation leaves two or more of `dims` (the shape's) unnamed."""
    return any(len(set(dims) - set(lv.temporal.permutation)) >= 2 for lv in spec.levels)


def pinned(spec, mapping, dims: str = DIMS):
    """`spec` with each level's order fixed to the one `mapping` uses: its named dims, then the unnamed dims
    in the mapping's order (inner -> outer), then the remaining ones."""
    def rest(lv):
        used = [lp.dim for lp in reversed(mapping.level(lv.name).temporal) if lp.dim not in lv.temporal.permutation]
        return used + [d for d in dims if d not in lv.temporal.permutation and d not in used]
    return _named_after(spec, rest)


def reversed_open(spec, dims: str = DIMS):
    """`spec` with each level's unnamed dims pinned in the reverse of the default order: a second start for
    the factor search (the default puts N, C, K innermost among them; this puts them outermost)."""
    return _named_after(spec, lambda lv: [d for d in dims if d not in lv.temporal.permutation][::-1])


def _named_after(spec, rest):
    """`spec` with `rest(level)` (the unnamed dims, inner -> outer) named after each level's own permutation."""
    return replace(spec, levels=tuple(replace(lv, temporal=replace(
        lv.temporal, permutation=lv.temporal.permutation + "".join(rest(lv)))) for lv in spec.levels))
