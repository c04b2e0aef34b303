"""Critical-path scheduling of genotypes (MDARTS Sec. III-C, Fig. 5) and the sequential sum (DEff-ARTS).

    from costmodel.schedule import Scheduler
    s = Scheduler("eyeriss", mode="mdarts-table3", lowering="mdarts")   # costs via evaluate_op (+ lut=)
    r = s.schedule("DARTS_V2")      # ScheduleResult: value, critical path, finish times, sequential sum
    s.max_value(genotype)           # the hot path: one float

Modes (each named for what it is):
  cell           one cell (``cell="normal"|"reduce"``), both inputs ready at 0, real shapes
  mdarts-table3  a reduction cell then the normal cell after it in one DAG, one cost per op at the
                 first cell's shapes: the rule that reproduces MDARTS Table III
  network        the whole DARTS network (stem, preprocessing, all cells at their real shapes)
  sequential     the plain sum over one normal + one reduction cell at stride 1 (DEff-ARTS Table 3)
Metrics: compute_cycles (MDARTS's convention, the default), cycles (bandwidth-throttled), energy
(energy adds up over every task: it has no critical path).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import CostModelError
from ..genotypes import Genotype, parse_genotype
from .costs import METRICS, CostTable
from .dag import DAG, Task, cell_dag, mdarts_table3_dag, network_dag, sequential_dag
from .longest import critical_tasks, finish_times, last_node, max_time

MODES = {
    "cell": "one cell, inputs ready at 0, real shapes",
    "mdarts-table3": "reduction cell + the normal cell after it, one cost per op at the first cell's shapes "
                     "(reproduces MDARTS Table III)",
    "network": "the whole DARTS network at real per-stage shapes, stem and preprocessing included",
    "sequential": "plain sum of every kept edge of one normal + one reduction cell at stride 1 (DEff-ARTS Table 3)",
}

__all__ = ["Scheduler", "ScheduleResult", "TaskTime", "CostTable", "MODES", "METRICS", "build_dag", "schedule"]


def build_dag(genotype: Genotype, mode: str, c: int = 16, hw: int = 32, layers: int = 8, cell: str = "normal") -> DAG:
    if mode == "cell":
        return cell_dag(genotype, cell, c, hw)
    if mode == "mdarts-table3":
        return mdarts_table3_dag(genotype, c, hw)
    if mode == "network":
        return network_dag(genotype, c, hw, layers)
    if mode == "sequential":
        return sequential_dag(genotype, c, hw)
    raise CostModelError(f"unknown schedule mode {mode!r} (use one of {', '.join(MODES)})")


@dataclass(frozen=True)
class TaskTime:
    task: Task
    value: float               # the task's metric (cycles or pJ)
    start: float | None        # None for energy (no timeline)
    end: float | None


@dataclass
class ScheduleResult:
    mode: str
    metric: str
    value: float               # max cycle: the finish of the node computed last (usually the output); the
                               # sum for sequential mode and energy
    sequential_sum: float      # every task's metric added up (one op after another)
    critical_path: list        # [TaskTime], first to last; empty for energy
    node_finish: dict          # node name -> finish time (empty for energy)
    tasks: list                # [TaskTime] for every task, in DAG order
    dag: DAG
    costs: str                 # where the per-task costs came from
    notes: tuple = ()          # which numbers are Timeloop's and which are our models

    @property
    def unit(self) -> str:
        return "pJ" if self.metric == "energy" else "cycles"

    @property
    def critical_nodes(self) -> list[str]:
        if not self.critical_path:
            return []
        return [self.dag.nodes[self.critical_path[0].task.src]] + [self.dag.nodes[t.task.dst] for t in self.critical_path]


class Scheduler:
    """Genotype -> max cycle (or sum) for one mode, shape, metric and cost table."""

    def __init__(self, arch=None, *, mode: str = "cell", metric: str = "compute_cycles", lowering: str = "exact",
                 backend: str | None = None, lut=None, costs: CostTable | None = None, c: int = 16, hw: int = 32,
                 layers: int = 8, cell: str = "normal"):
        if mode not in MODES:
            raise CostModelError(f"unknown schedule mode {mode!r} (use one of {', '.join(MODES)})")
        if metric not in METRICS:
            raise CostModelError(f"unknown metric {metric!r} (use one of {', '.join(METRICS)})")
        for name, v in (("c", c), ("hw", hw), ("layers", layers)):
            if not isinstance(v, int) or v < 1:
                raise CostModelError(f"{name} must be a positive integer, got {v!r}")
        if costs is None:
            if arch is None:
                raise CostModelError("give an arch (name, path or spec) or a CostTable")
            costs = CostTable.from_arch(arch, lowering=lowering, backend=backend, lut=lut)
        self.costs, self.mode, self.metric = costs, mode, metric
        self.shape = dict(c=c, hw=hw, layers=layers, cell=cell)

    def dag(self, genotype) -> DAG:
        g = genotype if isinstance(genotype, Genotype) else parse_genotype(genotype)
        return build_dag(g, self.mode, **self.shape)

    def _summed(self) -> bool:
        return self.mode == "sequential" or self.metric == "energy"

    def max_value(self, genotype: Genotype) -> float:
        """The hot path: max cycle (or the sum, for sequential/energy). Pass a parsed `Genotype` for speed."""
        if not isinstance(genotype, Genotype):
            genotype = parse_genotype(genotype)
        dag = build_dag(genotype, self.mode, **self.shape)
        value, metric = self.costs.value, self.metric
        weights = [value(t.key, metric) for t in dag.tasks]
        if self._summed():
            return float(sum(weights))
        return max_time(len(dag.nodes), [t.src for t in dag.tasks], [t.dst for t in dag.tasks], weights)

    def schedule(self, genotype) -> ScheduleResult:
        """The full report: critical path with start/end times, per-node finish times, sequential sum."""
        dag = self.dag(genotype).check()
        weights = [self.costs.value(t.key, self.metric) for t in dag.tasks]
        total = float(sum(weights))
        common = dict(mode=self.mode, metric=self.metric, dag=dag, costs=self.costs.description,
                      notes=tuple(self.costs.provenance(t.op for t in dag.tasks)))
        if self.metric == "energy":
            times = [TaskTime(t, w, None, None) for t, w in zip(dag.tasks, weights)]
            return ScheduleResult(value=total, sequential_sum=total, critical_path=[], node_finish={}, tasks=times,
                                  **common)
        if self.mode == "sequential":  # one task after another, in DAG order
            ends, acc = [], 0.0
            for w in weights:
                acc += w
                ends.append(acc)
            times = [TaskTime(t, w, e - w, e) for t, w, e in zip(dag.tasks, weights, ends)]
            finish = {dag.nodes[t.dst]: e for t, e in zip(dag.tasks, ends)}
            return ScheduleResult(value=total, sequential_sum=total, critical_path=[tt for tt in times if tt.value > 0],
                                  node_finish=finish, tasks=times, **common)
        src, dst = [t.src for t in dag.tasks], [t.dst for t in dag.tasks]
        finish, pred = finish_times(len(dag.nodes), src, dst, weights)
        times = [TaskTime(t, w, finish[t.src], finish[t.src] + w) for t, w in zip(dag.tasks, weights)]
        last = last_node(finish, dag.sink)
        return ScheduleResult(value=finish[last], sequential_sum=total,
                              critical_path=[times[i] for i in critical_tasks(pred, src, last)],
                              node_finish=dict(zip(dag.nodes, finish)), tasks=times, **common)


def schedule(genotype, arch=None, **kwargs) -> ScheduleResult:
    """One-shot: ``schedule("DARTS_V2", "eyeriss", mode="mdarts-table3", lowering="mdarts")``."""
    return Scheduler(arch, **kwargs).schedule(genotype)
