"""Timeloop v3+'s native input (timeloopfe's ``parsed-processed-input.yaml``) -> the flat arch (`Node` list),
constraints by target, problem, mapping and mapper blocks.

Its ``architecture.subtree[0].local`` lists the components outer -> inner as ``NAME[1..INSTANCES]`` with
``meshX``/``meshY`` among the attributes; ``class: dummy_storage`` marks the ``inter_<name>_spatial`` fan-out
levels; ``architecture_constraints.targets`` holds the constraints by target (``type: bypass`` = keep/bypass).
"""
from __future__ import annotations

import re

from ...errors import CostModelError
from .arch import Node
from .yamlfiles import at

_NAME = re.compile(r"^(.+?)(?:\[(\d+)\.\.(\d+)\])?$")
COMPUTE_CLASSES = ("mac", "intmac", "fpmac", "compute")


def _count(name: str, where: str) -> tuple[str, int]:
    m = _NAME.match(name)
    if not m:
        raise CostModelError(f"{where}: malformed component name {name!r}")
    return m.group(1), (int(m.group(3)) - int(m.group(2)) + 1) if m.group(2) else 1


def is_native(doc: dict) -> bool:
    arch = doc.get("architecture")
    return isinstance(arch, dict) and "subtree" in arch


def flatten(doc: dict) -> tuple[str, dict, list]:
    """(system name, system attributes, [Node] outer -> inner) of a v3-native document."""
    arch = doc["architecture"]
    sub = arch.get("subtree") or []
    if len(sub) != 1:
        raise CostModelError(f"{at(arch, 'subtree')}: expected one top-level subtree (the system), got {len(sub)}")
    top = sub[0]
    if top.get("subtree"):
        raise CostModelError(f"{at(top, 'subtree')}: nested subtrees: run timeloopfe's flattening first "
                             f"(its parsed-processed-input.yaml is flat)")
    out = []
    for comp in top.get("local") or []:
        where = at(comp)
        name, n = _count(str(comp.get("name", "")), where)
        attrs = dict(comp.get("attributes") or {})
        mx = int(attrs.pop("meshX", 1))
        attrs.pop("meshY", None)
        klass = str(comp.get("class", ""))
        kind = "fanout" if klass == "dummy_storage" else "storage"
        out.append(Node(name, kind, klass, n, mx, attrs, {}, where, comp))
    if not out:
        raise CostModelError(f"{at(top)}: the architecture lists no components")
    out[-1].kind = "compute"
    for c in (doc.get("architecture_constraints") or {}).get("targets") or []:
        _attach(out, c)
    name = str(top.get("name", "system")).removesuffix("_top_level")
    return name, dict(top.get("attributes") or {}), out


def _attach(nodes, c):
    target, kind = str(c.get("target", "")), c.get("type")
    for n in nodes:
        if n.name == target:
            key = {"bypass": "dataspace", "datatype": "dataspace"}.get(kind, kind)
            if key not in ("dataspace", "temporal", "spatial", "utilization"):
                raise CostModelError(f"{at(c, 'type')}: constraint type {kind!r} is not supported "
                                     f"(temporal, spatial, bypass, utilization)")
            n.constraints[key] = {k: v for k, v in c.items() if k not in ("target", "type")}
            return
    raise CostModelError(f"{at(c, 'target')}: constraint target {target!r} is not a component of the arch")
