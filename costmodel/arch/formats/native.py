"""The project's own arch YAML (``kind: accelerator`` / ``kind: dsp``) -> the spec class of its kind.

The document's outline (which keys hold a mapping, a list, a string) is the schema `Outline`; the values inside
are checked by the spec classes themselves (`costmodel.arch.spec`: each attribute declared once there, with
type, default and unit). Either way a problem is one error naming file, line and key.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from ...errors import CostModelError
from ..spec import spec_class
from .schema import Open, Str, check, line_of

_DOTTED = re.compile(r"levels\[(\d+)\]|\b(mac|pool|mapper|presets|op_cycles|layer_ops|op_scale)\b|key '([\w.-]+)'")


class LevelOutline(Open):
    name: Optional[Str] = None
    keep: Optional[list[Str]] = None
    keep_or_bypass: Optional[list[Str]] = None
    temporal: Optional[dict[str, Any]] = None
    spatial: Optional[dict[str, Any]] = None


class Outline(Open):
    kind: Str
    name: Optional[Str] = None
    description: Optional[Str] = None
    source: Optional[Str] = None
    default_backend: Optional[Str] = None
    levels: Optional[list[LevelOutline]] = None
    mac: Optional[dict[str, Any]] = None
    pool: Optional[dict[str, Any]] = None
    mapper: Optional[dict[str, Any]] = None
    presets: Optional[dict[str, Any]] = None
    op_cycles: Optional[dict[str, Any]] = None
    layer_ops: Optional[dict[str, Any]] = None
    op_scale: Optional[dict[str, Any]] = None


def read(data: dict, name: str | None = None, where: str = "arch file", lines: dict | None = None):
    """The spec of a native arch document; `name` (if given) replaces the document's own."""
    if "kind" not in data:
        raise CostModelError(f"{where}: missing key 'kind' (one of accelerator, dsp)")
    check(Outline, data, where, lines)
    cls = spec_class(data["kind"])
    try:
        return cls.from_dict({**data, "name": name} if name else data, source=where)
    except CostModelError as e:              # the spec names the key; add its line
        line = line_of(lines or {}, _path(str(e)))
        if not line or not str(e).startswith(where):
            raise
        raise CostModelError(f"{where}: line {line}:{str(e)[len(where) + 1:]}") from None


def _path(message: str) -> tuple:
    """The key path a spec's message names (``levels[2] (GLB): key 'entries'`` -> ('levels', 2, 'entries'))."""
    path = []
    for index, section, key in _DOTTED.findall(message.split(": ", 1)[-1]):
        if index:
            path += ["levels", int(index)]
        elif section and not path:
            path.append(section)
        elif key:
            path += key.split(".")
            break
    return tuple(path)
