"""A Timeloop problem: a shape (costmodel.shape) and an instance (dimension bounds + coefficient values).

``Problem(shape, bounds, params)`` takes any shape; ``Problem(N=.., C=.., K=.., R=.., S=.., P=.., Q=..,
G=1, Wstride=1, ...)`` (keywords only) is the grouped CNN layer (C and K per group; a Layer's C and K are
totals), and ``Problem.from_layer(layer)`` builds that from a `Layer`. Bounds and coefficient values read
as attributes (``problem.P``, ``problem.Wstride``).

A data space is a list of axes; an axis is a list of (dim, coefficient). A tile of the operation
space with extent e_D per dim projects to an axis-aligned box whose extent on an axis is
sum((e_D - 1) * coef) + 1 (Timeloop's AAHR: strided gaps are counted, e.g. a 1x1 stride-2 layer's
input is 31x31 at P = 16).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import CostModelError
from ..workload import Layer, ShapedLayer
from ..shape import Shape, cnn, load_shape, read_problem_file


@dataclass(frozen=True, init=False, eq=False, repr=False)
class Problem:
    """``dataclasses.replace(problem, P=4)`` works too (keywords = dims / coefficients)."""
    shape: Shape
    bounds: dict
    params: dict

    def __init__(self, shape: Shape | str | None = None, bounds: dict | None = None, params: dict | None = None,
                 **kw):
        if shape is None:
            shape = cnn()
            bounds = {**{"G": 1}, **(bounds or {})}
        shape = load_shape(shape)
        bounds, params = dict(bounds or {}), dict(params or {})
        for k, v in kw.items():
            (bounds if k in shape.dims else params)[k] = v
        where = f"problem of shape {shape.name!r}"
        unknown = sorted(set(params) - set(shape.defaults))
        if unknown:
            raise CostModelError(f"{where}: {unknown[0]!r} is neither a dimension {list(shape.dims)} nor a "
                                 f"coefficient {sorted(shape.defaults)}")
        missing = [d for d in shape.dims if d not in bounds]
        if missing:
            raise CostModelError(f"{where}: no bound for dimension(s) {missing}")
        for k, v in {**bounds, **params}.items():
            try:
                ok = not isinstance(v, bool) and int(v) == v and v >= 1      # ints (numpy's too), 2.0
            except (TypeError, ValueError, OverflowError):
                ok = False
            if not ok:
                raise CostModelError(f"{where}: {k} = {v!r} must be an integer >= 1")
        bounds = {d: int(bounds[d]) for d in shape.dims}
        params = {c: int(params.get(c, v)) for c, v in shape.coefficients}
        for k, v in (("shape", shape), ("bounds", bounds), ("params", params), ("_spaces", None),
                     ("_key", (shape, tuple(bounds.items()), tuple(params.items())))):
            object.__setattr__(self, k, v)

    @classmethod
    def from_layer(cls, layer: Layer | ShapedLayer) -> "Problem":
        if isinstance(layer, ShapedLayer):
            return cls(layer.shape, dict(layer.bounds), dict(layer.coefficients))
        if layer.kind == "pool-max":
            raise CostModelError(f"layer {layer.name!r}: a max pool is not a MAC loop nest (use the pool model)")
        return cls(N=layer.N, C=layer.C // layer.G, K=layer.K // layer.G, R=layer.R, S=layer.S, P=layer.P,
                   Q=layer.Q, G=layer.G, Wstride=layer.Wstride, Hstride=layer.Hstride,
                   Wdilation=layer.Wdilation, Hdilation=layer.Hdilation)

    @classmethod
    def from_file(cls, path) -> "Problem":
        """The problem of a Timeloop problem YAML (shape + instance; costmodel.shape.read_problem_file)."""
        shape, inst = read_problem_file(path)
        try:
            return cls(shape, {d: v for d, v in inst.items() if d in shape.dims},
                       {k: v for k, v in inst.items() if k not in shape.dims})
        except CostModelError as e:
            raise CostModelError(f"{path}: {e}") from None

    def __getattr__(self, name):
        if name.startswith("_") or name in ("shape", "bounds", "params"):
            raise AttributeError(name)
        if name in self.bounds:
            return self.bounds[name]
        if name in self.params:
            return self.params[name]
        raise AttributeError(f"problem of shape {self.shape.name!r} has no dimension or coefficient {name!r}")

    def replace(self, **changes) -> "Problem":
        """A copy with some bounds / coefficient values changed."""
        b = {k: changes.get(k, v) for k, v in self.bounds.items()}
        p = {k: changes.get(k, v) for k, v in self.params.items()}
        extra = set(changes) - set(b) - set(p)
        if extra:
            raise CostModelError(f"problem of shape {self.shape.name!r} has no {sorted(extra)[0]!r}")
        return Problem(self.shape, b, p)

    def __eq__(self, other):
        return isinstance(other, Problem) and self._key == other._key

    def __hash__(self):
        return hash(self._key)

    def __repr__(self):
        inst = ", ".join(f"{k}={v}" for k, v in {**self.bounds, **self.params}.items())
        return f"Problem({self.shape.name}: {inst})"

    @property
    def dims(self) -> tuple:
        return self.shape.dims

    @property
    def key(self) -> str:
        """A stable text key of the problem (shape name, bounds, coefficient values)."""
        return f"{self.shape.name}:" + ",".join(f"{k}={v}" for k, v in {**self.bounds, **self.params}.items())

    @property
    def macs(self) -> int:
        out = 1
        for v in self.bounds.values():
            out *= v
        return out

    def dataspaces(self) -> dict:
        """name -> axes; axis = tuple of (dim, coefficient)."""
        if self._spaces is None:
            object.__setattr__(self, "_spaces", self.shape.axes(self.params))
        return self._spaces

    def relevant(self, dataspace: str) -> set:
        return set(self.shape.relevant(dataspace))

    def size(self, dataspace: str) -> int:
        return self.shape.size(dataspace, self.bounds, self.params)

    def used(self, dataspace: str) -> int:
        """Points of the data space some MAC really touches (a strided projection skips some; the AAHR
        box of `size` counts them)."""
        out = 1
        for ax in self.dataspaces()[dataspace]:
            if len(ax) == 1:
                out *= self.bounds[ax[0][0]]
                continue
            pts = {0}
            for d, c in ax:
                pts = {x + i * c for x in pts for i in range(self.bounds[d])}
            out *= len(pts)
        return out


READ_WRITE = cnn().read_write       # the grouped CNN layer's (former constant); the model uses problem.shape.read_write
