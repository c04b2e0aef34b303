"""An AcceleratorSpec bound to a problem shape: its constraints and keep lists restricted to the shape.

A spec names dims and data spaces (the stock ones the grouped CNN layer's). For a problem of another shape,
constraint factors and permutation letters naming a dim the shape lacks are dropped (a spatial ``split``
counts the kept X dims), and keep lists keep only the shape's data spaces. Every data space of the shape
must be kept by the outermost level (else: one error naming it). A spec that names nothing the shape lacks
is returned as is (so the mapper's per-spec caches stay warm); a bound spec is made once per (spec, shape).
"""
from __future__ import annotations

from dataclasses import replace

from ..errors import CostModelError
from .speccache import spec_cache
from .shape import Shape


def _names(spec) -> tuple[set, set]:
    dims, spaces = set(), set()
    for lv in spec.levels:
        for c in (lv.temporal, lv.spatial):
            dims |= set(c.factors) | set(c.permutation)
        spaces |= set(lv.keep) | set(lv.keep_or_bypass)
    return dims, spaces


def _check(spec, shape: Shape):
    outer = spec.levels[0]
    if outer.entries is None or outer.keep:
        missing = [ds for ds in shape.dataspaces if ds not in outer.keep]
        if missing:
            raise CostModelError(f"arch {spec.name!r} keeps no data space {missing[0]!r} of problem shape "
                                 f"{shape.name!r} at its outermost level {outer.name} (it keeps "
                                 f"{', '.join(outer.keep) or 'nothing'}); name the shape's data spaces in its keep lists")


def bind(spec, shape: Shape):
    """`spec` restricted to `shape` (the spec itself when it names only the shape's dims and data spaces)."""
    dims, spaces = _names(spec)
    if dims <= set(shape.dims) and spaces <= set(shape.dataspaces):
        _check(spec, shape)
        return spec
    cache = spec_cache(spec)
    key = ("bound", shape.dims, shape.dataspaces)
    if key not in cache:
        keep_dims, keep_spaces = set(shape.dims), set(shape.dataspaces)

        def perm(p):
            return "".join(d for d in p if d in keep_dims)

        levels = []
        for lv in spec.levels:
            t, s = lv.temporal, lv.spatial
            split = s.split if s.split is None else len(perm(s.permutation[:s.split]))
            levels.append(replace(
                lv, keep=tuple(k for k in lv.keep if k in keep_spaces),
                keep_or_bypass=tuple(k for k in lv.keep_or_bypass if k in keep_spaces),
                temporal=replace(t, factors={d: v for d, v in t.factors.items() if d in keep_dims},
                                 permutation=perm(t.permutation)),
                spatial=replace(s, factors={d: v for d, v in s.factors.items() if d in keep_dims},
                                permutation=perm(s.permutation), split=split)))
        cache[key] = replace(spec, levels=tuple(levels))
    _check(cache[key], shape)
    return cache[key]
