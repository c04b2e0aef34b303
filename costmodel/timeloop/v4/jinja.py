"""Jinja2 rendering of timeloopfe/Accelergy spec files, with Accelergy's template helpers.

Accelergy's YAML loader (accelergy/utils/yaml.py, which timeloopfe v4 uses) renders every file with Jinja2
(a FileSystemLoader at the file's folder, StrictUndefined) and offers: ``cwd()``; ``include(path, 'a.b')``
and ``include_all(glob, 'a.b')`` -- the subtree ``a.b`` of another (rendered) YAML file, or the list of
them; ``include_text(path)``; ``find_path`` / ``find_paths`` / ``path_exists`` (relative to the file's
folder, then the folders ``add_to_path`` added); ``setenv`` (here: ignored, nothing in the environment
changes). An include renders as the tag ``!include_loaded NAME.a.b`` that the YAML reader
(costmodel.timeloop.v4.yamlfiles) resolves from `Includes`.
"""
from __future__ import annotations

import glob
import os
import re
from pathlib import Path

from ...errors import CostModelError


class Includes(dict):
    """name -> what an include() loaded (a `Many` for include_all)."""


class Many(list):
    """What include_all loaded: one document per file (an index applies to each)."""


def _paths(p, cur: str, dirs: list, where: str) -> list:
    out = []
    for d in ([""] if os.path.isabs(p) else [os.path.dirname(cur)] + dirs):
        out += sorted(glob.glob(os.path.abspath(os.path.join(d, p))))
    if not out:
        raise CostModelError(f"{where}: Jinja2 include: no file matches {p!r}")
    return list(dict.fromkeys(out))


def render(text: str, path: str, variables: dict, table: Includes, load) -> str:
    """`text` of the file at `path` rendered; `load(path)` reads an included file (rendered, parsed)."""
    try:
        import jinja2
    except ImportError:
        raise CostModelError(f"{path}: a Jinja2 template: install the jinja2 package (pip install jinja2)") from None
    dirs: list = []

    def include(p, indices="", single=True):
        found = _paths(p, path, dirs, path)
        if single and len(found) > 1:
            raise CostModelError(f"{path}: include({p!r}) matches {len(found)} files: use include_all()")
        name = re.sub(r"\W+", "", os.path.basename(path).rsplit(".", 1)[0]) + f"_{len(table)}"
        table[name] = load(found[0]) if single else Many(load(f) for f in found)
        indices = str(indices).lstrip(".")
        return f"!include_loaded {name}" + (f".{indices}" if indices else "")

    def add_to_path(p):
        dirs.extend(_paths(p, path, dirs, path) if not isinstance(p, list) else
                    [x for q in p for x in _paths(q, path, dirs, path)])
        return ""

    def exists(p):
        return any(os.path.exists(os.path.join(d, p)) for d in ([""] if os.path.isabs(p) else
                                                                 [os.path.dirname(path)] + dirs))

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.dirname(os.path.abspath(path))),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.globals.update(cwd=lambda: os.path.dirname(os.path.abspath(path)), include=include,
                       include_all=lambda p, indices="": include(p, indices, single=False),
                       include_text=lambda p: "\n".join(Path(f).read_text() for f in _paths(p, path, dirs, path)),
                       find_path=lambda p: _paths(p, path, dirs, path)[0],
                       find_paths=lambda p: _paths(p, path, dirs, path), path_exists=exists,
                       setenv=lambda k, v: "", add_to_path=add_to_path)
    try:
        return env.from_string(text).render(**variables)
    except jinja2.TemplateSyntaxError as e:
        raise CostModelError(f"{path}:{e.lineno}: Jinja2 template: {e.message}") from None
    except jinja2.UndefinedError as e:
        raise CostModelError(f"{path}: Jinja2 template: {e.message} (give it with --var KEY=VALUE)") from None
    except jinja2.TemplateError as e:
        raise CostModelError(f"{path}: Jinja2 template: {e}") from None


def resolve(ref: str, table: Includes, where: str):
    """What ``!include_loaded NAME.a.b`` names: the subtree a.b of the loaded file (of each, for include_all)."""
    name, *keys = str(ref).strip().split(".")
    if name not in table:
        raise CostModelError(f"{where}: !include_loaded {ref}: nothing was included as {name!r}")
    found = table[name]
    for k in keys:
        try:
            found = Many(f[k] for f in found) if isinstance(found, Many) else found[k]
        except (KeyError, TypeError, IndexError):
            raise CostModelError(f"{where}: !include_loaded {ref}: no key {k!r} in the included file") from None
    return list(found) if isinstance(found, Many) else found
