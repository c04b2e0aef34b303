"""Two pictures of a `ProfileResult` (matplotlib, the ``plot`` extra), sized to be read at 100 %:

  * `plot_layers`: one horizontal bar per layer, top to bottom in execution order: cycles split into
    MAC-level compute cycles and bandwidth stall (cycles - compute_cycles), and energy split by
    storage level and MAC; critical-path layers are named in red.
  * `plot_dag`: the task DAG, top to bottom by dependency depth, each box ``name / op / cost``;
    the critical path in red.
"""
from __future__ import annotations

from ..plotting import pyplot, save
from .graph import LAYER_KINDS

COLORS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c", "#ccb974"]


def plot_layers(r, path: str, title: str = "model") -> None:
    """Per-layer stacked bars: cycles (compute + stall) and energy by level [pJ]."""
    plt = pyplot()
    t = r.table[r.table.op.isin(LAYER_KINDS)].reset_index(drop=True)
    n = len(t)
    levels = [lv for lv in (r.levels or []) if t[f"{lv}_pj"].fillna(0).sum() > 0]
    has_split = bool(levels) and not t[[f"{lv}_pj" for lv in levels]].isna().any().any()
    panels = 2 if r.totals["energy_pj"] is not None else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels + 2.2, 2.0 + 0.24 * n), sharey=True, squeeze=False)
    y = list(range(n))
    ax = axes[0][0]
    compute = t.compute_cycles.astype(float)
    stall = (t.cycles - t.compute_cycles).clip(lower=0).astype(float)
    ax.barh(y, compute, color=COLORS[0], label="compute_cycles (MAC-level)")
    ax.barh(y, stall, left=compute, color=COLORS[1], label="bandwidth stall (cycles - compute)")
    ax.set_xlabel("cycles")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.9 / (1.4 + 0.24 * n)), ncol=2)
    if panels == 2:
        ax2, left = axes[0][1], [0.0] * n
        if has_split:
            for i, lv in enumerate(levels):
                vals = t[f"{lv}_pj"].astype(float).tolist()
                ax2.barh(y, vals, left=left, color=COLORS[(i + 2) % len(COLORS)], label=lv)
                left = [a + b for a, b in zip(left, vals)]
        else:
            ax2.barh(y, t.energy_pj.astype(float), color=COLORS[2], label="energy (no per-level split)")
        ax2.set_xlabel("energy [pJ]")
        ax2.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.9 / (1.4 + 0.24 * n)), ncol=4)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{nm}  ({op})" for nm, op in zip(t.name, t.op)], fontsize=8)
    for lab, crit in zip(ax.get_yticklabels(), t.critical):
        lab.set_color("red" if crit else "black")
    ax.invert_yaxis()
    for a in axes[0]:
        a.grid(axis="x", alpha=0.3)
        a.tick_params(axis="x", labelsize=8)
    fig.suptitle(f"{title} on {r.arch}: per-layer cycles and energy (red names: critical path)", fontsize=10)
    fig.tight_layout()
    save(fig, path)


def _layout(dag):
    import networkx as nx
    depth = {}
    for n in nx.topological_sort(dag):
        depth[n] = max((depth[p] + 1 for p in dag.predecessors(n)), default=0)
    rows: dict = {}
    for n in dag.nodes:
        rows.setdefault(depth[n], []).append(n)
    pos = {}
    for d, names in rows.items():
        for i, n in enumerate(names):
            pos[n] = (i - (len(names) - 1) / 2, -d)
    return pos, rows


def plot_dag(r, path: str, title: str = "model") -> None:
    """The task DAG top to bottom, critical path red; each box: name, op(s), cost in the critical metric."""
    plt = pyplot()
    dag = r.dag
    pos, rows = _layout(dag)
    width = max(len(v) for v in rows.values())
    fig, ax = plt.subplots(figsize=(max(6.0, 2.7 * width), max(4.0, 0.7 * len(rows) + 1)))
    ops = dict(zip(r.table.name, r.table.op))
    for u, v in dag.edges:
        red = dag.nodes[u]["critical"] and dag.nodes[v]["critical"]
        ax.annotate("", xy=pos[v], xytext=pos[u], arrowprops=dict(arrowstyle="-|>", color="red" if red else "0.6",
                                                                  lw=1.6 if red else 0.8, shrinkA=11, shrinkB=11))
    for n, (x, y) in pos.items():
        d = dag.nodes[n]
        kinds = sorted({ops[m] for m in d["layers"]})
        label = n if len(n) <= 26 else "..." + n[-25:]
        text = f"{label}\n{'+'.join(kinds)[:26]}" + (f"\n{d['weight']:,.0f}" if d["weight"] else "")
        ax.text(x, y, text, ha="center", va="center", fontsize=8, color="red" if d["critical"] else "black",
                bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="red" if d["critical"] else "0.5",
                          lw=1.4 if d["critical"] else 0.7))
    ax.set_xlim(-width / 2 - 0.1, width / 2 + 0.1)
    ax.set_ylim(-len(rows) + 0.4, 0.6)
    ax.axis("off")
    ax.set_title(f"{title} on {r.arch}: critical path {r.max_value:,.0f} {r.metric} (red)", fontsize=10)
    fig.tight_layout()
    save(fig, path)
