"""A spec file -> its spec: the format is picked from the suffix and the document's top-level keys.

  .cfg                                          Timeloop v1.0 libconfig   formats/legacy.read_cfg (+ libconfig)
  .yaml/.yml with ``architecture`` or ``arch``  Timeloop v1.0 YAML        formats/legacy.read
  .yaml/.yml with ``kind``                      the project's own YAML    formats/native.read
  .yaml/.yml with v4 tags (``!Container``...),  timeloopfe v4 / Timeloop  costmodel.timeloop.v4.read_arch_text
    ``architecture.nodes`` or v3-native input   v3 native input           (energies estimated without an ERT)
(timeloopfe v0.4 files are read by formats/v04.read from merged documents, not by file name.)
A new file format: its reader in formats/, one branch in `parse_arch`.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import ConfigError, CostModelError, config_line

SUFFIXES = (".yaml", ".yml", ".cfg")
V4 = re.compile(r"!(?:Container|Component|Hierarchical|Parallel|Nothing)\b|^dumped_by_timeloop_front_end[ \t]*:|"
                r"^[ \t]+nodes[ \t]*:|^[ \t]+version[ \t]*:[ \t]*['\"]?0\.4\b", re.M)


def read_yaml(path) -> dict:
    """The top-level mapping of a YAML file; CostModelError naming the file if it is unreadable or malformed."""
    from ..validate import read_text
    from .formats.yamlio import load_lines
    return load_lines(read_text(path, "YAML file"), path)[0]


def arch_text(path, allow_include_outside: bool = False) -> str:
    """The text of an arch file as it is parsed: a libconfig ``.cfg`` with its ``@include "FILE"`` lines
    replaced by the files they name (confined to the file's folder: `formats.libconfig`), so it stands alone."""
    path = Path(path)
    if path.suffix != ".cfg":
        from ..validate import read_text
        return read_text(path, "arch file")
    from .formats.libconfig import expand
    return expand(path, allow_include_outside)


def parse_arch(text: str, suffix: str, name: str | None = None, where: str = "arch file"):
    """The spec of an arch file's text (`suffix` says the format); `name` (if given) replaces the file's own."""
    try:
        if suffix == ".cfg":
            from .formats.legacy import read_cfg
            return read_cfg(text, name=name or Path(where).stem, where=where)
        if V4.search(text):
            from dataclasses import replace
            from ..timeloop.v4 import read_arch_text
            return replace(read_arch_text(text, where), name=name or Path(where).stem)
        from .formats.yamlio import load_lines
        data, lines = load_lines(text, where)
        if "kind" not in data and ("architecture" in data or "arch" in data):     # a Timeloop v1.0 config
            from .formats.legacy import read
            return read(data, name=name or Path(where).stem, where=where, lines=lines)
        from .formats.native import read
        return read(data, name, where, lines)
    except ConfigError as e:                       # say where in the file
        line = config_line(text, e.near)
        raise CostModelError(f"{e} (line {line})" if line else str(e)) from None
