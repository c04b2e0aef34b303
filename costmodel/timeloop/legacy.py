"""Timeloop v1.0 ("legacy") files <-> our `AcceleratorSpec`: the writer and the reader.

Writer (what ``timeloop-mapper arch.yaml constraints.yaml mapper.yaml problem.yaml ERT.yaml`` reads):
  arch         ``architecture: {version: 0.2, subtree}``: levels outer -> inner, then the MACs
  constraints  ``mapspace: {targets}``: factors/permutation under ``attributes``, ``split`` at the
               constraint's TOP level (v1.0 mapping/constraints.hpp reads it there only; under
               ``attributes`` it is ignored and every X/Y split is searched)
  mapper       the spec's ``mapper.timeloop`` settings verbatim + ``optimization-metrics``
  ERT / ART    version 0.3 (v1.0 aborts on anything but 0.2/0.3 for the ERT, 0.3 for the ART)
Reader: a v1.0 config as a dict (YAML, or libconfig ``.cfg`` text via `read_cfg`), in either layout
v1.0 accepts -- v0.1 ``arch: {storage (inner -> outer), arithmetic}`` + ``mapspace: {constraints_*}``
(stock eyeriss-256) or v0.2 ``architecture: {subtree}`` + ``mapspace: {targets}`` (stock chen-asplos2014).
Energies: an ERT if given (v1.0 convention, see costmodel.timeloop.ert), else an explicit
``vector-access-energy``, else pat's (what v1.0 would use: costmodel.loopnest.pat). Anything else -> CostModelError naming it.
"""
from __future__ import annotations

from ..errors import ConfigError, CostModelError
from . import ert as ertmod
from .constraints import assemble, keep_of, parse_factors, parse_permutation, restrict
from ..loopnest.pat import dram_access_energy_pj, mac_energy_pj, sram_access_energy_pj

MAC_CLASSES = ("intmac", "fpmac", "mac")
# attributes the v1.0 reader understands; num-banks/num-ports are accepted (pat ignores them)
# bandwidth (deprecated in v1.0) = read_bandwidth + write_bandwidth, half each; network-word-bits is carried
# (v1.0 charges no energy for it)
STORAGE_ATTRS = {"name", "class", "instances", "meshX", "meshY", "word-bits", "entries", "sizeKB", "block-size",
                 "cluster-size", "read_bandwidth", "write_bandwidth", "bandwidth", "technology",
                 "vector-access-energy", "num-banks", "num-ports", "width", "network-word-bits"}
ALIASES = {"word_width": "word-bits", "datawidth": "word-bits", "n_words": "block-size"}   # v1.0's other spellings
MAC_ATTRS = {"name", "class", "instances", "meshX", "meshY", "word-bits"}


def _num(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


# ------------------------------------------------------------------------------------------- writer

def arch(spec) -> dict:
    """arch.yaml: a v0.2 ``architecture`` subtree."""
    local = []
    for lv in spec.levels:
        a = {"instances": lv.instances, "meshX": lv.mesh_x, "word-bits": lv.word_bits}
        if lv.technology != "DRAM":
            a["entries"] = lv.entries
        if lv.block_size != 1 or lv.technology != "DRAM":
            a["block-size"] = lv.block_size
        if lv.cluster_size != 1:
            a["cluster-size"] = lv.cluster_size
        if lv.network_word_bits is not None:
            a["network-word-bits"] = lv.network_word_bits
        for key, v in (("read_bandwidth", lv.read_bandwidth), ("write_bandwidth", lv.write_bandwidth)):
            if v is not None:
                a[key] = _num(v)
        local.append({"name": lv.name, "class": lv.klass or lv.technology, "attributes": a})
    m = spec.mac
    local.append({"name": m.name, "class": "intmac",
                  "attributes": {"instances": m.instances, "meshX": m.mesh_x, "word-bits": m.word_bits}})
    node = {"name": spec.name}
    top = {k: v for k, v in (("technology", spec.technology), ("global_cycle_seconds", spec.cycle_seconds)) if v}
    if top:                                          # Accelergy attributes (v1.0's pat ignores them)
        node["attributes"] = top
    node["local"] = local
    return {"architecture": {"version": 0.2, "subtree": [node]}}


def constraints(spec, dims) -> dict:
    """constraints.yaml (``mapspace: {targets}``), restricted to the problem's `dims`."""
    targets = []
    for i, lv in enumerate(spec.levels):
        cons = []
        if i > 0:
            cons.append({"type": "bypassing", "attributes": {"keep": list(lv.keep), "bypass": list(lv.bypass)}})
        for kind, c in (("temporal", lv.temporal), ("spatial", lv.spatial)):
            if not (c.factors or c.permutation):
                continue
            f, perm, split = restrict(c.factors, c.permutation, getattr(c, "split", None), dims)
            entry = {"type": kind}
            if kind == "spatial" and split is not None:      # none: the mapper searches the split
                entry["split"] = split
            entry["attributes"] = {"factors": " ".join(f"{d}={b}" for d, b in f.items()), "permutation": perm}
            cons.append(entry)
        if i == len(spec.levels) - 1 and spec.mapper.get("min_utilization"):
            cons.append({"type": "utilization", "min": spec.mapper["min_utilization"]})
        if cons:
            targets.append({"name": lv.name, "constraints": cons})
    return {"mapspace": {"targets": targets}}


def mapper(spec, overrides: dict | None = None) -> dict:
    """mapper.yaml: ``optimization-metrics`` + the spec's stock settings verbatim, then `overrides`."""
    from ..loopnest.mapper_settings import objective_metrics, timeloop_mapper_settings
    metrics = list(objective_metrics(spec.mapper.get("objective", "edp"), "mapper.objective"))
    m = {"optimization-metrics": metrics, **spec.mapper.get("timeloop", {})}
    m.update(timeloop_mapper_settings(overrides, "Timeloop mapper setting override"))
    return {"mapper": m}


def files(spec, dims, overrides: dict | None = None) -> dict:
    """{file name: data} of the arch-side legacy files (the problem is costmodel.timeloop.problem's)."""
    ert, art = ertmod.tables(spec, "legacy")
    return {"arch.yaml": arch(spec), "constraints.yaml": constraints(spec, dims),
            "mapper.yaml": mapper(spec, overrides), "ERT.yaml": ert, "ART.yaml": art}


# ------------------------------------------------------------------------------------------- reader

def _level(raw: dict, klass: str, ert: dict, where: str) -> dict:
    raw = {ALIASES.get(k, k): v for k, v in raw.items()}
    bad = sorted(set(raw) - STORAGE_ATTRS)
    if bad:
        raise ConfigError(f"{where}: unsupported attribute(s) {bad}", (raw.get("name", ""), bad[0]))
    name = str(raw["name"])
    tech = "DRAM" if (raw.get("technology") == "DRAM" or klass == "DRAM") else "SRAM"
    wb = int(raw.get("word-bits", 16))                            # v1.0's default word size
    block = int(raw.get("block-size", 1))
    cluster = int(raw.get("cluster-size", int(raw.get("width", wb * block)) // (wb * block)))
    if "width" in raw and int(raw["width"]) != wb * block * cluster:
        raise ConfigError(f"{where}: width {raw['width']} != word-bits x block-size x cluster-size", (name, "width"))
    entries = raw.get("entries")
    if entries is None and raw.get("sizeKB") is not None:
        entries = int(float(raw["sizeKB"]) * 1024 * 8 // wb)
    if tech == "DRAM":
        entries = None
    elif entries is None:
        raise ConfigError(f"{where}: storage without a size (entries or sizeKB)", (name,))
    inst = int(raw.get("instances", 1))
    mesh_x = int(raw.get("meshX", inst))
    if "meshY" in raw and mesh_x * int(raw["meshY"]) != inst:
        raise ConfigError(f"{where}: meshX x meshY = {mesh_x} x {raw['meshY']} != instances {inst}", (name, "meshY"))
    if name in ert:                                              # an ERT entry is per cluster access
        energy = ert[name] / (cluster if ertmod.CLUSTER_SCALED["legacy"] else 1)
    elif raw.get("vector-access-energy") is not None:
        energy = float(raw["vector-access-energy"])
    else:
        energy = dram_access_energy_pj(wb, block) if tech == "DRAM" else sram_access_energy_pj(int(entries), wb, block,
                                                                                               cluster)
    d = {"name": name, "technology": tech, "class": klass or tech, "entries": None if entries is None else int(entries),
         "word_bits": wb, "instances": inst, "mesh_x": mesh_x, "access_energy_pj": energy, "block_size": block,
         "cluster_size": cluster}
    if raw.get("bandwidth") is not None:            # v1.0 buffer.cpp: read = write = bandwidth / 2
        d["read_bandwidth"] = d["write_bandwidth"] = float(raw["bandwidth"]) / 2
    for key in ("read_bandwidth", "write_bandwidth"):  # explicit ones win (v1.0 reads them after `bandwidth`)
        if raw.get(key) is not None:
            d[key] = float(raw[key])
    if raw.get("network-word-bits") is not None:
        d["network_word_bits"] = int(raw["network-word-bits"])
    return d


def _mac(raw: dict, ert: dict, where: str) -> dict:
    raw = {ALIASES.get(k, k): v for k, v in raw.items()}
    bad = sorted(set(raw) - MAC_ATTRS)
    if bad:
        raise ConfigError(f"{where}: unsupported arithmetic attribute(s) {bad}", (raw.get("name", ""), bad[0]))
    inst = int(raw.get("instances", 1))
    name = str(raw.get("name", "MACs"))
    wb = int(raw.get("word-bits", 16))
    return {"name": name, "instances": inst, "mesh_x": int(raw.get("meshX", inst)), "word_bits": wb,
            "energy_pj": ert.get(name, mac_energy_pj(wb))}


def _flatten(node: dict, where: str) -> list:
    """(name, class, attributes) of a v0.2 subtree, outer -> inner."""
    out = []
    for lv in node.get("local", []) or []:
        out.append((lv["name"], str(lv.get("class", "")), {"name": lv["name"], **(lv.get("attributes") or {})}))
    for sub in node.get("subtree", []) or []:
        out += _flatten(sub, where)
    return out


def _constraint_list(data: dict) -> list:
    """Every mapspace constraint as (target, dict) from the layouts v1.0 (and timeloopfe's output) use."""
    ms = data.get("mapspace") or data.get("mapspace_constraints") or data.get("architecture_constraints") or {}
    if "targets" in ms:
        out = []
        for t in ms["targets"]:
            if "constraints" in t:
                out += [(t["name"], c) for c in t["constraints"]]
            else:
                out.append((t["target"], t))
        return out
    cons = ms.get("constraints", [])
    if isinstance(cons, str):
        cons = ms.get(f"constraints_{cons}", [])
    return [(c["target"], c) for c in cons]


CONSTRAINT_KEYS = {"type", "target", "attributes", "factors", "permutation", "split", "keep", "bypass", "min"}


def read_constraints(pairs, where: str) -> dict:
    """{target: {"keep", "temporal", "spatial"}} of (target, Timeloop constraint) pairs."""
    out = {}
    for target, c in pairs:
        at = f"{where}: constraint on {target!r}"
        kind = c.get("type")
        if kind not in ("datatype", "bypassing", "bypass", "dataspace", "temporal", "spatial", "utilization",
                        "parallelism"):
            raise ConfigError(f"{at}: unsupported constraint type {kind!r}", (target, "type", kind))
        attrs = c.get("attributes", c)
        bad = sorted((set(c) | set(attrs)) - CONSTRAINT_KEYS)
        if bad:
            raise ConfigError(f"{at}: unsupported key(s) {bad}", (target, bad[0]))
        entry = out.setdefault(target, {})
        if kind in ("utilization", "parallelism"):     # v1.0: min used MACs / all MACs (see `read`)
            if attrs.get("min") is None:
                raise ConfigError(f"{at}: a {kind} constraint needs 'min'", (target, "type", kind))
            entry["min_utilization"] = float(attrs["min"])
        elif kind in ("datatype", "bypassing", "bypass", "dataspace"):
            entry.update(keep_of(attrs.get("keep"), attrs.get("bypass"), at))
        elif kind in ("temporal", "spatial"):
            d = {"factors": parse_factors(attrs.get("factors"), at), "permutation": parse_permutation(attrs.get("permutation", ""))}
            if kind == "spatial":
                split = c.get("split", attrs.get("split"))      # under attributes: what the author meant
                if split is not None:
                    d["split"] = int(split)
            entry[kind] = d
    return out


def read(data: dict, name: str = "", ert: dict | None = None, extras: dict | None = None,
         where: str = "Timeloop v1.0 config"):
    """The `AcceleratorSpec` of a Timeloop v1.0 config dict (arch + mapspace [+ mapper] [+ ERT])."""
    ert = ert if ert is not None else data.get("ERT")
    ert_pj = ertmod.read(ert, "legacy", where) if ert is not None else {}
    levels, mac, tech, cycle = [], None, "", None
    if "architecture" in data:
        subtree = data["architecture"].get("subtree", [])
        if not subtree:
            raise CostModelError(f"{where}: 'architecture' has no subtree")
        top = subtree[0].get("attributes") or {}
        tech, cycle = str(top.get("technology", "")), top.get("global_cycle_seconds")
        name = name or str(subtree[0].get("name", ""))
        for lname, klass, raw in _flatten(subtree[0], where):
            if klass in MAC_CLASSES:
                mac = _mac(raw, ert_pj, f"{where}: {lname}")
            else:
                levels.append(_level(raw, klass, ert_pj, f"{where}: {lname}"))
    elif "arch" in data:
        for raw in reversed(list(data["arch"]["storage"])):
            levels.append(_level(dict(raw), "", ert_pj, f"{where}: {raw.get('name')}"))
        mac = _mac(dict(data["arch"]["arithmetic"]), ert_pj, f"{where}: arithmetic")
    else:
        raise CostModelError(f"{where}: not a Timeloop v1.0 arch config (no 'architecture' or 'arch' key)")
    if mac is None:
        raise CostModelError(f"{where}: no arithmetic level (class {'/'.join(MAC_CLASSES)})")
    ertmod.check_components(ert_pj, [lv["name"] for lv in levels] + [mac["name"]], where)
    cons = read_constraints(_constraint_list(data), where)
    for target, c in cons.items():
        if "min_utilization" in c:
            if levels and target != levels[-1]["name"]:   # v1.0 aborts the same way
                raise CostModelError(f"{where}: utilization constraint on {target!r}: v1.0 allows it only at the "
                                     f"innermost storage level ({levels[-1]['name']})")
            extras = {**(extras or {}), "mapper": {**(extras or {}).get("mapper", {}),
                                                   "min_utilization": c.pop("min_utilization")}}
    return assemble(name or "timeloop", levels, mac, cons,
                    dict(data.get("mapper") or {}), where, extras=extras, technology=tech,
                    cycle_seconds=cycle)


def _plain(v):
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def read_cfg(text: str, **kw):
    """`read` of a libconfig (``.cfg``) Timeloop v1.0 config, parsed with the ``libconf`` package."""
    import io

    from ..extras import require
    libconf = require("libconf")
    try:
        data = _plain(libconf.load(io.StringIO(text)))
    except Exception as e:                       # libconf raises its own ConfigParseError (and others)
        raise CostModelError(f"{kw.get('where', 'libconfig file')}: not valid libconfig: {e}") from None
    return read(data, **kw)
