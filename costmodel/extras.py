"""Optional dependencies: which extra of pyproject.toml brings each one, what it enables, and the exact
command that installs it for THIS installation.

How the package was installed is read from its distribution's ``direct_url.json`` (PEP 610):
  the code runs from a clone (an editable install, or PYTHONPATH on it; the folder has pyproject.toml)
                                        pip install -e '<folder>[extra]'   ('.' when run from that folder)
  installed from a local folder         pip install -e '<folder>[extra]'
  installed from a wheel / archive file pip install '<that file>[extra]'
  installed from a package index (no direct_url.json)   pip install 'hwnas-costmodel[extra]'
"""
from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import CostModelError

DIST = "hwnas-costmodel"

# import name -> (extra, what it enables)
MODULES = {
    "libconf": ("timeloop", "reading Timeloop v1.0 libconfig (.cfg) configs"),
    "torch": ("nas", "the NAS layer (search, profiling a Python model, reproduce mdarts-table2)"),
    "sklearn": ("nas", "the NAS layer's statistics"),
    "onnx": ("onnx", "reading .onnx models (profile model.onnx)"),
    "matplotlib": ("plot", "pictures (--png, --dag-png)"),
    "psycopg": ("postgres", "PostgreSQL LUTs (--db postgresql+psycopg://...)"),
    "dask": ("dask", "running sweeps on a Dask cluster (sweep --dask)"),
    "distributed": ("dask", "running sweeps on a Dask cluster (sweep --dask)"),
}


class MissingExtra(CostModelError):
    """An optional dependency is not installed (the message names the extra and the install command)."""


def _source() -> tuple[str, str]:
    """(how, where): ("clone", folder) | ("folder", folder) | ("file", path) | ("index", "")."""
    from importlib.metadata import PackageNotFoundError, distribution
    clone = Path(__file__).resolve().parents[1]
    if (clone / "pyproject.toml").exists():    # the code runs from a clone (editable install or PYTHONPATH)
        return "clone", str(clone)
    try:
        return classify(distribution(DIST).read_text("direct_url.json"))
    except PackageNotFoundError:
        return "index", ""


def classify(direct_url: str | None) -> tuple[str, str]:
    """(how, where) of an installed distribution from its direct_url.json text (None: from an index)."""
    if not direct_url:
        return "index", ""
    info = json.loads(direct_url)
    url = urlparse(info.get("url", ""))
    path = unquote(url.path) if url.scheme == "file" else info.get("url", "")
    if "dir_info" in info:
        return ("clone" if info["dir_info"].get("editable") else "folder"), path
    return "file", path


def install_command(extra: str, source: tuple[str, str] | None = None) -> str:
    """The pip command that adds `extra` to this installation (module docstring); `source`: (how, where)
    as `classify` gives it (default: this installation's)."""
    how, where = source or _source()
    if how == "clone":
        here = "." if Path(where).resolve() == Path(os.getcwd()).resolve() else where
        return f"pip install -e {shlex.quote(f'{here}[{extra}]')}"
    if how in ("file", "folder"):
        return f"pip install {shlex.quote(f'{where}[{extra}]')}"
    return f"pip install {shlex.quote(f'{DIST}[{extra}]')}"


def missing(module: str, purpose: str | None = None) -> MissingExtra:
    """The error for a missing optional `module` (raise it): what needs it, its extra, the command."""
    extra, enables = MODULES[module]
    return MissingExtra(f"{purpose or enables} needs the '{module}' package (extra '{extra}'), which is not "
                        f"installed: {install_command(extra)}")


def require(module: str, purpose: str | None = None):
    """`import module`, or MissingExtra naming the extra and the command."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError:
        raise missing(module, purpose) from None


def from_import_error(e: ImportError, purpose: str | None = None) -> MissingExtra | None:
    """The MissingExtra for an ImportError of a known optional module (or of a submodule of one), else None."""
    name = (getattr(e, "name", None) or "").split(".")[0]
    return missing(name, purpose) if name in MODULES else None
