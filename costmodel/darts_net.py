"""The DARTS macro-network: cells, reduction placement and the shape every op sees (torch-free).

The one place these rules live; the LUT build spaces (`costmodel.spaces`), the scheduler's DAGs
(`costmodel.schedule.dag`) and the differentiable costs (`nas.space`) all read them from here.

    cells = macro_cells(C=16, layers=8, hw=32)        # model_search.Network / model.NetworkCIFAR order
    cells[2].edge("sep_conv_3x3", from_input=True)    # OpQuery at that cell's shape (stride 2 there)

Rules (DARTS `model_search.py`, `model.py`): reductions at layers//3 and 2*layers//3 (channels
doubled, resolution halved there); a cell's inputs are c_{k-2}, c_{k-1} after a 1x1 ReLUConvBN
(FactorizedReduce for c_{k-2} after a reduction); an edge leaving a cell input of a reduction cell
has stride 2; a cell's output has `multiplier` x C channels. PC-DARTS (`partial`=K): the ops of an
edge see C/K channels, preprocessing keeps full C.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import CostModelError
from .ops import OpQuery

POOLS = ("max_pool_3x3", "avg_pool_3x3")


def cell_edges(steps: int = 4) -> list[tuple[int, int]]:
    """(input, node) of every edge in DARTS order: node j (2..steps+1) takes inputs 0..j-1."""
    return [(i, j) for j in range(2, steps + 2) for i in range(j)]


def node_slices(steps: int = 4) -> list[tuple[int, int]]:
    """[start, end) rows of each intermediate node's incoming edges in the [edges, ops] alphas."""
    out, start = [], 0
    for j in range(2, steps + 2):
        out.append((start, start + j))
        start += j
    return out


def reduction_layers(layers: int) -> tuple[int, ...]:
    """Cells that reduce: at 1/3 and 2/3 of the depth (also for layers < 3: cell 0 / cells 0, 1)."""
    return tuple(sorted({layers // 3, 2 * layers // 3}))


@dataclass(frozen=True)
class CellShape:
    """Shapes of cell `index` of a DARTS network. h_in: the cell's input size (from c_{k-1});
    C: channels of the cell; c_pp/c_p: channels of c_{k-2}/c_{k-1}; reduction_prev: c_{k-2} is
    twice as large; partial: PC-DARTS K (the ops of an edge see C // K channels)."""

    index: int
    reduction: bool
    reduction_prev: bool
    C: int
    h_in: int
    c_pp: int
    c_p: int
    partial: int = 1

    @property
    def h_out(self) -> int:
        return self.h_in // 2 if self.reduction else self.h_in

    @property
    def c_ops(self) -> int:
        """Channels every candidate op of this cell sees [channels]."""
        return self.C // self.partial

    def preprocess(self, n: int = 1) -> tuple[OpQuery, OpQuery]:
        """The queries of preprocess0 (c_{k-2}) and preprocess1 (c_{k-1}), at full C."""
        if self.reduction_prev:
            pre0 = OpQuery("factorized_reduce", self.c_pp, self.h_in * 2, c_out=self.C, stride=2, n=n)
        else:
            pre0 = OpQuery("conv_1x1", self.c_pp, self.h_in, c_out=self.C, n=n)
        return pre0, OpQuery("conv_1x1", self.c_p, self.h_in, c_out=self.C, n=n)

    def edge(self, op: str, from_input: bool, n: int = 1) -> OpQuery:
        """The query of `op` on an edge leaving a cell input (from_input) or an intermediate node."""
        stride = 2 if self.reduction and from_input else 1
        h = self.h_in if from_input else self.h_out
        return OpQuery(op, self.c_ops, h, c_out=self.c_ops, stride=stride, n=n)


def macro_cells(C: int, layers: int, hw: int, stem_multiplier: int = 3, multiplier=4,
                partial: int = 1) -> list[CellShape]:
    """Every cell of the DARTS macro network. `multiplier`: nodes concatenated into a cell's output
    (its channels = multiplier x C); an int, or (normal, reduce) for a genotype whose two cells
    concatenate different node counts."""
    if C < 1 or layers < 1 or hw < 1:
        raise CostModelError(f"impossible network: C={C}, layers={layers}, hw={hw} (all must be >= 1)")
    m_normal, m_reduce = (multiplier, multiplier) if isinstance(multiplier, int) else multiplier
    c_pp = c_p = stem_multiplier * C
    c_cur, h, red_prev, cells = C, hw, False, []
    reductions = reduction_layers(layers)
    for i in range(layers):
        red = i in reductions
        if red:
            c_cur *= 2
            if h % 2:
                raise CostModelError(f"network input {hw}x{hw}: reduction cell {i} needs an even size, got {h}")
        if c_cur % partial:
            raise CostModelError(f"partial channels K = {partial} does not divide C = {c_cur} of cell {i}")
        cells.append(CellShape(i, red, red_prev, c_cur, h, c_pp, c_p, partial))
        c_pp, c_p, red_prev = c_p, (m_reduce if red else m_normal) * c_cur, red
        h = h // 2 if red else h
    return cells


def stem_query(C: int, hw: int, in_channels: int = 3, stem_multiplier: int = 3, n: int = 1) -> OpQuery:
    """The stem conv 3x3 (in_channels -> stem_multiplier x C)."""
    return OpQuery("conv_3x3", c_in=in_channels, h=hw, c_out=stem_multiplier * C, n=n)


def first_cell_pair(C: int, hw: int, partial: int = 1) -> list[CellShape]:
    """One normal and one reduction cell, both at the first cell's shape (C, hw x hw inputs)."""
    return [CellShape(0, False, False, C, hw, C, C, partial), CellShape(1, True, False, C, hw, C, C, partial)]


def mdarts_table1_query(op: str, c: int, hw: int, n: int = 1) -> OpQuery:
    """MDARTS Table I/III costing: ONE cost per op at the first cell's shape (C, hw x hw), pools
    (reduction-cell-only candidates there) at stride 2, every other op at stride 1, wherever the edge is."""
    return OpQuery(op, c, hw, c_out=c, stride=2 if op in POOLS else 1, n=n)
