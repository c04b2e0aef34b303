"""Search-space description: primitives per cell type, the 14-edge cell, the macro-network shapes.

A `SearchSpace` says which ops a normal / reduction cell may choose (by name, any order), and
the DARTS macro-network (layers, C, input size, stem multiplier, reductions at 1/3 and 2/3).
From it, `cost_cells()` gives the feature-map shape every op of every edge sees, in one of two
shape conventions:

  network     every cell of the search network at its real shape (C doubles and H halves at
              each reduction), one row per cell                       [cells = layers]
  first-cell  one normal and one reduction cell, both at the first cell's shape (C = C_init,
              H = input size; reduction edges from the inputs at stride 2)  [cells = 2]
  mdarts-table1  MDARTS Table I/II/III convention: one cost per op at the first cell's shape,
              pools at stride 2, every other op at stride 1, wherever the edge is (the rule
              of `costmodel.schedule` mode ``mdarts-table3``)            [cells = 2]

PC-DARTS partial channels (`partial_channels=k`: the ops see C/k channels) and P-DARTS stages
(`drop(...)`: a new space without the dropped ops) are expressible.
No torch here: the space is plain data, shared by `nas.cost` and `nas.model`; the macro-network
rules themselves (cells, reductions, shapes) are `costmodel.darts_net`'s.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from costmodel.darts_net import (CellShape, cell_edges, first_cell_pair, macro_cells, mdarts_table1_query,  # noqa: F401
                                 node_slices, reduction_layers)
from costmodel.errors import CostModelError
from costmodel.ops import CELL_OPS, DARTS_PRIMITIVES, OpQuery

MDARTS_NORMAL = ("skip_connect", "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5",
                 "dw_conv_3x3", "dw_conv_5x5")
MDARTS_REDUCE = ("max_pool_3x3", "avg_pool_3x3", "skip_connect")
SHAPE_MODES = ("network", "first-cell", "mdarts-table1")


@dataclass(frozen=True)
class SearchSpace:
    """Primitives per cell type + the DARTS macro-network (search configuration)."""

    normal_ops: tuple[str, ...] = DARTS_PRIMITIVES
    reduce_ops: tuple[str, ...] = DARTS_PRIMITIVES
    steps: int = 4                  # intermediate nodes per cell
    multiplier: int = 4             # nodes concatenated into the cell output
    layers: int = 8                 # cells in the network
    c: int = 16                     # initial channels C
    input_size: int = 32            # H = W of the image
    in_channels: int = 3
    stem_multiplier: int = 3
    partial_channels: int = 1       # PC-DARTS K (ops see C/K channels); 1 = DARTS
    shapes: str = "network"         # see SHAPE_MODES
    batch: int = 1                  # N of every costed op

    def __post_init__(self):
        for key in ("normal_ops", "reduce_ops"):
            ops = tuple(getattr(self, key))
            object.__setattr__(self, key, ops)
            if not ops:
                raise CostModelError(f"search space: {key} is empty (give at least one op name)")
            bad = [o for o in ops if o not in CELL_OPS]
            if bad:
                raise CostModelError(f"search space: {key} has unknown op(s) {bad}; known: {', '.join(CELL_OPS)}")
            if len(set(ops)) != len(ops):
                raise CostModelError(f"search space: {key} lists an op twice: {list(ops)}")
        if self.shapes not in SHAPE_MODES:
            raise CostModelError(f"search space: shapes = {self.shapes!r}, use one of {SHAPE_MODES}")
        for key in ("steps", "multiplier", "layers", "c", "input_size", "in_channels", "stem_multiplier",
                    "partial_channels", "batch"):
            if getattr(self, key) < 1:
                raise CostModelError(f"search space: {key} = {getattr(self, key)} (must be >= 1)")
        if self.multiplier > self.steps:
            raise CostModelError(f"search space: multiplier = {self.multiplier} > steps = {self.steps}")
        if self.c % self.partial_channels:
            raise CostModelError(f"search space: partial_channels = {self.partial_channels} must divide c = {self.c}")

    # -- structure ---------------------------------------------------------------------------
    @property
    def edges(self) -> list[tuple[int, int]]:
        return cell_edges(self.steps)

    @property
    def n_edges(self) -> int:
        return len(self.edges)

    def ops(self, reduction: bool) -> tuple[str, ...]:
        return self.reduce_ops if reduction else self.normal_ops

    def node_slices(self) -> list[tuple[int, int]]:
        """[start, end) alpha rows of each intermediate node's incoming edges."""
        return node_slices(self.steps)

    def reduction_layers(self) -> tuple[int, ...]:
        """Cells that reduce: at 1/3 and 2/3 of the depth (DARTS model_search.Network)."""
        return reduction_layers(self.layers)

    def network_cells(self) -> list[CellShape]:
        """Every cell of the search network at its real shape (`costmodel.darts_net.macro_cells`; the ops
        see C / partial_channels, preprocessing full C)."""
        return macro_cells(self.c, self.layers, self.input_size, self.stem_multiplier, self.multiplier,
                           self.partial_channels)

    def cost_cells(self) -> list[CellShape]:
        """The cells the cost tensor has a row for, per the `shapes` convention."""
        if self.shapes in ("first-cell", "mdarts-table1"):
            return first_cell_pair(self.c, self.input_size, self.partial_channels)
        return self.network_cells()

    def edge_query(self, cell: CellShape, edge: int, op: str) -> OpQuery:
        """The op on `edge` of `cell` at its shape (stride 2 on the input edges of a reduction cell)."""
        if self.shapes == "mdarts-table1":
            return mdarts_table1_query(op, cell.c_ops, cell.h_in, self.batch)
        return cell.edge(op, self.edges[edge][0] < 2, self.batch)

    # -- variants ----------------------------------------------------------------------------
    def drop(self, normal: tuple[str, ...] = (), reduce: tuple[str, ...] = ()) -> "SearchSpace":
        """P-DARTS stage transition: the same space without the named ops."""
        for name, ops, have in (("normal", normal, self.normal_ops), ("reduce", reduce, self.reduce_ops)):
            missing = [o for o in ops if o not in have]
            if missing:
                raise CostModelError(f"cannot drop {missing} from the {name} ops {list(have)}")
        return replace(self, normal_ops=tuple(o for o in self.normal_ops if o not in normal),
                       reduce_ops=tuple(o for o in self.reduce_ops if o not in reduce))

    def to_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_dict(cls, data: dict) -> "SearchSpace":
        known = set(cls.__dataclass_fields__)
        bad = sorted(set(data) - known)
        if bad:
            raise CostModelError(f"search space: unknown key(s) {bad}; known: {sorted(known)}")
        return cls(**data)


def darts_space(**kw) -> SearchSpace:
    """DARTS: the 8 primitives in both cells, 8-cell network, C=16, 32x32."""
    return SearchSpace(**kw)


def mdarts_space(**kw) -> SearchSpace:
    """MDARTS Sec. IV-A: normal = skip, sep3, sep5, dil3, dil5, dw3, dw5; reduce = max, avg pool, skip."""
    kw.setdefault("normal_ops", MDARTS_NORMAL)
    kw.setdefault("reduce_ops", MDARTS_REDUCE)
    return SearchSpace(**kw)


SPACES = {"darts": darts_space, "mdarts": mdarts_space}


def get_space(name: str, **kw) -> SearchSpace:
    if name not in SPACES:
        raise CostModelError(f"unknown search space {name!r} (use one of {', '.join(SPACES)})")
    return SPACES[name](**kw)
