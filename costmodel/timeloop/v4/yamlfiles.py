"""Read the YAML files of a timeloopfe v4 specification: tags, line numbers, Jinja2, merged documents.

timeloopfe (``Specification.from_yaml_files``) renders every file with Jinja2 when parse data is given
(``--var KEY=VALUE``; a ``*.jinja2`` file always), reads the YAML with its node tags and merges the
top-level keys of all files: ``compound_components.classes`` and lists are concatenated, a key given twice
otherwise is an error. We keep the tag of a node as the key ``"!"`` and where every mapping and key came
from (`Doc`: file and line), so a later error can name the file, line and key.
"""
from __future__ import annotations

import glob
import os
from pathlib import Path

import yaml

from ...errors import CostModelError
from . import jinja

# timeloopfe v4's node tags; the leaf kinds our arch can hold and the ones it refuses (Sparseloop, PIM)
TAGS = ("Container", "Component", "Nothing", "Parallel", "Hierarchical", "Pipelined", "Array",
        "ArchNodes", "Problem", "Mapping", "Mapper", "Variables", "Globals", "Components")


class Doc(dict):
    """A YAML mapping that knows where it came from: ``where`` ('file:line') and ``line_of(key)``."""

    src: str = "<yaml>"
    line: int = 0
    key_lines: dict

    def at(self, key=None) -> str:
        return f"{self.src}:{self.key_lines.get(key, self.line) if key is not None else self.line}"


def at(d, key=None, default: str = "<spec>") -> str:
    """'file:line' of mapping `d` (of its `key` when given), or `default` for a plain value."""
    return d.at(key) if isinstance(d, Doc) else default


def _merge(into: dict, other) -> None:
    """Accelergy's ``<<<``: keys of `other` (a mapping or a list of them) that `into` lacks, recursively."""
    for o in other if isinstance(other, list) else [other]:
        if not isinstance(o, dict):
            raise CostModelError(f"{at(into)}: '<<<' must hold a mapping (or a list of them)")
        for k, v in o.items():
            if k not in into:
                into[k] = v
            elif isinstance(into[k], dict) and isinstance(v, dict):
                _merge(into[k], v)
            elif isinstance(into[k], list) and isinstance(v, list):
                into[k] = into[k] + v


def _loader(src: str, table=None, load=None):
    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node, tag=None):
        out = Doc()
        out.src, out.line, out.key_lines = src, node.start_mark.line + 1, {}
        if tag is not None:
            out["!"] = tag
        if isinstance(node, yaml.MappingNode):
            merged = any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value)
            loader.flatten_mapping(node)         # YAML merge keys (<<: *anchor): explicit keys override
            for k, v in node.value:
                key = loader.construct_object(k, deep=True)
                if not isinstance(key, (str, int, float, bool, type(None))):
                    raise CostModelError(f"{src}:{k.start_mark.line + 1}: a key must be a plain value, not a "
                                         f"{type(key).__name__}")
                if key in out and not merged:
                    raise CostModelError(f"{src}:{k.start_mark.line + 1}: key {key!r} given twice")
                out[key] = loader.construct_object(v, deep=True)
                out.key_lines[key] = k.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):      # !Parallel [a, b] written as a list
            out["nodes"] = loader.construct_sequence(node, deep=True)
        if "<<<" in out:
            _merge(out, out.pop("<<<"))
        return out

    def tagged(loader, suffix, node):
        where = f"{src}:{node.start_mark.line + 1}"
        if suffix == "include_loaded" and table is not None:
            return jinja.resolve(loader.construct_scalar(node), table, where)
        if suffix == "include" and load is not None:
            return load(os.path.join(os.path.dirname(src), loader.construct_scalar(node)))
        if suffix == "nomerge":
            return (loader.construct_sequence(node, deep=True) if isinstance(node, yaml.SequenceNode)
                    else mapping(loader, node))
        if suffix not in TAGS:
            raise CostModelError(f"{src}:{node.start_mark.line + 1}: unknown tag !{suffix} "
                                 f"(timeloopfe v4 tags: {', '.join('!' + t for t in TAGS)})")
        return mapping(loader, node, suffix)

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_multi_constructor("!", tagged)
    return Loader


def load_path(path, variables: dict, table=None, text: str | None = None):
    """One file read (or its `text`), rendered with Jinja2 (Accelergy's helpers, costmodel.timeloop.v4.jinja)
    and parsed."""
    table = jinja.Includes() if table is None else table
    try:
        text = Path(path).read_text() if text is None else text
    except OSError as e:
        raise CostModelError(f"{path}: cannot read: {e.strerror}") from None
    load = lambda p: load_path(p, variables, table)        # noqa: E731  (an included file, same data)
    if variables or str(path).endswith((".jinja", ".jinja2")) or "{{" in text or "{%" in text:
        text = jinja.render(text, str(path), variables or {}, table, load)
    return load_text(text, str(path), table, load)


def load_text(text: str, src: str, table=None, load=None):
    try:
        return yaml.load(text, Loader=_loader(src, table, load))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise CostModelError(f"{src}{line}: not valid YAML: {e.problem or e.context}") from None


def expand(patterns) -> list[Path]:
    """The files of `patterns` as timeloopfe takes them (globs expanded, sorted; a pattern matching nothing
    is an error)."""
    out = []
    for p in patterns:
        hits = sorted(glob.glob(str(p))) if any(c in str(p) for c in "*?[") else [str(p)]
        if not hits:
            raise CostModelError(f"{p}: no file matches")
        out += [Path(h) for h in hits]
    return out


def load_files(patterns, variables: dict | None = None, texts: dict | None = None) -> dict:
    """The merged top-level keys of the files (Doc mappings), after Jinja2 rendering. `texts` = {path: text}:
    the text of a file as given (a registered arch's stored copy), instead of reading it."""
    merged = Doc()
    merged.src, merged.line, merged.key_lines = ", ".join(map(str, patterns)), 0, {}
    origin = {}                                      # top-level key -> 'file:line' where it was given
    for path in (list(map(Path, texts)) if texts else expand(patterns)):
        doc = load_path(path, variables or {}, text=(texts or {}).get(str(path)))
        if doc is None:
            continue
        if not isinstance(doc, dict):
            raise CostModelError(f"{path}:1: expected a mapping of top-level keys (architecture, problem, ...)")
        for key, value in doc.items():
            if key in ("compound_components", "components") and key in merged:
                merged[key].setdefault("classes", []).extend(value.get("classes") or [])
            elif key == "variables" and key in merged:
                merged[key].update(value)
            elif key in merged and merged[key] not in (None, [], {}):
                raise CostModelError(f"{at(doc, key, str(path))}: top-level key {key!r} given again "
                                     f"(first in {at(merged[key])})")
            else:
                merged[key] = value
                origin[key] = at(doc, key, str(path))
    merged.origin = origin
    return merged
