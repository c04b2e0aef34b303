"""Timeloop input files for one layer on one arch spec, in two formats: {file name: YAML text}.

  legacy  Timeloop v1.0 (what reference/timeloop-v1.0 ran): costmodel.arch.formats.legacy_write; run as
          ``timeloop-mapper arch.yaml constraints.yaml mapper.yaml problem.yaml ERT.yaml``
  v0.4    timeloopfe: costmodel.arch.formats.v04_write (constraints inline in arch.yaml, variables.yaml);
          load as ``Specification.from_yaml_files(arch, variables, mapper, problem)`` + ERT/ART

Both are serialisations of the one `AcceleratorSpec` (costmodel.arch.spec); the readers beside them in
costmodel/arch/formats/ give it back. Constraints name only the dimensions of the problem's shape (G is dropped for a
G == 1 cnn-layer; a spatial split shrinks with the X dims dropped).
"""
from __future__ import annotations

from ..errors import CostModelError
from ..arch.formats import legacy_write as legacy, v04_write as v04
from ..arch.formats.yamlio import dump
from ..loopnest.bind import bind
from ..loopnest.problem import Problem
from ..workload import Layer, ShapedLayer
from . import problem as prob

INPUTS = {"legacy": ("arch.yaml", "constraints.yaml", "mapper.yaml", "problem.yaml"),
          "v0.4": ("arch.yaml", "variables.yaml", "mapper.yaml", "problem.yaml")}


def timeloop_spec(spec):
    """`spec` if it is a Timeloop-style accelerator; CostModelError otherwise."""
    if getattr(spec, "kind", None) != "accelerator" or not hasattr(spec, "levels"):
        raise CostModelError(f"arch {getattr(spec, 'name', spec)!r} is not a Timeloop-style accelerator "
                             f"(kind: accelerator), so it has no Timeloop form; use it with its own backend")
    return spec


def file_data(layer: Layer, spec, fmt: str = "v0.4", mapper: dict | None = None, with_energy: bool = True) -> dict:
    """{file name: data} of every input file for `layer` on `spec` in format `fmt` (legacy | v0.4)."""
    if fmt not in prob.FORMATS:
        raise CostModelError(f"unknown Timeloop format {fmt!r} (use one of {prob.FORMATS})")
    spec = timeloop_spec(spec)
    dims = prob.problem_dims(layer)
    parts = (legacy if fmt == "legacy" else v04).files(spec, dims, mapper)
    parts["problem.yaml"] = prob.problem_dict(layer, fmt)
    if not with_energy:
        parts.pop("ERT.yaml"), parts.pop("ART.yaml")
    return parts


def problem_files(problem, spec, mapper: dict | None = None) -> dict[str, str]:
    """{file name: YAML text}: legacy (Timeloop v1.0) input files for a loopnest Problem of any shape: the
    shape inline in problem.yaml, the constraints restricted to its dims and data spaces (loopnest.bind)."""
    spec = bind(timeloop_spec(spec), problem.shape)
    parts = legacy.files(spec, problem.dims, mapper)
    parts["problem.yaml"] = prob.shaped_problem_dict(problem)
    header = f"legacy Timeloop input for {problem!r} on arch {spec.name!r}; written by costmodel (costmodel.timeloop.emit)"
    return {name: dump(data, header) for name, data in parts.items()}


def files_for(layer: Layer, spec, fmt: str = "v0.4", mapper: dict | None = None,
              with_energy: bool = True) -> dict[str, str]:
    """{file name: YAML text} of every input file for `layer` on `spec` in format `fmt` (legacy | v0.4); a
    ShapedLayer (any problem shape) in legacy only."""
    if isinstance(layer, ShapedLayer):
        if fmt != "legacy":
            raise CostModelError(f"layer {layer.name!r} of shape {layer.shape!r}: only the legacy (Timeloop v1.0) "
                                 f"format is written for problem shapes other than the CNN layer")
        return problem_files(Problem.from_layer(layer), spec, mapper)
    header = (f"{fmt} Timeloop input for layer {layer.name!r} on arch {getattr(spec, 'name', spec)!r}; written by "
              f"costmodel (costmodel.timeloop.emit)")
    return {name: dump(data, header) for name, data in file_data(layer, spec, fmt, mapper, with_energy).items()}
