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
from ..shape import Shape
from .speccache import spec_cache


def restrict(factors: dict, permutation: str, split: int | None, dims) -> tuple:
    """The constraint for a problem with only `dims`: other dims dropped; the split follows the X dims."""
    f = {d: b for d, b in factors.items() if d in dims}
    perm = "".join(d for d in permutation if d in dims)
    if split is not None:
        split -= sum(1 for d in permutation[:split] if d not in dims)
    return f, perm, split


def _names(spec) -> tuple[set, set]:
    dims, spaces = set(), set()
    for lv in spec.levels:
        for c in (lv.temporal, lv.spatial):
            dims |= set(c.factors) | set(c.permutation)
        spaces |= set(lv.keep) | set(lv.keep_or_bypass)
    return dims, spaces


def _check(spec, shape: Shape):
    outer = spec.levels[0]
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
        keep_spaces = set(shape.dataspaces)
        levels = []
        for lv in spec.levels:
            tf, tp, _ = restrict(lv.temporal.factors, lv.temporal.permutation, None, shape.dims)
            sf, sp, split = restrict(lv.spatial.factors, lv.spatial.permutation, lv.spatial.split, shape.dims)
            levels.append(replace(
                lv, keep=tuple(k for k in lv.keep if k in keep_spaces),
                keep_or_bypass=tuple(k for k in lv.keep_or_bypass if k in keep_spaces),
                temporal=replace(lv.temporal, factors=tf, permutation=tp),
                spatial=replace(lv.spatial, factors=sf, permutation=sp, split=split)))
        cache[key] = replace(spec, levels=tuple(levels))
    _check(cache[key], shape)
    return cache[key]
