"""Which search a mapspace gets (`plan`), and the parts of a mid-sized one (`chunks`).

`plan(problem, spec)` picks the strategy before anything is materialised:

* **exact** when the mapspace is small: at most ``EXACT_MAX`` index factorizations in each split /
  keep-bypass variant a spec leaves open (the exact mapper holds one variant's legal mappings at a
  time) and at most ``EXACT_TOTAL`` over all of them (the stock and reference configs have at most
  518,400 per variant, 2.24 million in all). The exact mapper (mapper.py) then runs unchanged, so its
  results stay bit-identical.
* **chunked** above that, up to ``CHUNKED_MAX`` index factorizations: still exact, the space cut into
  parts of at most ``PART_MAX`` (`chunks`: a dim's factorization pinned per part), each part
  searched by the exact mapper and the parts' bests combined in order by the incumbent rule (ties
  between parts: the earlier part); memory stays that of one part (the timeloopfe v4 tutorial's
  exercise 06: 1.3e8 index factorizations, 30 parts, ~200 MB).
* **sampled** otherwise: loopnest.sampling (Timeloop's random search with its stopping rules, then a
  greedy local search), with the config's mapper settings (`settings_of`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import product

from . import choices, mapspace

EXACT_MAX = 2_000_000    # index factorizations of one variant searched exactly at most
EXACT_TOTAL = 20_000_000  # ... and of all variants together
CHUNKED_MAX = 200_000_000  # above EXACT_*: still exact, one part of <= PART_MAX at a time (`chunks`), up to this
PART_MAX = 8_000_000     # index factorizations per part (the exact mapper's peak ~300 MB there)
DEFAULTS = {"timeout": 1000, "victory-condition": 500, "search-size": 0}      # Timeloop v1.0's


@dataclass(frozen=True)
class Plan:
    strategy: str            # "exact" | "chunked" | "sampled"
    size: int                # index factorizations over all variants (a lower bound once above EXACT_MAX)
    variants: int            # split / keep-bypass variants
    settings: dict           # timeout, victory-condition, search-size, threads (sampled only)


def options(spec, bounds, dims: str) -> list:
    """Per level, its (split, keep) options (as choices.variants combines them)."""
    out = []
    for i, lv in enumerate(spec.levels):
        splits = (choices._splits(spec, i, bounds, dims) if lv.spatial.split is None
                  else [(lv.spatial.permutation, lv.spatial.split)])
        out.append([(s, k) for s in splits for k in choices._keeps(lv)])
    return out


def concrete(spec, choice):
    levels = tuple(replace(lv, keep=keep, keep_or_bypass=(), spatial=replace(lv.spatial, permutation=perm, split=split))
                   for lv, ((perm, split), keep) in zip(spec.levels, choice))
    return replace(spec, levels=levels)


def settings_of(spec) -> dict:
    """The sampled search's settings: the config's timeloop-mapper keys, else Timeloop v1.0's defaults."""
    tl = spec.mapper.get("timeloop", {}) or {}
    out = {k: int(tl.get(k, v)) for k, v in DEFAULTS.items()}
    out["threads"] = int(tl.get("num-threads", spec.mapper.get("threads", 1)) or 1)
    if "algorithm" in tl:
        out["algorithm"] = str(tl["algorithm"])
    return out


def plan(problem, spec) -> Plan:
    """Exact or sampled, decided from the mapspace's size (counted per variant, stopping once too large);
    memoised per spec and problem bounds (the index-factorization counts depend on nothing else)."""
    cache = mapspace._spec_cache(spec)
    key = ("plan", tuple(sorted(problem.bounds.items())))
    if key not in cache:
        cache[key] = _plan(problem, spec)
    return cache[key]


def _size(problem, v, cached: bool) -> int:
    """Index factorizations of `v` (mapspace.mapspace_size; with the spec's caches the mapper shares)."""
    if not cached:
        return mapspace.mapspace_size(problem, v)
    cache = mapspace._spec_cache(v)
    ch = mapspace.dim_choices(problem, mapspace.build_slots(problem, v, cache), cache)
    return 0 if ch is None else math.prod(len(c[1]) for c in ch.values())


def _plan(problem, spec) -> Plan:
    fixed = choices.is_concrete(spec)
    opts = [] if fixed else options(spec, problem.bounds, problem.shape.order)
    n = math.prod(len(o) for o in opts)
    few = n <= 64               # the exact mapper's own (cached) variants; else built one by one
    size, big = 0, False
    for v in (choices.variants(spec, problem.bounds, problem.shape.order) if few else
              (concrete(spec, choice) for choice in product(*opts))):
        one = _size(problem, v, few)
        size += one
        big = big or one > EXACT_MAX
        if size > CHUNKED_MAX:
            return Plan("sampled", size, n, settings_of(spec))
    return Plan("chunked" if big or size > EXACT_TOTAL else "exact", size, n, {})


def chunks(problem, spec, limit: int | None = None):
    """A concrete spec's mapspace as sub-specs of at most `limit` index factorizations each: one dim gets
    each of its factorizations pinned in turn as constraint factors (the dim with the fewest choices that
    makes the parts fit, else the one with the most, recursively). Parts come in that dim's choice order,
    so ties between parts go to the earlier part (within a part: Timeloop's mapping-ID order)."""
    limit = PART_MAX if limit is None else limit
    slots = mapspace.build_slots(problem, spec)
    ch = mapspace.dim_choices(problem, slots)
    size = 0 if ch is None else math.prod(len(c[1]) for c in ch.values())
    if size <= limit:
        yield spec
        return
    dims = [d for d in mapspace.id_order(problem) if len(ch[d][1]) > 1]
    fits = [d for d in dims if size // len(ch[d][1]) <= limit]    # the fewest parts: one dim that makes them fit
    d = min(fits, key=lambda d: len(ch[d][1])) if fits else max(dims, key=lambda d: len(ch[d][1]))
    free, table = ch[d]
    for row in table:
        levels = list(spec.levels)
        for k, f in zip(free, row):
            s, lv = slots[k], levels[slots[k].level]
            part = lv.spatial if s.axis else lv.temporal
            part = replace(part, factors={**part.factors, d: int(f)})
            levels[s.level] = replace(lv, spatial=part) if s.axis else replace(lv, temporal=part)
        yield from chunks(problem, replace(spec, levels=tuple(levels)), limit)


def in_parts(problem, spec, p: Plan, exact, better) -> tuple:
    """(best result or None, mappings evaluated) of `exact(part)` over every variant's `chunks`, parts in
    order, a later part's best taking over only if `better(it, best)` (a progress bar on a terminal)."""
    from ..progress import bar
    best, evaluated = None, 0
    with bar(desc=f"mapper: exact search of {p.size:.3g} mappings in parts", unit=" parts") as shown:
        for variant in choices.variants(spec, problem.bounds, problem.shape.order):
            for part in chunks(problem, variant):
                r = exact(part)
                evaluated += r.evaluated
                shown.update()
                if r.mapping is not None and (best is None or better(r, best)):
                    best = r
    return best, evaluated
