"""Name resolution: the one place a name (or a path) becomes a spec.

A name is, in this order: a user arch (``costmodel archs --add``), a shipped arch (a YAML file in
``arch_dir()``; both kept by `costmodel.arch.store`), else a path to a spec file in any format
`costmodel.arch.reader` reads.
``NAME:PRESET`` is the spec with a named preset applied (`costmodel.arch.presets`).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..errors import CostModelError, did_you_mean
from . import presets
from .reader import SUFFIXES, arch_text, parse_arch
from .store import arch_dir, shipped_archs, user_arch_dir, user_archs


def list_archs() -> dict[str, Path]:
    """Every target a name resolves to: name -> spec file; a user arch (`user_archs`) wins over a shipped one."""
    return {**shipped_archs(), **{name: u.file for name, u in user_archs().items()}}


def load_arch(name_or_path: str, allow_include_outside: bool = False):
    """Load a target by name (a shipped arch such as ``eyeriss``, or a user arch registered with ``costmodel
    archs --add``), ``name:PRESET`` (a paper preset), a spec file path, or a Timeloop v1.0 config path
    (libconfig ``.cfg`` or YAML with an ``architecture``/``arch`` key). The one place names are resolved.

    Loaded specs are cached per file content (with a ``.cfg``'s ``@include`` files): the same object comes back
    until the text changes. A ``.cfg``'s includes must stay in its folder unless `allow_include_outside`
    (or ``$COSTMODEL_ALLOW_INCLUDE_OUTSIDE=1``)."""
    path, name, preset = _locate(str(name_or_path), os.getcwd(), _stamp(arch_dir()), _stamp(user_arch_dir()))
    return _load(arch_text(path, allow_include_outside), path.suffix, name, str(path), preset)


def _stamp(folder: Path) -> tuple:
    """A folder and its modification time: changes when a file or arch folder is added, removed or renamed."""
    try:
        return folder, folder.stat().st_mtime_ns
    except OSError:
        return folder, None


@lru_cache(maxsize=1024)
def _locate(name_or_path: str, cwd: str, *stamps) -> tuple[Path, str | None, str]:
    """(spec file, the name to give the spec, preset) of a name[:PRESET] or path; cached per folder stamps."""
    base, _, preset = name_or_path.partition(":")
    if preset and not Path(name_or_path).exists():
        return (*_find(base), preset)
    return (*_find(name_or_path), "")


def _find(name_or_path: str) -> tuple[Path, str | None]:
    """(spec file, the name to give the spec: a user arch's registered name, else None = the file's own)."""
    user = user_archs()
    if name_or_path in user:
        return user[name_or_path].file, name_or_path
    shipped = shipped_archs()
    if name_or_path in shipped:
        return shipped[name_or_path], None
    path = Path(name_or_path)
    if path.suffix in SUFFIXES and path.exists():
        return path, None
    names = [*shipped, *(n for n in user if n not in shipped)]
    raise CostModelError(f"unknown arch {name_or_path!r}{did_you_mean(name_or_path, names)}; registered: "
                         f"{', '.join(names) or 'none'} (or give a path to a spec .yaml or a Timeloop v1.0 config "
                         f".cfg/.yaml; `costmodel archs --add FILE` registers one by name)")


@lru_cache(maxsize=256)
def _load(text: str, suffix: str, name: str | None, where: str, preset: str):
    if preset:
        spec = _load(text, suffix, name, where, "")
        if not hasattr(spec, "with_preset"):
            raise CostModelError(f"arch {spec.name!r} has no presets")
        return spec.with_preset(preset)
    return parse_arch(text, suffix, name=name, where=where)


def fitted(arch: str) -> dict:
    """{value path: (value, source)} of the fitted values of ``ARCH:PRESET``; {} for a plain arch."""
    base, _, name = str(arch).partition(":")
    if not name:
        return {}
    spec = load_arch(base)
    load_arch(arch)                       # the preset must exist (a clear error naming the presets if not)
    return presets.fitted_values(spec, name)


def describe(arch: str) -> str:
    """One line naming a preset's fitted values and their sources ('' when none was fitted)."""
    fit = fitted(arch)
    return "; ".join(f"fitted {path} = {value!r} ({src})" for path, (value, src) in fit.items())
