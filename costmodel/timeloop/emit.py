"""Timeloop input files for one layer on one `TimeloopArch`, in two formats, plus Accelergy ERT/ART.

  legacy  Timeloop v1.0 (what shared/reference ran): ``architecture:`` v0.2 subtree (levels outer -> inner
          with instances/meshX), ``mapspace: {targets: ...}``, ``mapper:`` with '-' keys, problem per
          costmodel.timeloop.problem. Run as ``timeloop-mapper arch.yaml constraints.yaml mapper.yaml problem.yaml``.
  v0.4    timeloopfe: ``architecture: {version: 0.4, nodes: [...]}`` with ``!Component`` levels and a
          ``!Container`` per spatial fan-out, ``constraints: {version: 0.4, targets: ...}`` on the storage
          levels (a spatial constraint on level L is the fan-out below L, as in v1.0), ``mapper:`` with '_' keys.

Constraints name only the dimensions of the problem's shape (G is dropped for a G == 1 cnn-layer;
a spatial split shrinks with the X dims dropped). `files_for` returns {file name: YAML text}.
"""
from __future__ import annotations

from ..errors import CostModelError
from ..workload import Layer
from . import problem as prob
from .archdesc import Constraint, TimeloopArch
from .yamlio import Tagged, dump

# v1.0 defaults of the mapper (mapper-thread.hpp / mapper.cpp), spelled out so both formats say the same
MAPPER_DEFAULTS = {"optimization-metrics": ["edp"], "algorithm": "hybrid", "timeout": 1000, "victory-condition": 500,
                   "search-size": 0, "sync-interval": 0, "live-status": False}
V04_ALGORITHMS = {"linear-pruned": "linear_pruned", "random-pruned": "random_pruned", "hybrid": "hybrid",
                  "exhaustive": "exhaustive", "random": "random"}


def _num(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


# ------------------------------------------------------------------------------------------- legacy

def legacy_arch(arch: TimeloopArch) -> dict:
    """arch.yaml for Timeloop v1.0: a v0.2 ``architecture`` subtree, levels outer -> inner, then the MACs."""
    local = []
    for s in arch.storage:
        a = {"instances": s.instances, "meshX": s.mesh_x, "word-bits": s.word_bits}
        if s.technology != "DRAM":
            a.update({"entries": s.entries, "block-size": s.block_size})
            if s.cluster_size != 1:
                a["cluster-size"] = s.cluster_size
        for key, v in (("read_bandwidth", s.read_bandwidth), ("write_bandwidth", s.write_bandwidth)):
            if v is not None:
                a[key] = _num(v)
        local.append({"name": s.name, "class": s.component_class, "attributes": a})
    m = arch.arithmetic
    local.append({"name": m.name, "class": m.klass,
                  "attributes": {"instances": m.instances, "meshX": m.mesh_x, "word-bits": m.word_bits}})
    node = {"name": arch.name or "system", "local": local}
    if arch.technology:
        node = {"name": node["name"], "attributes": {"technology": arch.technology}, "local": local}
    return {"architecture": {"version": "0.2", "subtree": [node]}}


def _legacy_constraint(c: Constraint) -> dict:
    if c.type == "bypass":
        return {"type": "bypassing", "attributes": {"keep": list(c.keep), "bypass": list(c.bypass)}}
    a = {}
    if c.factors:
        a["factors"] = " ".join(f"{d}={b}" for d, b in c.factors)
    if c.permutation:
        a["permutation"] = c.permutation
    if c.type == "spatial" and c.split is not None:
        a["split"] = c.split
    return {"type": c.type, "attributes": a}


def legacy_constraints(arch: TimeloopArch, dims) -> dict:
    """constraints.yaml for Timeloop v1.0 (``mapspace: {targets}``), restricted to the problem's `dims`."""
    targets = []
    for c in arch.constraints_for(dims):
        _check_target(arch, c)
        entry = next((t for t in targets if t["name"] == c.target), None)
        if entry is None:
            entry = {"name": c.target, "constraints": []}
            targets.append(entry)
        entry["constraints"].append(_legacy_constraint(c))
    return {"mapspace": {"targets": targets}}


def legacy_mapper(arch: TimeloopArch, overrides: dict | None = None) -> dict:
    """The search settings, every one spelled out: Timeloop v1.0's defaults < the arch's < `overrides`."""
    m = {**MAPPER_DEFAULTS, **arch.mapper, **(overrides or {})}
    for key in m:
        if key not in MAPPER_DEFAULTS and key != "num-threads":
            raise CostModelError(f"unknown Timeloop mapper setting {key!r} (known: {', '.join(MAPPER_DEFAULTS)}, "
                                 f"num-threads)")
    if m["algorithm"] not in V04_ALGORITHMS:
        raise CostModelError(f"unknown Timeloop mapper algorithm {m['algorithm']!r} (use one of {', '.join(V04_ALGORITHMS)})")
    return {"mapper": m}


# ------------------------------------------------------------------------------------------- v0.4

def v04_arch(arch: TimeloopArch) -> dict:
    """arch.yaml for timeloopfe v0.4: ``!Component`` levels, a ``!Container`` at every spatial fan-out."""
    sys_attrs = {"technology": arch.technology} if arch.technology else {}
    nodes = [Tagged("!Container", {"name": arch.name or "system", "attributes": sys_attrs})]
    parent_inst, parent_x = 1, 1
    levels = list(arch.storage) + [arch.arithmetic]
    for i, lv in enumerate(levels):
        if lv.instances != parent_inst:
            if lv.instances % parent_inst or lv.mesh_x % parent_x:
                raise CostModelError(f"arch {arch.name!r}: level {lv.name!r} has {lv.instances} instances "
                                     f"(meshX {lv.mesh_x}), not a multiple of the level above ({parent_inst}, meshX {parent_x})")
            fx = lv.mesh_x // parent_x
            fy = (lv.instances // parent_inst) // fx
            spatial = {k: v for k, v in (("meshX", fx), ("meshY", fy)) if v > 1}
            nodes.append(Tagged("!Container", {"name": f"{lv.name}_array", "spatial": spatial}))
            parent_inst, parent_x = lv.instances, lv.mesh_x
        nodes.append(Tagged("!Component", _v04_component(lv)))
    return {"architecture": {"version": "0.4", "nodes": nodes}}


def _v04_component(lv) -> dict:
    if not hasattr(lv, "entries"):                                  # arithmetic
        return {"name": lv.name, "class": lv.klass, "attributes": {"datawidth": lv.word_bits, "width": lv.word_bits}}
    a = {"datawidth": lv.word_bits, "width": lv.word_bits * lv.block_size, "block_size": lv.block_size}
    if lv.technology == "DRAM":
        a["type"] = "LPDDR4"                                       # unbounded: no depth, as in timeloopfe's examples
        klass = "DRAM"
    elif not lv.entries:                                            # a 0-entry level only routes data
        return {"name": lv.name, "class": "dummy_storage",
                "attributes": {"width": 1, "depth": 1, "datawidth": 1, "technology": -1}}
    else:
        a.update({"entries": lv.entries, "depth": -(-lv.entries // lv.block_size)})
        klass = lv.component_class
    if lv.cluster_size != 1:
        a["cluster_size"] = lv.cluster_size
    for key, v in (("read_bandwidth", lv.read_bandwidth), ("write_bandwidth", lv.write_bandwidth)):
        if v is not None:
            a[key] = _num(v)
    return {"name": lv.name, "class": klass, "attributes": a}


def _v04_constraint(c: Constraint) -> dict:
    if c.type == "bypass":
        return {"target": c.target, "type": "dataspace", "keep": list(c.keep), "bypass": list(c.bypass)}
    d = {"target": c.target, "type": c.type}
    if c.factors:
        d["factors"] = [f"{dim}={b}" for dim, b in c.factors]
    if c.permutation:
        d["permutation"] = list(c.permutation)
    if c.type == "spatial" and c.split is not None:
        d["split"] = c.split
    return d


def v04_constraints(arch: TimeloopArch, dims) -> dict:
    """constraints.yaml for timeloopfe v0.4, restricted to the problem's `dims`."""
    out = []
    for c in arch.constraints_for(dims):
        _check_target(arch, c)
        out.append(_v04_constraint(c))
    return {"constraints": {"version": "0.4", "targets": out}}


def v04_mapper(arch: TimeloopArch, overrides: dict | None = None) -> dict:
    """mapper.yaml for timeloopfe v0.4: the same settings as `legacy_mapper`, spelled with '_'."""
    legacy = legacy_mapper(arch, overrides)["mapper"]
    m = {"version": "0.4", "optimization_metrics": list(legacy["optimization-metrics"]),
         "algorithm": V04_ALGORITHMS[legacy["algorithm"]], "timeout": legacy["timeout"],
         "victory_condition": legacy["victory-condition"], "search_size": legacy["search-size"],
         "sync_interval": legacy["sync-interval"], "live_status": legacy["live-status"]}
    if "num-threads" in legacy:
        m["num_threads"] = int(legacy["num-threads"])
    return {"mapper": m}


# ------------------------------------------------------------------------------------------- Accelergy

def ert_art(arch: TimeloopArch) -> tuple[dict, dict]:
    """Accelergy-format energy (ERT, pJ per action) and area (ART, um^2; 0 = not modelled) tables."""
    tables, areas = [], []
    path = arch.name or "system"
    parent_inst = 1
    for lv in list(arch.storage) + [arch.arithmetic]:
        if lv.instances != parent_inst:
            path = f"{path}.{lv.name}_array[0..{lv.instances // parent_inst - 1}]"
            parent_inst = lv.instances
        name = f"{path}.{lv.name}"
        if hasattr(lv, "entries"):
            e = lv.vector_access_energy_pj
            if e is None:
                raise CostModelError(f"arch {arch.name!r}: level {lv.name!r} has no per-access energy; "
                                     f"cannot write its ERT")
            actions = [{"name": a, "arguments": {}, "energy": float(e)} for a in ("read", "write", "update")]
            actions.append({"name": "leak", "arguments": {}, "energy": 0.0})
        else:
            if lv.energy_per_op_pj is None:
                raise CostModelError(f"arch {arch.name!r}: arithmetic {lv.name!r} has no energy per MAC; cannot write its ERT")
            actions = [{"name": "compute", "arguments": {}, "energy": float(lv.energy_per_op_pj)},
                       {"name": "leak", "arguments": {}, "energy": 0.0}]
        tables.append({"name": name, "actions": actions})
        areas.append({"name": name, "area": 0.0})
    return {"ERT": {"version": "0.4", "tables": tables}}, {"ART": {"version": "0.4", "tables": areas}}


# ------------------------------------------------------------------------------------------- files

def files_for(layer: Layer, arch: TimeloopArch, fmt: str = "v0.4", mapper: dict | None = None,
              with_energy: bool = True) -> dict[str, str]:
    """{file name: YAML text} of every input file for `layer` on `arch` in format `fmt` (legacy | v0.4)."""
    if fmt not in prob.FORMATS:
        raise CostModelError(f"unknown Timeloop format {fmt!r} (use one of {prob.FORMATS})")
    dims = prob.problem_dims(layer)
    header = (f"{fmt} Timeloop input for layer {layer.name!r} on arch {arch.name!r}; written by costmodel "
              f"(costmodel.timeloop.emit)")
    if fmt == "legacy":
        parts = {"arch.yaml": legacy_arch(arch), "constraints.yaml": legacy_constraints(arch, dims),
                 "mapper.yaml": legacy_mapper(arch, mapper)}
    else:
        parts = {"arch.yaml": v04_arch(arch), "constraints.yaml": v04_constraints(arch, dims),
                 "mapper.yaml": v04_mapper(arch, mapper)}
    parts["problem.yaml"] = prob.problem_dict(layer, fmt)
    if with_energy:
        parts["ERT.yaml"], parts["ART.yaml"] = ert_art(arch)
    return {name: dump(data, header) for name, data in parts.items()}


def _check_target(arch: TimeloopArch, c: Constraint) -> None:
    names = [s.name for s in arch.storage]
    if c.target not in names:
        raise CostModelError(f"arch {arch.name!r}: a {c.type} constraint targets {c.target!r}, which is not a "
                             f"storage level ({', '.join(names)})")
