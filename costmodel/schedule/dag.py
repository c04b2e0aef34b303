"""The task DAGs of a genotype: one cell, the MDARTS reduction+normal pair, or the whole network.

A `DAG` is a list of node names in topological order (construction order), the ready time
class of its source nodes (all 0 here) and a list of `Task`s (edges). A task is one op on one
edge; its cost key ``(op, c_in, c_out, h, stride)`` names the shape it runs at (square feature
maps, batch 1); free edges (concatenation, identity) have key None. Nodes are indexed so that
every task goes from a lower to a higher index: one pass over the tasks sorted by destination
computes every finish time (see `longest.py`).

Node naming: ``c{i}.s0`` / ``c{i}.s1`` the inputs of cell i (c_{k-2}, c_{k-1}) after any
preprocessing, ``c{i}.n{j}`` its intermediate node j (DARTS numbering, j >= 2), ``c{i}.out`` its
concatenated output; ``image`` and ``stem`` in the network; ``c{i}.pre0`` / ``c{i}.pre1`` the
preprocessing outputs (network mode only).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from ..errors import CostModelError
from ..genotypes import Genotype, n_nodes
from ..darts_net import POOLS, CellShape, macro_cells, mdarts_table1_query, reduction_layers, stem_query
from ..ops import OpQuery

__all__ = ["DAG", "Task", "POOLS", "cell_dag", "mdarts_key", "mdarts_table3_dag", "sequential_dag", "network_dag",
           "reduction_layers"]


class Task(NamedTuple):
    """One op on one edge (a NamedTuple: cheap to build on the hot path)."""

    src: int
    dst: int
    op: str                 # genotype op, "conv_3x3"/"conv_1x1"/"factorized_reduce" (stem, preprocessing), "concat"
    key: tuple | None       # (op, c_in, c_out, h, stride), None = free
    cell: str = ""          # e.g. "c0 (reduce)", "stem"


@dataclass
class DAG:
    nodes: list[str]
    tasks: list[Task]
    sink: int
    description: str = ""
    cells: list[str] = field(default_factory=list)

    def to_networkx(self) -> "nx.MultiDiGraph":
        """A networkx view (two edges may join the same pair of nodes: a MultiDiGraph)."""
        import networkx as nx    # imported on use: `costmodel --help` does not pay for it
        g = nx.MultiDiGraph()
        for i, name in enumerate(self.nodes):
            g.add_node(i, name=name)
        for t_id, t in enumerate(self.tasks):
            g.add_edge(t.src, t.dst, key=t_id, op=t.op, cell=t.cell)
        return g

    def check(self) -> "DAG":
        """Every task goes forward (topological node order) and the graph is acyclic."""
        for t in self.tasks:
            if not t.src < t.dst:
                raise CostModelError(f"internal: task {t.op} {self.nodes[t.src]} -> {self.nodes[t.dst]} goes backwards")
        import networkx as nx
        assert nx.is_directed_acyclic_graph(self.to_networkx())
        return self


class _Builder:
    def __init__(self):
        self.nodes: list[str] = []
        self.tasks: list[Task] = []
        self.cells: list[str] = []

    def node(self, name: str) -> int:
        self.nodes.append(name)
        return len(self.nodes) - 1

    def task(self, src, dst, op, key, cell):
        self.tasks.append(Task(src, dst, op, key, cell))

    def cell(self, tag: str, edges, concat, kind: str, s0: int, s1: int, key_of) -> int:
        """Add one cell's intermediate nodes and output; `key_of(op, from_input)` gives each edge's cost key."""
        label = f"{tag} ({kind})"
        self.cells.append(label)
        ids = {0: s0, 1: s1}
        for j in range(n_nodes(edges)):
            ids[j + 2] = self.node(f"{tag}.n{j + 2}")
            for op, inp in edges[2 * j: 2 * j + 2]:
                if op != "none":  # the zero op: no data, no dependency
                    self.task(ids[inp], ids[j + 2], op, key_of(op, inp < 2), label)
        out = self.node(f"{tag}.out")
        for c in concat:
            self.task(ids[c], out, "concat", None, label)
        return out

    def dag(self, sink: int, description: str) -> DAG:
        order = sorted(range(len(self.tasks)), key=lambda i: self.tasks[i].dst)  # stable: edge order kept per node
        return DAG(self.nodes, [self.tasks[i] for i in order], sink, description, self.cells)


def _cell_of(genotype: Genotype, kind: str):
    return (genotype.normal, genotype.normal_concat) if kind == "normal" else (genotype.reduce, genotype.reduce_concat)


def _key(q: OpQuery) -> tuple:
    return (q.op, q.c_in, q.c_out, q.h, q.stride)


def _real_key(shape: CellShape):
    """Edge keys at a cell's real shapes (`CellShape.edge`: reduction edges from the inputs at stride 2)."""
    if shape.reduction and shape.h_in % 2:
        raise CostModelError(f"a reduction cell needs an even input size, got {shape.h_in}x{shape.h_in}")
    return lambda op, from_input: _key(shape.edge(op, from_input))


def cell_dag(genotype: Genotype, kind: str = "normal", c: int = 16, hw: int = 32) -> DAG:
    """One cell, both inputs ready at 0, every edge at the cell's real shape (no preprocessing)."""
    if kind not in ("normal", "reduce"):
        raise CostModelError(f"unknown cell {kind!r} (use normal or reduce)")
    b = _Builder()
    s0, s1 = b.node("c0.s0"), b.node("c0.s1")
    edges, concat = _cell_of(genotype, kind)
    out = b.cell("c0", edges, concat, kind, s0, s1, _real_key(CellShape(0, kind == "reduce", False, c, hw, c, c)))
    return b.dag(out, f"one {kind} cell, C={c}, {hw}x{hw} input, inputs ready at 0")


def mdarts_key(c: int, hw: int):
    """MDARTS Table III costing: ONE cost per op, that of the first cell of the MDARTS search space
    holding it (C, hw x hw input): pools (reduction-cell-only candidates there) at stride 2,
    every other op at stride 1 (Table I), wherever the edge is (`darts_net.mdarts_table1_query`)."""
    return lambda op, from_input: _key(mdarts_table1_query(op, c, hw))


def mdarts_table3_dag(genotype: Genotype, c: int = 16, hw: int = 32) -> DAG:
    """A reduction cell followed by the normal cell after it, in one DAG (MDARTS Table III rule).

    The normal cell reads c_{k-2} = the reduction cell's c_{k-1} input (ready at 0) and c_{k-1} =
    the reduction cell's output, so its end time is max(L_N(from c_k-2), L_R + L_N(from c_k-1)).
    Preprocessing is not counted; every op is costed at the first cell's shapes (`mdarts_key`).
    """
    b = _Builder()
    r0, r1 = b.node("c0.s0"), b.node("c0.s1")
    key = mdarts_key(c, hw)
    r_out = b.cell("c0", genotype.reduce, genotype.reduce_concat, "reduce", r0, r1, key)
    out = b.cell("c1", genotype.normal, genotype.normal_concat, "normal", r1, r_out, key)
    return b.dag(out, f"MDARTS Table III rule: reduction cell then the normal cell after it; one cost per op at "
                      f"C={c}, {hw}x{hw} (pools stride 2, other ops stride 1); no preprocessing")


def sequential_dag(genotype: Genotype, c: int = 16, hw: int = 32) -> DAG:
    """One normal and one reduction cell, every kept edge once at C, hw x hw, stride 1 (DEff-ARTS Table 3)."""
    b = _Builder()
    key = lambda op, from_input: (op, c, c, hw, 1)
    n0, n1 = b.node("c0.s0"), b.node("c0.s1")
    b.cell("c0", genotype.normal, genotype.normal_concat, "normal", n0, n1, key)
    r0, r1 = b.node("c1.s0"), b.node("c1.s1")
    out = b.cell("c1", genotype.reduce, genotype.reduce_concat, "reduce", r0, r1, key)
    return b.dag(out, f"sum of every kept edge of one normal + one reduction cell at C={c}, {hw}x{hw}, "
                      f"stride 1 (no stride reduction; DEff-ARTS Table 3)")


def network_dag(genotype: Genotype, c: int = 16, hw: int = 32, layers: int = 8, in_channels: int = 3) -> DAG:
    """The DARTS CIFAR network (NetworkCIFAR): stem conv 3x3 (in -> 3C), `layers` cells with reductions at
    1/3 and 2/3 (channels doubled, resolution halved), each cell's inputs preprocessed (ReLU-conv1x1-BN,
    or FactorizedReduce after a reduction cell), c_{k-2}/c_{k-1} wiring, real per-stage shapes.
    The classifier (global pool + linear) is not included."""
    if layers < 1:
        raise CostModelError(f"a network needs at least one cell, got layers={layers}")
    b = _Builder()
    image = b.node("image")
    stem = b.node("stem")
    b.task(image, stem, "conv_3x3", _key(stem_query(c, hw, in_channels)), "stem")  # the build spaces' stem op
    s0 = s1 = stem
    cells = macro_cells(c, layers, hw, multiplier=(len(genotype.normal_concat), len(genotype.reduce_concat)))
    for shape in cells:
        tag, kind = f"c{shape.index}", "reduce" if shape.reduction else "normal"
        p0, p1 = b.node(f"{tag}.pre0"), b.node(f"{tag}.pre1")
        for src, dst, q in zip((s0, s1), (p0, p1), shape.preprocess()):
            b.task(src, dst, q.op, _key(q), f"{tag} preprocess")
        edges, concat = _cell_of(genotype, kind)
        out = b.cell(tag, edges, concat, kind, p0, p1, _real_key(shape))
        s0, s1 = s1, out
    return b.dag(s1, f"DARTS network: stem + {layers} cells (reductions at {reduction_layers(layers)}), C={c}, "
                     f"{hw}x{hw} input, real per-stage shapes, preprocessing counted")
