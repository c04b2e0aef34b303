"""Timeloop problem files for a `Layer`: the cnn-layer shape (G == 1) or the grouped shape (G > 1).

The grouped shape is the one of shared/reference/timeloop-v1.0-exact/configs/grouped-cnn-layer.shape.yaml:
dims R S P Q C K N G with C, K the PER-GROUP channels (depthwise: G = channels, C = K = 1), true
dilation in the input projection. Two dialects:

  legacy  Timeloop v1.0: cnn-layer is built in, so its instance keys sit directly under ``problem:``;
          the grouped shape is given inline (``problem: {shape: ..., instance: ...}``), keys with '-'.
  v0.4    what timeloopfe reads: ``problem: {version: 0.4, shape: ..., instance: ...}``, keys with '_', and
          the output-channel dimension named ``M`` as in timeloopfe's examples (``V04_DIM_NAMES``: our K is
          v0.4's M; everything else keeps its name), so their problems and our constraints agree.

Every instance key is checked against the shape's dimensions and coefficients before it is written:
timeloopfe accepts a misspelled ``HStride`` and Timeloop then silently uses stride 1.
"""
from __future__ import annotations

from ..errors import CostModelError
from ..shape import cnn
from ..workload import Layer

FORMATS = ("legacy", "v0.4")
COEFFICIENTS = ("Wstride", "Hstride", "Wdilation", "Hdilation")
CNN_DIMS = ("R", "S", "P", "Q", "C", "K", "N")
V04_DIM_NAMES = {"K": "M"}                        # our dim -> timeloopfe's (v0.4) name
GROUPED_DIMS = ("R", "S", "P", "Q", "C", "K", "N", "G")


def _shape(name: str, dims: tuple, grouped: bool, fmt: str) -> dict:
    """The packaged grouped CNN shape (costmodel.shape) in Timeloop's spelling; without G unless `grouped`."""
    d = cnn().to_dict(ours=False)
    sep = "-" if fmt == "legacy" else "_"
    spaces = [{"name": ds["name"], "projection": [ax for ax in ds["projection"] if grouped or ax != [["G"]]],
               **({f"read{sep}write": True} if ds.get("read-write") else {})} for ds in d["data-spaces"]]
    return {"name": name, "dimensions": list(dims), "coefficients": d["coefficients"], f"data{sep}spaces": spaces}


def shape_for(layer: Layer, fmt: str, grouped: bool = False) -> dict:
    """The problem shape used for `layer`: grouped if G > 1 or `grouped` (the exact-mode reference's choice)."""
    _check_format(fmt)
    if layer.G > 1 or grouped:
        return _shape("Grouped-CNN-Layer", GROUPED_DIMS, True, fmt)
    return _shape("CNN-Layer", CNN_DIMS, False, fmt)


def instance_for(layer: Layer, grouped: bool = False) -> dict:
    """Instance values in Timeloop naming; C and K per group when G > 1. Padding is implicit in Timeloop."""
    if layer.kind != "conv":
        raise CostModelError(f"layer {layer.name!r}: Timeloop cannot express {layer.kind} (its problem shapes are "
                             f"multiply-accumulate only); cost pools with the analytic backend")
    inst = {"N": layer.N, "C": layer.C // layer.G, "K": layer.K // layer.G, "R": layer.R, "S": layer.S,
            "P": layer.P, "Q": layer.Q}
    if layer.G > 1 or grouped:
        inst["G"] = layer.G
    inst.update({"Wstride": layer.Wstride, "Hstride": layer.Hstride,
                 "Wdilation": layer.Wdilation, "Hdilation": layer.Hdilation})
    return inst


def check_instance(instance: dict, shape: dict) -> None:
    """Every instance key must be a declared dimension or coefficient, every dimension present, values ints >= 1."""
    dims = list(shape["dimensions"])
    coeffs = [c["name"] for c in shape.get("coefficients", [])]
    for key, value in instance.items():
        if key not in dims and key not in coeffs:
            raise CostModelError(f"problem instance key {key!r} is neither a dimension {dims} nor a coefficient "
                                 f"{coeffs} of shape {shape.get('name')!r}; Timeloop would ignore it silently")
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise CostModelError(f"problem instance {key} = {value!r}: must be an integer >= 1")
    missing = [d for d in dims if d not in instance]
    if missing:
        raise CostModelError(f"problem instance lacks dimension(s) {missing} of shape {shape.get('name')!r}")


def problem_dict(layer: Layer, fmt: str = "v0.4", grouped: bool = False) -> dict:
    """The whole problem file (as a dict under ``problem:``) for `layer` in format `fmt`.

    G == 1 layers use the built-in cnn-layer shape unless `grouped` (then G = 1 in the grouped shape, which
    gives Timeloop the same numbers: reference/timeloop-v1.0-exact/README.md).
    """
    grouped = grouped or layer.G > 1
    shape, inst = shape_for(layer, fmt, grouped), instance_for(layer, grouped)
    check_instance(inst, shape)
    if fmt == "legacy":
        return {"problem": {"shape": shape, "instance": inst} if grouped else dict(inst)}
    return {"problem": {"version": 0.4, "shape": to_v04_dims(shape), "instance": to_v04_dims(inst)}}


def shaped_problem_dict(problem) -> dict:
    """The legacy (Timeloop v1.0) problem file of a loopnest Problem of any shape: its shape inline."""
    shape = problem.shape.to_dict(ours=False)
    inst = {**problem.bounds, **problem.params}
    check_instance(inst, shape)
    return {"problem": {"shape": shape, "instance": inst}}


def to_v04_dims(obj):
    """`obj` with our dimension names replaced by v0.4's (``V04_DIM_NAMES``) in keys and string leaves."""
    if isinstance(obj, dict):
        return {V04_DIM_NAMES.get(k, k): to_v04_dims(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_v04_dims(v) for v in obj]
    return V04_DIM_NAMES.get(obj, obj) if isinstance(obj, str) else obj


def from_v04_dim(name: str) -> str:
    """Our name of a v0.4 dimension."""
    return {v: k for k, v in V04_DIM_NAMES.items()}.get(name, name)


def problem_dims(layer: Layer, grouped: bool = False) -> tuple:
    """The dimensions of the shape `layer` is emitted with (constraints may only name these)."""
    return GROUPED_DIMS if (layer.G > 1 or grouped) else CNN_DIMS


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise CostModelError(f"unknown Timeloop format {fmt!r} (use one of {FORMATS})")


def layer_from_instance(inst: dict, name: str = "layer") -> Layer:
    """The conv `Layer` of a Timeloop problem instance (our dim names; C, K per group when G is given).

    Padding is implicit in Timeloop, so the input size is the one without padding."""
    d = {k: int(inst.get(k, 1)) for k in ("N", "C", "K", "R", "S", "P", "Q", "G", *COEFFICIENTS)}
    g = d.pop("G")
    h = (d["Q"] - 1) * d["Hstride"] + (d["S"] - 1) * d["Hdilation"] + 1     # Timeloop's: Q, S along H
    w = (d["P"] - 1) * d["Wstride"] + (d["R"] - 1) * d["Wdilation"] + 1     # P, R along W
    return Layer(name=name, kind="conv", H=h, W=w, G=g, **{**d, "C": d["C"] * g, "K": d["K"] * g})
