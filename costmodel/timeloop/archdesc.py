"""A Timeloop architecture as plain facts: storage levels, arithmetic, mapspace constraints, mapper.

`TimeloopArch` is what the emitters write (costmodel.timeloop.emit). It is built from our typed
`AcceleratorSpec` (costmodel.timeloop.from_spec) or read from a Timeloop v1.0 config
(`from_legacy`: both the v0.1 ``arch: {storage, arithmetic}`` + ``mapspace: {constraints_*}`` style of
the stock eyeriss-256 and the v0.2 ``architecture: {subtree}`` + ``mapspace: {targets}`` style of the
stock chen-asplos2014), so emitted files can be compared with the stock configs fact by fact.

Conventions: storage levels outer (DRAM) -> inner; permutations inner -> outer as Timeloop writes them,
without spaces; a factor 0 means "the whole remaining bound here" (Timeloop's convention).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..errors import CostModelError


@dataclass(frozen=True)
class StorageLevel:
    name: str
    technology: str              # "DRAM" or "SRAM" (Timeloop's two storage technologies)
    instances: int
    mesh_x: int
    entries: int | None          # words; None = unbounded (DRAM)
    word_bits: int
    block_size: int = 1
    cluster_size: int = 1
    read_bandwidth: float | None = None    # words/cycle per instance; None = unlimited
    write_bandwidth: float | None = None   # words/cycle per instance; None = unlimited
    vector_access_energy_pj: float | None = None  # one block access (read = fill = update) [pJ]
    klass: str = ""              # Accelergy/Timeloop class name ("SRAM", "regfile", "DRAM"); "" = by technology

    @property
    def component_class(self) -> str:
        return self.klass or ("DRAM" if self.technology == "DRAM" else "SRAM")


@dataclass(frozen=True)
class Arithmetic:
    name: str
    instances: int
    mesh_x: int
    word_bits: int
    energy_per_op_pj: float | None = None   # one MACC [pJ]
    klass: str = "intmac"


@dataclass(frozen=True)
class Constraint:
    """One mapspace constraint on a storage level: type temporal | spatial | bypass.

    factors: ((dim, bound), ...), bound 0 = the whole remaining bound; permutation: inner -> outer;
    split (spatial): the first `split` dims of the permutation go to X, the rest to Y.
    """

    target: str
    type: str
    factors: tuple = ()
    permutation: str = ""
    split: int | None = None
    keep: tuple = ()
    bypass: tuple = ()

    def restricted_to(self, dims) -> "Constraint":
        """The constraint for a problem with only `dims`: other dims dropped (the split follows the X dims)."""
        factors = tuple((d, b) for d, b in self.factors if d in dims)
        perm = "".join(d for d in self.permutation if d in dims)
        split = self.split
        if split is not None:
            split -= sum(1 for d in self.permutation[:split] if d not in dims)
        return replace(self, factors=factors, permutation=perm, split=split)


@dataclass(frozen=True)
class TimeloopArch:
    name: str
    storage: tuple               # StorageLevel, outer (DRAM) -> inner
    arithmetic: Arithmetic
    constraints: tuple = ()      # Constraint
    technology: str = ""         # e.g. "45nm" (an Accelergy attribute; Timeloop v1.0's pat ignores it)
    mapper: dict = field(default_factory=dict)   # legacy (v1.0) mapper keys, e.g. {"algorithm": "linear-pruned"}

    def level(self, name: str) -> StorageLevel:
        for lv in self.storage:
            if lv.name == name:
                return lv
        raise CostModelError(f"arch {self.name!r} has no storage level {name!r}")

    def constraints_for(self, dims) -> tuple:
        return tuple(c.restricted_to(dims) for c in self.constraints)


# ---------------------------------------------------------------------------------------------
# Reading Timeloop v1.0 configs (the stock ones in shared/reference)

_FACTOR = re.compile(r"^([A-Za-z])=?(\d+)$")


def parse_factors(text) -> tuple:
    """'N1 C1 S0' or 'N=1 C=1' or ['N=1', ...] -> (('N', 1), ('C', 1), ...)."""
    items = text.split() if isinstance(text, str) else list(text)
    out = []
    for item in items:
        m = _FACTOR.match(str(item).strip())
        if not m:
            raise CostModelError(f"malformed mapspace factor {item!r} (expected like 'N=1' or 'N1')")
        out.append((m.group(1), int(m.group(2))))
    return tuple(out)


def parse_permutation(text) -> str:
    return "".join(str(text).split()) if isinstance(text, str) else "".join(text)


def _int(v):
    return None if v is None else int(v)


def _float(v):
    return None if v is None else float(v)


def _storage_from_attrs(name: str, a: dict, klass: str = "") -> StorageLevel:
    tech = "DRAM" if (a.get("technology") == "DRAM" or klass == "DRAM") else "SRAM"
    word_bits = int(a.get("word-bits", a.get("datawidth", 16)))
    entries = a.get("entries")
    if entries is None and a.get("sizeKB") is not None:
        entries = int(float(a["sizeKB"]) * 1024 * 8 // word_bits)
    instances = int(a.get("instances", 1))
    return StorageLevel(name=name, technology=tech, instances=instances, mesh_x=int(a.get("meshX", instances)),
                        entries=None if tech == "DRAM" else _int(entries), word_bits=word_bits,
                        block_size=int(a.get("block-size", 1)), cluster_size=int(a.get("cluster-size", 1)),
                        read_bandwidth=_float(a.get("read_bandwidth")), write_bandwidth=_float(a.get("write_bandwidth")),
                        klass=klass)


def _constraint_from_legacy(target: str, c: dict) -> Constraint:
    kind = c.get("type")
    attrs = c.get("attributes", c)
    if kind in ("datatype", "bypassing", "bypass"):
        return Constraint(target=target, type="bypass", keep=tuple(attrs.get("keep", ())),
                          bypass=tuple(attrs.get("bypass", ())))
    if kind not in ("temporal", "spatial"):
        raise CostModelError(f"mapspace constraint on {target!r}: unknown type {kind!r}")
    return Constraint(target=target, type=kind, factors=parse_factors(attrs.get("factors", "")),
                      permutation=parse_permutation(attrs.get("permutation", "")),
                      split=_int(attrs.get("split")) if kind == "spatial" else None)


def from_legacy(data: dict, name: str = "") -> TimeloopArch:
    """A `TimeloopArch` from a Timeloop v1.0 config dict (architecture + mapspace [+ mapper])."""
    storage, arith, tech = [], None, ""
    if "architecture" in data:                       # v0.2: subtree/local, outer -> inner
        for node in data["architecture"].get("subtree", []):
            tech = str(node.get("attributes", {}).get("technology", tech))
            for lv in node.get("local", []):
                a = lv.get("attributes", {})
                if lv.get("class") in ("intmac", "fpmac", "mac"):
                    arith = Arithmetic(lv["name"], int(a["instances"]), int(a.get("meshX", a["instances"])),
                                       int(a.get("word-bits", 16)), klass=lv["class"])
                else:
                    storage.append(_storage_from_attrs(lv["name"], a, lv.get("class", "")))
    elif "arch" in data:                             # v0.1: storage listed inner -> outer
        for lv in reversed(data["arch"]["storage"]):
            storage.append(_storage_from_attrs(lv["name"], lv))
        a = data["arch"]["arithmetic"]
        arith = Arithmetic(a["name"], int(a["instances"]), int(a.get("meshX", a["instances"])), int(a.get("word-bits", 16)))
    else:
        raise CostModelError("not a Timeloop v1.0 arch config (no 'architecture' or 'arch' key)")
    constraints = []
    ms = data.get("mapspace", {})
    if "targets" in ms:
        for t in ms["targets"]:
            constraints += [_constraint_from_legacy(t["name"], c) for c in t.get("constraints", [])]
    else:
        key = f"constraints_{ms['constraints']}" if isinstance(ms.get("constraints"), str) else "constraints"
        constraints += [_constraint_from_legacy(c["target"], c) for c in ms.get(key, [])]
    return TimeloopArch(name=name, storage=tuple(storage), arithmetic=arith, constraints=tuple(constraints),
                        technology=tech, mapper=dict(data.get("mapper", {})))


def facts(arch: TimeloopArch) -> dict:
    """What a Timeloop v1.0 run depends on, normalised for comparison (names, order and spelling aside)."""
    levels = [{"name": s.name, "technology": s.technology, "instances": s.instances, "meshX": s.mesh_x,
               "entries": s.entries, "word_bits": s.word_bits, "block_size": s.block_size,
               "cluster_size": s.cluster_size, "read_bandwidth": s.read_bandwidth,
               "write_bandwidth": s.write_bandwidth} for s in arch.storage]
    a = arch.arithmetic
    cons = sorted((c.target, c.type, tuple(sorted(c.factors)), c.permutation, c.split,
                   tuple(sorted(c.keep)), tuple(sorted(c.bypass))) for c in arch.constraints)
    return {"storage": levels, "arithmetic": {"instances": a.instances, "meshX": a.mesh_x, "word_bits": a.word_bits},
            "constraints": cons}
