"""YAML read strictly: a key given twice in one mapping is an error naming both lines, not "the last one wins".

`load(text, where)` is ``yaml.safe_load`` (PyYAML's SafeLoader: no Python objects) plus that check.
"""
from __future__ import annotations

from .errors import CostModelError


def _loader():
    import yaml

    class UniqueKeyLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node.start_mark.line + 1)
                except TypeError:             # an unhashable key: PyYAML's own error follows
                    continue
                if first != key_node.start_mark.line + 1:
                    raise CostModelError(f"key {key!r} appears twice in one mapping (lines {first} and "
                                         f"{key_node.start_mark.line + 1}); give it once")
            return super().construct_mapping(node, deep)
    return UniqueKeyLoader


def load(text: str, where):
    """The YAML document in `text`; CostModelError naming `where` for malformed YAML or a repeated key."""
    import yaml
    try:
        return yaml.load(text, Loader=_loader())      # noqa: S506 -- a SafeLoader subclass
    except CostModelError as e:
        raise CostModelError(f"{where}: {e}") from None
    except yaml.YAMLError as e:
        raise CostModelError(f"{where}: malformed YAML: {str(e).splitlines()[0]}") from None
