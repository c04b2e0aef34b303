"""Differentiable hardware costs of DARTS architecture parameters, from the LUT.

    hw = DartsCost.for_model(model, arch="eyeriss")               # any DARTS-family model (nas.adapters)
    loss = loss + lam * hw.penalty(model)                         # scale-free: 1.0 at uniform alphas
    dc = DartsCost(space, lut=LUT(), arch="eyeriss", metric="compute_cycles")   # or from a SearchSpace
    loss = ce + lam * dc.cost(alphas_normal, alphas_reduce)          # expected cost (sum)
    dc.cost_from_probs(pn, pr, edge_weights=(wn, wr))                # GDAS samples, FairDARTS sigmoids, PC-DARTS betas
    qos = dc.critical_path(alphas_normal, alphas_reduce, temperature=1e3)  # expected max cycle

Expected cost (RAPDARTS Eq. 7-9, MDARTS L_co, DEff-ARTS L_com):
    sum over cell rows, edges e, ops o of softmax(alpha)[e, o] * c[cell, e, o]
with alphas shared by all cells of a type (alphas_normal [edges, ops_n], alphas_reduce
[edges, ops_r]). Its gradient is RAPDARTS Eq. 8: dE/da_i = sum_l c_l p_l (delta_il - p_i).
Optional edge weights w[edges] (PC-DARTS edge normalisation) multiply each edge's expected cost.
`none` (DARTS's zero op) is charged per `none=`: "zero" (cost 0, the papers' L_co), "exclude"
(the weight on `none` is spread over the other ops: pushing weight onto `none`, which the derived
genotype discards, lowers nothing) or "successor" (`none` costs what the edge's strongest other op
costs: the op the genotype keeps when `none` is dropped).

Expected critical path (MDARTS Sec. III-C made differentiable): every edge runs in parallel;
node j finishes at smax over its incoming edges of (presence_e * finish[src] + sum_{o != none}
p_o c_o), presence_e = (1 - p_none) * edge_weight_e; the cell finishes at smax over its
intermediate nodes. smax(x) = T * logsumexp(x / T) with temperature T in the metric's unit;
T = 0 is the exact max. On one-hot alphas (and a 0/1 edge mask for spaces without `none`) this
is exactly the maximum cycle of the derived cell. Works on any device/dtype: all tensors are
buffers (`.to(device, dtype)`), and there is no Python loop over edges (only over the nodes).
"""
from __future__ import annotations

import numpy as np
import torch

from costmodel.errors import CostModelError

from . import checks
from .attach import attach, warn_if_discarded
from .cost_table import CostTables, cost_table, check_metric
from .space import SearchSpace

CP_MODES = ("cell", "pair", "network")
NONE_MODES = ("zero", "exclude", "successor")


def smooth_max(x: torch.Tensor, temperature: float, dim: int = -1) -> torch.Tensor:
    """T * logsumexp(x / T) along `dim`; the exact max at T = 0 (an upper bound, off by <= T ln n)."""
    t = checks.number(temperature, "temperature", 0, hint=" (0 = the exact max)")
    if t == 0:
        return x.amax(dim=dim)
    return t * torch.logsumexp(x / t, dim=dim)


class DartsCost(torch.nn.Module):
    """Turns (alphas_normal, alphas_reduce) into differentiable costs of one metric on one arch.

    Give either `arch` (+ optional `lut`, `lowering`, `backend`) to fill the tables through
    costmodel, or `tables` (a `CostTables`) / `normal` + `reduce` arrays to use costs directly.
    `op_costs` overrides an op's cost everywhere (DEff-ARTS App. D: {"none": 10**6 - 1}); `none`
    says how the zero op is charged in the expected cost (NONE_MODES, see the module doc).
    `DartsCost.for_model(model, arch=...)` builds one from a DARTS-family model (`nas.adapters`).
    """

    def __init__(self, space: SearchSpace, lut=None, arch=None, metric: str = "compute_cycles", *,
                 lowering: str = "exact", backend: str | None = None, op_costs: dict | None = None,
                 tables: CostTables | None = None, normal=None, reduce=None, dtype=torch.float32,
                 none: str = "zero"):
        super().__init__()
        check_metric(metric)
        if none not in NONE_MODES:
            raise CostModelError(f"none={none!r}: use one of {NONE_MODES}")
        self.none_mode = none
        self.space, self.metric = space, metric
        if op_costs is not None:
            if not isinstance(op_costs, dict):
                raise CostModelError(f"op_costs must be a dict {{op name: cost}}, got {type(op_costs).__name__}")
            op_costs = {op: float(checks.costs(v, f"op_costs[{op!r}]")) for op, v in op_costs.items()}
        if tables is None and normal is not None:
            tables = _given_tables(space, normal, reduce, metric)
        if tables is None:
            tables = cost_table(space, arch, metric, lowering=lowering, backend=backend, lut=lut, op_costs=op_costs)
        elif op_costs:
            tables = _override(space, tables, op_costs)
        self.tables = tables
        self.register_buffer("normal_costs", torch.as_tensor(tables.normal, dtype=dtype))
        self.register_buffer("reduce_costs", torch.as_tensor(tables.reduce, dtype=dtype))
        pre = tables.pre if tables.pre is not None else np.zeros((len(tables.normal_cells) + len(tables.reduce_cells), 2))
        self.register_buffer("pre_costs", torch.as_tensor(pre, dtype=dtype))
        self.register_buffer("stem_cost", torch.tensor(float(tables.stem), dtype=dtype))
        self.node_slices = space.node_slices()   # [start, end) alpha rows of each node's incoming edges
        self.adapter = None                      # set by `for_model` (nas.adapters): how `penalty` reads a model
        self.uniform_cost = None                 # expected cost at uniform weights (for_model: penalty's scale)
        self._none = {red: (space.ops(red).index("none") if "none" in space.ops(red) else None) for red in (0, 1)}

    # -- expected cost (sum) -------------------------------------------------------------------
    def _check(self, a, red: bool, name: str | None = None) -> torch.Tensor:
        """Alphas of one cell type, checked at the boundary (`nas.checks.logits`): a float tensor [edges, ops]."""
        name = name or ("alphas_reduce" if red else "alphas_normal")
        return checks.logits(a, name, (self.space.n_edges, len(self.space.ops(red))))

    def _check_weights(self, w, red: bool, name: str) -> torch.Tensor:
        return checks.weights(w, name, (self.space.n_edges, len(self.space.ops(red))))

    def _check_edges(self, edge_weights):
        if edge_weights is None:
            return None
        if not isinstance(edge_weights, (tuple, list)) or len(edge_weights) != 2:
            raise CostModelError("edge_weights must be a pair (w_normal [edges], w_reduce [edges])")
        return tuple(checks.weights(w, f"edge_weights[{i}] ({'reduce' if i else 'normal'})", (self.space.n_edges,))
                     for i, w in enumerate(edge_weights))

    def _charge_none(self, p: torch.Tensor, red: bool) -> torch.Tensor:
        k = self._none[int(red)]
        if k is None or self.none_mode == "zero":
            return p
        keep = torch.ones(p.shape[-1], dtype=p.dtype, device=p.device)
        keep[k] = 0
        if self.none_mode == "exclude":
            q = p * keep
            den = q.sum(-1, keepdim=True)          # an edge sampled as `none` (GDAS one-hot) stays absent
            return q / torch.where(den > 1e-6, den, torch.ones_like(den))
        succ = (p.detach() - 2 * (1 - keep)).argmax(-1)           # strongest other op of every edge
        return p * keep + p[:, k:k + 1] * torch.nn.functional.one_hot(succ, p.shape[-1]).to(p.dtype)

    def edge_costs_from_probs(self, pn, pr, edge_weights=None):
        """Expected cost of every edge ([cells_n, edges], [cells_r, edges]) from op weights [edges, ops]
        per cell type (softmax probabilities, GDAS one-hot samples, FairDARTS sigmoids) and optional
        edge weights (w_normal [edges], w_reduce [edges]), e.g. PC-DARTS's normalised betas."""
        pn = self._check_weights(pn, False, "op weights (normal)")
        pr = self._check_weights(pr, True, "op weights (reduce)")
        return self._edge_costs(pn, pr, self._check_edges(edge_weights))

    def _edge_costs(self, pn, pr, edge_weights):
        en = (self.normal_costs * self._charge_none(pn.to(self.normal_costs.dtype), False)).sum(-1)
        er = (self.reduce_costs * self._charge_none(pr.to(self.reduce_costs.dtype), True)).sum(-1)
        if edge_weights is not None:
            wn, wr = edge_weights
            en, er = en * wn.to(en.dtype), er * wr.to(er.dtype)
        return en, er

    def cost_from_probs(self, pn, pr, edge_weights=None) -> torch.Tensor:
        """Expected cost of the whole space from op weights (see `edge_costs_from_probs`): a scalar."""
        en, er = self.edge_costs_from_probs(pn, pr, edge_weights)
        return en.sum() + er.sum()

    def edge_costs(self, alphas_normal, alphas_reduce, edge_weights=None):
        """Expected cost of every edge: ([cells_n, edges], [cells_r, edges])."""
        an, ar = self._check(alphas_normal, False), self._check(alphas_reduce, True)
        return self._edge_costs(torch.softmax(an, dim=-1), torch.softmax(ar, dim=-1), self._check_edges(edge_weights))

    def cost_per_cell(self, alphas_normal, alphas_reduce, edge_weights=None):
        """Expected cost per cell row: ([cells_n], [cells_r])."""
        en, er = self.edge_costs(alphas_normal, alphas_reduce, edge_weights)
        return en.sum(-1), er.sum(-1)

    def cost(self, alphas_normal, alphas_reduce, edge_weights=None) -> torch.Tensor:
        """Expected cost of the whole space (all cell rows): a scalar tensor."""
        cn, cr = self.cost_per_cell(alphas_normal, alphas_reduce, edge_weights)
        return cn.sum() + cr.sum()

    forward = cost

    def penalty(self, model) -> torch.Tensor:
        """The scalar to add to a DARTS-family model's loss: expected cost / expected cost at uniform
        weights (1.0 at initialisation, unit-free). Needs `DartsCost.for_model`."""
        if self.adapter is None:
            raise CostModelError("penalty(model) needs a DartsCost made by DartsCost.for_model(model, arch=...); "
                                 "with a SearchSpace use cost(alphas_normal, alphas_reduce)")
        warn_if_discarded(model)                 # the unrolled trap (nas.attach): loud, not silent
        return self.adapter.penalty(self, model)

    def attach(self, architect, lam: float = 1.0):
        """Apply lam * penalty(architect.model) at every step of a DARTS `Architect`, first or second order,
        instead of adding a line to its loss (`nas.attach`). Returns the architect."""
        return attach(self, architect, lam)

    @classmethod
    def for_model(cls, model, arch=None, metric: str = "compute_cycles", lut=None, **kw) -> "DartsCost":
        """A DartsCost for a DARTS-family model: layers, C, steps, multiplier, partial channels, op
        order, weights (softmax / sigmoid / betas) and device read from it (`nas.adapters.for_model`)."""
        from .adapters import for_model
        return for_model(cls, model, arch=arch, metric=metric, lut=lut, **kw)

    def bounds(self) -> tuple[float, float]:
        """(min, max) of the expected cost over all alphas: every edge at its cheapest / dearest op."""
        lo = self.normal_costs.amin(-1).sum() + self.reduce_costs.amin(-1).sum()
        hi = self.normal_costs.amax(-1).sum() + self.reduce_costs.amax(-1).sum()
        return float(lo), float(hi)

    # -- expected critical path ----------------------------------------------------------------
    def _finish(self, costs, t0, t1, alphas, red, temperature, edge_weights):
        """Finish time of the cell rows [cells] given the input ready times t0, t1 [cells]."""
        p = torch.softmax(alphas, dim=-1).to(costs.dtype)
        k = self._none[int(red)]
        presence = torch.ones(p.shape[0], dtype=costs.dtype, device=costs.device)
        work = costs * p
        if k is not None:
            presence = 1 - p[:, k]
            work = torch.cat([work[..., :k], work[..., k + 1:]], dim=-1)
        dur = work.sum(-1)                                            # [cells, edges]
        if edge_weights is not None:
            w = torch.as_tensor(edge_weights).to(device=costs.device, dtype=costs.dtype)
            presence, dur = presence * w, dur * w
        finish = [t0, t1]
        for s, e in self.node_slices:
            src = torch.stack(finish, dim=-1)                          # [cells, j]
            finish.append(smooth_max(presence[s:e] * src + dur[:, s:e], temperature))
        return smooth_max(torch.stack(finish[2:], dim=-1), temperature)

    def critical_path(self, alphas_normal, alphas_reduce, *, temperature: float = 0.0, mode: str = "cell",
                      edge_weights_normal=None, edge_weights_reduce=None):
        """Expected maximum cycle (see module doc).

        mode  cell     per cell row, inputs ready at 0: ([cells_n], [cells_r])
              pair     MDARTS Table III rule (shapes='mdarts-table1' or 'first-cell'): the reduction cell followed by the
                       normal cell after it in one DAG, max(L_N(from c_k-2), L_R + L_N(from c_k-1)): scalar
              network  every cell of the network in order, cell k's inputs ready when cells k-2, k-1
                       finish plus their preprocessing, after the stem (shapes='network'; the
                       preprocessing/stem costs are those of `cost_table`, zero for given tables): scalar
        """
        if mode not in CP_MODES:
            raise CostModelError(f"unknown critical-path mode {mode!r} (use one of {CP_MODES})")
        if self.metric == "energy_pj":
            raise CostModelError("energy has no critical path: it sums (use cost())")
        alphas_normal, alphas_reduce = self._check(alphas_normal, False), self._check(alphas_reduce, True)
        temperature = checks.number(temperature, "temperature", 0, hint=" (0 = the exact max)")
        edges = [None if w is None else checks.weights(w, name, (self.space.n_edges,)) for w, name in
                 ((edge_weights_normal, "edge_weights_normal"), (edge_weights_reduce, "edge_weights_reduce"))]
        cn, cr = self.normal_costs, self.reduce_costs
        args_n = (alphas_normal, False, temperature, edges[0])
        args_r = (alphas_reduce, True, temperature, edges[1])
        if mode == "cell":
            zn, zr = cn.new_zeros(cn.shape[0]), cr.new_zeros(cr.shape[0])
            return (self._finish(cn, zn, zn, *args_n), self._finish(cr, zr, zr, *args_r))
        if mode == "pair":
            if self.space.shapes not in ("first-cell", "mdarts-table1"):
                raise CostModelError("mode 'pair' is the MDARTS Table III rule: it needs shapes='mdarts-table1' "
                                     "(or 'first-cell')")
            z = cn.new_zeros(1)
            l_r = self._finish(cr, z, z, *args_r)
            return self._finish(cn, z, l_r, *args_n)[0]
        if self.space.shapes != "network":
            raise CostModelError("mode 'network' needs shapes='network' (one cost row per cell)")
        rows = {False: iter(range(cn.shape[0])), True: iter(range(cr.shape[0]))}
        prev2 = prev1 = self.stem_cost.reshape(1)
        for k, cell in enumerate(self._in_order()):
            costs, args = (cr, args_r) if cell.reduction else (cn, args_n)
            r = next(rows[cell.reduction])
            done = self._finish(costs[r:r + 1], prev2 + self.pre_costs[k, 0], prev1 + self.pre_costs[k, 1], *args)
            prev2, prev1 = prev1, done
        return prev1[0]

    def _in_order(self):
        return sorted(self.tables.normal_cells + self.tables.reduce_cells, key=lambda c: c.index)


def _given_tables(space: SearchSpace, normal, reduce, metric: str) -> CostTables:
    """CostTables from arrays given directly ([edges, ops] or [cells, edges, ops])."""
    if reduce is None:
        raise CostModelError("give both `normal` and `reduce` cost arrays")
    cells = space.cost_cells()
    out = {}
    for red, arr in ((False, normal), (True, reduce)):
        a = checks.costs(arr, "reduce costs" if red else "normal costs")
        rows = [c for c in cells if c.reduction == red]
        want = (space.n_edges, len(space.ops(red)))
        if a.shape == want:
            a = np.broadcast_to(a, (len(rows),) + want).copy()
        if a.shape != (len(rows),) + want:
            name = "reduce" if red else "normal"
            raise CostModelError(f"{name} costs have shape {a.shape}; the space needs {want} or {(len(rows),) + want}")
        out[red] = (a, rows)
    return CostTables(out[False][0], out[True][0], out[False][1], out[True][1], metric, "given")


def _override(space: SearchSpace, tables: CostTables, op_costs: dict) -> CostTables:
    normal, reduce = tables.normal.copy(), tables.reduce.copy()
    for arr, ops in ((normal, space.normal_ops), (reduce, space.reduce_ops)):
        for op, value in op_costs.items():
            if op in ops:
                arr[..., ops.index(op)] = value
    return CostTables(normal, reduce, tables.normal_cells, tables.reduce_cells, tables.metric, tables.source,
                      tables.pre, tables.stem)
