"""The legal index factorizations: every dim's factorization choices combined, in mapping-ID order.

A fan-out or capacity limit (mapspace._constraints) changes with the choices of a few dims only (its
`vary` set); dims linked by a shared limit form a component, and the legal set is the product of the
components' legal sets (DianNao: {K, P, Q} and {C, R, S}). Each component is combined on its own
(`_combine`: the dims one after the other in mapping-ID order, each limit checked as soon as one of its
dims is combined, the dims not combined yet at their lower bound), then the components' legal tuples are
interleaved (`Legal`): rows in mapping-ID order, each row a leaf of every component. A dim's choice, a
product of per-choice values or a mapping ID per row are looked up through the leaves, so no per-row
array is built for a dim unless asked for.
"""
from __future__ import annotations

import numpy as np

from .nest import span


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
    """The legal rows of a mapspace (see the module docstring): `ids` in mapping-ID order; `choice(d)`,
    `product(values)` per row."""

    def __init__(self, constraints, order: list, m: dict):
        dims = [d for d in order if m[d] > 1]
        self.comps = components(dims, constraints)
        self.comp_of = {d: k for k, c in enumerate(self.comps) for d in c}
        self.tuples = [_combine(constraints, c, m) for c in self.comps]
        sizes = [t[c[-1]].size for t, c in zip(self.tuples, self.comps)]
        if not all(sizes):                                  # a component has no legal tuple: no rows
            self.leaf = [np.zeros(0, dtype=np.intp) for _ in self.comps]
        elif len(self.comps) == 1:                          # one component: its tuples are the rows
            self.leaf = [np.arange(sizes[0])]
        else:
            self.leaf = self._interleave(dims)
        self.ids = self._ids(dims, m)

    def _ids(self, dims, m) -> np.ndarray:
        """Mapping IDs: mixed radix over the ID order, its first dim the most significant digit."""
        radix, digits = 1, [np.zeros(t[c[-1]].size, dtype=np.int64) for t, c in zip(self.tuples, self.comps)]
        for d in reversed(dims):
            k = self.comp_of[d]
            digits[k] = digits[k] + self.tuples[k][d] * radix
            radix *= m[d]
        n = self.leaf[0].size if self.comps else 1
        out = np.zeros(n, dtype=np.int64)
        for k, dk in enumerate(digits):
            out = out + dk[self.leaf[k]]
        return out

    def _interleave(self, dims) -> list:
        """Per component, the leaf (tuple index) of every row, the rows in mapping-ID order: the dims taken
        in that order, a run of dims of one component at once, each row extended by the descendants of its
        component's current prefix (contiguous, as the tuples are in order)."""
        trees = [self._tree(t, c) for t, c in zip(self.tuples, self.comps)]
        state = [np.zeros(1, dtype=np.intp) for _ in self.comps]
        depth = [0] * len(self.comps)
        runs = []
        for d in dims:
            k = self.comp_of[d]
            if runs and runs[-1][0] == k:
                runs[-1][1] += 1
            else:
                runs.append([k, 1])
        for k, r in runs:
            (_, first, last), (below, _, _) = trees[k][depth[k]], trees[k][depth[k] + r]
            lo = below[first[state[k]]]                  # first descendant r dims deeper, and how many
            cnt = below[last[state[k]]] - lo + 1
            state = [np.repeat(s, cnt) for s in state]
            state[k] = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt) + np.arange(state[k].size)
            depth[k] += r
        return state

    @staticmethod
    def _tree(tuples: dict, dims: list) -> list:
        """Per depth j (0 .. len(dims)): each tuple's prefix index (its first j choices), and each prefix's
        first and last tuple (the last depth's prefixes are the tuples themselves)."""
        n = tuples[dims[-1]].size
        new = np.zeros(n, dtype=bool)
        new[:1] = True
        out = []
        for j in range(len(dims) + 1):
            if j:
                d = dims[j - 1]
                new[1:] |= tuples[d][1:] != tuples[d][:-1]
            starts = np.flatnonzero(new)
            out.append((np.cumsum(new) - 1, starts, np.append(starts[1:], n) - 1))
        return out

    @property
    def size(self) -> int:
        return self.ids.size

    def choice(self, d: str, rows=None) -> np.ndarray:
        """Per row (or per row of `rows`), the choice index of dim `d` (0 for a dim with one choice)."""
        if d not in self.comp_of:
            return np.zeros(self.size if rows is None else len(rows), dtype=np.intp)
        k = self.comp_of[d]
        leaf = self.leaf[k] if rows is None else self.leaf[k][rows]
        return self.tuples[k][d][leaf]

    def product(self, values: dict):
        """Per row, the product over dims of values[d][choice of d] (integers); an int when it is the same
        for every row."""
        out, per = 1, {}
        for d, v in values.items():
            if (v != v[0]).any() and d in self.comp_of:
                k = self.comp_of[d]
                per[k] = per.get(k, 1) * v[self.tuples[k][d]]
            elif v[0] != 1:
                out = out * int(v[0])
        for k, p in per.items():
            out = out * p[self.leaf[k]]
        return out
