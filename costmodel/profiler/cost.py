"""Cost a `Graph` on an arch: per-layer costs from the LUT (computed and stored when missing), the
sequential totals, and the critical path of the real data-dependency DAG.

Scheduling model (MDARTS Sec. III-C, as `costmodel schedule`): a layer starts when every layer it
reads has finished; layers on different branches run in parallel; adds and concats cost nothing.
``group`` merges the layers under given module paths into one task that runs its layers one after
another (e.g. one DARTS op = one task, as the scheduler's genotype DAGs count it).
The longest path is computed by `costmodel.schedule.longest` over a networkx topological order.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from ..errors import CostModelError
from ..evaluate import evaluate_op, resolve
from ..matmul import matmul_bmkn
from ..ops import lower
from ..schedule.costs import METRICS
from ..schedule.longest import critical_tasks, finish_times
from .breakdown import energy_by_level, level_names
from .graph import Graph, LAYER_KINDS

COLUMNS = ("name", "op", "source", "fused", "in_shape", "out_shape", "N", "C", "K", "G", "R", "S", "P", "Q", "gemm",
           "cycles", "compute_cycles", "energy_pj", "utilization", "macs", "status", "task", "start", "finish",
           "critical")


@dataclass
class ProfileResult:
    """A profiled model. ``table``: one row per layer/join (see COLUMNS; ``gemm`` = B x M x K x N of a
    matmul, whose N C K G R S P Q are its grouped 1x1 conv form; ``start``/``finish`` in `metric`
    units on the critical-path schedule, ``critical`` marks the layers on the critical path), then
    one ``<level>_pj`` column per storage level and ``MAC_pj`` when the arch models energy."""

    table: pd.DataFrame
    arch: str
    costs: str                 # where the costs came from (arch, backend, lowering, LUT)
    tracer: str                # fx | hooks | onnx
    metric: str                # the critical path's metric: compute_cycles | cycles
    max_value: float           # the critical path's length [metric units]
    critical_path: list        # task names, first to last
    totals: dict               # sequential sums: cycles, compute_cycles, energy_pj (None: no model), macs
    levels: list | None        # energy breakdown columns (None: no energy model)
    dag: nx.DiGraph            # tasks and their data dependencies (node attrs: weight, start, finish)
    timing: dict = field(default_factory=dict)   # lookup_s (LUT reads + new layers computed), breakdown_s, new_layers
    ignored: tuple = ()        # unsupported ops whose results reach no layer and no output (not costed)
    uncosted: tuple = ()       # (layer name, why) of the layers the backend could not cost (no numbers, weight 0)


def _task_of(group):
    prefixes = sorted(group or (), key=len, reverse=True)

    def task(name: str) -> str:
        for p in prefixes:
            if name == p or name.startswith(p + "."):
                return p
        return name
    return task


def cost_graph(graph: Graph, arch, *, metric: str = "compute_cycles", lowering: str = "exact",
               backend: str | None = None, lut=None, group=None) -> ProfileResult:
    """Cost every layer of `graph` on `arch` and schedule its DAG (see the module docstring)."""
    if metric not in METRICS or metric == "energy":
        raise CostModelError(f"metric {metric!r}: the critical path needs compute_cycles or cycles "
                             f"(energy is reported per layer and summed)")
    spec, be = resolve(arch, backend)
    levels = level_names(spec) if getattr(be, "models_energy", True) else None
    memo, t = {}, {"lookup_s": 0.0, "breakdown_s": 0.0, "new_layers": 0}
    rows, uncosted = [], []
    from ..progress import bar
    for node in bar(graph.nodes, f"profile on {spec.name}", unit=" layers"):
        row = dict.fromkeys(COLUMNS)
        row.update(name=node.name, op=node.op, source=node.source, fused="+".join(node.fused),
                   in_shape="x".join(map(str, node.in_shape)), out_shape="x".join(map(str, node.out_shape)))
        if node.op in LAYER_KINDS:
            q = node.query
            if q not in memo:
                t0 = time.perf_counter()
                hit = None if lut is None else lut.get(spec, be, lowering, q)
                cost = hit or evaluate_op(spec, q, lowering=lowering, backend=be.name, lut=lut)
                t["new_layers"] += hit is None
                t1 = time.perf_counter()
                memo[q] = (cost, energy_by_level(q, cost, spec, lowering) if levels else None)
                t["lookup_s"] += t1 - t0
                t["breakdown_s"] += time.perf_counter() - t1
            cost, split = memo[q]
            layer = lower(q, lowering)[0]
            row.update({k: getattr(layer, k) for k in "NCKGRSPQ"})
            if q.op == "matmul":             # B x M x K x N of the product (N C K G ... : its grouped-conv form)
                row["gemm"] = "x".join(map(str, matmul_bmkn(layer)))
            if not cost.ok:      # reported with its reason; the other layers are still costed
                uncosted.append((node.name, f"{node.source}, {q.op} C={q.c_in}->{q.c_out} {q.h}x{q.w}: "
                                            f"{cost.status}: {cost.message}"))
                row.update(status=cost.status)
                rows.append(row)
                continue
            row.update(cycles=cost.cycles, compute_cycles=cost.compute_cycles, energy_pj=cost.energy_pj,
                       utilization=cost.utilization, macs=cost.macs, status=cost.status)
            for lv in levels or ():
                row[f"{lv}_pj"] = None if split is None else split[lv]
        else:
            row.update(cycles=0, compute_cycles=0, energy_pj=0.0 if levels else None, macs=0,
                       status="free" if node.op != "input" else "input")
            row.update({f"{lv}_pj": 0.0 for lv in levels or ()})
        rows.append(row)
    task_of = _task_of(group)
    dag = _task_dag(graph, rows, task_of, metric)
    crit = _schedule(dag)
    for row in rows:
        d = dag.nodes[task_of(row["name"])]
        row.update(task=task_of(row["name"]), start=d["start"], finish=d["finish"], critical=d["critical"])
    table = pd.DataFrame(rows, columns=list(COLUMNS) + [f"{lv}_pj" for lv in levels or ()])
    for c in "NCKGRSPQ":
        table[c] = table[c].astype("Int64")
    layers = table[table.op.isin(LAYER_KINDS)]
    totals = {"cycles": float(layers.cycles.sum()), "compute_cycles": float(layers.compute_cycles.sum()),
              "energy_pj": None if levels is None else float(layers.energy_pj.sum()), "macs": int(layers.macs.sum())}
    url = str(getattr(lut, "url", "")).removeprefix("sqlite:///")
    src = f"{spec.name} via backend {be.name} v{be.version}, lowering {lowering} " + (
        f"(LUT {url})" if lut is not None else "(computed now, no LUT)")
    return ProfileResult(table, spec.name, src, graph.tracer, metric, max(d["finish"] for _, d in dag.nodes(data=True)),
                         crit, totals, levels, dag, t, graph.ignored, tuple(uncosted))


def _task_dag(graph: Graph, rows: list, task_of, metric: str) -> nx.DiGraph:
    dag = nx.DiGraph()
    for row in rows:
        name = task_of(row["name"])
        if name not in dag:
            dag.add_node(name, weight=0.0, layers=[])
        dag.nodes[name]["weight"] += float(row[metric] or 0)      # an uncosted layer (no numbers) weighs 0
        dag.nodes[name]["layers"].append(row["name"])
    for node in graph.nodes:
        for src in node.inputs:
            a, b = task_of(src), task_of(node.name)
            if a != b:
                dag.add_edge(a, b)
    if not nx.is_directed_acyclic_graph(dag):
        cycle = " -> ".join(u for u, _ in nx.find_cycle(dag))
        raise CostModelError(f"grouping layers into tasks made a cycle ({cycle}); group whole modules only")
    return dag


def _schedule(dag: nx.DiGraph) -> list[str]:
    """ASAP start/finish of every task (attrs set on `dag`); returns the critical path's task names."""
    order = list(nx.lexicographical_topological_sort(dag, key=list(dag.nodes).index))
    index = {n: i for i, n in enumerate(order)}
    edges = sorted(((index[u], index[v]) for u, v in dag.edges), key=lambda e: e[1])
    src, dst = [e[0] for e in edges], [e[1] for e in edges]
    weights = [dag.nodes[order[d]]["weight"] for d in dst]
    ready = [0.0] * len(order)
    for n in order:                       # a task with no inputs starts at 0 and finishes after its weight
        if dag.in_degree(n) == 0:
            ready[index[n]] = dag.nodes[n]["weight"]
    finish, pred = finish_times(len(order), src, dst, weights, ready)
    last = max(range(len(order)), key=lambda i: (finish[i], i))   # ties: the node computed last
    path = [order[src[critical_tasks(pred, src, last)[0]]]] if pred[last] >= 0 else []
    path += [order[dst[t]] for t in critical_tasks(pred, src, last)]
    on_path = set(path or [order[last]])
    for n, f in zip(order, finish):
        dag.nodes[n].update(finish=f, start=f - dag.nodes[n]["weight"], critical=n in on_path)
    return path or [order[last]]
