"""timeloopfe's v0.4 documents -> our `AcceleratorSpec` (the writer is `v04_write`).

Dimension names: timeloopfe's examples call output channels ``M``; we write M for our K everywhere in v0.4
(costmodel.timeloop.problem.V04_DIM_NAMES) and read it back as K.
Reader: `read(docs)` of the merged YAML documents; ``!Parallel`` children are read in order (as
timeloopfe's transpiler does), a component with its own ``spatial`` is a fan-out above it. Anything our
spec cannot hold -> CostModelError naming it.
"""
from __future__ import annotations

from ...errors import CostModelError
from ...timeloop.problem import from_v04_dim
from . import ert as ertmod
from .constraints import assemble, keep_of, parse_factors, parse_permutation
from .schema import check, shown
from .v04_schema import (ALIASES, Constraint, Constraints, Document, MacAttrs, Node, Placed, Spatial, StorageAttrs,
                         TopAttrs, Transpiled)

ALGORITHMS = {"linear-pruned": "linear_pruned", "random-pruned": "random_pruned", "hybrid": "hybrid",
              "exhaustive": "exhaustive", "random": "random"}


def _walk(nodes, where: str, path: tuple):
    """(path, node) of every !Component / !Container, !Parallel / !Hierarchical children in order."""
    for i, n in enumerate(nodes):
        if n.tag in ("Parallel", "Hierarchical"):
            yield from _walk(n.nodes or [], where, (*path, i, "nodes"))
        elif n.tag in ("Component", "Container"):
            yield (*path, i), n
        else:
            raise CostModelError(f"{where}: unsupported node !{shown(n.tag)[1:-1] if n.tag else '(no tag)'}")


def _constraint(c: Constraint, kind: str, at: str) -> dict:
    if kind == "dataspace":
        return keep_of(c.keep, c.bypass, at)
    f = {from_v04_dim(k): b for k, b in parse_factors(c.factors, at).items()}
    perm = "".join(from_v04_dim(x) for x in parse_permutation(c.permutation or []))
    out = {"factors": f, "permutation": perm}
    if kind == "spatial" and c.split is not None:
        out["split"] = c.split
    return out


def _attrs(model, n: Node, where: str, path: tuple):
    raw = {ALIASES.get(k, k): v for k, v in (n.attributes or {}).items()}
    return check(model, raw, where, None, (*path, "attributes"), n.name)


def _level(n: Node, a: StorageAttrs, ert, at) -> dict:
    wb, block, cluster = a.datawidth, a.block_size, a.cluster_size
    if a.width is not None and a.width != wb * block * cluster:
        raise CostModelError(f"{at}: width {a.width} != datawidth x block_size x cluster_size "
                             f"= {wb * block * cluster}")
    tech = "DRAM" if "DRAM" in n.klass else "SRAM"
    entries = a.entries if a.entries is not None else None if a.depth is None else a.depth * block
    if tech != "DRAM" and entries is None:
        raise CostModelError(f"{at}: storage without a size (depth or entries)")
    if n.name not in ert:
        raise CostModelError(f"{at}: no energy: the ERT has no table for it")
    d = {"name": n.name, "technology": tech, "class": n.klass, "entries": None if tech == "DRAM" else entries,
         "word_bits": wb, "access_energy_pj": ert[n.name] / (cluster if ertmod.CLUSTER_SCALED["v0.4"] else 1),
         "block_size": block, "cluster_size": cluster}
    for key in ("read_bandwidth", "write_bandwidth"):
        if getattr(a, key) is not None:
            d[key] = getattr(a, key)
    return d


def read(docs: dict, extras: dict | None = None, where: str = "v0.4 spec"):
    """The `AcceleratorSpec` of timeloopfe v0.4 documents merged into one dict (architecture, ERT, mapper,
    variables; a problem, if present, is not part of the arch)."""
    doc = check(Document, docs, where)
    if doc.ERT is None:
        raise CostModelError(f"{where}: no ERT: the v0.4 files carry the energies in ERT.yaml")
    ert = ertmod.read(doc.ERT, "v0.4", where)
    nodes = list(_walk(doc.architecture.nodes if doc.architecture else [], where, ("architecture", "nodes")))
    if not nodes or nodes[0][1].tag != "Container":
        raise CostModelError(f"{where}: the architecture must start with the top !Container")
    top_path, top = nodes[0]
    var = check(TopAttrs, {**(top.attributes or {}), **(doc.variables.model_dump(exclude_unset=True)
                                                        if doc.variables else {})}, where)
    levels, cons, mac, inst, mesh_x = [], {}, None, 1, 1
    for path, n in nodes[1:]:
        at = f"{where}: {n.name}"
        sp, c = n.spatial, n.constraints or Constraints()
        if sp is not None or c.spatial is not None:
            if not levels:
                raise CostModelError(f"{at}: a fan-out above the first storage level is unsupported")
            if c.spatial is not None:
                cons.setdefault(levels[-1]["name"], {})["spatial"] = _constraint(c.spatial, "spatial", at)
            sp = sp or Spatial()
            inst, mesh_x = inst * sp.meshX * sp.meshY, mesh_x * sp.meshX
        if n.tag == "Container":
            other = sorted(k for k in ("dataspace", "temporal") if getattr(c, k) is not None)
            if other:
                raise CostModelError(f"{at}: unsupported container constraint(s) {other}")
            continue
        if "mac" in n.klass or n.klass == "compute":
            a = _attrs(MacAttrs, n, where, path)
            if n.name not in ert:
                raise CostModelError(f"{at}: no energy: the ERT has no table for it")
            mac = {"name": n.name, "instances": inst, "mesh_x": mesh_x, "word_bits": a.datawidth,
                   "energy_pj": ert[n.name]}
            continue
        levels.append({**_level(n, _attrs(StorageAttrs, n, where, path), ert, at), "instances": inst,
                       "mesh_x": mesh_x})
        for kind in ("dataspace", "temporal"):
            if getattr(c, kind) is not None:
                got = _constraint(getattr(c, kind), kind, at)
                cons.setdefault(n.name, {}).update(got if kind == "dataspace" else {kind: got})
    if mac is None:
        raise CostModelError(f"{where}: no compute component (class intmac) at the bottom")
    ertmod.check_components(ert, [lv["name"] for lv in levels] + [mac["name"]], where)
    tl = {}
    for k, v in (doc.mapper or {}).items():
        if k != "version":
            key = str(k).replace("_", "-")
            tl[key] = {a: b for b, a in ALGORITHMS.items()}.get(v, v) if k == "algorithm" and isinstance(v, str) else v
    return assemble(top.name, levels, mac, cons, tl, where, extras=extras, technology=var.technology or "",
                    cycle_seconds=var.global_cycle_seconds)


# timeloopfe adds these attributes (at these values) to every component it transpiles
_TLFE_DEFAULTS = {"has_power_gating": False, "n_banks": 2, "cluster_size": 1, "reduction_supported": True,
                  "multiple_buffering": 1, "min_utilization": 0, "allow_overbooking": False, "power_gated_at": None}
_TLFE_PLACED = ("meshX", "meshY", "technology", "global_cycle_seconds", "version")


def _count(name: str, where: str) -> tuple[str, int]:
    """'PE[1..16]' -> ('PE', 16)."""
    if name.endswith("]") and "[" in name:
        base, rng = name[:-1].split("[", 1)
        lo, _, hi = rng.partition("..")
        if not (lo.isdigit() and hi.isdigit()) or int(hi) < int(lo):
            raise CostModelError(f"{where}: component {shown(name)}: expected NAME[LOW..HIGH]")
        return base, int(hi) - int(lo) + 1
    return name, 1


def read_transpiled(doc: dict, extras: dict | None = None, where: str = "timeloopfe output"):
    """The `AcceleratorSpec` of what timeloopfe made of v0.4 files (its ``parsed-processed-input.yaml``):
    its ``inter_<name>_spatial`` levels must be pure fan-outs (every temporal factor 1, keep nothing)
    and become the container they came from again; its default attributes are dropped."""
    d = check(Transpiled, doc, where)
    top = d.architecture.subtree[0]
    pending, by_target = {}, {}
    for c in (d.architecture_constraints.targets if d.architecture_constraints else []):
        by_target.setdefault(c.target, {})[c.type if c.type != "bypass" else "dataspace"] = dict(c.model_extra)
    attrs_top = {k: v for k, v in (top.attributes or {}).items() if k in ("technology", "global_cycle_seconds")}
    nodes = [{"!": "Container", "name": top.name.removesuffix("_top_level"), "attributes": attrs_top}]
    count, mesh_x = 1, 1
    for i, comp in enumerate(top.local):
        name, n = _count(comp.name, where)
        cons = by_target.get(name, {})
        if name.startswith("inter_") and name.endswith("_spatial"):
            t = cons.get("temporal", {})
            if any(b != 1 for b in parse_factors(t.get("factors"), f"{where}: {name}").values()) or \
                    cons.get("dataspace", {}).get("keep"):
                raise CostModelError(f"{where}: {name} is not a pure fan-out level")
            pending = {"spatial": cons["spatial"]} if "spatial" in cons else {}
            continue
        a = comp.attributes or {}
        mx = check(Placed, a, where, None, ("architecture", "subtree", 0, "local", i, "attributes"), name).meshX
        if n != count or pending:
            fx = mx // mesh_x
            if fx < 1 or n % count or (n // count) % fx:
                raise CostModelError(f"{where}: {name}: {n} instances on meshX {mx} do not fan out from the "
                                     f"{count} instances on meshX {mesh_x} above it")
            nodes.append({"!": "Container", "name": f"{name}_array", "spatial": {"meshX": fx, "meshY": n // count // fx},
                          "constraints": pending})
            count, mesh_x, pending = n, mx, {}
        attrs = {k: v for k, v in a.items() if k not in _TLFE_PLACED and not (k in _TLFE_DEFAULTS and v == _TLFE_DEFAULTS[k])}
        nodes.append({"!": "Component", "name": name, "class": comp.klass, "attributes": attrs, "constraints": cons})
    defaults = {"search_size": None, "sync_interval": None, "log_stats": False, "log_suboptimal": False,
                "diagnostics": False, "penalize_consecutive_bypass_fails": False}
    mapper = {k: v for k, v in (d.mapper or {}).items() if not (k in defaults and v == defaults[k])
              and (k.replace("_", "-") in _known_mapper_keys() or k == "optimization_metrics")}
    return read({"architecture": {"nodes": nodes}, "ERT": d.ERT, "mapper": mapper}, extras=extras, where=where)


def _known_mapper_keys():
    from ...loopnest.mapper_settings import TIMELOOP_MAPPER_KEYS
    return TIMELOOP_MAPPER_KEYS
