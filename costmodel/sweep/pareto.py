"""Variants compared on one genotype: max cycle (Scheduler) vs energy vs area, the Pareto front, a PNG.

Area [mm^2] = the spec's total area (`costmodel.estimate.levels`: every level's arrays and the MACs, from
the shipped CACTI / Accelergy tables); the PE count stays as a column.

Reads the LUT only (a missing row is an error naming the variant: run the sweep over a space that
holds the genotype's shapes, e.g. darts-search for the DARTS search network). Nothing is written
to the LUT.
"""
from __future__ import annotations

import pandas as pd

from ..errors import CostModelError
from ..estimate.levels import total_area_mm2
from ..evaluate import resolve
from ..schedule import Scheduler
from ..schedule.costs import CostTable, key_query
from . import store


def _lut_only(lut, spec, be, lowering: str, name: str) -> CostTable:
    def lookup(key):
        cost = lut.get(spec, be, lowering, key_query(key))
        if cost is None:
            raise CostModelError(f"variant {name}: the LUT has no {lowering} row for {key[0]} (C_in={key[1]}, "
                                 f"C_out={key[2]}, {key[3]}x{key[3]}, stride {key[4]}); sweep a space that holds it")
        return cost
    return CostTable(lookup, f"{name} ({lowering}, LUT {lut.url})", spec, be, lowering)


def pes(spec) -> int:
    """PE count = MAC instances of the spec's dict form (key mac.instances)."""
    mac = spec.to_dict().get("mac")
    if not isinstance(mac, dict) or "instances" not in mac:
        raise CostModelError(f"arch {spec.name!r} has no mac.instances: the PE count needs an accelerator spec")
    return int(mac["instances"])


def pareto_mask(points: list[tuple]) -> list[bool]:
    """True for every point no other point dominates (<= in every objective, < in one); all minimised."""
    def dominates(a, b):
        return all(x <= y for x, y in zip(a, b)) and any(x < y for x, y in zip(a, b))
    return [not any(dominates(q, p) for q in points if q is not p) for p in points]


def variant_points(lut, arch: str, genotype: str = "DARTS_V2", mode: str = "network", metric: str = "compute_cycles",
                   lowering: str = "exact", backend: str | None = None, pattern: str | None = None) -> pd.DataFrame:
    """One row per registered variant of `arch`: max cycle, energy [pJ], area [mm^2], PEs, and whether it is
    Pareto-optimal in (max cycle, energy, area)."""
    reg = store.variants(lut, arch=arch, pattern=pattern)
    if reg.empty:
        raise CostModelError(f"{lut.url}: no registered variants of {arch!r}"
                             f"{' matching ' + repr(pattern) if pattern else ''}; run `costmodel sweep` first")
    rows = []
    names = reg.groupby("spec_hash", sort=False)["variant"].agg(" | ".join)   # every sweep's name of one spec
    for _, r in reg.drop_duplicates("spec_hash").iterrows():
        spec = store.rebuild_spec(r)
        spec, be = resolve(spec, backend)
        costs = _lut_only(lut, spec, be, lowering, r["variant"])
        cyc = Scheduler(costs=costs, mode=mode, metric=metric).max_value(genotype)
        energy = Scheduler(costs=costs, mode=mode, metric="energy").max_value(genotype)
        rows.append({"variant": names[r["spec_hash"]], "spec_hash": r["spec_hash"], "pes": pes(spec),
                     "max_" + metric: cyc, "energy_pj": energy, "area_mm2": total_area_mm2(spec)})
    df = pd.DataFrame(rows)
    df["pareto"] = pareto_mask(list(zip(df["max_" + metric], df.energy_pj, df.area_mm2)))
    return df


def short_label(names: list[str]) -> str:
    """One label for variants at the same point: ``pe_array=32x32`` / ``entries=32768|65536`` (last path part)."""
    values = {}                     # short key -> its values over the names (names may set different keys)
    for n in names:
        n = n.split(" | ")[-1]      # a spec several sweeps registered: its latest name
        for kv in (n[n.find("[") + 1:-1] if "[" in n else n).split(","):
            key, _, v = kv.partition("=")
            values.setdefault(key.split(".")[-1], []).append(v)
    return "\n".join(f"{k}={'|'.join(dict.fromkeys(vs))}" if any(vs) else k for k, vs in values.items())


def plot(df: pd.DataFrame, path: str, title: str) -> None:
    """Two panels: max cycle vs energy and max cycle vs area [mm^2], colour = area resp. energy; the variants
    Pareto-optimal in (max cycle, energy, area) ringed in red and labelled on the first panel."""
    from ..plotting import pyplot, save
    plt = pyplot()
    ycol = [c for c in df.columns if c.startswith("max_")][0]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 5.5))
    front = df[df.pareto].sort_values(ycol)
    sc = ax.scatter(df[ycol], df.energy_pj / 1e6, c=df.area_mm2, cmap="viridis", s=40, edgecolors="none", zorder=2)
    ax.scatter(front[ycol], front.energy_pj / 1e6, s=90, facecolors="none", edgecolors="red", linewidths=1.5,
               zorder=3, label="Pareto-optimal (max cycle, energy, area)")
    mid = (df[ycol].min() + df[ycol].max()) / 2
    for i, ((x, y, _), group) in enumerate(front.groupby([ycol, "energy_pj", "area_mm2"], sort=False)):
        right = x > mid       # labels of right-hand points go to their left; alternately above and below
        ax.annotate(short_label(list(group.variant)), (x, y / 1e6), fontsize=7,
                    xytext=(-25 if right else 25, 22 if i % 2 else -30), textcoords="offset points",
                    ha="right" if right else "left", arrowprops={"arrowstyle": "-", "lw": 0.6, "color": "red"})
    fig.colorbar(sc, ax=ax, label="area [mm^2]")
    sc2 = ax2.scatter(df[ycol], df.area_mm2, c=df.energy_pj / 1e6, cmap="plasma", s=40, edgecolors="none", zorder=2)
    ax2.scatter(front[ycol], front.area_mm2, s=90, facecolors="none", edgecolors="red", linewidths=1.5, zorder=3)
    fig.colorbar(sc2, ax=ax2, label="energy [µJ]")
    xlabel = f"{ycol.removeprefix('max_')} (max over the critical path) [cycles]"
    for a, ylabel in ((ax, "energy (sum over every op) [µJ]"), (ax2, "area (every level + MACs) [mm^2]")):
        a.margins(x=0.12, y=0.12)
        a.set_xlabel(xlabel)
        a.set_ylabel(ylabel)
        a.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    save(fig, path, dpi=130)
