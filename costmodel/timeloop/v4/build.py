"""The flat arch (`Node` list from arch.py or native.py) + an ERT -> the one typed `AcceleratorSpec`
(semantics ``timeloop-v3``), with Timeloop v3+'s reading of the attributes (model/buffer.cpp ParseSpecs):

* word bits: ``datawidth`` (or word_bits / word_width); block and cluster from ``width``:
  width = word_bits x block_size x cluster_size; one of block_size / cluster_size given -> the other
  follows; neither -> block_size = width / word_bits (timeloopfe writes cluster_size: 1).
* entries: ``entries``, else ``depth`` x block_size, else sizeKB; none -> unbounded.
* technology DRAM when the class names DRAM; bandwidths [words/cycle per instance].
* energies: the ERT's per-action energies (costmodel.timeloop.v4.ert); ``access_energy_pj`` = the largest
  (what v1.0 semantics would charge).
"""
from __future__ import annotations

from ...errors import CostModelError
from ...loopnest.spec import AcceleratorSpec
from ..constraints import keep_of, parse_factors, parse_permutation
from ..problem import from_v04_dim
from . import ert as ertmod
from .yamlfiles import at

TIMELOOP_ATTRS = {
    "datawidth", "word_bits", "word_width", "width", "memory_width", "data_storage_width", "depth", "memory_depth",
    "data_storage_depth", "entries", "sizeKB", "block_size", "n_words", "cluster_size", "read_bandwidth",
    "write_bandwidth", "technology", "global_cycle_seconds", "type", "n_banks", "num_banks", "num_ports",
    "n_ports", "nports", "n_rdwr_ports", "n_rd_ports", "n_wr_ports", "has_power_gating", "power_gated_at",
    "reduction_supported", "multiple_buffering", "min_utilization", "allow_overbooking", "update_fifo_depth",
    "shared_bandwidth", "per_dataspace_bandwidth_consumption_scale",
    "version", "network_fill_latency", "network_drain_latency", "meshX", "meshY", "latency", "area_share"}
SPARSE = ("metadata_", "compression_supported", "decompression_supported", "concordant_compressed",
          "tile_partition_supported", "density", "format", "sparse", "action_optimization", "representation")
MUST_BE = {"multiple_buffering": 1, "allow_overbooking": False, "has_power_gating": False,
           "shared_bandwidth": None, "network_fill_latency": None, "network_drain_latency": None,
           "per_dataspace_bandwidth_consumption_scale": {}}
COMPUTE_ATTRS = {"datawidth", "width", "multiplier_width", "adder_width", "technology", "global_cycle_seconds",
                 "has_power_gating", "power_gated_at", "version", "meshX", "meshY", "type"}


def _int(attrs, keys, node, default=None):
    for k in keys:
        if k in attrs and attrs[k] is not None:
            v = attrs[k]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or int(v) != v or v < 0:
                raise CostModelError(f"{at(node.src.get('attributes'), k, node.where)}: {k} of {node.name} must be "
                                     f"an integer >= 0, got {v!r}")
            return int(v)
    return default


def check_attributes(node, declared: set, allowed: set) -> None:
    for k, v in node.attributes.items():
        where = at(node.src.get("attributes") if node.src else None, k, node.where)
        if any(k.startswith(p) or p in k for p in SPARSE):
            raise CostModelError(f"{where}: {node.name}: {k!r} is a sparse feature (Sparseloop): not supported")
        if k.startswith("network_") and k not in MUST_BE:
            raise CostModelError(f"{where}: {node.name}: {k!r}: explicit networks are not modelled")
        if k in MUST_BE and v != MUST_BE[k] and not (k == "multiple_buffering" and v == 1.0):
            raise CostModelError(f"{where}: {node.name}: {k} = {v!r} is not modelled (only {MUST_BE[k]!r})")
        if k not in allowed and k not in declared:
            raise CostModelError(f"{where}: unknown attribute {k!r} of {node.name} (neither a Timeloop attribute "
                                 f"nor one its class {node.klass} declares)")


def storage_level(node, table: dict, declared: set) -> dict:
    check_attributes(node, declared, TIMELOOP_ATTRS)
    a = {**{k: v for k, v in node.inherited.items() if k in TIMELOOP_ATTRS}, **node.attributes}
    if node.kind == "fanout":
        return {"name": node.name, "technology": "SRAM", "class": node.klass, "entries": 0, "word_bits": 1,
                "instances": node.instances, "mesh_x": node.mesh_x, "access_energy_pj": 0.0, "keep": []}
    wb = _int(a, ("datawidth", "word_bits", "word_width"), node)
    if not wb:
        raise CostModelError(f"{node.where}: {node.name}: no datawidth (word bits)")
    block, cluster = _int(a, ("block_size", "n_words"), node), _int(a, ("cluster_size",), node)
    width = _int(a, ("width", "memory_width", "data_storage_width"), node)
    if width is not None:
        if width % (wb * (block or 1)):
            raise CostModelError(f"{node.where}: {node.name}: width {width} is not a multiple of datawidth x "
                                 f"block_size = {wb * (block or 1)}")
        if block and cluster and block * wb * cluster != width:
            raise CostModelError(f"{node.where}: {node.name}: width {width} != datawidth x block_size x "
                                 f"cluster_size = {wb * block * cluster}")
        if cluster and not block:
            block = width // cluster // wb
        elif block and not cluster:
            cluster = width // (wb * block)
        elif not block:
            block, cluster = width // wb, 1
    block, cluster = block or 1, cluster or 1
    if block < 1:
        raise CostModelError(f"{node.where}: {node.name}: width {width} < datawidth x cluster_size")
    entries = _int(a, ("entries",), node)
    if entries is None:
        depth = _int(a, ("depth", "memory_depth", "data_storage_depth"), node)
        entries = depth * block if depth is not None else (
            a["sizeKB"] * 1024 * 8 // wb if a.get("sizeKB") is not None else None)
    dram = "DRAM" in node.klass or a.get("technology") == "DRAM"
    acts = ertmod.storage_actions(table)
    if table and not any(n in table for n in ("read", "random_read")):
        acts["read"] = max(table.values())
    lv = {"name": node.name, "technology": "DRAM" if dram else "SRAM", "class": node.klass,
          "entries": None if dram else entries, "word_bits": wb, "instances": node.instances, "mesh_x": node.mesh_x,
          "access_energy_pj": max(table.values(), default=0.0) / cluster, "block_size": block, "cluster_size": cluster,
          "actions": acts, "keep": ["Weights", "Inputs", "Outputs"]}
    for k in ("read_bandwidth", "write_bandwidth"):
        if a.get(k) is not None:
            lv[k] = float(a[k])
    return lv


RELEVANT = {"Weights": "GCKRS", "Inputs": "NGCRSPQ", "Outputs": "NGKPQ"}     # the CNN layer's dims per data space
REFUSED = {"no_reuse", "rmw_first_update", "no_coalesce", "no_link_transfer", "default_max_factor",
           "default_min_factor", "remainders", "must_iterate_over_dataspaces", "maximize_dims",
           "maximize_dims_capacity"}


def constraint(cons: dict, kind: str, where: str) -> dict:
    d = cons.get(kind) or {}
    allowed = {"factors", "permutation", "split", "keep", "bypass", "max_overbooked_proportion", "min_utilization",
               "factors_only", "no_iteration_over_dataspaces"} | REFUSED
    for k in d:
        if k not in allowed:
            raise CostModelError(f"{at(d, k, where)}: unknown key {k!r} in a {kind} constraint")
        if k in REFUSED and d[k] not in (None, [], {}):
            raise CostModelError(f"{at(d, k, where)}: {kind} constraint {k!r} is not supported")
    f = {from_v04_dim(k): b for k, b in parse_factors(d.get("factors"), at(d, "factors", where)).items()}
    if d.get("factors_only") is not None:            # timeloopfe macro: these factors, every other dim 1
        only = {from_v04_dim(k): b for k, b in parse_factors(d["factors_only"], at(d, "factors_only", where)).items()}
        f = {**{x: 1 for x in "NCKRSPQG"}, **f, **only}
    for ds in d.get("no_iteration_over_dataspaces") or []:     # macro: every dim of these data spaces 1
        if ds not in RELEVANT:
            raise CostModelError(f"{at(d, 'no_iteration_over_dataspaces', where)}: unknown data space {ds!r}")
        f.update({x: 1 for x in RELEVANT[ds]})
    perm = "".join(from_v04_dim(x) for x in parse_permutation(d.get("permutation", [])))
    out = {"factors": f, "permutation": perm}
    if kind == "spatial":
        out["split"] = None if d.get("split") is None else int(d["split"])
    return out


def spec(name: str, sysattrs: dict, nodes: list, ert: dict, declared: dict, mapper: dict, where: str):
    """The AcceleratorSpec of the flat arch; `ert` = {component: {action: pJ}}; `declared` = {class: attrs}."""
    levels, mac = [], None
    for n in nodes:
        table = ert.get(n.name)
        if n.kind == "compute":
            check_attributes(n, declared.get(n.klass, set()), COMPUTE_ATTRS)
            if table is None:
                raise CostModelError(f"{n.where}: no energy for {n.name}: the ERT has no table for it")
            a = {**{k: v for k, v in n.inherited.items() if k in COMPUTE_ATTRS}, **n.attributes}
            wb = a.get("datawidth") or a.get("width") or a.get("adder_width") or 16
            mac = {"name": n.name, "instances": n.instances, "mesh_x": n.mesh_x, "word_bits": int(wb),
                   "energy_pj": ertmod.compute_energy(table, n.where)}
            continue
        if n.kind != "fanout" and table is None:
            raise CostModelError(f"{n.where}: no energy for {n.name}: the ERT has no table for it")
        lv = storage_level(n, table or {}, declared.get(n.klass, set()))
        c = n.constraints
        if c.get("max_overbooked_proportion"):
            raise CostModelError(f"{at(c, 'max_overbooked_proportion', n.where)}: overbooking (Sparseloop) is not "
                                 f"supported")
        if n.kind == "fanout":
            lv["keep"] = []
        elif "dataspace" in c:
            d = dict(c["dataspace"])
            for k in d:
                if k not in ("keep", "bypass", "keep_only", "bypass_only", "no_coalesce"):
                    raise CostModelError(f"{at(c['dataspace'], k, n.where)}: unknown key {k!r} in a dataspace constraint")
            if d.get("no_coalesce"):
                raise CostModelError(f"{at(c['dataspace'], 'no_coalesce', n.where)}: no_coalesce is not supported")
            for macro, other in (("keep_only", "bypass"), ("bypass_only", "keep")):   # timeloopfe macros
                if d.get(macro) is not None:
                    d[macro.split("_")[0]] = list(d[macro])
                    d[other] = [x for x in ("Weights", "Inputs", "Outputs") if x not in d[macro]]
            lv.update(keep_of(d.get("keep"), d.get("bypass"), at(c["dataspace"], default=n.where)))
        elif levels:                   # no keep/bypass constraint: the mapper's choice (the outermost keeps all)
            lv["keep"], lv["keep_or_bypass"] = [], ["Weights", "Inputs", "Outputs"]
        if "temporal" in c:
            lv["temporal"] = constraint(c, "temporal", n.where)
        levels.append(lv)
        if "spatial" in c:
            levels[-1]["spatial"] = constraint(c, "spatial", n.where)
    mins = [float(n.constraints["utilization"].get("min", 0)) for n in nodes if "utilization" in n.constraints]
    data = {"name": name, "semantics": "timeloop-v3", "levels": levels, "mac": mac, "pool": None,
            "technology": str(sysattrs.get("technology", "") or ""), "mapper": dict(mapper),
            "source": where}
    if mins:
        data["mapper"]["min_utilization"] = max(mins)
    cs = sysattrs.get("global_cycle_seconds")
    if isinstance(cs, (int, float)) and not isinstance(cs, bool):
        data["cycle_seconds"] = float(cs)
    return AcceleratorSpec.from_dict(data, where)
