"""YAML writing for Timeloop inputs: plain pyyaml, every string VALUE double-quoted, keys plain.

timeloopfe evaluates unquoted strings (``45nm``) as Python expressions, so nothing is left unquoted;
floats are always written as floats (``200.0``: timeloopfe types ERT energies as float and rejects
``200``); no anchors/aliases (``&id001``): every repeated object is written out.
`Tagged` renders a mapping with a YAML tag (``!Component``, ``!Container``) for the v0.4 arch format.
Reading: `load_lines` gives a document and the line of every key (for errors naming file, line and key).
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml

from ...errors import CostModelError


@dataclass(frozen=True)
class Tagged:
    tag: str        # e.g. "!Component"
    body: dict


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True


def _str(dumper, value):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')


def _mapping(dumper, value, tag="tag:yaml.org,2002:map"):
    pairs = []
    for k, v in value.items():
        key = yaml.ScalarNode("tag:yaml.org,2002:str", str(k)) if isinstance(k, str) else dumper.represent_data(k)
        pairs.append((key, dumper.represent_data(v)))
    return yaml.MappingNode(tag, pairs, flow_style=False)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(dict, _mapping)
_Dumper.add_representer(Tagged, lambda d, t: _mapping(d, t.body, t.tag))


def dump(data, header: str = "") -> str:
    """YAML text of `data` (strings quoted, key order kept), with `header` as leading '#' comment lines."""
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=120)
    lines = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) if header else ""
    return lines + text


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_multi_constructor("!", lambda loader, suffix, node: {"!": suffix, **loader.construct_mapping(node, deep=True)})


def load(text: str):
    """Read YAML back, tags kept as a '!' key (``!Component`` -> {'!': 'Component', ...}); for tests and checks."""
    return yaml.load(text, Loader=_Loader)


def load_lines(text: str, where) -> tuple[dict, dict]:
    """(the top-level mapping of YAML text, {key path: 1-based line} of every key and list item); one
    CostModelError naming `where` if the text is not YAML or not a mapping."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as e:
        if "!Container" in text or "!Component" in text:      # timeloopfe v4: costmodel.timeloop.v4 reads it
            raise CostModelError(f"{where}: a timeloopfe v4 spec: run `costmodel model|mapper FILES --ert ERT "
                                 f"--save-spec SPEC.yaml` (FILES as timeloopfe takes them), then use SPEC.yaml") from None
        raise CostModelError(f"{where}: malformed YAML: {str(e).splitlines()[0]}") from None
    except RecursionError:
        raise CostModelError(f"{where}: malformed YAML: nested too deeply") from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise CostModelError(f"{where}: expected a YAML mapping at the top level")
    lines: dict = {}
    _lines(node, (), lines, set())
    return data, lines


def _lines(node, path: tuple, lines: dict, seen: set) -> None:
    if id(node) in seen or len(path) > 64:         # an alias is walked once (no blow-up)
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        items = [(k.value if isinstance(k, yaml.ScalarNode) else None, k, v) for k, v in node.value]
    elif isinstance(node, yaml.SequenceNode):
        items = [(i, v, v) for i, v in enumerate(node.value)]
    else:
        return
    for key, at, value in items:
        if key is not None:
            lines.setdefault((*path, key), at.start_mark.line + 1)
            _lines(value, (*path, key), lines, seen)
