"""Readable output of a `ScheduleResult`: the critical-path table, a Graphviz DOT drawing, a PNG.

The text says which number it shows (compute cycles / cycles / energy), the mode, where the
costs came from, and which per-op numbers are our models rather than Timeloop's (max pooling is
not a MAC layer and cannot be expressed in Timeloop v1.0: it is costed as element comparisons at
the throughput the arch spec states; average pooling is a conv with constant weights).
"""
from __future__ import annotations


from . import MODES, ScheduleResult
from .costs import METRICS


def _num(v: float, metric: str) -> str:
    return f"{v:,.1f}" if metric == "energy" else f"{v:,.0f}"


def _task_shape(key) -> str:
    if key is None:
        return "-"
    op, c_in, c_out, h, stride = key
    return f"C{c_in}->{c_out} {h}x{h} s{stride}"


def render(result: ScheduleResult, genotype_name: str = "genotype", arch_name: str = "") -> str:
    r, m = result, result.metric
    lines = [f"{genotype_name} on {arch_name or 'injected costs'}: mode {r.mode} ({MODES[r.mode]})",
             f"  graph: {r.dag.description}",
             f"  costs: {r.costs}", f"  metric: {METRICS[m]}"]
    if m == "energy":
        lines.append(f"energy (sum over every task; energy has no critical path): {_num(r.value, m)} pJ")
        return "\n".join(lines + _provenance(r))
    nodes = r.dag.nodes
    label = "sequential sum" if r.mode == "sequential" else "maximum cycle (critical path)"
    lines.append("")
    lines.append(f"{'from':<10} {'to':<10} {'op':<18} {'shape':<20} {'start':>12} {'end':>12} {'cost':>12}")
    for tt in r.critical_path:
        t = tt.task
        lines.append(f"{nodes[t.src]:<10} {nodes[t.dst]:<10} {t.op:<18} {_task_shape(t.key):<20} "
                     f"{_num(tt.start, m):>12} {_num(tt.end, m):>12} {_num(tt.value, m):>12}")
    lines.append("")
    lines.append(f"{label}: {_num(r.value, m)} {r.unit} ({m})")
    if r.mode != "sequential":
        lines.append(f"sequential sum of every task: {_num(r.sequential_sum, m)} {r.unit} "
                     f"(parallel speed-up {r.sequential_sum / r.value:.2f}x)" if r.value else
                     f"sequential sum of every task: {_num(r.sequential_sum, m)} {r.unit}")
        shown = [(n, v) for n, v in r.node_finish.items() if not n.endswith((".s0", ".s1"))
                 and (r.mode != "network" or n.endswith(".out") or n == "stem")]
        what = "cell output finish times" if r.mode == "network" else "node finish times"
        lines.append(f"{what}: " + ", ".join(f"{n}={_num(v, m)}" for n, v in shown))
    return "\n".join(lines + _provenance(r))


def _provenance(r: ScheduleResult) -> list[str]:
    return ["", "where the numbers come from:"] + [f"  {n}" for n in r.notes] if r.notes else []


def to_dot(result: ScheduleResult, title: str = "") -> str:
    """Graphviz DOT of the DAG; the critical path is drawn red and bold."""
    crit = {id(tt.task) for tt in result.critical_path}
    by_task = {id(tt.task): tt for tt in result.tasks}
    on_path = set(result.critical_nodes)
    lines = ["digraph schedule {", "  rankdir=LR;", f'  label="{title}";', "  node [shape=box, fontsize=10];"]
    for i, name in enumerate(result.dag.nodes):
        style = ', color=red, penwidth=2' if name in on_path else ""
        fin = result.node_finish.get(name)
        extra = f"\\n{_num(fin, result.metric)}" if fin is not None else ""
        lines.append(f'  n{i} [label="{name}{extra}"{style}];')
    for t in result.dag.tasks:
        tt = by_task[id(t)]
        label = t.op if t.key is None else f"{t.op}\\n{_num(tt.value, result.metric)}"
        style = ', color=red, penwidth=2.5, fontcolor=red' if id(t) in crit else (', style=dashed' if t.key is None else "")
        lines.append(f'  n{t.src} -> n{t.dst} [label="{label}", fontsize=8{style}];')
    lines.append("}")
    return "\n".join(lines)


def write_dot(result: ScheduleResult, path: str, title: str = "") -> None:
    from ..userfiles import write_file
    write_file(path, to_dot(result, title) + "\n", "--dot")


WRAP = 14      # DAG columns per band of the PNG


def write_png(result: ScheduleResult, path: str, title: str = "") -> None:
    """Draw the DAG with matplotlib (critical path red). Needs matplotlib (the [plot] extra)."""
    from ..plotting import pyplot, save
    plt = pyplot("or use --dot FILE and Graphviz")
    import networkx as nx
    g = result.dag.to_networkx()
    depth = {}
    for t in result.dag.tasks:  # topological order: a node's column = 1 + its deepest predecessor's
        depth[t.dst] = max(depth.get(t.dst, 0), depth.get(t.src, 0) + 1)
    rows: dict = {}
    for n in g.nodes:
        rows[depth.get(n, 0)] = rows.get(depth.get(n, 0), 0) + 1
    # a long DAG (a whole network) wraps into bands of WRAP columns, one below the other, so the picture
    # stays readable instead of one strip thousands of pixels wide
    width = min(len(rows), WRAP)
    band_h = max(rows.values()) + 1.5
    bands = -(-len(rows) // width)
    pos, seen = {}, {}
    for n in g.nodes:
        col = depth.get(n, 0)
        pos[n] = (col % width, -(col // width) * band_h - seen.setdefault(col, 0))
        seen[col] += 1
    crit = {(tt.task.src, tt.task.dst) for tt in result.critical_path}
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * width), max(4, 0.9 * bands * band_h)))
    colors = ["red" if (u, v) in crit else "gray" for u, v, _ in g.edges(keys=True)]
    nx.draw_networkx(g, pos, ax=ax, labels={i: n for i, n in enumerate(result.dag.nodes)}, node_color="white",
                     edgecolors="black", node_shape="s", font_size=7, edge_color=colors, arrows=True)
    on_path = {(tt.task.src, tt.task.dst): f"{tt.task.op}\n{_num(tt.value, result.metric)}"
               for tt in result.critical_path if tt.task.key is not None}
    nx.draw_networkx_edge_labels(nx.DiGraph(list(on_path)), pos, edge_labels=on_path, ax=ax, font_size=6,
                                 font_color="red")
    ax.set_title(title, fontsize=9)
    ax.axis("off")
    fig.tight_layout()
    save(fig, path, dpi=120)
