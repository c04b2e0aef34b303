"""Bounded search of a mapspace too large to enumerate: which strategy runs, and the sampled search.

`plan(problem, spec)` picks the strategy before anything is materialised:

* **exact** when the mapspace is small: at most ``EXACT_MAX`` index factorizations in each split /
  keep-bypass variant a spec leaves open (the exact mapper holds one variant's legal mappings at a
  time) and at most ``EXACT_TOTAL`` over all of them (the stock and reference configs have at most
  518,400 per variant, 2.24 million in all). The exact mapper (mapper.py) then runs unchanged, so its
  results stay bit-identical.
* **chunked** above that, up to ``CHUNKED_MAX`` index factorizations: still exact, the space cut into
  parts of at most ``PART_MAX`` (`chunks`: a dim's factorization pinned per part), each part
  searched by the exact mapper and the parts' bests combined in order by the incumbent rule (ties
  between parts: the earlier part); memory stays that of one part (exercise 06 of the timeloopfe v4 tutorial: 1.3e8).
* **sampled** otherwise (e.g. an arch read without its constraints file: 4,096 variants x ~4.4e12
  index factorizations for a 3x3 conv on Eyeriss): Timeloop v1.0's random search with its
  termination rules, per search thread (``num-threads``, else the spec's ``threads``):
  ``timeout`` consecutive invalid mappings (fan-out, capacity), ``victory-condition`` consecutive
  valid mappings that do not improve the thread's best, or ``search-size`` valid mappings (split
  between threads) end it. Settings come from the spec's ``mapper.timeloop`` (the config's mapper
  file); absent keys take Timeloop v1.0's defaults (1000, 500, 0 = unbounded). The threads' bests
  are combined as in mapper.select_threads (thread 0 first; a later one only if better by more than
  the tie tolerance). Then a greedy local search from that best (ours, not Timeloop's): move one
  prime factor between two slots of a dim while that improves the objective (`_climb`, at most
  ``CLIMB_ROUNDS`` moves, every neighbour of one move evaluated at once).

A sample is drawn in batches of ``BATCH`` candidates sharing one structure: a random split /
keep-bypass variant and a random order of each level's unnamed dims (the named ones stay innermost,
as Timeloop keeps them), then per dim a uniformly random index factorization (uniform over the
index-factorization space). Candidates are judged in draw order, one at a time, exactly as a Timeloop
thread walks them. At most one batch is in memory (memory does not grow with the mapspace), the
generator is seeded (``SEED`` + thread), so a run is reproducible. ``HARD_CAP`` bounds the mappings
drawn per thread when a config sets timeout and victory-condition to 0 (Timeloop's "never").
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from itertools import product

import numpy as np

from . import choices, mapspace, permute
from .fields import DIMS
from .nest import analyze

EXACT_MAX = 2_000_000    # index factorizations of one variant searched exactly at most
EXACT_TOTAL = 20_000_000  # ... and of all variants together
CHUNKED_MAX = 200_000_000  # above EXACT_*: still exact, one part of <= PART_MAX at a time (`chunks`), up to this
PART_MAX = 8_000_000     # index factorizations per part (the exact mapper's peak ~300 MB there)
BATCH = 256              # candidates drawn and evaluated together
SEED = 0                 # the generator's seed (thread t uses SEED + t)
HARD_CAP = 1_000_000     # mappings drawn per thread at most (a config may disable every other stop)
CLIMB_ROUNDS = 200       # local-search moves at most
DEFAULTS = {"timeout": 1000, "victory-condition": 500, "search-size": 0}      # Timeloop v1.0's


@dataclass(frozen=True)
class Plan:
    strategy: str            # "exact" | "sampled"
    size: int                # index factorizations over all variants (a lower bound once above EXACT_MAX)
    variants: int            # split / keep-bypass variants
    settings: dict           # timeout, victory-condition, search-size, threads (sampled only)


def _options(spec, bounds) -> list:
    """Per level, its (split, keep) options (as choices.variants combines them)."""
    out = []
    for i, lv in enumerate(spec.levels):
        splits = (choices._splits(spec, i, bounds) if lv.spatial.split is None
                  else [(lv.spatial.permutation, lv.spatial.split)])
        out.append([(s, k) for s in splits for k in choices._keeps(lv)])
    return out


def _concrete(spec, choice):
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
    concrete = choices.is_concrete(spec)
    opts = [] if concrete else _options(spec, problem.bounds)
    n = math.prod(len(o) for o in opts)
    few = n <= 64               # the exact mapper's own (cached) variants; else built one by one
    size, big = 0, False
    for v in (choices.variants(spec, problem.bounds) if few else
              (_concrete(spec, choice) for choice in product(*opts))):
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
    dims = [d for d in mapspace.ID_ORDER if len(ch[d][1]) > 1]
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


@dataclass
class Outcome:
    best: tuple | None = None     # (variant spec, slots, factors column, result dict of scalars)
    drawn: int = 0                # mappings drawn (all threads)
    valid: int = 0                # of them valid (evaluated in full)
    stops: tuple = ()             # why each thread stopped
    moves: int = 0                # local-search moves from the sampled best
    climbed: int = 0              # mappings the local search evaluated


def _batch(problem, spec, opts, rng):
    """One batch: (variant spec, slots, F [n_slots, BATCH], ok [BATCH] fan-out legal), or None if the
    drawn variant has no index factorization at all."""
    v = _concrete(spec, [o[rng.integers(len(o))] for o in opts])
    v = permute._named_after(v, lambda lv: list(rng.permutation([d for d in DIMS if d not in lv.temporal.permutation])))
    slots = mapspace.build_slots(problem, v)
    ch = mapspace.dim_choices(problem, slots)
    if ch is None:
        return None
    F = np.ones((len(slots), BATCH), dtype=np.int64)
    for k, s in enumerate(slots):
        if s.fixed is not None:
            F[k] = s.fixed
    for free, table in ch.values():
        if free:
            F[free] = table[rng.integers(len(table), size=BATCH)].T
    return v, slots, F, _fans_out(v, slots, F)


def _fans_out(v, slots, F) -> np.ndarray:
    """Per candidate column of F: whether every level's spatial X / Y factors fit its fan-out."""
    ok = np.ones(F.shape[1], dtype=bool)
    for i in range(len(v.levels)):
        for axis, lim in zip("XY", v.fanout(i)):
            rows = [k for k, s in enumerate(slots) if s.level == i and s.axis == axis]
            if rows:
                ok &= F[rows].prod(axis=0) <= lim
    return ok


def _evaluate(problem, v, slots, F, ok, min_util):
    """Per candidate: valid (fan-out, capacity, utilization) and the analyze results."""
    keep = [k for k in range(len(slots)) if (F[k] != 1).any()]
    r = analyze(problem, v, [(slots[k].level, slots[k].dim, slots[k].axis) for k in keep], F[keep])
    valid = ok & r["valid"]
    if min_util:
        used = np.prod([F[k] for k, s in enumerate(slots) if s.axis], axis=0)
        valid &= used >= min_util * v.mac.instances
    return valid, r


def run(problem, spec, p: Plan, better) -> Outcome:
    """The sampled search of `p` (see the module doc). `better(a, b)`: whether result dict `a` replaces
    incumbent `b` (mapper._better). A progress bar shows on a terminal (tqdm; quiet otherwise)."""
    from ..progress import bar
    with bar(desc=f"mapper: sampling a {problem.macs:,}-MAC problem on {spec.name}", unit=" batches") as shown:
        return _run(problem, spec, p, better, shown)


def _run(problem, spec, p, better, progress) -> Outcome:
    opts = _options(spec, problem.bounds)
    s = p.settings
    threads = s["threads"]
    size = 1 + (s["search-size"] - 1) // threads if s["search-size"] > 0 else 0
    out = Outcome()
    stops = []
    for t in range(threads):
        rng = np.random.default_rng(SEED + t)
        best, valid, since, invalid, drawn, stop = None, 0, 0, 0, 0, ""
        while not stop:
            b = _batch(problem, spec, opts, rng)
            if b is None:                     # a variant without factorizations: BATCH invalid mappings
                k = min(BATCH, s["timeout"] - invalid) if s["timeout"] else BATCH
                invalid, drawn = invalid + k, drawn + k
                stop = "timeout" if s["timeout"] and invalid >= s["timeout"] else ""
                stop = stop or ("cap" if drawn >= HARD_CAP else "")
                continue
            v, slots, F, ok = b
            good, r = _evaluate(problem, v, slots, F, ok, spec.mapper.get("min_utilization"))
            for j in range(BATCH):
                drawn += 1
                if not good[j]:
                    invalid += 1
                else:
                    valid, invalid = valid + 1, 0
                    res = {k: r[k][j] for k in ("compute_cycles", "cycles", "energy_pj")}
                    if best is None or better(res, best[3]):
                        best, since = (v, slots, F[:, j].copy(), res), 0
                    else:
                        since += 1
                stop = ("search-size" if size and valid >= size else
                        "victory-condition" if s["victory-condition"] and since >= s["victory-condition"] else
                        "timeout" if s["timeout"] and invalid >= s["timeout"] else
                        "cap" if drawn >= HARD_CAP else "")
                if stop:
                    break
            progress.set_postfix_str(f"thread {t}: {valid:,} valid of {drawn:,}", refresh=False)
            progress.update(1)
        out.drawn, out.valid = out.drawn + drawn, out.valid + valid
        stops.append(stop)
        if best is not None and (out.best is None or better(best[3], out.best[3])):
            out.best = best
    out.stops = tuple(stops)
    if out.best is not None:
        out.best, out.moves, out.climbed = _climb(problem, out.best, better, spec.mapper.get("min_utilization"))
    return out


def _neighbours(slots, f: np.ndarray):
    """Factor columns [n_slots, m] one move from `f`: one prime factor of a free slot's factor moved to
    another free slot of the same dim (fixed and fan-out-1 slots stay); None if there is none."""
    by_dim: dict = {}
    for k, s in enumerate(slots):
        if s.fixed is None:
            by_dim.setdefault(s.dim, []).append(k)
    out = []
    for ks in by_dim.values():
        for i in ks:
            for p in sorted({q for q in range(2, int(f[i]) + 1) if f[i] % q == 0 and all(q % r for r in range(2, q))}):
                for j in ks:
                    if j != i:
                        g = f.copy()
                        g[i] //= p
                        g[j] *= p
                        out.append(g)
    return np.array(out, dtype=np.int64).T if out else None


def _climb(problem, best, better, min_util):
    """Greedy local search from the sampled best: move to the best valid neighbour (`_neighbours`, same
    variant and loop order) while it is better, at most CLIMB_ROUNDS moves. Returns (best, moves, evaluated)."""
    v, slots, f, res = best
    moves = evaluated = 0
    for _ in range(CLIMB_ROUNDS):
        F = _neighbours(slots, f)
        if F is None:
            break
        good, r = _evaluate(problem, v, slots, F, _fans_out(v, slots, F), min_util)
        evaluated += F.shape[1]
        pick = None
        for j in np.flatnonzero(good):
            cand = {k: r[k][j] for k in ("compute_cycles", "cycles", "energy_pj")}
            if better(cand, res if pick is None else pick[1]):
                pick = (j, cand)
        if pick is None:
            break
        f, res, moves = F[:, pick[0]].copy(), pick[1], moves + 1
    return (v, slots, f, res), moves, evaluated


STOP_TEXT = {"timeout": "timeout ({n} invalid in a row)", "victory-condition": "victory-condition ({n} without "
             "improvement)", "search-size": "search-size ({n} valid)", "cap": "the cap of {n} draws"}


def describe(p: Plan, o: Outcome) -> str:
    """What ran and how much of the space it saw (the Cost's message)."""
    s = p.settings
    n = {"timeout": s["timeout"], "victory-condition": s["victory-condition"], "search-size": s["search-size"],
         "cap": HARD_CAP}
    why = "; ".join(sorted({STOP_TEXT[x].format(n=f"{n[x]:,}") for x in o.stops}))
    if s.get("algorithm", "random") not in ("random", "random-pruned"):
        why += f" (the config's algorithm {s['algorithm']!r} walks the space in order; sampled at random instead)"
    return (f"sampled search (mapspace too large to enumerate: >= {p.size:.3g} index factorizations x "
            f"{p.variants:,} split/bypass variants x loop orders): {o.drawn:,} mappings drawn, {o.valid:,} valid, "
            f"over {len(o.stops)} thread(s), seed {SEED}; stopped by {why}; then {o.moves} local-search move(s) "
            f"({o.climbed:,} neighbours evaluated); best found, not proven optimal")
