"""Validation at the boundary: finite numbers in range, true integers, bounded shapes and file sizes.

Every loader (arch specs, spaces, genotypes, CLI shapes) calls these, so one bad value gives one
`CostModelError` naming the place, the value and the accepted range. NaN never passes (``nan < x``
is False for every x, so a plain ``v < minimum`` test lets it through; these functions do not).

Documented limits (README, "Limits"): they bound run time and memory, and keep every count an
exact 64-bit integer in the LUT.
"""
from __future__ import annotations

import math

from .errors import CostModelError
from .userfiles import MAX_FILE_BYTES, read_text  # noqa: F401  (re-exported: the one reader of user files)

MAX_CHANNELS = 1 << 16          # c_in, c_out, groups [channels]
MAX_SPATIAL = 1 << 14           # h, w, kernel, stride, dilation, padding [pixels]
MAX_BATCH = 1 << 12             # n [images]
MAX_LAYER_MACS = 10 ** 15       # multiply-accumulates of one lowered layer [MACs]


def number(v, where: str, minimum: float | None = None, maximum: float | None = None,
           exclusive_min: bool = False) -> float:
    """`v` as a finite float within [minimum, maximum] (booleans and strings refused)."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise CostModelError(f"{where} = {v!r} (must be a number)")
    if not math.isfinite(v):
        raise CostModelError(f"{where} = {v!r} (must be a finite number)")
    if minimum is not None and (v <= minimum if exclusive_min else v < minimum):
        raise CostModelError(f"{where} = {v!r} (must be {'>' if exclusive_min else '>='} {minimum:g})")
    if maximum is not None and v > maximum:
        raise CostModelError(f"{where} = {v!r} (must be <= {maximum:g})")
    return v


def integer(v, where: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """`v`, an int within [minimum, maximum]: ``true``, ``16.5`` (and ``16.0``) are refused, not read as 1 or 16."""
    if isinstance(v, bool) or not isinstance(v, int):
        raise CostModelError(f"{where} = {v!r} (must be an integer)")
    if minimum is not None and v < minimum:
        raise CostModelError(f"{where} = {v} (must be >= {minimum})")
    if maximum is not None and v > maximum:
        raise CostModelError(f"{where} = {v} (must be <= {maximum}, the toolkit's limit)")
    return v


def output_path(path, flag: str):
    """An output file that can be created (see `costmodel.userfiles.check_target`); checked before any work."""
    from .userfiles import check_target
    return check_target(path, flag)
