"""Names of a package imported on first use (PEP 562), so importing the package imports none of its modules."""
from __future__ import annotations

from importlib import import_module


def exports(package: str, names: dict, namespace: dict, cache: bool = True):
    """(``__getattr__``, ``__dir__``) for `package` whose attribute NAME is ``names[NAME]``'s attribute of the same
    name (a module relative to the package); `cache` keeps a resolved name in `namespace`."""
    def __getattr__(name):
        if name in names:
            value = getattr(import_module(f".{names[name]}", package), name)
            if cache:
                namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(namespace) | set(names))
    return __getattr__, __dir__
