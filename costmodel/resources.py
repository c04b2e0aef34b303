"""Data shipped inside the package (read with importlib.resources, so it works from a wheel and a clone).

  costmodel/data/arch_specs/   the registered arch specs (the repo's top-level ``arch_specs`` links here)
  costmodel/data/lut_cache.db  the shipped LUT (the repo's top-level ``lut_cache.db`` links here); read-only
  costmodel/data/reference/    outputs of the real Timeloop v1.0 (fidelity data; see its README.md)
"""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path


def data_path(*parts: str) -> Path:
    """A file or folder under ``costmodel/data`` of the installed package, as a filesystem path."""
    return Path(str(files("costmodel").joinpath("data", *parts)))


@lru_cache(maxsize=None)
def arch_specs_dir() -> Path:
    """The packaged arch spec folder."""
    return data_path("arch_specs")


def shipped_lut_path() -> Path:
    """The shipped LUT file (read-only to everything but ``bench/build_shipped_lut.sh``)."""
    return data_path("lut_cache.db")


def reference_dir() -> Path:
    """The real-Timeloop reference data (a copy of the project's measured reference outputs)."""
    return data_path("reference")
