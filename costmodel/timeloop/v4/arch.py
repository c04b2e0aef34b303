"""timeloopfe v4 ``architecture.nodes`` -> the flat list Timeloop v3+ reads (what timeloopfe transpiles to).

Walk (as timeloopfe does): the first ``!Container`` is the system (its name and attributes: technology,
clock); a ``!Container`` with ``spatial: {meshX, meshY}`` fans out: it becomes the pure fan-out level
``inter_<name>_spatial`` (no storage; its ``constraints.spatial`` are the fan-out's) and multiplies the
instances below; a ``!Container`` without ``spatial`` only passes its attributes down; ``!Parallel`` and
``!Hierarchical`` list their children in order (outer -> inner, as timeloopfe's transpiler does);
``!Nothing`` is skipped; a ``!Component`` with its own ``spatial`` has that many instances (the fan-out is
the level above's); the last ``!Component`` is the compute unit. Attribute values are evaluated
(costmodel.timeloop.v4.expr) over the variables, the attributes inherited from the containers and the node's
own earlier attributes.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import CostModelError
from . import expr
from .load import at


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


NODE_KEYS = {"!", "name", "class", "attributes", "constraints", "spatial", "nodes", "required_actions",
             "enabled", "area_share", "actions", "subcomponents", "description"}
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
    state = {"inst": 1, "mesh_x": 1, "scope": {**variables, **sysattrs}}
    if first.get("spatial"):
        raise CostModelError(f"{at(first, 'spatial')}: the system container cannot fan out (no level above it)")
    _walk(nodes[1:], state, out)
    if not out or out[-1].kind != "storage" and out[-1].kind != "compute":
        raise CostModelError(f"{top_where}: the architecture has no compute component")
    out[-1].kind = "compute"
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


def _walk(nodes, state, out):
    for node in nodes:
        if not isinstance(node, dict) or "!" not in node:
            raise CostModelError(f"{at(node, default='architecture')}: every node needs a tag "
                                 f"(!Component, !Container, !Parallel, !Hierarchical, !Nothing)")
        tag = node["!"]
        if tag == "Nothing":
            continue
        if tag in _REFUSED:
            raise CostModelError(f"{at(node)}: {_REFUSED[tag]} are not supported")
        if tag in ("Parallel", "Hierarchical"):
            _check(node, {"!", "nodes", "name", "description"}, f"!{tag}")
            _walk(node.get("nodes") or [], state, out)
            continue
        if tag not in ("Container", "Component"):
            raise CostModelError(f"{at(node)}: !{tag} is not an architecture node")
        _check(node, NODE_KEYS, f"!{tag}")
        if "name" not in node:
            raise CostModelError(f"{at(node)}: !{tag} without a 'name'")
        name = str(node["name"])
        cons = node.get("constraints") or {}
        _check(cons, CONSTRAINT_KEYS, f"constraints of {name}")
        attrs = expr.attributes(node.get("attributes") or {}, state["scope"], lambda k: at(node.get("attributes"), k))
        mx, my = _mesh(node, state)
        if tag == "Container":
            if set(cons) - {"spatial"}:
                k = sorted(set(cons) - {"spatial"})[0]
                raise CostModelError(f"{at(cons, k)}: a !Container holds only spatial constraints, not {k!r}")
            if mx * my > 1 or "spatial" in cons:
                c = {"temporal": {"factors": [f"{d}=1" for d in "NCKRSPQG"]}}    # a fan-out has no loops in time
                if "spatial" in cons:
                    c["spatial"] = cons["spatial"]
                out.append(Node(f"inter_{name}_spatial", "fanout", "dummy_storage", state["inst"], state["mesh_x"],
                                {}, c, at(node), node))
                state["inst"] *= mx * my
                state["mesh_x"] *= mx
            state["scope"] = {**state["scope"], **attrs}
            continue
        state["inst"] *= mx * my
        state["mesh_x"] *= mx
        if "spatial" in cons:
            raise CostModelError(f"{at(cons, 'spatial')}: spatial constraints belong to the !Container that "
                                 f"fans out, not to the component {name}")
        merged = {**{k: v for k, v in state["scope"].items() if k in ("technology", "global_cycle_seconds")}, **attrs}
        if "class" not in node:
            raise CostModelError(f"{at(node)}: !Component {name} without a 'class'")
        cons = dict(cons)
        ds = cons.get("dataspace")
        if isinstance(ds, dict) and ("keep" in ds) != ("bypass" in ds):   # timeloopfe: the rest go the other way
            given = "keep" if "keep" in ds else "bypass"
            rest = [x for x in ("Weights", "Inputs", "Outputs") if x not in (ds.get(given) or [])]
            cons["dataspace"] = {**ds, ("bypass" if given == "keep" else "keep"): rest}
        out.append(Node(name, "storage", str(node["class"]), state["inst"], state["mesh_x"], merged, cons,
                        at(node), node))
