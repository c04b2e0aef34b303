"""`AcceleratorSpec`: a Timeloop-style accelerator as typed, validated data (arch_specs/<name>.yaml).

Levels are listed OUTER -> INNER (DRAM first), as in Timeloop's map.txt: per storage level entries, word
bits, block/cluster size, instances, mesh X, read/write bandwidth [words/cycle per instance], the pat vector
access energy [pJ per block access; read = fill = update] (semantics timeloop-v3: per-action energies),
keep/bypass, the mapspace constraints (temporal factors + permutation, spatial factors + permutation +
split), the timeloop-mapper settings (``mapper.timeloop``). It is the ONE architecture description: every
Timeloop format is written from it and read back into it. Conventions (Timeloop's):
* factors: ``{dim: bound}``; a dim not named is free at that level; bound 0 or one larger than the
  problem's = the whole bound; a fixed bound that would not divide the problem's bound (with the fixed
  ones inside it) is dropped (free) -- what Timeloop v1.0's mapspace does (see mapspace.py).
* permutation: dims INNER -> OUTER, one letter each (``"NKCPQRSG"``); spatial: the first ``split``
  dims go to mesh X, the rest to Y; no ``split`` = the mapper searches it (Timeloop's default).
* keep: the data spaces a level keeps; ``keep_or_bypass``: those the mapper decides (Timeloop: a data
  space named in neither keep nor bypass of the level's datatype constraint); the rest are bypassed.
* dims: N C K R S P Q and G (groups; per-group C and K); G constraints are the exact-mode (grouped) ones.
The pool model is ours, not Timeloop's (v1.0 cannot express pooling): see ``PoolModel``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import presets
from ..errors import CostModelError
from .fields import DATASPACES, DIMS, _actions, _check_keys, _choice, _factors, _num, _perm, _req
from .mapper_settings import objective_metrics, timeloop_mapper_settings
from .poolspec import PoolModel

TECHNOLOGIES = ("DRAM", "SRAM")


@dataclass(frozen=True)
class TemporalConstraint:
    factors: dict = field(default_factory=dict)   # dim -> bound (0 = residual); unnamed dims free
    permutation: str = ""                          # inner -> outer; unnamed dims: free (cost-neutral when unit)

    @classmethod
    def from_dict(cls, d, where):
        d = d or {}
        _check_keys(d, {"factors", "permutation"}, where)
        return cls(_factors(d.get("factors"), where), _perm(d.get("permutation", ""), where, "permutation"))

    def to_dict(self):
        return {"factors": dict(self.factors), "permutation": self.permutation}


@dataclass(frozen=True)
class SpatialConstraint:
    factors: dict = field(default_factory=dict)
    permutation: str = ""                          # inner -> outer; the first `split` dims are on mesh X
    split: int | None = None                       # None = not given: the mapper searches the X/Y split (Timeloop's)

    @classmethod
    def from_dict(cls, d, where):
        d = d or {}
        _check_keys(d, {"factors", "permutation", "split"}, where)
        perm = _perm(d.get("permutation", ""), where, "permutation")
        split = _num(d, "split", where, default=None, minimum=0, allow_none=True)
        return cls(_factors(d.get("factors"), where), perm, split)

    def to_dict(self):
        return {"factors": dict(self.factors), "permutation": self.permutation, "split": self.split}

    def axis_of(self, dim: str) -> str:
        """'X' or 'Y' for a dim on this level's fan-out (a dim not in the permutation goes to Y); the split
        must be given (a spec whose split is the mapper's choice is expanded by loopnest.choices first)."""
        if self.split is None:
            raise CostModelError("spatial split left to the mapper: expand the spec with loopnest.choices first")
        i = self.permutation.find(dim)
        return "X" if 0 <= i < self.split else "Y"


@dataclass(frozen=True)
class StorageLevel:
    """One storage level. entries None = unbounded (DRAM); 0 = no storage (a pure fan-out level)."""

    name: str
    technology: str
    entries: int | None
    word_bits: int
    instances: int
    mesh_x: int
    access_energy_pj: float          # pat vector access energy: one block access (read = fill = update) [pJ]
    block_size: int = 1
    cluster_size: int = 1
    read_bandwidth: float | None = None    # words/cycle per instance; None = unlimited
    write_bandwidth: float | None = None
    keep: tuple = DATASPACES
    keep_or_bypass: tuple = ()       # data spaces the MAPPER keeps or bypasses here (Timeloop: in neither list)
    temporal: TemporalConstraint = field(default_factory=TemporalConstraint)
    spatial: SpatialConstraint = field(default_factory=SpatialConstraint)
    klass: str = ""                  # Timeloop/Accelergy component class ("SRAM", "regfile", "DRAM")
    network_word_bits: int | None = None   # Timeloop v1.0's network-word-bits: carried; no cost uses it (v1.0 neither)
    actions: dict = field(default_factory=dict)  # timeloop-v3: pJ/block access: read, fill, update; leak/inst-cycle

    KEYS = {"name", "technology", "class", "entries", "word_bits", "instances", "mesh_x", "access_energy_pj",
            "block_size", "cluster_size", "read_bandwidth", "write_bandwidth", "keep", "keep_or_bypass", "temporal",
            "spatial", "network_word_bits", "actions"}

    @property
    def bypass(self) -> tuple:
        """The data spaces this level never keeps (neither kept nor the mapper's choice)."""
        return tuple(d for d in DATASPACES if d not in self.keep and d not in self.keep_or_bypass)

    @classmethod
    def from_dict(cls, d: dict, where: str) -> "StorageLevel":
        _check_keys(d, cls.KEYS, where)
        name = str(_req(d, "name", where))
        where = f"{where} ({name})"
        tech = str(_req(d, "technology", where))
        if tech not in TECHNOLOGIES:
            raise CostModelError(f"{where}: key 'technology' must be one of {TECHNOLOGIES}, got {tech!r}")
        keep = tuple(_req(d, "keep", where) or ())
        choice = tuple(d.get("keep_or_bypass") or ())
        for key, spaces in (("keep", keep), ("keep_or_bypass", choice)):
            for k in spaces:
                if k not in DATASPACES:
                    raise CostModelError(f"{where}: key {key!r}: unknown data space {k!r} (use {', '.join(DATASPACES)})")
        both = [k for k in keep if k in choice]
        if both:
            raise CostModelError(f"{where}: {both[0]} is in both 'keep' and 'keep_or_bypass' (kept, or the mapper's choice?)")
        inst = _num(d, "instances", where, minimum=1)
        mx = _num(d, "mesh_x", where, minimum=1)
        if inst % mx:
            raise CostModelError(f"{where}: key 'mesh_x' = {mx} must divide instances = {inst}")
        lv = cls(name=name, technology=tech, entries=_num(d, "entries", where, minimum=0, allow_none=True),
                 word_bits=_num(d, "word_bits", where, minimum=1), instances=inst, mesh_x=mx,
                 access_energy_pj=_num(d, "access_energy_pj", where, kind=float, minimum=0),
                 block_size=_num(d, "block_size", where, default=1, minimum=1),
                 cluster_size=_num(d, "cluster_size", where, default=1, minimum=1),
                 read_bandwidth=_num(d, "read_bandwidth", where, kind=float, default=None, minimum=0, allow_none=True),
                 write_bandwidth=_num(d, "write_bandwidth", where, kind=float, default=None, minimum=0, allow_none=True),
                 keep=tuple(k for k in DATASPACES if k in keep),
                 keep_or_bypass=tuple(k for k in DATASPACES if k in choice),
                 temporal=TemporalConstraint.from_dict(d.get("temporal"), f"{where}.temporal"),
                 spatial=SpatialConstraint.from_dict(d.get("spatial"), f"{where}.spatial"),
                 klass=str(d.get("class", "")),
                 network_word_bits=_num(d, "network_word_bits", where, default=None, minimum=1, allow_none=True),
                 actions=_actions(d.get("actions"), f"{where}.actions"))
        if lv.entries == 0 and (lv.keep or lv.keep_or_bypass):
            raise CostModelError(f"{where}: key 'keep': a level with entries 0 cannot keep "
                                 f"{', '.join(lv.keep + lv.keep_or_bypass)}")
        return lv

    def to_dict(self) -> dict:
        d = {"name": self.name, "technology": self.technology}
        if self.klass:
            d["class"] = self.klass
        d.update({"entries": self.entries, "word_bits": self.word_bits, "instances": self.instances,
                  "mesh_x": self.mesh_x, "access_energy_pj": self.access_energy_pj, "block_size": self.block_size,
                  "cluster_size": self.cluster_size, "read_bandwidth": self.read_bandwidth,
                  "write_bandwidth": self.write_bandwidth, "keep": list(self.keep)})
        if self.keep_or_bypass:
            d["keep_or_bypass"] = list(self.keep_or_bypass)
        d.update({"temporal": self.temporal.to_dict(), "spatial": self.spatial.to_dict()})
        if self.network_word_bits is not None:
            d["network_word_bits"] = self.network_word_bits
        return {**d, "actions": dict(self.actions)} if self.actions else d


@dataclass(frozen=True)
class Arithmetic:
    name: str
    instances: int
    mesh_x: int
    word_bits: int
    energy_pj: float                 # one MACC [pJ]

    @classmethod
    def from_dict(cls, d, where):
        _check_keys(d, {"name", "instances", "mesh_x", "word_bits", "energy_pj"}, where)
        inst, mx = _num(d, "instances", where, minimum=1), _num(d, "mesh_x", where, minimum=1)
        if inst % mx:
            raise CostModelError(f"{where}: key 'mesh_x' = {mx} must divide instances = {inst}")
        return cls(str(d.get("name", "MACs")), inst, mx, _num(d, "word_bits", where, minimum=1),
                   _num(d, "energy_pj", where, kind=float, minimum=0))

    def to_dict(self):
        return {"name": self.name, "instances": self.instances, "mesh_x": self.mesh_x,
                "word_bits": self.word_bits, "energy_pj": self.energy_pj}


@dataclass(frozen=True)
class AcceleratorSpec:
    """A Timeloop-style accelerator: the ONE description the model, the mapper and every Timeloop reader /
    writer (costmodel.timeloop: v0.4, legacy v1.0 YAML and libconfig) use.

    Keys the Timeloop formats cannot carry (``EXTRA_KEYS``: our pool model, description, source, default
    backend, the embedded mapper's tie tolerance and thread emulation) come from our YAML; a reader of a
    Timeloop file takes them as ``extras`` (`extras()` of a spec gives them).
    """

    name: str
    levels: tuple                    # StorageLevel, OUTER -> INNER
    mac: Arithmetic
    pool: PoolModel | None = None    # None (YAML: pool: null): pools not modelled here (a Timeloop file has none)
    default_backend: str = "analytic"
    description: str = ""
    source: str = ""                 # where the facts come from
    mapper: dict = field(default_factory=dict)   # embedded mapper: objective, tie_tolerance, threads,
    #   min_utilization (Timeloop's `utilization` constraint: used MACs / all MACs >= it; absent = 0); and
    #                                              'timeloop': the real timeloop-mapper's settings (v1.0 keys)
    technology: str = ""             # process node, e.g. "40nm" (Accelergy; Timeloop v1.0's pat ignores it)
    cycle_seconds: float | None = None   # clock period [s] (Accelergy's global_cycle_seconds; no cycle count uses it)
    presets: dict = field(default_factory=dict)  # name -> overrides (costmodel.presets): fitted, never default
    semantics: str = "timeloop-v1.0"  # which Timeloop's counting the model follows (SEMANTICS; loopnest/nest.py)

    kind, SEMANTICS = "accelerator", ("timeloop-v1.0", "timeloop-v3")
    KEYS = {"kind", "name", "description", "source", "default_backend", "levels", "mac", "pool", "mapper",
            "technology", "cycle_seconds", "presets", "semantics"}
    EXTRA_KEYS = ("description", "source", "default_backend", "pool", "presets")
    EXTRA_MAPPER_KEYS = ("tie_tolerance", "threads")

    @classmethod
    def from_dict(cls, data: dict, source: str = "<dict>") -> "AcceleratorSpec":
        where = source
        _check_keys(data, cls.KEYS, where)
        if data.get("kind", "accelerator") != "accelerator":
            raise CostModelError(f"{where}: key 'kind' must be 'accelerator' for an AcceleratorSpec")
        levels = _req(data, "levels", where)
        semantics = _choice(data, "semantics", cls.SEMANTICS, where)
        if not isinstance(levels, list) or len(levels) < (least := 1 if semantics == "timeloop-v3" else 2):  # v3: 1 ok
            raise CostModelError(f"{where}: key 'levels' must list at least {least} storage level(s) (outer -> inner)")
        lvs = tuple(StorageLevel.from_dict(lv, f"{where}: levels[{i}]") for i, lv in enumerate(levels))
        names = [lv.name for lv in lvs]
        if len(set(names)) != len(names):
            raise CostModelError(f"{where}: key 'levels': duplicate level names {names}")
        for a, b in zip(lvs, lvs[1:]):
            if b.instances % a.instances or b.mesh_x % a.mesh_x:
                raise CostModelError(f"{where}: key 'levels': {b.name} instances/mesh_x ({b.instances}/{b.mesh_x}) "
                                     f"must be multiples of {a.name}'s ({a.instances}/{a.mesh_x})")
        if lvs[0].entries is not None and lvs[0].keep != DATASPACES:
            raise CostModelError(f"{where}: key 'levels': the outermost level must keep every data space")
        mac = Arithmetic.from_dict(_req(data, "mac", where), f"{where}: mac")
        if mac.instances % lvs[-1].instances or mac.mesh_x % lvs[-1].mesh_x:
            raise CostModelError(f"{where}: key 'mac': instances/mesh_x ({mac.instances}/{mac.mesh_x}) must be "
                                 f"multiples of the innermost level's ({lvs[-1].instances}/{lvs[-1].mesh_x})")
        mapper = data.get("mapper") or {}
        _check_keys(mapper, {"objective", "tie_tolerance", "threads", "timeloop", "min_utilization"}, f"{where}: mapper")
        objective_metrics(mapper.get("objective", "edp"), f"{where}: key 'mapper.objective'")
        pool = _req(data, "pool", where)     # null = not modelled (what a reader of a Timeloop file gives)
        spec = cls(name=str(_req(data, "name", where)), levels=lvs, mac=mac,
                   pool=None if pool is None else PoolModel.from_dict(pool, f"{where}: pool"),
                   default_backend=str(data.get("default_backend", "analytic")),
                   description=str(data.get("description", "")), source=str(data.get("source", "")),
                   mapper={**({"min_utilization": _num(mapper, "min_utilization", f"{where}: mapper", kind=float,
                                                       minimum=0)} if "min_utilization" in mapper else {}),
                           "objective": mapper.get("objective", "edp"),
                           "tie_tolerance": _num(mapper, "tie_tolerance", f"{where}: mapper", kind=float,
                                                 default=0.001, minimum=0),
                           "threads": _num(mapper, "threads", f"{where}: mapper", default=1, minimum=1),
                           "timeloop": timeloop_mapper_settings(mapper.get("timeloop"), f"{where}: mapper.timeloop")},
                   technology=str(data.get("technology") or ""),
                   cycle_seconds=_num(data, "cycle_seconds", where, kind=float, default=None, minimum=1e-15,
                                      allow_none=True),
                   presets=presets.check(data.get("presets"), where), semantics=semantics)
        presets.check_all(spec)
        return spec

    def to_dict(self) -> dict:
        d = {"kind": "accelerator", "name": self.name, "description": self.description, "source": self.source,
             "default_backend": self.default_backend}
        if self.technology:
            d["technology"] = self.technology
        if self.cycle_seconds is not None:
            d["cycle_seconds"] = self.cycle_seconds
        d.update({"semantics": self.semantics} if self.semantics != "timeloop-v1.0" else {})
        d.update({"mapper": {**self.mapper, "timeloop": dict(self.mapper.get("timeloop", {}))},
                  "mac": self.mac.to_dict()})
        d["pool"] = None if self.pool is None else self.pool.to_dict()
        d["levels"] = [lv.to_dict() for lv in self.levels]
        d.update(presets.to_dict(self))
        return d

    def with_preset(self, preset: str) -> "AcceleratorSpec":
        """The spec with a named preset's overrides applied (costmodel.presets); its name becomes ``NAME:PRESET``."""
        return presets.apply(self, preset)

    def extras(self) -> dict:
        """The keys of this spec no Timeloop format carries (our YAML form), for a reader's ``extras``."""
        d = self.to_dict()
        out = {k: d[k] for k in self.EXTRA_KEYS if k in d}
        out["mapper"] = {k: self.mapper[k] for k in self.EXTRA_MAPPER_KEYS if k in self.mapper}
        return out

    def level(self, name: str) -> StorageLevel:
        for lv in self.levels:
            if lv.name == name:
                return lv
        raise CostModelError(f"arch {self.name!r} has no level {name!r} (levels: {[l.name for l in self.levels]})")

    def fanout(self, i: int) -> tuple[int, int]:
        """(X, Y) fan-out from level i (outer->inner index) to the level (or MACs) below it."""
        a = self.levels[i]
        b = self.levels[i + 1] if i + 1 < len(self.levels) else self.mac
        by = b.instances // b.mesh_x
        return b.mesh_x // a.mesh_x, by // (a.instances // a.mesh_x)

    def __hash__(self):
        return hash((self.name, self.levels.__len__(), repr(self.to_dict())))
