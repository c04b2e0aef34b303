"""timeloopfe v4 ``architecture.nodes`` -> the flat list Timeloop v3+ reads (what timeloopfe transpiles to).

Walk (as timeloopfe does): the first ``!Container`` is the system (its name and attributes: technology,
clock); a ``!Container`` with ``spatial: {meshX, meshY}`` fans out: it becomes the pure fan-out level
``inter_<name>_spatial`` (no storage; its ``constraints.spatial`` are the fan-out's) and multiplies the
instances below; a ``!Container`` without ``spatial`` only passes its attributes down; ``!Parallel`` and
``!Hierarchical`` list their children in order (outer -> inner, as timeloopfe's transpiler does);
``!Nothing`` and ``enabled: false`` nodes are skipped; a ``!Component`` with its own ``spatial`` gets an
``inter_<name>_spatial`` fan-out level above it and has that many instances; containers pass their
attributes down to the components below them; the last ``!Component`` is the compute unit. Attribute values
are evaluated (costmodel.timeloop.v4.expr) over the variables, the containers' attributes and the node's own
earlier attributes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import CostModelError
from . import expr
from .yamlfiles import at


@dataclass
class Node:
    """One component of the flat arch: kind 'storage' | 'fanout' | 'compute'."""
    name: str
    kind: str
    klass: str
    instances: int
    mesh_x: int
    attributes: dict = field(default_factory=dict)
    constraints: dict = field(default_factory=dict)     # dataspace / temporal / spatial, as written
    where: str = ""                                      # file:line of the node
    src: object = None                                   # the node (line numbers of its keys)
    inherited: dict = field(default_factory=dict)        # attributes of the containers above (timeloopfe's)
    branch_of: object = None                             # the !Parallel node this is a branch of


NODE_KEYS = {"!", "name", "class", "subclass", "attributes", "constraints", "spatial", "required_actions",
             "enabled", "area_scale", "energy_scale", "networks", "sparse_optimizations", "description"}
CONSTRAINT_KEYS = {"dataspace", "temporal", "spatial", "bypass", "max_overbooked_proportion"}
_REFUSED = {"Pipelined": "pipelined nodes (timeloopfe's !Pipelined)", "Array": "arrays (!Array)"}


def _check(node, allowed, what):
    for k in node:
        if k not in allowed:
            raise CostModelError(f"{at(node, k)}: unknown key {k!r} in {what} (allowed: "
                                 f"{', '.join(sorted(a for a in allowed if a != '!'))})")


def flatten(nodes, variables: dict, top_where: str = "architecture") -> tuple[str, dict, list]:
    """(system name, system attributes, [Node] outer -> inner) of the v4 ``nodes`` list."""
    if not isinstance(nodes, list) or not nodes:
        raise CostModelError(f"{top_where}: 'nodes' must list the architecture's nodes")
    first = nodes[0]
    if not isinstance(first, dict) or first.get("!") != "Container":
        raise CostModelError(f"{at(first, default=top_where)}: the first node must be the system's !Container")
    _check(first, NODE_KEYS, "!Container")
    sysattrs = expr.attributes(first.get("attributes") or {}, variables, lambda k: at(first.get("attributes"), k))
    sysattrs = {**{k: variables[k] for k in ("technology", "global_cycle_seconds") if k in variables}, **sysattrs}
    out: list[Node] = []
    state = {"inst": 1, "mesh_x": 1, "scope": {**variables, **sysattrs}, "inherited": dict(sysattrs)}
    if first.get("spatial"):
        raise CostModelError(f"{at(first, 'spatial')}: the system container cannot fan out (no level above it)")
    _walk(nodes[1:], state, out)
    real = [n for n in out if n.kind != "nothing"]
    if not real or real[-1].kind != "storage":
        raise CostModelError(f"{top_where}: the architecture has no compute component at the bottom")
    real[-1].kind = "compute"
    if not any(n.kind == "storage" for n in out):
        raise CostModelError(f"{top_where}: the architecture has no storage component above the compute")
    return str(first.get("name", "system")), sysattrs, out


def _mesh(node, state):
    sp = node.get("spatial") or {}
    if not isinstance(sp, dict):
        raise CostModelError(f"{at(node, 'spatial')}: 'spatial' must be a mapping {{meshX, meshY}}")
    for k in sp:
        if k not in ("meshX", "meshY"):
            raise CostModelError(f"{at(sp, k)}: unknown key {k!r} in spatial (allowed: meshX, meshY)")
    vals = []
    for k in ("meshX", "meshY"):
        v = expr.value(sp.get(k, 1), state["scope"], at(sp, k))
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 1 or int(v) != v:
            raise CostModelError(f"{at(sp, k)}: {k} must be an integer >= 1, got {v!r}")
        vals.append(int(v))
    return vals


def _fanout(name, cons, state, node, out, mx, my):
    """The ``inter_<name>_spatial`` level timeloopfe places for a fan-out (no storage, no loops in time)."""
    c = {"temporal": {"factors": [f"{d}=1" for d in "NCKRSPQG"]}}
    if "spatial" in cons:
        c["spatial"] = cons["spatial"]
    out.append(Node(f"inter_{name}_spatial", "fanout", "dummy_storage", state["inst"], state["mesh_x"], {}, c,
                    at(node), node))
    state["inst"] *= mx * my
    state["mesh_x"] *= mx


def _walk(nodes, state, out, parallel=False):
    for node in nodes:
        if not isinstance(node, dict) or "!" not in node:
            raise CostModelError(f"{at(node, default='architecture')}: every node needs a tag "
                                 f"(!Component, !Container, !Parallel, !Hierarchical, !Nothing)")
        tag = node["!"]
        if tag == "Nothing" and parallel and (node.get("constraints") or {}).get("dataspace"):
            out.append(Node(str(node.get("name", "nothing")), "nothing", "nothing", 0, 0, {},   # a branch that
                            {"dataspace": node["constraints"]["dataspace"]}, at(node), node))  # keeps, bypassing all
            continue
        if tag == "Nothing" or node.get("enabled", True) is False:
            continue
        if tag in _REFUSED:
            raise CostModelError(f"{at(node)}: {_REFUSED[tag]} are not supported")
        if tag in ("Parallel", "Hierarchical"):
            _check(node, {"!", "nodes", "name", "description"}, f"!{tag}")
            start = len(out)
            _walk(node.get("nodes") or [], state, out, tag == "Parallel")
            if tag == "Parallel":
                for n in out[start:]:
                    n.branch_of = node           # resolved by `branches` once every constraint is attached
            continue
        if tag not in ("Container", "Component"):
            raise CostModelError(f"{at(node)}: !{tag} is not an architecture node")
        _check(node, NODE_KEYS, f"!{tag}")
        for k in ("networks", "sparse_optimizations"):
            if node.get(k):
                raise CostModelError(f"{at(node, k)}: {k} are not supported" +
                                     (" (Sparseloop)" if k == "sparse_optimizations" else ""))
        if "name" not in node:
            raise CostModelError(f"{at(node)}: !{tag} without a 'name'")
        name = str(node["name"])
        cons = node.get("constraints") or {}
        _check(cons, CONSTRAINT_KEYS, f"constraints of {name}")
        attrs = expr.attributes(node.get("attributes") or {}, state["scope"], lambda k: at(node.get("attributes"), k))
        mx, my = _mesh(node, state)
        if parallel and (tag == "Container" or mx * my > 1):
            raise CostModelError(f"{at(node)}: a {'container' if tag == 'Container' else 'fan-out'} under a "
                                 f"!Parallel is not supported (timeloopfe neither): {name}")
        if tag == "Container":
            if set(cons) - {"spatial"}:
                k = sorted(set(cons) - {"spatial"})[0]
                raise CostModelError(f"{at(cons, k)}: a !Container holds only spatial constraints, not {k!r}")
            if mx * my > 1 or "spatial" in cons:
                _fanout(name, cons, state, node, out, mx, my)
            state["scope"] = {**state["scope"], **attrs}
            state["inherited"] = {**state["inherited"], **attrs}
            continue
        if mx * my > 1:                              # timeloopfe: a fan-out level, then the component below it
            _fanout(name, cons, state, node, out, mx, my)
        elif "spatial" in cons:
            raise CostModelError(f"{at(cons, 'spatial')}: spatial constraints of {name}, which does not fan out")
        cons = {k: v for k, v in cons.items() if k != "spatial"}
        if "class" not in node:
            raise CostModelError(f"{at(node)}: !Component {name} without a 'class'")
        out.append(Node(name, "storage", str(node["class"]), state["inst"], state["mesh_x"], attrs, cons,
                        at(node), node, dict(state["inherited"])))


def branches(nodes) -> list:
    """`_branches` applied to every !Parallel of the flat arch (after separate constraints are attached); the
    flat arch without the !Nothing branches."""
    groups = {}
    for n in nodes:
        if n.branch_of is not None:
            groups.setdefault(id(n.branch_of), (n.branch_of, []))[1].append(n)
    for node, leaves in groups.values():
        _branches(node, leaves)
    return [n for n in nodes if n.kind != "nothing"]


def _branches(node, leaves) -> None:
    """timeloopfe's !Parallel rule: each data space is kept in exactly one branch; a branch bypasses the rest."""
    spaces = ("Weights", "Inputs", "Outputs")
    keeps = [set((n.constraints.get("dataspace") or {}).get("keep") or
                 (n.constraints.get("dataspace") or {}).get("keep_only") or []) for n in leaves]
    for n, k in zip(leaves, keeps):
        if k - set(spaces):
            raise CostModelError(f"{n.where}: {n.name} keeps unknown data space {sorted(k - set(spaces))[0]!r} "
                                 f"(use {', '.join(spaces)})")
    for i, a in enumerate(keeps):
        for b, n in zip(keeps[i + 1:], leaves[i + 1:]):
            if a & b:
                raise CostModelError(f"{n.where}: {sorted(a & b)[0]} is kept in two branches of the !Parallel at "
                                     f"{at(node)} (each data space in one branch)")
    missing = [d for d in spaces if not any(d in k for k in keeps)]
    if missing:
        raise CostModelError(f"{at(node)}: no branch of this !Parallel keeps {missing[0]} (timeloopfe needs one)")
    for n, k in zip(leaves, keeps):
        ds = dict(n.constraints.get("dataspace") or {})
        ds["bypass"] = sorted(set(ds.get("bypass") or []) | (set(spaces) - k))
        n.constraints["dataspace"] = ds
