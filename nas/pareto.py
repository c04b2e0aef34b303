"""Pareto tools to judge a search (numpy; no torch).

Points are rows of an [n, d] array of objectives. `senses` says per objective whether smaller
("min", default) or larger ("max", e.g. accuracy) is better.

  dominates(a, b)            a is no worse everywhere and strictly better somewhere (PRP-NAS Sec. 2)
  pareto_ranks(points)       non-dominated sorting: rank 1 = the front, rank k = the front once
                             ranks < k are removed (PRP-NAS Eq. 1)
  hypervolume(points, ref)   volume dominated by the points and bounded by `ref`: exact sweep in
                             2-D, exact slicing (HSO) in n-D
  kendall_tau_b, spearman    rank correlations (scipy.stats; tau-b handles ties)
  pareto_rank_correlation    tau-b (or Spearman) between the Pareto ranks of two evaluations
  dpp_select(points, k)      DPP-Net step 3: K candidates by Pareto rank, the last front cut by
                             crowding distance (most isolated first)
  plot_front                 matplotlib (optional dependency)
"""
from __future__ import annotations

import numpy as np
from scipy import stats

from costmodel.errors import CostModelError


def _as_min(points, senses=None) -> np.ndarray:
    p = np.asarray(points, dtype=float)
    if p.ndim != 2:
        raise CostModelError(f"points must be an [n, d] array of objectives, got shape {p.shape}")
    if senses is None:
        return p
    if len(senses) != p.shape[1]:
        raise CostModelError(f"{len(senses)} senses for {p.shape[1]} objectives")
    bad = [s for s in senses if s not in ("min", "max")]
    if bad:
        raise CostModelError(f"objective sense must be 'min' or 'max', got {bad}")
    return p * np.array([-1.0 if s == "max" else 1.0 for s in senses])


def dominates(a, b, senses=None) -> bool:
    a, b = _as_min([a, b], senses)
    return bool(np.all(a <= b) and np.any(a < b))


def pareto_ranks(points, senses=None) -> np.ndarray:
    """Rank of every point (1 = non-dominated), PRP-NAS Eq. 1."""
    p = _as_min(points, senses)
    n = len(p)
    le = np.all(p[:, None, :] <= p[None, :, :], axis=-1)
    lt = np.any(p[:, None, :] < p[None, :, :], axis=-1)
    dom = le & lt                                   # dom[i, j]: i dominates j
    ranks = np.zeros(n, dtype=int)
    remaining = np.ones(n, dtype=bool)
    k = 0
    while remaining.any():
        k += 1
        dominated = (dom & remaining[:, None]).any(axis=0)
        front = remaining & ~dominated
        ranks[front] = k
        remaining &= ~front
    return ranks


def pareto_front(points, senses=None) -> np.ndarray:
    """Indices of the non-dominated points."""
    return np.flatnonzero(pareto_ranks(points, senses) == 1)


def hypervolume(points, ref, senses=None) -> float:
    """Hypervolume dominated by `points` and bounded by the reference point `ref` (same senses)."""
    p = _as_min(points, senses)
    r = _as_min([ref], senses)[0]
    if len(r) != p.shape[1]:
        raise CostModelError(f"reference point has {len(r)} objectives, points have {p.shape[1]}")
    p = p[np.all(p < r, axis=1)]
    if len(p) == 0:
        return 0.0
    p = p[pareto_ranks(p) == 1]
    return float(_hv(np.unique(p, axis=0), r))


def _hv(p: np.ndarray, r: np.ndarray) -> float:
    d = p.shape[1]
    if d == 1:
        return float(r[0] - p[:, 0].min())
    if d == 2:
        p = p[np.argsort(p[:, 0])]
        vol, best_y = 0.0, r[1]
        for x, y in p:
            if y < best_y:
                vol += (r[0] - x) * (best_y - y)
                best_y = y
        return vol
    # slice along the last objective: between consecutive levels the (d-1)-D front is fixed
    order = np.argsort(p[:, -1])
    p = p[order]
    levels = np.append(p[:, -1], r[-1])
    vol = 0.0
    for i in range(len(p)):
        height = levels[i + 1] - levels[i]
        if height > 0:
            sub = p[:i + 1, :-1]
            sub = sub[pareto_ranks(sub) == 1]
            vol += height * _hv(sub, r[:-1])
    return vol


def _rankings(x, y, name: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise CostModelError(f"{name} needs two 1-D rankings of equal length, got {x.shape} and {y.shape}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise CostModelError(f"{name}: the rankings hold NaN or infinite values")
    return x, y


def _correlation(fn, x, y) -> float:
    """scipy's statistic; nan (undefined) when a ranking is constant or has fewer than 2 entries."""
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan")
    return float(fn(x, y).statistic)


def kendall_tau_b(x, y) -> float:
    """Kendall's tau-b (ties in either ranking handled; scipy.stats.kendalltau); nan if a ranking is constant."""
    x, y = _rankings(x, y, "kendall_tau_b")
    return _correlation(lambda a, b: stats.kendalltau(a, b, variant="b"), x, y)


def spearman(x, y) -> float:
    """Spearman's rho (scipy.stats.spearmanr: Pearson correlation of the average ranks); nan if constant."""
    x, y = _rankings(x, y, "spearman")
    return _correlation(stats.spearmanr, x, y)


def pareto_rank_correlation(estimated, true, senses=None, method: str = "kendall") -> float:
    """Correlation between the Pareto ranks of the same candidates under two evaluations (PRP-NAS Sec. 3.1)."""
    fn = {"kendall": kendall_tau_b, "spearman": spearman}.get(method)
    if fn is None:
        raise CostModelError(f"unknown correlation {method!r} (use kendall or spearman)")
    return fn(pareto_ranks(estimated, senses), pareto_ranks(true, senses))


def crowding_distance(points) -> np.ndarray:
    """NSGA-II crowding distance of each point within its set (boundary points: inf)."""
    p = np.asarray(points, dtype=float)
    n, d = p.shape
    dist = np.zeros(n)
    for k in range(d):
        order = np.argsort(p[:, k], kind="mergesort")
        span = p[order[-1], k] - p[order[0], k]
        dist[order[0]] = dist[order[-1]] = np.inf
        if span > 0 and n > 2:
            dist[order[1:-1]] += (p[order[2:], k] - p[order[:-2], k]) / span
    return dist


def dpp_select(points, k: int, senses=None) -> np.ndarray:
    """Indices of K candidates chosen by Pareto optimality (DPP-Net step 3), best fronts first."""
    p = _as_min(points, senses)
    if not 0 < k <= len(p):
        raise CostModelError(f"cannot select k = {k} of {len(p)} candidates")
    ranks = pareto_ranks(p)
    chosen: list[int] = []
    for r in range(1, ranks.max() + 1):
        front = np.flatnonzero(ranks == r)
        if len(chosen) + len(front) <= k:
            chosen.extend(front.tolist())
        else:
            cd = crowding_distance(p[front])
            best = front[np.argsort(-cd, kind="mergesort")][:k - len(chosen)]
            chosen.extend(best.tolist())
        if len(chosen) == k:
            break
    return np.array(chosen)


def plot_front(points, path: str, labels=("objective 1", "objective 2"), senses=None, title: str = "") -> str:
    """Scatter the points with the Pareto front highlighted; saves to `path` (needs matplotlib)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        from costmodel.extras import missing
        raise missing("matplotlib", "plot_front") from None
    p = np.asarray(points, dtype=float)
    front = pareto_front(p, senses)
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.scatter(p[:, 0], p[:, 1], s=12, color="0.6", label="candidates")
    f = p[front][np.argsort(p[front, 0])]
    ax.plot(f[:, 0], f[:, 1], "o-", color="C3", label="Pareto front")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
