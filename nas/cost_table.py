"""Per-op cost tables of a search space, filled from costmodel (torch-free).

`cost_table(space, arch, metric, ...)` returns numpy arrays ``normal[cells_n, edges, ops_n]`` and
``reduce[cells_r, edges, ops_r]``: the cost of every candidate op on every edge of every cell
row of the space (see `SearchSpace.cost_cells`). Hardware metrics come from
the toolkit's one cost cache, `costmodel.schedule.costs.CostTable` (through the LUT when one is
given: missing rows are computed and cached); ``macs`` and ``params`` are counted from the lowering
and need no arch.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from costmodel.darts_net import stem_query
from costmodel.errors import CostModelError
from costmodel.ops import OpQuery, op_macs, op_params
from costmodel.schedule.costs import CostTable

from .space import SearchSpace

METRICS = {
    "compute_cycles": "MAC-level compute cycles [cycles] (MDARTS Table I convention)",
    "cycles": "total cycles incl. bandwidth throttling [cycles]",
    "energy_pj": "energy [pJ]",
    "macs": "multiply-accumulates [MACs] (counted from the lowering, no arch needed)",
    "params": "weights [parameters] (counted from the lowering, no arch needed)",
}
HW_METRICS = ("compute_cycles", "cycles", "energy_pj")


@dataclass
class CostTables:
    """Costs per [cell row, edge, op] for each cell type, and which network cell each row is."""

    normal: np.ndarray
    reduce: np.ndarray
    normal_cells: list      # CellShape per row of `normal`
    reduce_cells: list      # CellShape per row of `reduce`
    metric: str
    source: str             # how the numbers were obtained (arch, backend, lowering) or "given"
    pre: np.ndarray | None = None   # [layers, 2] preprocessing of c_k-2 / c_k-1 per network cell (shapes=network)
    stem: float = 0.0               # the stem conv 3x3 (shapes=network)


def check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise CostModelError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")


class OpCoster:
    """query -> number for one metric. Hardware metrics go through the one cost cache of the toolkit
    (`costmodel.schedule.costs.CostTable`, the scheduler's); macs/params are counted, memoised here."""

    def __init__(self, metric, arch=None, lowering="exact", backend=None, lut=None, op_costs=None):
        check_metric(metric)
        if metric in HW_METRICS and arch is None:
            raise CostModelError(f"metric {metric!r} needs an arch (e.g. arch='eyeriss'); "
                                 f"'macs' and 'params' need none")
        self.metric, self.arch, self.lowering = metric, arch, lowering
        self.op_costs = dict(op_costs or {})
        self.table = CostTable.from_arch(arch, lowering, backend, lut) if metric in HW_METRICS else None
        self._memo: dict = {}

    def __call__(self, q: OpQuery) -> float:
        if q.op in self.op_costs:
            return float(self.op_costs[q.op])
        if self.table is not None:
            return self.table.value(q, self.metric)
        if q not in self._memo:
            self._memo[q] = float(op_macs(q, self.lowering) if self.metric == "macs" else op_params(q, self.lowering))
        return self._memo[q]

    def _arch_name(self) -> str:
        return self.arch if isinstance(self.arch, str) else getattr(self.arch, "name", str(self.arch))


class ReadOnlyLUT:
    """A LUT that is read, never written: misses are computed (and kept in memory by the cost cache)."""

    def __init__(self, lut):
        self.lut, self.url = lut, lut.url

    def get(self, *key):
        return self.lut.get(*key)

    def put(self, *key, **kw) -> None:
        pass


def default_lut():
    """The default LUT read-only: ``$COSTMODEL_LUT``, else the per-user LUT if it exists, else the shipped
    one (`costmodel.paths` resolution, without seeding). Never creates or writes a file; misses are computed."""
    import os

    from costmodel.lut import LUT
    from costmodel.paths import LUT_ENV, user_lut_path
    from costmodel.resources import shipped_lut_path
    path = os.environ.get(LUT_ENV) or next((str(p) for p in (user_lut_path(), shipped_lut_path()) if p.is_file()),
                                           None)
    if path is None or ("://" not in path and not Path(path).is_file()):
        return None
    return ReadOnlyLUT(LUT(path, create=False))


def cost_table(space: SearchSpace, arch=None, metric: str = "compute_cycles", *, lowering: str = "exact",
               backend: str | None = None, lut=None, op_costs: dict | None = None) -> CostTables:
    """Fill the [cells, edges, ops] tables of `space` for `metric` (see module doc)."""
    coster = OpCoster(metric, arch, lowering, backend, lut, op_costs)
    cells = space.cost_cells()
    tables = {}
    for red in (False, True):
        rows = [c for c in cells if c.reduction == red]
        ops = space.ops(red)
        arr = np.zeros((len(rows), space.n_edges, len(ops)), dtype=np.float64)
        for r, cell in enumerate(rows):
            for e in range(space.n_edges):
                for o, op in enumerate(ops):
                    arr[r, e, o] = coster(space.edge_query(cell, e, op))
        tables[red] = (arr, rows)
    name = coster._arch_name() if arch is not None else "counted"
    pre, stem = network_fixed_costs(space, coster) if space.shapes == "network" else (None, 0.0)
    return CostTables(tables[False][0], tables[True][0], tables[False][1], tables[True][1], metric,
                      f"{metric} of {name}, lowering {lowering}" + (f", backend {backend}" if backend else ""),
                      pre, stem)


def network_fixed_costs(space: SearchSpace, coster) -> tuple[np.ndarray, float]:
    """The alpha-independent work of the network: the stem conv 3x3 and each cell's preprocessing
    (ReLU-conv1x1-BN of c_k-1; of c_k-2 too, or FactorizedReduce after a reduction cell), at full C."""
    n = space.batch
    stem = coster(stem_query(space.c, space.input_size, space.in_channels, space.stem_multiplier, n))
    pre = np.array([[coster(q) for q in cell.preprocess(n)] for cell in space.network_cells()], dtype=np.float64)
    return pre.reshape(space.layers, 2), float(stem)
