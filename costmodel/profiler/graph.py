"""The torch-free graph IR of a model: costed layers (as `OpQuery`s), zero-cost joins, data dependencies.

Every front end (torch.fx, the forward-hook tracer, the ONNX reader) drives one `GraphBuilder`:

  * ``layer(name, kind, attrs, in_shape, out_shape, deps)`` a cost-bearing layer: conv, conv1d, linear,
    max_pool, avg_pool, adaptive_avg_pool, matmul (attrs b, m, k, n: see `attention`). It is lowered to a plain `OpQuery` (`lower_layer`) and the
    lowering is checked against the output shape the framework computed: a layer we would cost at a
    different shape is reported unsupported, never costed wrong.
  * ``join(name, "add" | "concat", deps, out_shape)`` element-wise adds and concatenations: zero cost
    (the MDARTS / DARTS convention: a node sums its inputs for free, a concat is a memory layout),
    kept as rows so the table shows where branches meet.
  * ``free(deps, what)`` ops fused into their producer (BatchNorm, ReLU and other activations, as the
    papers count them) or pure data movement (flatten, reshape, view, slicing, dropout, identity):
    no node, the value aliases its producers. An activation / BatchNorm right after a layer is
    listed in that layer's ``fused`` column.
  * ``unsupported(name, what, why)`` anything else: raised as one error naming every such op whose
    result reaches a costed layer or the model's output (never a silent zero). One whose result does
    not (e.g. ``x.sum() > 0`` steering Python control flow in the hook tracer) is listed in
    ``Graph.ignored`` instead.

A value is a frozenset of the node names that produced it (after aliasing through free ops), plus
``!name`` markers of the unsupported ops it depends on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from math import prod

from ..errors import CostModelError
from ..ops import OpQuery, lower

LAYER_KINDS = ("conv", "conv1d", "linear", "max_pool", "avg_pool", "adaptive_avg_pool", "matmul")
JOIN_KINDS = ("add", "concat")
FUSED = ("batch_norm", "relu", "relu6", "leaky_relu", "hardtanh", "sigmoid", "tanh", "silu", "gelu",
         "hardswish", "hardsigmoid", "elu", "clip", "layer_norm", "group_norm", "softmax", "log_softmax")


class Unsupported(Exception):
    """A layer the lowering cannot represent faithfully (the message says why)."""


@dataclass
class Node:
    name: str                 # module path (torch) or node name (ONNX)
    op: str                   # input | a LAYER_KIND | add | concat
    source: str               # what the framework called it: Conv2d, Gemm, add, ...
    inputs: tuple             # names of the producing nodes
    in_shape: tuple
    out_shape: tuple
    query: OpQuery | None = None
    fused: list = field(default_factory=list)


@dataclass
class Graph:
    nodes: list               # [Node] in execution (topological) order
    outputs: tuple            # names of the nodes producing the model's outputs
    tracer: str               # fx | hooks | onnx: how the graph was obtained
    ignored: tuple = ()       # unsupported ops whose results reach no layer and no output

    def node(self, name: str) -> Node:
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)


def _pair(v, what: str) -> int:
    """A square attribute: an int, or a pair / list of equal ints (else unsupported)."""
    if isinstance(v, int):
        return v
    vals = list(v)
    if len(set(vals)) != 1:
        raise Unsupported(f"non-square {what} {tuple(vals)} (the LUT keys square kernels/strides/padding)")
    return int(vals[0])


def lower_layer(kind: str, attrs: dict, in_shape: tuple, out_shape: tuple) -> OpQuery:
    """The plain-op `OpQuery` of a framework layer; `Unsupported` if it cannot be costed at its real shape."""
    a = attrs
    if kind == "matmul":
        q = OpQuery("matmul", a["k"], a["m"], w=1, c_out=a["n"], n=a["b"])
        try:
            q = q.resolved()
        except CostModelError as e:
            raise Unsupported(str(e)) from None
        want, got = (a["b"] * a["m"] * a["n"],), (prod(out_shape),)
    elif kind == "linear":
        if len(in_shape) < 2:
            raise Unsupported(f"linear on a {len(in_shape)}-d input")
        n = prod(in_shape[:-1])
        q = OpQuery("linear", in_shape[-1], 1, w=1, c_out=a["out_features"], n=n)
        want = (n, a["out_features"])
        got = (n, out_shape[-1])
    else:
        rank = 3 if kind == "conv1d" else 4
        if len(in_shape) != rank:
            raise Unsupported(f"{kind} on a {len(in_shape)}-d input {tuple(in_shape)} (expected {rank}-d)")
        if kind == "conv1d":
            n, c, w = in_shape
            h = 1
        else:
            n, c, h, w = in_shape
        if a.get("ceil_mode"):
            raise Unsupported("ceil_mode=True (the lowering uses floor)")
        if kind == "adaptive_avg_pool":
            oh, ow = (a["output_size"], a["output_size"]) if isinstance(a["output_size"], int) else a["output_size"]
            oh, ow = oh or h, ow or w
            if h % oh or w % ow or h // oh != w // ow:
                raise Unsupported(f"adaptive pooling {h}x{w} -> {oh}x{ow} is not one square window")
            k = h // oh
            q = OpQuery("avg_pool", c, h, w=w, c_out=c, stride=k, n=n, kernel=k, padding=0)
        else:
            k, s = _pair(a["kernel"], "kernel"), _pair(a.get("stride") or a["kernel"], "stride")
            p, d = _pair(a.get("padding", 0), "padding"), _pair(a.get("dilation", 1), "dilation")
            if kind in ("conv", "conv1d"):
                q = OpQuery(kind, c, h, w=w, c_out=a["out_channels"], stride=s, n=n, kernel=k, dilation=d,
                            groups=a.get("groups", 1), padding=p)
            elif kind == "max_pool":
                q = OpQuery("max_pool", c, h, w=w, c_out=c, stride=s, n=n, kernel=k, dilation=d, padding=p)
            else:
                if d != 1:
                    raise Unsupported(f"avg pool with dilation {d}")
                q = OpQuery("avg_pool", c, h, w=w, c_out=c, stride=s, n=n, kernel=k, padding=p)
        try:
            layer = lower(q)[0]
        except CostModelError as e:
            raise Unsupported(str(e)) from None
        want = (layer.N, layer.K, layer.P, layer.Q)
        got = tuple(out_shape) if kind != "conv1d" else (out_shape[0], out_shape[1], 1, out_shape[2])
    if tuple(want) != tuple(got):
        raise Unsupported(f"the lowering gives output {tuple(want)}, the model computes {tuple(got)}")
    return q.resolved()


class GraphBuilder:
    """Collects nodes from a front end; `graph()` returns the `Graph` or raises on unsupported ops."""

    def __init__(self, tracer: str):
        self.tracer = tracer
        self.nodes: dict[str, Node] = {}
        self.bad: dict[str, str] = {}          # marker -> message
        self.reached: set[str] = set()         # markers that flowed into a layer, a join or an output

    def _real(self, deps) -> frozenset:
        """`deps` without unsupported-op markers (recorded as reached)."""
        marks = {d for d in deps if d.startswith("!")}
        self.reached |= marks
        return frozenset(deps) - marks

    def _name(self, name: str) -> str:
        base, k = name or "op", 2
        while name in self.nodes or not name:
            name = f"{base}#{k}"
            k += 1
        return name

    def _add(self, node: Node) -> frozenset:
        node.name = self._name(node.name)
        self.nodes[node.name] = node
        return frozenset([node.name])

    def input(self, name: str, shape: tuple) -> frozenset:
        return self._add(Node(name, "input", "input", (), tuple(shape), tuple(shape)))

    def layer(self, name, kind, source, attrs, in_shape, out_shape, deps) -> frozenset:
        try:
            q = lower_layer(kind, attrs, tuple(in_shape), tuple(out_shape))
        except Unsupported as e:
            return self.unsupported(name, source, str(e), deps)
        deps = self._real(deps)
        return self._add(Node(name, kind, source, tuple(sorted(deps, key=self._order)), tuple(in_shape),
                              tuple(out_shape), q))

    def join(self, name, kind, source, deps, out_shape) -> frozenset:
        deps = self._real(deps)
        if len(deps) < 2:           # x + x, a one-input concat, a constant added: nothing joins
            return deps
        shapes = [self.nodes[d].out_shape for d in deps]
        return self._add(Node(name, kind, source, tuple(sorted(deps, key=self._order)), shapes[0], tuple(out_shape)))

    def free(self, deps, what: str) -> frozenset:
        deps = frozenset(deps)
        if what in FUSED and len(deps) == 1 and not next(iter(deps)).startswith("!"):
            node = self.nodes[next(iter(deps))]
            if node.op in LAYER_KINDS:
                node.fused.append(what)
        return deps

    def unsupported(self, name: str, what: str, why: str = "no cost model for it", deps=()) -> frozenset:
        """Record an op we cannot cost; returns its value (a marker that reports it if it is ever used)."""
        mark = self._name("!" + name)
        self.bad[mark] = f"{name} ({what}): {why}"
        return frozenset(deps) | {mark}

    def _order(self, name: str) -> int:
        return list(self.nodes).index(name)

    def graph(self, outputs) -> Graph:
        outputs = self._real(outputs)
        bad = [msg for mark, msg in self.bad.items() if mark in self.reached]
        if bad:
            shown = "; ".join(bad[:12]) + (f"; ... and {len(bad) - 12} more" if len(bad) > 12 else "")
            raise CostModelError(f"{len(bad)} unsupported layer(s), nothing costed: {shown}")
        if not any(n.op in LAYER_KINDS for n in self.nodes.values()):
            raise CostModelError("the model has no layer to cost (no conv, linear, matmul or pooling layer found)")
        ignored = tuple(msg for mark, msg in self.bad.items() if mark not in self.reached)
        return Graph(list(self.nodes.values()), tuple(sorted(set(outputs), key=self._order)), self.tracer, ignored)
