"""The house has one-way stairs: the import graph of costmodel/ and nas/ (computed from the source with ast,
lazy imports inside functions included) has no cycle, the layers import only downwards, and no module is over
300 lines."""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("costmodel", "nas")
MAX_LINES = 300


def modules() -> dict[str, tuple[Path, bool]]:
    """module name -> (file, is a package __init__)."""
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            is_pkg = parts[-1] == "__init__"
            out[".".join(parts[:-1] if is_pkg else parts)] = (path, is_pkg)
    return out


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@functools.lru_cache(maxsize=1)
def import_graph() -> nx.DiGraph:
    """Edge a -> b: module a imports b (anywhere in its file), or a package __init__ that importing b runs."""
    mods = modules()

    def resolve(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    g = nx.DiGraph()
    for name, (path, is_pkg) in mods.items():
        g.add_node(name)
        package = name if is_pkg else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                    base = ".".join(up + ([node.module] if node.module else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            else:
                continue
            for t in targets:
                r = resolve(t)
                if r is None or r == name:
                    continue
                mine = set(_ancestors(name))
                for m in [*_ancestors(r), r]:
                    if m not in mine and m != name:
                        g.add_edge(name, m)
    return g


def test_the_graph_sees_lazy_imports():
    g = import_graph()
    assert g.has_edge("costmodel.arch.reader", "costmodel.arch.formats.legacy")      # inside a function
    assert g.has_edge("costmodel.arch.formats.constraints", "costmodel.arch.spec")     # relative, two dots
    assert g.has_edge("costmodel.arch.formats.legacy", "costmodel.loopnest")           # a package __init__ it runs


def test_no_import_cycle_in_costmodel_or_nas():
    g = import_graph()
    cycles = [sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1]
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)


# (importer prefix, prefixes it must never import): the arch package's layers and the callers above it
DOWNWARDS_ONLY = [
    ("costmodel.arch.spec", ["costmodel.arch.formats", "costmodel.arch.registry", "costmodel.arch.store",
                             "costmodel.arch.reader"]),
    ("costmodel.arch.dsp", ["costmodel.arch.formats", "costmodel.arch.registry", "costmodel.arch.store",
                            "costmodel.arch.reader"]),
    ("costmodel.loopnest.spec", ["costmodel.arch.formats", "costmodel.arch.registry", "costmodel.arch.store",
                                 "costmodel.arch.reader"]),
    ("costmodel.arch.presets", ["costmodel.arch.formats", "costmodel.arch.registry", "costmodel.arch.store",
                                "costmodel.arch.reader", "costmodel.arch.spec"]),
    ("costmodel.arch.formats", ["costmodel.arch.registry", "costmodel.arch.store", "costmodel.arch.reader",
                                "costmodel.commands", "costmodel.cli", "costmodel.sweep", "costmodel.backends"]),
    ("costmodel.arch", ["costmodel.commands", "costmodel.cli", "costmodel.sweep", "costmodel.lut",
                        "costmodel.evaluate", "costmodel.backends"]),
    ("costmodel.sweep", ["costmodel.commands", "costmodel.cli"]),
    ("costmodel", ["nas"]),
]


@pytest.mark.parametrize("importer, forbidden", DOWNWARDS_ONLY, ids=[d[0] for d in DOWNWARDS_ONLY])
def test_layers_import_downwards_only(importer, forbidden):
    g = import_graph()
    bad = sorted((a, b) for a, b in g.edges
                 if (a == importer or a.startswith(importer + ".")) and any(b == f or b.startswith(f + ".")
                                                                            for f in forbidden))
    assert not bad, f"upward imports: {bad}"


def test_no_module_over_300_lines():
    long = {str(p.relative_to(ROOT)): n for p, _ in modules().values()
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"
