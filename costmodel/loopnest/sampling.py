"""The sampled search of a mapspace too large to enumerate (loopnest.strategy decides when; e.g. an arch
read without its constraints file: 4,096 variants x ~4.4e12 index factorizations for a 3x3 conv on
Eyeriss): Timeloop v1.0's random search with its termination rules, per search thread
(``num-threads``, else the spec's ``threads``): ``timeout`` consecutive invalid mappings (fan-out, capacity), ``victory-condition`` consecutive
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

from dataclasses import dataclass

import numpy as np

from . import mapspace, permute
from .nest import analyze
from .strategy import Plan, concrete, options

BATCH = 256              # candidates drawn and evaluated together
SEED = 0                 # the generator's seed (thread t uses SEED + t)
HARD_CAP = 1_000_000     # mappings drawn per thread at most (a config may disable every other stop)
CLIMB_ROUNDS = 200       # local-search moves at most


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
    v = concrete(spec, [o[rng.integers(len(o))] for o in opts])
    v = permute._named_after(v, lambda lv: list(rng.permutation([d for d in problem.shape.order if d not in lv.temporal.permutation])))
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
    opts = options(spec, problem.bounds, problem.shape.order)
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
