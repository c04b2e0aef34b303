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

STORAGE_ATTRS = {"datawidth", "width", "depth", "entries", "block_size", "cluster_size", "read_bandwidth",
                 "write_bandwidth", "technology", "global_cycle_seconds", "type", "n_banks"}
ALIASES = {"memory_depth": "depth", "memory_width": "width"}       # timeloopfe's examples spell them so
MAC_ATTRS = {"datawidth", "width", "technology", "global_cycle_seconds", "multiplier_width", "adder_width"}
ALGORITHMS = {"linear-pruned": "linear_pruned", "random-pruned": "random_pruned", "hybrid": "hybrid",
              "exhaustive": "exhaustive", "random": "random"}


def _walk(nodes, where):
    for n in nodes:
        if not isinstance(n, dict) or "!" not in n:
            raise CostModelError(f"{where}: every architecture node needs a tag (!Component, !Container, ...)")
        if n["!"] in ("Parallel", "Hierarchical"):
            yield from _walk(n.get("nodes", []), where)
        elif n["!"] in ("Component", "Container"):
            yield n
        else:
            raise CostModelError(f"{where}: unsupported node !{n['!']}")


def _constraint(d: dict, kind: str, at: str) -> dict:
    bad = sorted(set(d) - {"factors", "permutation", "split", "keep", "bypass", "target", "type"})
    if bad:
        raise CostModelError(f"{at}: unsupported constraint key(s) {bad}")
    if kind == "dataspace":
        return keep_of(d.get("keep"), d.get("bypass"), at)
    f = {from_v04_dim(k): b for k, b in parse_factors(d.get("factors"), at).items()}
    perm = "".join(from_v04_dim(x) for x in parse_permutation(d.get("permutation", [])))
    out = {"factors": f, "permutation": perm}
    if kind == "spatial" and d.get("split") is not None:
        out["split"] = int(d["split"])
    return out


def _level(n, attrs, ert, at) -> dict:
    attrs = {ALIASES.get(k, k): v for k, v in attrs.items()}
    bad = sorted(set(attrs) - STORAGE_ATTRS)
    if bad:
        raise CostModelError(f"{at}: unsupported attribute(s) {bad}")
    wb, block = int(attrs.get("datawidth", 16)), int(attrs.get("block_size", 1))
    cluster = int(attrs.get("cluster_size", 1))
    if "width" in attrs and int(attrs["width"]) != wb * block * cluster:
        raise CostModelError(f"{at}: width {attrs['width']} != datawidth x block_size x cluster_size "
                             f"= {wb * block * cluster}")
    klass = str(n["class"])
    tech = "DRAM" if "DRAM" in klass else "SRAM"
    entries = attrs.get("entries", None if "depth" not in attrs else int(attrs["depth"]) * block)
    if tech != "DRAM" and entries is None:
        raise CostModelError(f"{at}: storage without a size (depth or entries)")
    if n["name"] not in ert:
        raise CostModelError(f"{at}: no energy: the ERT has no table for it")
    d = {"name": n["name"], "technology": tech, "class": klass, "entries": None if tech == "DRAM" else int(entries),
         "word_bits": wb, "access_energy_pj": ert[n["name"]] / (cluster if ertmod.CLUSTER_SCALED["v0.4"] else 1),
         "block_size": block, "cluster_size": cluster}
    for key in ("read_bandwidth", "write_bandwidth"):
        if attrs.get(key) is not None:
            d[key] = float(attrs[key])
    return d


def read(docs: dict, extras: dict | None = None, where: str = "v0.4 spec"):
    """The `AcceleratorSpec` of timeloopfe v0.4 documents merged into one dict (architecture, ERT, mapper,
    variables; a problem, if present, is not part of the arch)."""
    if "ERT" not in docs:
        raise CostModelError(f"{where}: no ERT: the v0.4 files carry the energies in ERT.yaml")
    ert = ertmod.read(docs, "v0.4", where)
    nodes = list(_walk((docs.get("architecture") or {}).get("nodes", []), where))
    if not nodes or nodes[0]["!"] != "Container":
        raise CostModelError(f"{where}: the architecture must start with the top !Container")
    name = str(nodes[0]["name"])
    var = {**(nodes[0].get("attributes") or {}),
           **{k: v for k, v in (docs.get("variables") or {}).items() if k != "version"}}
    levels, cons, mac, inst, mesh_x = [], {}, None, 1, 1
    for n in nodes[1:]:
        at = f"{where}: {n.get('name')}"
        sp = n.get("spatial") or {}
        if set(sp) - {"meshX", "meshY"}:
            raise CostModelError(f"{at}: unsupported spatial key(s) {sorted(set(sp) - {'meshX', 'meshY'})}")
        c = n.get("constraints") or {}
        if sp or "spatial" in c:
            if not levels:
                raise CostModelError(f"{at}: a fan-out above the first storage level is unsupported")
            if "spatial" in c:
                cons.setdefault(levels[-1]["name"], {})["spatial"] = _constraint(c["spatial"], "spatial", at)
            inst, mesh_x = inst * int(sp.get("meshX", 1)) * int(sp.get("meshY", 1)), mesh_x * int(sp.get("meshX", 1))
        if n["!"] == "Container":
            if set(c) - {"spatial"}:
                raise CostModelError(f"{at}: unsupported container constraint(s) {sorted(set(c) - {'spatial'})}")
            continue
        attrs = n.get("attributes") or {}
        if "mac" in str(n.get("class", "")) or str(n.get("class")) == "compute":
            bad = sorted(set(attrs) - MAC_ATTRS)
            if bad:
                raise CostModelError(f"{at}: unsupported arithmetic attribute(s) {bad}")
            mac = {"name": n["name"], "instances": inst, "mesh_x": mesh_x, "word_bits": int(attrs.get("datawidth", 16)),
                   "energy_pj": ert.get(n["name"], None)}
            if mac["energy_pj"] is None:
                raise CostModelError(f"{at}: no energy: the ERT has no table for it")
            continue
        levels.append({**_level(n, attrs, ert, at), "instances": inst, "mesh_x": mesh_x})
        for kind in sorted(set(c) - {"spatial"}):
            if kind not in ("dataspace", "temporal"):
                raise CostModelError(f"{at}: unsupported constraint {kind!r}")
            got = _constraint(c[kind], kind, at)
            cons.setdefault(n["name"], {}).update(got if kind == "dataspace" else {kind: got})
    if mac is None:
        raise CostModelError(f"{where}: no compute component (class intmac) at the bottom")
    ertmod.check_components(ert, [lv["name"] for lv in levels] + [mac["name"]], where)
    tl = {}
    for k, v in (docs.get("mapper") or {}).items():
        if k != "version":
            key = k.replace("_", "-")
            tl[key] = {a: b for b, a in ALGORITHMS.items()}.get(v, v) if k == "algorithm" else v
    return assemble(name, levels, mac, cons, tl, where, extras=extras, technology=str(var.get("technology", "")),
                    cycle_seconds=var.get("global_cycle_seconds"))


# timeloopfe adds these attributes (at these values) to every component it transpiles
_TLFE_DEFAULTS = {"has_power_gating": False, "n_banks": 2, "cluster_size": 1, "reduction_supported": True,
                  "multiple_buffering": 1, "min_utilization": 0, "allow_overbooking": False, "power_gated_at": None}
_TLFE_PLACED = ("meshX", "meshY", "technology", "global_cycle_seconds", "version")


def _count(name: str) -> tuple[str, int]:
    """'PE[1..16]' -> ('PE', 16)."""
    if name.endswith("]") and "[" in name:
        base, rng = name[:-1].split("[", 1)
        lo, hi = rng.split("..")
        return base, int(hi) - int(lo) + 1
    return name, 1


def read_transpiled(doc: dict, extras: dict | None = None, where: str = "timeloopfe output"):
    """The `AcceleratorSpec` of what timeloopfe made of v0.4 files (its ``parsed-processed-input.yaml``):
    its ``inter_<name>_spatial`` levels must be pure fan-outs (every temporal factor 1, keep nothing)
    and become the container they came from again; its default attributes are dropped."""
    top = doc["architecture"]["subtree"][0]
    pending, by_target = {}, {}
    for c in (doc.get("architecture_constraints") or {}).get("targets", []):
        by_target.setdefault(str(c["target"]), {})[c["type"] if c["type"] != "bypass" else "dataspace"] = {
            k: v for k, v in c.items() if k not in ("target", "type")}
    attrs_top = {k: v for k, v in (top.get("attributes") or {}).items() if k in ("technology", "global_cycle_seconds")}
    nodes = [{"!": "Container", "name": top["name"].removesuffix("_top_level"), "attributes": attrs_top}]
    count, mesh_x = 1, 1
    for comp in top.get("local", []):
        name, n = _count(str(comp["name"]))
        cons = by_target.get(name, {})
        if name.startswith("inter_") and name.endswith("_spatial"):
            t = cons.get("temporal", {})
            if any(b != 1 for b in parse_factors(t.get("factors"), f"{where}: {name}").values()) or \
                    cons.get("dataspace", {}).get("keep"):
                raise CostModelError(f"{where}: {name} is not a pure fan-out level")
            pending = {"spatial": cons["spatial"]} if "spatial" in cons else {}
            continue
        a = comp.get("attributes") or {}
        mx = int(a.get("meshX", 1))
        if n != count or pending:
            fx = mx // mesh_x
            nodes.append({"!": "Container", "name": f"{name}_array", "spatial": {"meshX": fx, "meshY": n // count // fx},
                          "constraints": pending})
            count, mesh_x, pending = n, mx, {}
        attrs = {k: v for k, v in a.items() if k not in _TLFE_PLACED and not (k in _TLFE_DEFAULTS and v == _TLFE_DEFAULTS[k])}
        nodes.append({"!": "Component", "name": name, "class": comp["class"], "attributes": attrs,
                      "constraints": cons})
    defaults = {"search_size": None, "sync_interval": None, "log_stats": False, "log_suboptimal": False,
                "diagnostics": False, "penalize_consecutive_bypass_fails": False}
    mapper = {k: v for k, v in (doc.get("mapper") or {}).items() if not (k in defaults and v == defaults[k])
              and (k.replace("_", "-") in _known_mapper_keys() or k == "optimization_metrics")}
    return read({"architecture": {"nodes": nodes}, "ERT": doc["ERT"], "mapper": mapper}, extras=extras, where=where)


def _known_mapper_keys():
    from ...loopnest.mapper_settings import TIMELOOP_MAPPER_KEYS
    return TIMELOOP_MAPPER_KEYS
