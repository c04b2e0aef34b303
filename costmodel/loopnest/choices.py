"""The discrete choices a spec may leave to the mapper, expanded into concrete specs.

Besides the loop factors, Timeloop v1.0's mapspace has two discrete dimensions a config may leave open:
the X/Y split of a spatial level whose constraint gives no ``split`` ("Spatial"), and keep-or-bypass of
each data space a level's datatype constraint names in neither list ("DatatypeBypass"). `variants`
gives one concrete spec per distinct choice -- splits that put the same dims on the same axes are one,
and an axis with fan-out 1 takes nothing -- which the mapper searches one by one; `from_mapping` gives
the concrete spec a mapping implies (map.txt lists what each level keeps; its spatial loops carry their
axis). Variants are made once per spec and kept with it, so the mapper's per-spec caches stay warm.
"""
from __future__ import annotations

from dataclasses import replace
from itertools import combinations, product

from ..errors import CostModelError
from .bind import bind
from .fields import DIMS, canonical
from .slots import _order, build_slots, partial_dims
from .spec import AcceleratorSpec
from .speccache import spec_cache as _spec_cache


def keeps_fixed(spec: AcceleratorSpec) -> bool:
    """Whether no level leaves keep/bypass to the mapper."""
    return all(not lv.keep_or_bypass for lv in spec.levels)


def is_concrete(spec: AcceleratorSpec) -> bool:
    """Whether the spec leaves neither a split nor keep/bypass to the mapper."""
    return keeps_fixed(spec) and all(lv.spatial.split is not None for lv in spec.levels)


def _splits(spec: AcceleratorSpec, i: int, bounds: dict, dims: str) -> list:
    """(permutation, split) options of level i's spatial constraint, one per distinct axis assignment
    of the dims that can take a factor > 1 there; the first split (lowest) of each is kept."""
    lv = spec.levels[i]
    perm = _order(lv.spatial.permutation, dims)
    fx, fy = spec.fanout(i)
    if fy == 1 and fx > 1:
        return [(perm, len(perm))]
    if fx == 1 or fy == 1:
        return [(perm, 0)]
    live = [k for k, d in enumerate(perm) if bounds[d] > 1 and lv.spatial.factors.get(d) != 1]
    seen = {}
    for s in range(len(perm) + 1):
        seen.setdefault(tuple(k < s for k in live), s)
    return [(perm, s) for s in seen.values()]


def _keeps(lv) -> list:
    """The keep tuples of a level: its fixed keep plus every subset of its keep_or_bypass (all kept first)."""
    free = lv.keep_or_bypass
    subsets = [c for n in range(len(free), -1, -1) for c in combinations(free, n)]
    return [canonical(ds for ds in lv.keep + lv.keep_or_bypass if ds in lv.keep or ds in c) for c in subsets]


def variants(spec: AcceleratorSpec, bounds: dict, dims: str = DIMS) -> list[AcceleratorSpec]:
    """The concrete specs of `spec` for a problem with these dim bounds (just [spec] if it is concrete);
    `dims`: the problem shape's unnamed-dim order (default: the grouped CNN layer's)."""
    if is_concrete(spec):
        return [spec]
    per_level = []
    for i, lv in enumerate(spec.levels):
        splits = _splits(spec, i, bounds, dims) if lv.spatial.split is None else [(lv.spatial.permutation, lv.spatial.split)]
        per_level.append([(s, k) for s in splits for k in _keeps(lv)])
    cache = _spec_cache(spec)
    out = []
    for choice in product(*per_level):
        key = ("variant", choice, dims)
        if key not in cache:
            levels = tuple(replace(lv, keep=keep, keep_or_bypass=(),
                                   spatial=replace(lv.spatial, permutation=perm, split=split))
                           for lv, ((perm, split), keep) in zip(spec.levels, choice))
            cache[key] = replace(spec, levels=levels)
        out.append(cache[key])
    return out


def from_mapping(spec: AcceleratorSpec, mapping) -> AcceleratorSpec:
    """The spec with each keep_or_bypass resolved as `mapping` keeps (the data spaces its level header
    lists); a mapping that keeps a data space the level bypasses is an error."""
    listed = {lv.name: set(lv.tiles) for lv in mapping.levels}
    levels = []
    for lv in spec.levels:
        kept = listed.get(lv.name, set())
        wrong = [ds for ds in kept if ds not in lv.keep and ds not in lv.keep_or_bypass]
        if wrong:
            raise CostModelError(f"illegal mapping for arch {spec.name!r}: it keeps {wrong[0]} at {lv.name}, "
                                 f"which bypasses it")
        levels.append(replace(lv, keep=canonical(ds for ds in lv.keep + lv.keep_or_bypass if ds in lv.keep or ds in kept),
                              keep_or_bypass=()) if lv.keep_or_bypass else lv)
    return spec if keeps_fixed(spec) else replace(spec, levels=tuple(levels))


def partial_coverage(problem, spec: AcceleratorSpec) -> dict:
    """{dim: bound covered} for the dims whose every factor the spec's constraints fix below the problem's
    bound (Timeloop v1.0 then maps and costs only that part; see mapspace._resolve)."""
    spec = bind(spec, problem.shape)
    return partial_dims(problem, build_slots(problem, variants(spec, problem.bounds, problem.shape.order)[0]))
