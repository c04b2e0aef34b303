"""YAML writing for Timeloop inputs: plain pyyaml, every string VALUE double-quoted, keys plain.

timeloopfe evaluates unquoted strings (``45nm``) as Python expressions, so nothing is left unquoted;
floats are always written as floats (``200.0``: timeloopfe types ERT energies as float and rejects
``200``); no anchors/aliases (``&id001``): every repeated object is written out.
`Tagged` renders a mapping with a YAML tag (``!Component``, ``!Container``) for the v0.4 arch format.
"""
from __future__ import annotations

from dataclasses import dataclass

import yaml


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
