"""Lower bounds on a candidate's cost for the mapper's pruning (loopnest.mapper): compulsory and
innermost-level energy, compute and write-bandwidth cycles, and the outermost level's exact accesses
(nest.outer_accesses) data space by data space. Never above the exact cost (nest.analyze)."""
from __future__ import annotations

import numpy as np

from .nest import blocks, outer_accesses
from .problem import Problem
from .spec import AcceleratorSpec

CHUNK = 32768        # candidates evaluated per numpy pass
SMALL = 4096         # mapspaces up to this many legal mappings are evaluated whole (cheaper than bounding)
PROBE = 128          # candidates evaluated for the first incumbent


def lowest(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k lowest `values` (ties: any of them), without partitioning them all: the values up to a
    threshold from an evenly spaced sample (expected ~4k of them) are partitioned instead, when there are at
    least k (else all are)."""
    if values.size <= 8 * k:
        return np.argpartition(values, min(k, values.size - 1))[:k]
    step = values.size // (4 * k)
    sample = values[::step]
    j = min(sample.size - 1, -(-4 * k // step))      # the sample's j-th lowest: ~4k values are at most that
    cut = np.partition(sample, j)[j]
    near = np.flatnonzero(values <= cut)
    if near.size < k:
        return np.argpartition(values, k)[:k]
    return near[np.argpartition(values[near], k - 1)[:k]] if near.size > k else near


def outer_compulsory(problem: Problem, spec: AcceleratorSpec) -> dict:
    """Per data space kept at the outermost level, the block accesses that move every point a MAC
    really reads once there (its energy: x the level's access energy) [blocks]."""
    outer = spec.levels[0]
    return {ds: -(-problem.used(ds) // outer.block_size) for ds in problem.shape.dataspaces if ds in outer.keep}


def energy_lower_bound(problem: Problem, spec: AcceleratorSpec, T: np.ndarray, spatial) -> np.ndarray:
    """Per candidate, a lower bound on its energy [pJ]: all MACs; outer_compulsory; at the innermost
    level keeping each data space (if not the outermost), its content accesses (T x the relevant fan-out
    below it; x 2 for read-write: reads + updates + fills) per utilized cluster."""
    v3 = spec.semantics == "timeloop-v3"       # per-action energies: the cheapest action bounds every access
    per = [min(lv.actions[a] for a in ("read", "fill", "update")) if v3 and lv.actions else lv.access_energy_pj
           for lv in spec.levels]
    e = problem.macs * spec.mac.energy_pj
    e += per[0] * sum(outer_compulsory(problem, spec).values())
    e = np.full(T.shape, float(e))
    buf = None                                 # one float buffer for the terms (temporaries kept few)
    nL = len(spec.levels)
    for ds in problem.shape.dataspaces:
        i = max(k for k, lv in enumerate(spec.levels) if ds in lv.keep)
        if i == 0:
            continue
        lv = spec.levels[i]
        cap = max(1, lv.instances // lv.cluster_size)
        fan = np.prod([x * y for x, y in map(spec.fanout, range(i))], dtype=np.int64)
        clusters = (None if cap == 1 else spatial(problem.dims, list(range(i))) if fan <= cap  # no row uses
                    else np.minimum(spatial(problem.dims, list(range(i))), cap))            # more than `fan`
        below = spatial(problem.relevant(ds), list(range(i, nL)))
        acc = T if isinstance(below, int) and below == 1 else T * below
        if ds in problem.shape.read_write and not v3:                        # v1.0 r-w: >= 2 x content
            acc = acc * 2 if acc is T else np.multiply(acc, 2, out=acc)
        if lv.block_size > 1:
            acc = blocks(acc, lv.block_size) if acc is T else _blocks_in_place(acc, lv.block_size)
        buf = np.multiply(acc, per[i], out=buf)
        if clusters is not None:           # (none: one cluster per row, x 1 gives the same floats)
            buf *= clusters
        e += buf
    return e


def _blocks_in_place(words: np.ndarray, block: int) -> np.ndarray:
    """nest.blocks (ceil(words / block)) in `words`' own memory."""
    if block & (block - 1) == 0:
        words += block - 1
        words >>= block.bit_length() - 1
    else:
        np.negative(words, out=words)
        words //= block
        np.negative(words, out=words)
    return words


def cycles_lower_bound(problem: Problem, spec: AcceleratorSpec, T: np.ndarray, spatial: np.ndarray) -> np.ndarray:
    """Per candidate, total cycles >= compute cycles and >= the write-bandwidth bound of the innermost
    level keeping each read-write data space (updates >= T, fills >= its elements per instance)."""
    out = T.astype(np.float64)
    for ds in problem.shape.read_write:
        i = max(k for k, lv in enumerate(spec.levels) if ds in lv.keep)
        lv = spec.levels[i]
        if lv.write_bandwidth and i > 0:
            inst = spatial(problem.dims, list(range(i)))
            if spec.semantics == "timeloop-v3":                                    # v3: no first-write fills
                need = T / lv.write_bandwidth
            else:
                need = T + problem.size(ds) / inst
                need /= lv.write_bandwidth
            np.maximum(out, need, out=out)
    return out


def outer_bound(problem, spec, loops, factors_of, rows, e_lb, c_lb, combine, incumbent):
    """The rows whose second bound stays within the incumbent's: data space by data space, the outermost
    level's exact accesses replace its compulsory ones in the energy bound; after each, the candidates
    with the lowest new bounds are evaluated (a better incumbent) and the rows pruned."""
    outer = spec.levels[0]
    comp = outer_compulsory(problem, spec)
    for ds in problem.shape.dataspaces:
        keepers = [i for i, lv in enumerate(spec.levels) if ds in lv.keep]
        if rows.size <= PROBE or len(keepers) < 2 or keepers[0] != 0:
            continue
        acc = np.empty(rows.size, dtype=np.int64)
        for a in range(0, rows.size, CHUNK):
            keep, F = factors_of(rows[a:a + CHUNK], only_active=True)
            acc[a:a + CHUNK] = outer_accesses(problem, spec, [loops[k] for k in keep], F, ds)
        e_lb = e_lb + outer.access_energy_pj * (blocks(acc, outer.block_size) - comp[ds])
        lb = combine(e_lb, c_lb)
        if rows.size > SMALL:
            incumbent(rows[lowest(lb, PROBE)])
        ok = lb <= incumbent(None)
        rows, e_lb, c_lb = rows[ok], e_lb[ok], c_lb[ok]
    return rows
