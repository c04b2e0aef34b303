"""Model input shapes, validated before anything runs: ``--input 1x3x224x224`` (several inputs: comma-separated).

Limits (documented in `costmodel profile --help` and the README's Limits section):

  * MAX_INPUT_RANK dims per input, MAX_INPUTS inputs, every size a positive integer;
  * MAX_INPUT_ELEMENTS elements per input. Tracing runs on tensors that hold no data (torch's
    FakeTensorMode), so a large input costs nothing to trace; the bound keeps a typo (an extra digit)
    from reaching the cost model as an absurd layer;
  * MAX_REAL_ELEMENTS: a model that cannot be traced without data (its Python control flow reads
    tensor values) is run once on real zero tensors, only when every input holds at most this many
    elements.
"""
from __future__ import annotations

from math import prod

from ..errors import CostModelError

MAX_INPUT_RANK = 6               # dims of one input
MAX_INPUTS = 8                   # inputs of one model
MAX_INPUT_ELEMENTS = 1 << 31     # elements of one input (2,147,483,648)
MAX_REAL_ELEMENTS = 1 << 24      # elements of one input a data-dependent model is run on (16,777,216)


def check_shape(shape, where: str = "input") -> tuple:
    """`shape` as a tuple of ints if it is within the limits above, else one CostModelError naming `where`."""
    try:
        dims = tuple(shape)
    except TypeError:
        raise CostModelError(f"{where}: a shape is a sequence of sizes, got {shape!r}") from None
    if not dims or len(dims) > MAX_INPUT_RANK:
        raise CostModelError(f"{where}: {len(dims)} dims; an input has 1 to {MAX_INPUT_RANK} dims")
    if any(isinstance(d, bool) or not hasattr(d, "__index__") or d < 1 for d in dims):
        raise CostModelError(f"{where}: sizes must be positive integers, got {dims}")
    dims = tuple(int(d) for d in dims)
    if prod(dims) > MAX_INPUT_ELEMENTS:
        raise CostModelError(f"{where}: {prod(dims):.3g} elements; the limit is {MAX_INPUT_ELEMENTS:,} per input")
    return dims


def parse_shapes(text: str, flag: str = "--input") -> list[tuple]:
    """``1x3x224x224`` -> [(1, 3, 224, 224)]; ``1x4x64x16,1x4x64x16`` -> two shapes (one per model input)."""
    parts = str(text).strip().lower().split(",")
    if len(parts) > MAX_INPUTS:
        raise CostModelError(f"{flag} {text!r}: {len(parts)} shapes; a model takes at most {MAX_INPUTS} inputs")
    shapes = []
    for part in parts:
        sizes = part.strip().split("x")
        if not all(s.strip().isascii() and s.strip().isdigit() for s in sizes) or len(part) > 200:
            raise CostModelError(f"{flag} {text!r}: give positive integers joined by x, e.g. 1x3x224x224 "
                                 f"(several inputs: comma-separated)")
        shapes.append(check_shape([int(s) for s in sizes], f"{flag} {part.strip()}"))
    return shapes
