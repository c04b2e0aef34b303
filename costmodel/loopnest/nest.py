"""Vectorised Timeloop nest analysis (v1.0; v3+ under a switch, below): a batch of mappings sharing one loop structure.

A loop structure is a list of loops INNER -> OUTER: (level index, dim, spatial axis or None), level
index into spec.levels (0 = outermost). Each level's spatial loops sit inside its temporal loops and
fan out to the level below. ``factors`` is an int64 array [n_loops, batch]. Semantics (Timeloop v1.0,
checked term by term against reference stats.txt):

* tile of data space d at level i: the box projected by all loops at level i and below.
* instances of level i: product of the spatial factors of the levels above i.
* fills (per instance): the first tile (v1.0 counts first fills) plus, for every advance of a temporal
  loop above i (inner temporal loops above i wrap), the points of the new box not in the previous one
  under Timeloop's AAHR difference: an overlap is kept only when the box moved FORWARD along ONE
  axis (a sliding input window); a backward move (a wrap) or a move along two axes refills the whole
  tile. Closed form: sum over loops of (advances) x (delta of that step). v1.0 runs each loop's
  iterations #0 and #1 and scales #1 by F - 1 (gExtrapolateUniformTemporal), so when an outer loop
  steps, an inner loop comes back from its iteration #1, not its last: one step back (a sliding window
  may then overlap fully). No fills at the outermost level.
* content accesses (per instance): innermost keeping level: every temporal iteration once per
  distinct operand over the fan-out below (T x relevant spatial factors below); an outer keeping
  level: the next inner keeping level's fills x the relevant spatial factors in between (irrelevant
  spatial factors are multicast / spatially reduced).
* read-only: reads = content. Read-write (the shape's output): updates = content, reads = content - partition
  (first update of each element needs no read), partition = distinct elements per instance.
* level cycles = ceil(T / slowdown), slowdown = min(1, bw / ((accesses per instance) / T)) for reads
  (reads) and writes (fills + updates) over all data spaces; total cycles = max over levels.
* energy = sum over levels and data spaces of ceil(accesses / block) * V * utilized clusters,
  utilized clusters = min(instances used, level instances / cluster size); + MACCs x MAC energy.

``spec.semantics == "timeloop-v3"`` (Timeloop v3+/v4; measured on real outputs, tests/costmodel/timeloop/v4):
no fill for the first write of an output at an inner level (fills - partition); a sliding window keeps its
overlap only when no temporal loop of bound > 1 lies between the sliding loop and the tile; energy per
action: ceil(reads / block) x read + ceil(fills / block) x fill + ceil(updates / block) x update (ERT
energies) per utilized cluster, + leak x cycles x utilized instances per level.
"""
from __future__ import annotations

import numpy as np

from .problem import Problem
from .spec import AcceleratorSpec


def _prod(arrs, like):
    """The product of `arrs` (the array itself when there is one), or `like` when there is none."""
    out = None
    for a in arrs:
        out = a if out is None else out * a
    return like if out is None else out


def blocks(words, block: int):
    """ceil(words / block) for integer arrays (a shift when `block` is a power of two: same integers, faster)."""
    if block == 1:
        return words
    if isinstance(block, (int, np.integer)) and block & (block - 1) == 0:
        return (words + (block - 1)) >> (int(block).bit_length() - 1)
    return -(-words // block)


def span(axis, ext):
    """Extent of a data-space axis (((dim, coefficient), ...)) over a box with per-dim extents `ext`."""
    if len(axis) == 1 and axis[0][1] == 1:
        return ext[axis[0][0]]
    return sum((ext[d] - 1) * c for d, c in axis) + 1


def _fills(loops, F, above, axes, rel, e, extents, size, ones, v3=False):
    """Per-instance fills of a tile (extents per axis, `size` points) under the loops `above` it
    (indices into loops, inner -> outer): the first tile, then the new points of every temporal step.
    v3 (measured on Timeloop v3+ outputs): a sliding window keeps its overlap only when no temporal loop
    of bound > 1 lies between the sliding loop and the tile."""
    if all(len(ax) == 1 for ax in axes):
        return _fills_boxes(loops, F, above, rel, size, ones)
    stride = {d: e[d] for d in rel}                  # op-space stride of the next loop per dim
    wrap = {d: None for d in rel}                    # accumulated wrap-back of inner temporal loops (None: none)
    tot = size
    tl = [j for j in above if loops[j][2] is None]
    outer, suffix = {}, None                         # per temporal loop, the product of the bounds outside it
    for j in reversed(tl):
        outer[j] = suffix
        suffix = F[j] if suffix is None else suffix * F[j]
    inner = False                                    # a temporal loop of bound > 1 below this one (v3)
    for j in above:
        d = loops[j][1]
        if loops[j][2] is None:
            if d not in rel and all(w is None for w in wrap.values()) and inner is False:
                inner = F[j] > 1 if v3 else inner    # the tile does not move: no new points
                continue
            overlap, moving = None, []
            for ax, ex in zip(axes, extents):
                terms = [(wrap[dd], dd == d, c) for dd, c in ax if wrap[dd] is not None or dd == d]
                if not terms:                      # this axis does not move: full overlap along it
                    overlap = ex if overlap is None else overlap * ex
                    continue
                sh = None
                for w, own, c in terms:            # the shift along the axis: sum of (wrap (+ stride)) x coefficient
                    t = (stride[d] if w is None else w + stride[d]) if own else w
                    t = t if c == 1 else t * c
                    sh = t if sh is None else sh + t
                moving.append(sh)
                # AAHR difference: only a forward move along one axis keeps an overlap (a shift of strides
                # alone is never backward)
                keep = np.maximum(0, ex - sh)
                if any(w is not None for w, _, _ in terms):
                    keep = np.where(sh >= 0, keep, 0)
                overlap = keep if overlap is None else overlap * keep
            if len(moving) > 1:                     # moved along two axes: no overlap
                overlap = np.where(sum(sh != 0 for sh in moving) > 1, 0, overlap)
            if v3:
                overlap = np.where(inner, 0, overlap)
                inner = inner | (F[j] > 1)
            steps = F[j] - 1 if outer[j] is None else (F[j] - 1) * outer[j]
            tot = tot + steps * (size - overlap)
            if d in rel:     # v1.0 extrapolates a loop from its iterations #0 and #1, so an outer step
                back = np.minimum(F[j] - 1, 1) * stride[d]                # finds it back one step, not F - 1
                wrap[d] = -back if wrap[d] is None else wrap[d] - back
        if d in rel:
            stride[d] = stride[d] * F[j]
    return tot


def _fills_boxes(loops, F, above, rel, size, ones):
    """_fills of a data space whose every axis is one dim (no sliding window): a temporal step that moves
    the tile along an axis leaves no overlap (it moves by at least its extent, or back), so it refills the
    whole tile; it moves iff its dim is relevant or an inner relevant temporal loop above has wrapped. So
    every temporal step of the loops from the innermost relevant one of bound > 1 outward refills: 1 + their
    steps = the product of their bounds (sum over loops of (F - 1) x the bounds outside it telescopes)."""
    tl = [j for j in above if loops[j][2] is None]
    out, outward = ones, ones                        # outward: the product of the bounds from this loop out
    for j in reversed(tl):                           # outer -> inner: the innermost relevant loop > 1 wins
        outward = outward * F[j]
        if loops[j][1] in rel:
            out = np.where(F[j] > 1, outward, out)
    return size * out


def outer_accesses(problem: Problem, spec: AcceleratorSpec, loops: list, factors: np.ndarray, ds: str) -> np.ndarray:
    """Per candidate, the accesses of data space `ds` at the outermost level when it keeps `ds` and an
    inner level does too (the content accesses: the next keeper's fills x the relevant fan-out between)
    -- the exact reads of a read-only data space there, the updates of a read-write one (whose reads are
    content - partition more, so a lower bound)."""
    F = np.asarray(factors, dtype=np.int64)
    ones = np.ones(F.shape[1], dtype=np.int64)
    keepers = [i for i, lv in enumerate(spec.levels) if ds in lv.keep]
    b = keepers[1]
    axes = problem.dataspaces()[ds]
    rel = {d for ax in axes for d, _ in ax}
    e = {d: _prod([F[j] for j, lp in enumerate(loops) if lp[1] == d and lp[0] >= b], ones) for d in problem.dims}
    extents = [span(ax, e) for ax in axes]
    above = [j for j, lp in enumerate(loops) if lp[0] < b]
    f = _fills(loops, F, above, axes, rel, e, extents, _prod(extents, ones), ones, spec.semantics == "timeloop-v3")
    between = _prod([F[j] for j, lp in enumerate(loops) if lp[2] is not None and lp[0] < b and lp[1] in rel], ones)
    return f * between


def analyze(problem: Problem, spec: AcceleratorSpec, loops: list, factors: np.ndarray, detail: bool = False) -> dict:
    """Evaluate a batch. Returns arrays: compute_cycles, cycles, energy_pj, valid (capacity), and with
    ``detail`` a per-(level, data space) dict of stats."""
    F = np.asarray(factors, dtype=np.int64)
    if F.ndim == 1:
        F = F[:, None]
    used = (F != 1).any(axis=1)          # a loop of bound 1 in every candidate changes nothing: drop it
    if not used.all():
        loops, F = [lp for lp, u in zip(loops, used) if u], F[used]
    nL = len(spec.levels)
    v3 = spec.semantics == "timeloop-v3"
    ones = np.ones(F.shape[1], dtype=np.int64)
    Fr = list(F)                         # the loops' factor rows
    at = [[] for _ in range(nL)]         # per level, its loops (inner -> outer)
    for j, lp in enumerate(loops):
        at[lp[0]].append(j)
    T = _prod([Fr[j] for j, lp in enumerate(loops) if lp[2] is None], ones)
    spaces = problem.dataspaces()
    stats = {}
    energy = None
    Tf = T.astype(np.float64)
    read_bw, write_bw, level_size = [None] * nL, [None] * nL, [None] * nL   # per level: sums over data spaces

    # extent of every dim at/below each level (level index larger = inner), instances of each level
    ext = [None] * nL
    cur = {d: ones for d in problem.dims}
    for i in range(nL - 1, -1, -1):
        for j in at[i]:
            d = loops[j][1]
            cur[d] = Fr[j] if cur[d] is ones else cur[d] * Fr[j]
        ext[i] = dict(cur)
    inst = [ones] * nL
    for i in range(1, nL):
        fan = _prod([Fr[j] for j in at[i - 1] if loops[j][2] is not None], None)
        inst[i] = inst[i - 1] if fan is None else fan if inst[i - 1] is ones else inst[i - 1] * fan
    above_of = {}                        # per level, the loops above it

    read_write = problem.shape.read_write
    for ds in problem.shape.dataspaces:
        axes = spaces[ds]
        rel = {d for ax in axes for d, _ in ax}
        keepers = [i for i, lv in enumerate(spec.levels) if ds in lv.keep]  # outer -> inner
        fills, content = {}, {}
        for i in keepers:
            e = ext[i]
            extents = [span(ax, e) for ax in axes]
            size = _prod(extents, ones)
            level_size[i] = size if level_size[i] is None else level_size[i] + size
            if i not in above_of:
                above_of[i] = [j for j, lp in enumerate(loops) if lp[0] < i]
            above = above_of[i]
            fills[i] = np.zeros_like(ones) if i == 0 else _fills(loops, F, above, axes, rel, e, extents, size, ones, v3)
            # partition (distinct elements per instance): extents with the temporal factors above (needed for
            # a read-write data space's reads, else only as a statistic)
            part = None
            if ds in read_write or detail:
                pe = {d: _prod([e[d]] + [Fr[j] for j in above if loops[j][1] == d and loops[j][2] is None], None)
                      for d in rel}
                part = _prod([span(ax, pe) for ax in axes], ones)
            stats[(spec.levels[i].name, ds)] = {"size": size, "partition": part, "instances": inst[i], "fills": fills[i]}
        # content accesses, inner -> outer
        inner = keepers[-1]
        relspatial_below = _prod([Fr[j] for j, lp in enumerate(loops)
                                  if lp[2] is not None and lp[0] >= inner and lp[1] in rel], None)
        content[inner] = T if relspatial_below is None else T * relspatial_below
        for a, b in zip(keepers[-2::-1], keepers[::-1]):   # a outer of b
            between = _prod([Fr[j] for j, lp in enumerate(loops)
                             if lp[2] is not None and a <= lp[0] < b and lp[1] in rel], None)
            content[a] = fills[b] if between is None else fills[b] * between
        for i in keepers:
            st = stats[(spec.levels[i].name, ds)]
            lv = spec.levels[i]
            if ds in read_write:
                reads, updates = content[i] - st["partition"], content[i]
                if v3 and i > 0:                            # v3+: the first write of an output fills nothing
                    st["fills"] = st["fills"] - st["partition"]
                written = updates + st["fills"]
            else:                                           # read-only: no updates
                reads, updates, written = content[i], None, st["fills"]
            if detail:
                st.update(reads=reads, updates=np.zeros_like(ones) if updates is None else updates, content=content[i])
            if lv.read_bandwidth is not None or detail:     # v1.0's float order: per data space, then summed
                read_bw[i] = reads / Tf if read_bw[i] is None else read_bw[i] + reads / Tf
            if lv.write_bandwidth is not None or detail:
                write_bw[i] = written / Tf if write_bw[i] is None else write_bw[i] + written / Tf
            cap = max(1, lv.instances // lv.cluster_size)
            clusters = None if st["instances"] is ones or cap == 1 else np.minimum(st["instances"], cap)
            if v3:      # v3+: each action its own ERT energy, vectors rounded up per action
                a, b = lv.actions, lv.block_size
                e_pj = blocks(reads, b) * a["read"] + blocks(st["fills"], b) * a["fill"]
                if updates is not None:
                    e_pj = e_pj + blocks(updates, b) * a["update"]
            else:
                e_pj = blocks(reads + written, lv.block_size) * lv.access_energy_pj
            if clusters is not None:    # (none: one utilized cluster per row, x 1 would give the same floats)
                e_pj = e_pj * clusters
            if detail:
                st["energy_pj"] = e_pj
            energy = e_pj.astype(np.float64, copy=False) if energy is None else energy + e_pj

    # capacity
    valid = np.ones(F.shape[1], dtype=bool)
    for i, lv in enumerate(spec.levels):
        if lv.entries is not None and lv.keep:
            valid &= level_size[i] <= lv.entries
    macs = problem.macs
    energy = (np.zeros(F.shape[1]) if energy is None else energy) + macs * spec.mac.energy_pj
    # bandwidth throttling
    cycles = T.copy()
    level_cycles = []
    for i, lv in enumerate(spec.levels):
        if lv.read_bandwidth is None and lv.write_bandwidth is None and not detail:
            continue                                        # no limit: the level's cycles are the compute cycles
        needs = [(bw, need) for bw, need in ((lv.read_bandwidth, read_bw[i]), (lv.write_bandwidth, write_bw[i]))
                 if bw is not None and need is not None]
        if not detail and not any((need > bw).any() for bw, need in needs):
            continue                                        # never throttled: its cycles are the compute cycles
        slow = np.ones_like(Tf)
        for bw, need in needs:
            with np.errstate(divide="ignore"):
                slow = np.where(bw < need, np.minimum(slow, bw / np.where(need > 0, need, 1)), slow)
        cyc = np.ceil(Tf / slow).astype(np.int64)
        level_cycles.append(cyc)
        cycles = np.maximum(cycles, cyc)
    if v3:      # v3+: leakage per instance-cycle of the utilized instances, over all cycles
        for i, lv in enumerate(spec.levels):
            if lv.actions.get("leak"):
                used = [stats[(lv.name, ds)]["instances"] for ds in lv.keep]
                energy = energy + lv.actions["leak"] * cycles * np.maximum.reduce(used + [ones])
    out = {"compute_cycles": T, "cycles": cycles, "energy_pj": energy, "valid": valid}
    if detail:
        out["stats"] = stats
        out["level_cycles"] = level_cycles
    return out
