"""The legal index factorizations: every dim's factorization choices combined, in mapping-ID order.

A fan-out or capacity limit (mapspace._constraints) changes with the choices of a few dims only (its
`vary` set); dims linked by a shared limit form a component, and the legal set is the product of the
components' legal sets (DianNao: {K, P, Q} and {C, R, S}). Each component is combined on its own
(`_combine`: the dims one after the other in mapping-ID order, each limit checked as soon as one of its
dims is combined, the dims not combined yet at their lower bound); the legal set is the grid of the
components' tuples (`Legal`), a cell one tuple of each. A per-dim product (compute cycles, fan-out) is
an outer product over that grid (numpy broadcasting: nothing gathered per cell); a cell's mapping ID is
the sum of its tuples' digits, so the cells a search keeps are put in mapping-ID order by sorting them.
"""
from __future__ import annotations

import numpy as np


def _legal(constraints, sel, n, new=None) -> np.ndarray:
    """Which rows (per-dim choice indices `sel`, n rows; a dim not combined yet at its lower-bound row)
    meet every limit (mapspace._constraints), [n, 1]. With `new`, each row extended by every choice of dim
    `new`, [n, m] (only the limits that dim's choices change: the others hold already); the other dims'
    values are computed per row and broadcast."""
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
            prod, cols = terms
            for d, col in cols.items():
                prod = prod * val(d, col)
            ok = ok & (prod <= lim)
        else:
            words = 0
            for axes in terms:
                size = 1
                for base, var, dims in sorted(axes, key=lambda ax: new in ax[2]):   # [n, m] products last
                    size = size * _extent(base, var, val)
                words = words + size
            ok = ok & (words <= lim)
    return ok


def _extent(base: int, var: tuple, val):
    """An axis' extent: `base` (its fixed dims' part) + sum over its varying dims of (value - 1) x coefficient."""
    if len(var) == 1 and var[0][1] == 1:
        v = val(var[0][0], var[0][2])
        return v if base == 1 else v + (base - 1)
    out = base
    for d, c, col in var:
        out = out + (val(d, col) - 1) * c
    return out


def _combine(constraints, dims: list, m: dict) -> dict:
    """The legal tuples of `dims` (one component, in mapping-ID order): {dim: choice index per tuple}."""
    sel, n = {}, 1
    for d in dims:
        ok = np.broadcast_to(_legal(constraints, sel, n, new=d), (n, m[d]))
        parent, choice = np.divmod(np.flatnonzero(ok), m[d])     # tuples stay in mapping-ID order
        sel = {k: v[parent] for k, v in sel.items()}
        sel[d] = choice
        n = choice.size
        if n == 0:
            return {d: choice for d in dims}
    return sel


def components(dims: list, constraints) -> list[list]:
    """`dims` (mapping-ID order) grouped by shared limits; each group keeps that order."""
    group = {d: {d} for d in dims}
    for *_, vary in constraints:
        linked = set().union(*(group[d] for d in vary if d in group))
        for d in linked:
            group[d] = linked
    out = []
    for d in dims:
        if not any(d in g for g in out):
            out.append([x for x in dims if x in group[d]])
    return out


class Legal:
    """The legal rows of a mapspace as a grid over its components (see the module docstring): a cell is
    one legal tuple of every component, numbered in mixed radix (the first component the most significant
    digit). `ids(cells)` their mapping IDs, `choice(d, parts)` a dim's choice index, `grid(values)` a
    per-dim product broadcast over the grid, `in_id_order()` every cell in mapping-ID order."""

    def __init__(self, constraints, order: list, m: dict):
        dims = [d for d in order if m[d] > 1]
        self.comps = components(dims, constraints)
        self.comp_of = {d: k for k, c in enumerate(self.comps) for d in c}
        self.tuples = [_combine(constraints, c, m) for c in self.comps]
        self.shape = tuple(t[c[-1]].size for t, c in zip(self.tuples, self.comps))
        self.size = int(np.prod(self.shape, dtype=np.int64))
        radix, self.digits = 1, [0] * len(self.comps)   # per component, its tuples' share of the mapping ID
        for d in reversed(dims):
            k = self.comp_of[d]
            self.digits[k] = self.digits[k] + self.tuples[k][d] * radix
            radix *= m[d]

    def parts(self, cells) -> list:
        """Per component, the tuple index of each cell."""
        return [cells] if len(self.shape) <= 1 else list(np.unravel_index(cells, self.shape))

    def ids(self, cells) -> np.ndarray:
        """The mapping IDs of `cells` (int64)."""
        out = np.zeros(len(cells), dtype=np.int64)
        for digit, part in zip(self.digits, self.parts(cells)):
            out += digit[part]
        return out

    def in_id_order(self) -> np.ndarray:
        """Every cell, in mapping-ID order (the cells' own order when there is one component)."""
        cells = np.arange(self.size)
        return cells if len(self.shape) <= 1 else cells[np.argsort(self.ids(cells))]

    def choice(self, d: str, parts: list) -> np.ndarray:
        """The choice index of dim `d` per cell (`parts`: self.parts(cells)); 0 for a dim with one choice."""
        if d not in self.comp_of:
            return np.zeros(len(parts[0]), dtype=np.intp)
        k = self.comp_of[d]
        return self.tuples[k][d][parts[k]]

    def grid(self, values: dict):
        """The product over dims of values[d][choice of d] (integers), as an array broadcastable to the grid
        (`self.shape`; a component on which nothing varies has extent 1), or an int when it is the same for
        every cell."""
        out, per = 1, {}
        for d, v in values.items():
            if (v != v[0]).any() and d in self.comp_of:
                k = self.comp_of[d]
                per[k] = per.get(k, 1) * v[self.tuples[k][d]]
            elif v[0] != 1:
                out = out * int(v[0])
        for k, p in per.items():
            out = out * p.reshape([-1 if j == k else 1 for j in range(len(self.shape))])
        return out
