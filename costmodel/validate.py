"""Validation at the boundary: finite numbers in range, true integers, bounded shapes and file sizes.

Every loader (arch specs, spaces, genotypes, CLI shapes) calls these, so one bad value gives one
`CostModelError` naming the place, the value and the accepted range. NaN never passes (``nan < x``
is False for every x, so a plain ``v < minimum`` test lets it through; these functions do not).

Documented limits (README, "Limits"): they bound run time and memory, and keep every count an
exact 64-bit integer in the LUT.
"""
from __future__ import annotations

import math
from pathlib import Path

from .errors import CostModelError

MAX_FILE_BYTES = 1 << 20        # a space / genotype / arch spec / reference file [bytes] (1 MiB)
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


def read_text(path, what: str = "file", limit: int = MAX_FILE_BYTES) -> str:
    """The text of a small input file; one clear error for a missing, unreadable, huge or binary file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise CostModelError(f"{path}: is a folder, not a {what}")
        if size > limit:
            raise CostModelError(f"{path}: {size:,} bytes is larger than the {limit:,}-byte limit for a {what}")
        data = path.read_bytes()
    except FileNotFoundError:
        hint = "no such folder" if not path.parent.is_dir() else "no such file"
        raise CostModelError(f"{path}: {hint}") from None
    except PermissionError:
        raise CostModelError(f"{path}: permission denied") from None
    except OSError as e:
        raise CostModelError(f"{path}: cannot read: {e.strerror}") from None
    if b"\x00" in data:
        raise CostModelError(f"{path}: a binary file, not a {what} (text expected)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CostModelError(f"{path}: not UTF-8 text (byte {e.start}), not a {what}") from None


def output_path(path, flag: str) -> Path:
    """An output file that can be created: its folder exists and is writable (checked before any work)."""
    import os
    p = Path(path)
    folder = p.resolve().parent
    if p.is_dir():
        raise CostModelError(f"{flag} {path}: is a folder; give a file name")
    if not folder.is_dir():
        raise CostModelError(f"{flag} {path}: cannot write: no such folder {folder}")
    if not os.access(folder, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise CostModelError(f"{flag} {path}: cannot write: permission denied")
    return p
