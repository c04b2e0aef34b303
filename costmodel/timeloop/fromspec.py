"""Our typed `AcceleratorSpec` (costmodel.loopnest.spec) -> `TimeloopArch` (the facts the emitters write).

Mapping of the spec's facts to Timeloop's:
  level keep/bypass     -> a bypass constraint on every level but the outermost (which keeps everything)
  level temporal        -> a temporal constraint (omitted when it names nothing)
  level spatial         -> a spatial constraint on that level = the fan-out below it (omitted when empty)
  access_energy_pj      -> the ERT's per-access energy (pat: read = fill = update, per block)
  mapper.objective      -> optimization-metrics
  mapper.threads        -> num-threads (the reference ran 2 threads; the hybrid search depends on it)
Every other mapper setting is Timeloop v1.0's default (costmodel.timeloop.emit.MAPPER_DEFAULTS) unless
overridden per run (`costmodel specs --mapper KEY=VALUE`).
"""
from __future__ import annotations

from ..errors import CostModelError
from .archdesc import Arithmetic, Constraint, StorageLevel, TimeloopArch


def timeloop_arch(spec) -> TimeloopArch:
    """A `TimeloopArch` for `spec` (an AcceleratorSpec, or already a TimeloopArch)."""
    if isinstance(spec, TimeloopArch):
        return spec
    if getattr(spec, "kind", None) != "accelerator" or not hasattr(spec, "levels"):
        raise CostModelError(f"arch {getattr(spec, 'name', spec)!r} is not a Timeloop-style accelerator "
                             f"(kind: accelerator), so it has no Timeloop form; use it with its own backend")
    storage, constraints = [], []
    for i, lv in enumerate(spec.levels):
        storage.append(StorageLevel(
            name=lv.name, technology=lv.technology, instances=lv.instances, mesh_x=lv.mesh_x,
            entries=lv.entries, word_bits=lv.word_bits, block_size=lv.block_size, cluster_size=lv.cluster_size,
            read_bandwidth=lv.read_bandwidth, write_bandwidth=lv.write_bandwidth,
            vector_access_energy_pj=lv.access_energy_pj, klass=lv.klass))
        if i > 0:
            constraints.append(Constraint(lv.name, "bypass", keep=tuple(lv.keep), bypass=tuple(lv.bypass)))
        t = lv.temporal
        if t.factors or t.permutation:
            constraints.append(Constraint(lv.name, "temporal", factors=tuple(t.factors.items()),
                                          permutation=t.permutation))
        s = lv.spatial
        if s.factors or s.permutation:
            constraints.append(Constraint(lv.name, "spatial", factors=tuple(s.factors.items()),
                                          permutation=s.permutation, split=s.split))
    m = spec.mac
    mapper = {"optimization-metrics": [spec.mapper.get("objective", "edp")]}
    if spec.mapper.get("threads"):
        mapper["num-threads"] = int(spec.mapper["threads"])
    return TimeloopArch(name=spec.name, storage=tuple(storage),
                        arithmetic=Arithmetic(m.name, m.instances, m.mesh_x, m.word_bits, energy_per_op_pj=m.energy_pj),
                        constraints=tuple(constraints), mapper=mapper)
