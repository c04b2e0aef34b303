"""Paper-table reproductions: ``costmodel reproduce NAME``.

Each module here may define ``REPRODUCTIONS = {"name": fn}``; ``fn() -> list[Row]`` computes every
number through the toolkit. Reproductions that need torch are registered by the nas package through the
``costmodel.reproduce`` entry-point group (pyproject.toml), loaded only when run. The published values live beside the code that reproduces them (they
are the expectation, cited by table), the computed ones never do.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

from ..errors import CostModelError, did_you_mean


@dataclass(frozen=True)
class Row:
    """One published number and ours. published None: not counted — computed None too means the
    paper's input (e.g. its genotype) is not public; a computed value alone is shown for comparison."""

    label: str
    published: float | None
    computed: float | None
    note: str = ""

    @property
    def reproduced(self) -> bool:
        return self.published is not None and self.computed is not None and self.computed == self.published

    @property
    def ratio(self) -> float | None:
        if self.published in (None, 0) or self.computed is None:
            return None
        return self.computed / self.published


def registry() -> dict:
    """name -> function, from every module of this package and the ``costmodel.reproduce`` entry points
    (loaded here: their modules import torch only when run)."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        found.update(getattr(mod, "REPRODUCTIONS", {}))
    from ..commands import plugins
    for ep in plugins("costmodel.reproduce"):
        found[ep.name] = ep.load()
    return dict(sorted(found.items()))


def run(name: str) -> list[Row]:
    """The rows of reproduction `name` (every computed number computed now); CostModelError if unknown."""
    reg = registry()
    if name not in reg:
        raise CostModelError(f"unknown table {name!r}{did_you_mean(name, reg)}; available: {', '.join(reg)}")
    return reg[name]()


def _fmt(v) -> str:
    if v is None:
        return "-"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.4g}"


def render(name: str, rows: list[Row]) -> str:
    """A table of published vs computed (with ratio) and the closing line ``NAME: N/M published numbers reproduced``."""
    width = max([len(r.label) for r in rows] + [5])
    lines = [f"{'row':<{width}}  {'published':>12}  {'computed':>12}  {'ratio':>7}  note"]
    for r in rows:
        ratio = "-" if r.ratio is None else f"{r.ratio:.4f}"
        if r.published is None:  # not counted: the paper's input is not public, or it printed no value
            tag = "not public" if r.computed is None else "no published value"
            note = tag + (f"; {r.note}" if r.note else "")
        else:
            note = r.note
        lines.append(f"{r.label:<{width}}  {_fmt(r.published):>12}  {_fmt(r.computed):>12}  {ratio:>7}  {note}")
    public = [r for r in rows if r.published is not None]
    lines.append(f"{name}: {sum(r.reproduced for r in public)}/{len(public)} published numbers reproduced")
    return "\n".join(lines)
