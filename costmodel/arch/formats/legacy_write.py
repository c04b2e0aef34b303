"""Timeloop v1.0 ("legacy") files of an `AcceleratorSpec`: what ``timeloop-mapper arch.yaml constraints.yaml
mapper.yaml problem.yaml ERT.yaml`` reads (the reader is `costmodel.arch.formats.legacy`).

  arch         ``architecture: {version: 0.2, subtree}``: levels outer -> inner, then the MACs
  constraints  ``mapspace: {targets}``: factors/permutation under ``attributes``, ``split`` at the
               constraint's TOP level (v1.0 mapping/constraints.hpp reads it there only; under
               ``attributes`` it is ignored and every X/Y split is searched)
  mapper       the spec's ``mapper.timeloop`` settings verbatim + ``optimization-metrics``
  ERT / ART    version 0.3 (v1.0 aborts on anything but 0.2/0.3 for the ERT, 0.3 for the ART)
"""
from __future__ import annotations

from ...loopnest.mapper_settings import objective_metrics, timeloop_mapper_settings
from . import ert as ertmod
from .constraints import restrict


def _num(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


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
    metrics = list(objective_metrics(spec.mapper.get("objective", "edp"), "mapper.objective"))
    m = {"optimization-metrics": metrics, **spec.mapper.get("timeloop", {})}
    m.update(timeloop_mapper_settings(overrides, "Timeloop mapper setting override"))
    return {"mapper": m}


def files(spec, dims, overrides: dict | None = None) -> dict:
    """{file name: data} of the arch-side legacy files (the problem is costmodel.timeloop.problem's)."""
    ert, art = ertmod.tables(spec, "legacy")
    return {"arch.yaml": arch(spec), "constraints.yaml": constraints(spec, dims),
            "mapper.yaml": mapper(spec, overrides), "ERT.yaml": ert, "ART.yaml": art}
