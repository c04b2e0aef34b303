"""Timeloop v1.0 ("legacy") config -> our `AcceleratorSpec` (the writer is `legacy_write`).

A v1.0 config as a dict (YAML, or libconfig ``.cfg`` text via `read_cfg`), in either layout v1.0 accepts; its
structure and every value's type are declared once in `legacy_schema` (a wrong type is one error naming file,
line and key). Energies: an ERT if given (v1.0 convention, see `ert`), else an explicit
``vector-access-energy``, else pat's (what v1.0 would use: costmodel.loopnest.pat). Anything our spec cannot
hold -> CostModelError naming it.
"""
from __future__ import annotations

from pydantic import RootModel

from ...errors import ConfigError, CostModelError
from ...loopnest.pat import dram_access_energy_pj, mac_energy_pj, sram_access_energy_pj
from . import ert as ertmod
from .constraints import assemble, keep_of, parse_factors, parse_permutation
from .legacy_schema import ALIASES, Constraint, Document, MacAttrs, Mapspace, StorageAttrs, named_lists
from .schema import MAX_INTEGER, Num, Open, Str, check

MAC_CLASSES = ("intmac", "fpmac", "mac")
KINDS = ("datatype", "bypassing", "bypass", "dataspace", "temporal", "spatial", "utilization", "parallelism")


class TopAttrs(Open):
    technology: Str | None = None
    global_cycle_seconds: Num | None = None


class ConstraintList(RootModel[list[Constraint]]):
    pass


def _attrs(model, raw: dict, where: str, lines, path: tuple):
    label = raw.get("name") if isinstance(raw.get("name"), str) else ""
    return check(model, {ALIASES.get(k, k): v for k, v in raw.items()}, where, lines, path, label)


def _level(a: StorageAttrs, klass: str, ert: dict, where: str) -> dict:
    name = a.name
    tech = "DRAM" if (a.technology == "DRAM" or klass == "DRAM") else "SRAM"
    wb, block = a.word_bits, a.block_size
    cluster = a.cluster_size if a.cluster_size is not None else (a.width or wb * block) // (wb * block)
    if cluster < 1 or (a.width is not None and a.width != wb * block * cluster):
        raise ConfigError(f"{where}: width {a.width} != word-bits x block-size x cluster-size", (name, "width"))
    entries = a.entries
    if entries is None and a.sizeKB is not None:
        entries = int(a.sizeKB * 1024 * 8 // wb)
    if tech == "DRAM":
        entries = None
    elif entries is None:
        raise ConfigError(f"{where}: storage without a size (entries or sizeKB)", (name,))
    elif entries > MAX_INTEGER:
        raise ConfigError(f"{where}: sizeKB {a.sizeKB} is more than {MAX_INTEGER:,} words", (name, "sizeKB"))
    mesh_x = a.meshX or a.instances
    if a.meshY is not None and mesh_x * a.meshY != a.instances:
        raise ConfigError(f"{where}: meshX x meshY = {mesh_x} x {a.meshY} != instances {a.instances}", (name, "meshY"))
    if name in ert:                                              # an ERT entry is per cluster access
        energy = ert[name] / (cluster if ertmod.CLUSTER_SCALED["legacy"] else 1)
    elif a.vector_access_energy is not None:
        energy = a.vector_access_energy
    else:
        energy = dram_access_energy_pj(wb, block) if tech == "DRAM" else sram_access_energy_pj(entries, wb, block,
                                                                                               cluster)
    d = {"name": name, "technology": tech, "class": klass or tech, "entries": entries, "word_bits": wb,
         "instances": a.instances, "mesh_x": mesh_x, "access_energy_pj": energy, "block_size": block,
         "cluster_size": cluster}
    if a.bandwidth is not None:            # v1.0 buffer.cpp: read = write = bandwidth / 2
        d["read_bandwidth"] = d["write_bandwidth"] = a.bandwidth / 2
    for key in ("read_bandwidth", "write_bandwidth"):  # explicit ones win (v1.0 reads them after `bandwidth`)
        if getattr(a, key) is not None:
            d[key] = getattr(a, key)
    if a.network_word_bits is not None:
        d["network_word_bits"] = a.network_word_bits
    return d


def _mac(a: MacAttrs, ert: dict) -> dict:
    return {"name": a.name, "instances": a.instances, "mesh_x": a.meshX or a.instances, "word_bits": a.word_bits,
            "energy_pj": ert.get(a.name, mac_energy_pj(a.word_bits))}


def _flatten(node, path: tuple) -> list:
    """(path, name, class, attributes) of a v0.2 subtree's levels, outer -> inner."""
    out = [((*path, "local", i), lv.name, lv.klass, {"name": lv.name, **(lv.attributes or {})})
           for i, lv in enumerate(node.local or [])]
    for i, sub in enumerate(node.subtree or []):
        out += _flatten(sub, (*path, "subtree", i))
    return out


def _constraint_list(doc: Document, where: str, lines) -> list:
    """Every mapspace constraint as (target, Constraint) from the layouts v1.0 (and timeloopfe's output) use."""
    key = next((k for k in ("mapspace", "mapspace_constraints", "architecture_constraints")
                if getattr(doc, k) is not None), None)
    ms: Mapspace | None = getattr(doc, key) if key else None
    if ms is None:
        return []
    if ms.targets is not None:
        return [pair for t in ms.targets for pair in (
            [(t.name, c) for c in t.constraints] if t.constraints is not None else [(t.target, t)])]
    cons = ms.constraints or []
    if isinstance(cons, str):
        cons = check(ConstraintList, named_lists(ms).get(f"constraints_{cons}", []), where, lines,
                     (key, f"constraints_{cons}")).root
    return [(c.target, c) for c in cons]


def read_constraints(pairs, where: str) -> dict:
    """{target: {"keep", "temporal", "spatial"}} of (target, Constraint) pairs."""
    out = {}
    for target, c in pairs:
        at = f"{where}: constraint on {target!r}"
        if target is None:
            raise ConfigError(f"{where}: a {c.type} constraint without a target", ("type", c.type or ""))
        if c.type not in KINDS:
            raise ConfigError(f"{at}: unsupported constraint type {c.type!r}", (target, "type", c.type or ""))
        attrs = c.attributes or c
        entry = out.setdefault(target, {})
        if c.type in ("utilization", "parallelism"):     # v1.0: min used MACs / all MACs (see `read`)
            if attrs.min is None:
                raise ConfigError(f"{at}: a {c.type} constraint needs 'min'", (target, "type", c.type))
            entry["min_utilization"] = attrs.min
        elif c.type in ("datatype", "bypassing", "bypass", "dataspace"):
            entry.update(keep_of(attrs.keep, attrs.bypass, at))
        else:
            d = {"factors": parse_factors(attrs.factors, at), "permutation": parse_permutation(attrs.permutation or "")}
            split = c.split if c.split is not None else attrs.split      # under attributes: what the author meant
            if c.type == "spatial" and split is not None:
                d["split"] = split
            entry[c.type] = d
    return out


def read(data: dict, name: str = "", ert: dict | None = None, extras: dict | None = None,
         where: str = "Timeloop v1.0 config", lines: dict | None = None):
    """The `AcceleratorSpec` of a Timeloop v1.0 config dict (arch + mapspace [+ mapper] [+ ERT]); `lines`:
    {key path: line} of the file it came from, for error messages."""
    doc = check(Document, data, where, lines)
    ert = ert if ert is not None else doc.ERT
    ert_pj = ertmod.read(ert, "legacy", where) if ert is not None else {}
    levels, mac, tech, cycle = [], None, "", None
    if doc.architecture is not None:
        top = doc.architecture.subtree[0]
        attrs = check(TopAttrs, top.attributes or {}, where, lines, ("architecture", "subtree", 0, "attributes"))
        tech, cycle = attrs.technology or "", attrs.global_cycle_seconds
        name = name or top.name
        for path, lname, klass, raw in _flatten(top, ("architecture", "subtree", 0)):
            if klass in MAC_CLASSES:
                mac = _mac(_attrs(MacAttrs, raw, where, lines, (*path, "attributes")), ert_pj)
            else:
                a = _attrs(StorageAttrs, raw, where, lines, (*path, "attributes"))
                levels.append(_level(a, klass, ert_pj, f"{where}: {lname}"))
    elif doc.arch is not None:
        for i, raw in reversed(list(enumerate(doc.arch.storage))):
            a = _attrs(StorageAttrs, raw, where, lines, ("arch", "storage", i))
            levels.append(_level(a, "", ert_pj, f"{where}: {a.name}"))
        mac = _mac(_attrs(MacAttrs, doc.arch.arithmetic, where, lines, ("arch", "arithmetic")), ert_pj)
    else:
        raise CostModelError(f"{where}: not a Timeloop v1.0 arch config (no 'architecture' or 'arch' key)")
    if mac is None:
        raise CostModelError(f"{where}: no arithmetic level (class {'/'.join(MAC_CLASSES)})")
    ertmod.check_components(ert_pj, [lv["name"] for lv in levels] + [mac["name"]], where)
    cons = read_constraints(_constraint_list(doc, where, lines), where)
    for target, c in cons.items():
        if "min_utilization" in c:
            if levels and target != levels[-1]["name"]:   # v1.0 aborts the same way
                raise CostModelError(f"{where}: utilization constraint on {target!r}: v1.0 allows it only at the "
                                     f"innermost storage level ({levels[-1]['name']})")
            extras = {**(extras or {}), "mapper": {**(extras or {}).get("mapper", {}),
                                                   "min_utilization": c.pop("min_utilization")}}
    return assemble(name or "timeloop", levels, mac, cons, dict(doc.mapper or {}), where, extras=extras,
                    technology=tech, cycle_seconds=cycle)


def read_cfg(text: str, name: str = "", where: str = "libconfig file", **kw):
    """`read` of a libconfig (``.cfg``) Timeloop v1.0 config (its @include lines already inlined: `libconfig`)."""
    from .libconfig import parse
    data, lines = parse(text, where)
    return read(data, name=name, where=where, lines=lines, **kw)
