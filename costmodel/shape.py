"""A problem shape as data: Timeloop v1.0's ``problem: shape:`` (dimensions, coefficients, data spaces with
projections, the read-write one), read from a YAML file or a packaged shape (costmodel/data/shapes).

A data space is a list of axes; an axis a sum of terms (dim x coefficient), a coefficient a named parameter
(e.g. ``Wstride``, default from ``coefficients``) or an integer. Dimension names are single letters (as in
Timeloop v1.0's permutation strings). ``dimensions`` keeps Timeloop's order (dimension IDs: the mapping-ID
order, first = least significant). ``unnamed-order`` (ours; Timeloop ignores it) is the order, inner ->
outer, in which the mapper places dims a constraint permutation does not name (default: ``dimensions``).

Packaged shapes (``SHAPES``): grouped-cnn-layer (the default), conv1d, conv1d-oc, gemm, batched-gemm,
depthwise. A foundation module like workload.py (data only). Build a problem of any of them with
``costmodel.loopnest.problem.Problem(shape, bounds, params)``; a layer with ``workload.ShapedLayer``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Union

import yaml

from .errors import CostModelError
from .resources import data_path

SHAPES = ("grouped-cnn-layer", "conv1d", "conv1d-oc", "gemm", "batched-gemm", "depthwise")


@lru_cache(maxsize=None)
def _schema():
    """The pydantic schema of Timeloop's ``shape`` mapping (built on first use: pydantic loads in ~0.1 s)."""
    from pydantic import BaseModel, ConfigDict, Field, field_validator

    class _Coefficient(BaseModel):
        model_config = ConfigDict(extra="forbid")
        name: str
        default: int = Field(1, ge=1)

    class _DataSpace(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        name: str
        projection: list[list[list[Union[int, str]]]]            # axes -> terms -> [dim] / [dim, coefficient]
        read_write: bool = Field(False, alias="read-write")

    class _Shape(BaseModel):
        model_config = ConfigDict(extra="forbid", populate_by_name=True)
        name: str
        dimensions: list[str] = Field(min_length=1)
        unnamed_order: str | None = Field(None, alias="unnamed-order")
        coefficients: list[_Coefficient] = []
        data_spaces: list[_DataSpace] = Field(alias="data-spaces", min_length=2)

        @field_validator("dimensions")
        @classmethod
        def _letters(cls, v):
            bad = [d for d in v if not (len(d) == 1 and d.isalpha())]
            if bad:
                raise ValueError(f"dimension {bad[0]!r}: names are single letters (Timeloop v1.0's permutations)")
            if len(set(v)) != len(v):
                raise ValueError("dimension names must be distinct")
            return v

    return _Shape


class Shape:
    """An immutable problem shape. `spaces` = ((name, axes, read_write), ...) with axes = ((term, ...), ...),
    term = (dim, coefficient name or int)."""

    __slots__ = ("name", "dims", "order", "coefficients", "spaces", "dataspaces", "read_write", "_rel", "_hash")

    def __init__(self, name: str, dims: tuple, spaces: tuple, coefficients: tuple = (), order: str | None = None):
        self.name, self.dims = name, tuple(dims)
        self.order = order or "".join(self.dims)
        self.coefficients = tuple(coefficients)           # ((name, default), ...)
        self.spaces = tuple(spaces)
        self.dataspaces = tuple(s[0] for s in self.spaces)
        self.read_write = tuple(s[0] for s in self.spaces if s[2])
        self._rel = {n: frozenset(d for ax in axes for d, _ in ax) for n, axes, _ in self.spaces}
        self._check()
        self._hash = hash(self._key())

    def _check(self):
        where = f"problem shape {self.name!r}"
        if sorted(self.order) != sorted(self.dims):
            raise CostModelError(f"{where}: unnamed-order {self.order!r} must list the dimensions {''.join(self.dims)}")
        coeffs = {c for c, _ in self.coefficients}
        if len(set(self.dataspaces)) != len(self.dataspaces):
            raise CostModelError(f"{where}: data-space names must be distinct")
        if len(self.read_write) != 1:
            raise CostModelError(f"{where}: exactly one data space must be read-write, got {len(self.read_write)}")
        for n, axes, _ in self.spaces:
            for ax in axes:
                for d, c in ax:
                    if d not in self.dims:
                        raise CostModelError(f"{where}: data space {n!r} projects unknown dimension {d!r}")
                    if not isinstance(c, int) and c not in coeffs:
                        raise CostModelError(f"{where}: data space {n!r}: unknown coefficient {c!r}")
        for d in self.dims:
            if not any(d in r for r in self._rel.values()):
                raise CostModelError(f"{where}: dimension {d!r} is in no data space's projection")

    def relevant(self, dataspace: str) -> frozenset:
        return self._rel[dataspace]

    @property
    def defaults(self) -> dict:
        return dict(self.coefficients)

    def size(self, dataspace: str, bounds: dict, params: dict) -> int:
        """Points of the AAHR box of `dataspace` over the whole problem (bounds per dim)."""
        out = 1
        for ax in self.axes(params)[dataspace]:
            out *= sum((bounds[d] - 1) * c for d, c in ax) + 1
        return out

    def axes(self, params: dict) -> dict:
        """name -> axes with the coefficients' values: (((dim, int), ...), ...)."""
        return {n: tuple(tuple((d, c if isinstance(c, int) else params[c]) for d, c in ax) for ax in axes)
                for n, axes, _ in self.spaces}

    def _key(self):
        return (self.name, self.dims, self.order, self.coefficients, self.spaces)

    def __eq__(self, other):
        return isinstance(other, Shape) and self._key() == other._key()

    def __hash__(self):
        return self._hash

    def __repr__(self):
        return f"Shape({self.name!r}, dims={''.join(self.dims)}, dataspaces={self.dataspaces})"

    def to_dict(self, ours: bool = True) -> dict:
        """The Timeloop v1.0 ``shape`` mapping (with ``unnamed-order`` unless ``ours=False``)."""
        out = {"name": self.name, "dimensions": list(self.dims)}
        if ours and self.order != "".join(self.dims):
            out["unnamed-order"] = self.order
        if self.coefficients:
            out["coefficients"] = [{"name": c, "default": v} for c, v in self.coefficients]
        out["data-spaces"] = [{"name": n, "projection": [[[d] if c == 1 and isinstance(c, int) else [d, c]
                                                          for d, c in ax] for ax in axes],
                               **({"read-write": True} if rw else {})} for n, axes, rw in self.spaces]
        return out


def shape_from_dict(d, where: str = "problem shape") -> Shape:
    """A Shape from Timeloop's ``shape`` mapping; one CostModelError naming the key on bad input."""
    from pydantic import ValidationError
    try:
        s = _schema().model_validate(d)
    except ValidationError as e:
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "shape"
        raise CostModelError(f"{where}: key {loc!r}: {err['msg']}") from None
    return _build(s.model_dump(by_alias=True), where)


def _build(d: dict, where: str) -> Shape:
    """A Shape from a ``shape`` mapping of the schema's form (checked by `_schema`, or packaged and tested)."""
    dims, coeffs = d["dimensions"], [(c["name"], c.get("default", 1)) for c in d.get("coefficients") or []]
    spaces = []
    for ds in d["data-spaces"]:
        axes = []
        for ax in ds["projection"]:
            terms = []
            for t in ax:
                found = [x for x in t if isinstance(x, str) and x in dims]
                if len(t) not in (1, 2) or len(found) != 1:
                    raise CostModelError(f"{where}: data space {ds['name']!r}: term {t!r} must be [dim] or [dim, "
                                         f"coefficient] (dims {dims}, coefficients {sorted(c for c, _ in coeffs)})")
                rest = [x for x in t if x != found[0]] or [1]
                terms.append((found[0], rest[0]))
            if not terms:
                raise CostModelError(f"{where}: data space {ds['name']!r} has an empty axis")
            axes.append(tuple(terms))
        spaces.append((ds["name"], tuple(axes), bool(ds.get("read-write", False))))
    return Shape(d["name"], tuple(dims), tuple(spaces), tuple(coeffs), d.get("unnamed-order"))


def read_problem_file(path, trusted: bool = False) -> tuple[Shape, dict]:
    """(shape, instance) of a Timeloop problem YAML: ``problem: {shape: ..., instance: ...}``, a bare
    ``shape:``, or Timeloop v1.0's built-in cnn-layer (instance keys right under ``problem:``; the grouped
    CNN shape with G = 1). The instance is {} when the file has none. `trusted` (the packaged shapes, whose
    schema a test checks): built without loading the schema library."""
    from .validate import read_text
    path = Path(path)
    try:
        doc = yaml.load(read_text(path, "problem shape"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        raise CostModelError(f"{path}: not YAML ({str(e).splitlines()[0]})") from None
    top = doc.get("problem", doc) if isinstance(doc, dict) else None
    if isinstance(top, dict) and "shape" not in top and top and set(top) <= set(cnn().dims) | set(cnn().defaults):
        return cnn(), {"G": 1, **top}               # Timeloop v1.0's built-in cnn-layer instance (no G)
    if not isinstance(top, dict) or "shape" not in top:
        raise CostModelError(f"{path}: expected 'problem: shape: ...' (a Timeloop problem shape)")
    inst = top.get("instance") or {}
    if not isinstance(inst, dict):
        raise CostModelError(f"{path}: key 'problem.instance' must be a mapping")
    where = f"{path}: problem.shape"
    return (_build(top["shape"], where) if trusted else shape_from_dict(top["shape"], where)), inst


@lru_cache(maxsize=None)
def packaged(name: str) -> Shape:
    """A packaged shape by name (SHAPES)."""
    if name not in SHAPES:
        raise CostModelError(f"unknown problem shape {name!r} (packaged: {', '.join(SHAPES)}; or give a YAML file)")
    return read_problem_file(data_path("shapes", f"{name}.yaml"), trusted=True)[0]


def load_shape(name_or_path) -> Shape:
    """A packaged shape name or a Timeloop problem-shape YAML file."""
    if isinstance(name_or_path, Shape):
        return name_or_path
    if str(name_or_path) in SHAPES:
        return packaged(str(name_or_path))
    return read_problem_file(name_or_path)[0]


def cnn() -> Shape:
    """The grouped CNN layer (the shape of every `Layer`)."""
    return packaged("grouped-cnn-layer")
