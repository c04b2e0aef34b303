"""timeloopfe's v0.4 files of an `AcceleratorSpec` (the reader is `costmodel.arch.formats.v04`).

Writer -- the files ``timeloopfe.v4.Specification.from_yaml_files`` reads, written like its examples:
  arch.yaml       ``architecture: {version: 0.4, nodes}``: a top ``!Container`` (the arch; technology and
                  clock from `variables`), then per level a ``!Component`` with its constraints INLINE
                  (``dataspace`` keep/bypass, ``temporal``), and below a level with a fan-out a ``!Container``
                  holding it (``spatial: {meshX, meshY}``) and the level's SPATIAL constraint -- in v0.4 the
                  fan-out belongs to the container (timeloopfe turns it into an ``inter_<name>_spatial``
                  level carrying those factors). Attributes: datawidth = word bits, width = word_bits x
                  block_size x cluster_size (Timeloop >= v3 exits otherwise), ``depth`` = entries / block_size
                  (``entries`` when it does not divide), cluster_size when not 1. Last: the MACs.
  variables.yaml  ``technology``, ``global_cycle_seconds`` (the spec's technology / cycle_seconds)
  mapper.yaml     the spec's ``mapper.timeloop`` settings spelled with '_' (algorithms too), verbatim
  ERT / ART       formats/ert.py, version 0.4
Dimension names: timeloopfe's examples call output channels ``M``; we write M for our K everywhere in v0.4
(costmodel.timeloop.problem.V04_DIM_NAMES) and read it back as K.
"""
from __future__ import annotations

from ...errors import CostModelError
from ...timeloop.problem import V04_DIM_NAMES
from . import ert as ertmod
from .constraints import restrict
from .legacy_write import _num, mapper as legacy_mapper
from .v04 import ALGORITHMS
from .yamlio import Tagged


def _dims(text: str) -> list:
    return [V04_DIM_NAMES.get(d, d) for d in text]


def _component(lv, dims) -> dict:
    a = {"datawidth": lv.word_bits, "width": lv.word_bits * lv.block_size * lv.cluster_size,
         "block_size": lv.block_size}
    if lv.cluster_size != 1:
        a["cluster_size"] = lv.cluster_size
    if lv.entries is not None:
        if lv.entries % lv.block_size == 0:
            a["depth"] = lv.entries // lv.block_size
        else:
            a["entries"] = lv.entries
    for key, v in (("read_bandwidth", lv.read_bandwidth), ("write_bandwidth", lv.write_bandwidth)):
        if v is not None:
            a[key] = _num(v)
    cons = {"dataspace": {"keep": list(lv.keep), "bypass": list(lv.bypass)}}
    t = lv.temporal
    if t.factors or t.permutation:
        f, perm, _ = restrict(t.factors, t.permutation, None, dims)
        cons["temporal"] = {"factors": [f"{V04_DIM_NAMES.get(d, d)}={b}" for d, b in f.items()],
                            "permutation": _dims(perm)}
    return {"name": lv.name, "class": lv.klass or lv.technology, "attributes": a, "constraints": cons}


def arch(spec, dims) -> dict:
    """arch.yaml for timeloopfe, constraints restricted to the problem's `dims`."""
    top = {k: v for k, v in variables(spec)["variables"].items() if k != "version"}
    nodes = [Tagged("!Container", {"name": spec.name, "attributes": top})]
    for i, lv in enumerate(spec.levels):
        nodes.append(Tagged("!Component", _component(lv, dims)))
        below = spec.levels[i + 1] if i + 1 < len(spec.levels) else spec.mac
        fx, fy = spec.fanout(i)
        s = lv.spatial
        if fx * fy == 1 and not (s.factors or s.permutation):
            continue
        c = {"name": f"{below.name}_array", "spatial": {"meshX": fx, "meshY": fy}}
        if s.factors or s.permutation:
            f, perm, split = restrict(s.factors, s.permutation, s.split, dims)
            sp = {"factors": [f"{V04_DIM_NAMES.get(d, d)}={b}" for d, b in f.items()], "permutation": _dims(perm)}
            if split is not None:                # none: the mapper searches the split
                sp["split"] = split
            c["constraints"] = {"spatial": sp}
        nodes.append(Tagged("!Container", c))
    m = spec.mac
    nodes.append(Tagged("!Component", {"name": m.name, "class": "intmac",
                                       "attributes": {"datawidth": m.word_bits, "width": m.word_bits}}))
    return {"architecture": {"version": 0.4, "nodes": nodes}}


def variables(spec) -> dict:
    v = {"version": 0.4}
    if spec.technology:
        v["technology"] = spec.technology
    if spec.cycle_seconds is not None:
        v["global_cycle_seconds"] = float(spec.cycle_seconds)
    return {"variables": v}


def mapper(spec, overrides: dict | None = None) -> dict:
    """mapper.yaml: the legacy settings (costmodel.timeloop.legacy.mapper) spelled with '_'."""
    m = {"version": 0.4}
    for k, v in legacy_mapper(spec, overrides)["mapper"].items():
        m[k.replace("-", "_")] = ALGORITHMS[v] if k == "algorithm" else v
    return {"mapper": m}


def files(spec, dims, overrides: dict | None = None) -> dict:
    carried = [f"{lv.name}: network_word_bits" for lv in spec.levels if lv.network_word_bits is not None]
    if spec.mapper.get("min_utilization"):
        carried.append("mapper.min_utilization")
    if carried:                          # v1.0 facts this writer has no place for: refuse rather than drop
        raise CostModelError(f"arch {spec.name!r}: the v0.4 writer cannot carry {', '.join(carried)} "
                             f"(write the legacy v1.0 files)")
    ert, art = ertmod.tables(spec, "v0.4")
    return {"arch.yaml": arch(spec, dims), "variables.yaml": variables(spec), "mapper.yaml": mapper(spec, overrides),
            "ERT.yaml": ert, "ART.yaml": art}
