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

import yaml

from ..arch.registry import fitted as fitted_values
from ..errors import CostModelError, did_you_mean


@dataclass(frozen=True)
class Row:
    """One published number and ours. published None: not counted — computed None too means the
    paper's input (e.g. its genotype) is not public; a computed value alone is shown for comparison.

    arch: the target (``ARCH`` or ``ARCH:PRESET``) the computed value comes from. fitted: the value
    depends on a fitted preset value (the plain arch gives another number; see `preset_row`).
    claimed: the module declares the row reproducible: `costmodel reproduce` exits 1 if it is not."""

    label: str
    published: float | None
    computed: float | None
    note: str = ""
    arch: str = ""
    fitted: bool = False
    claimed: bool = False

    @property
    def reproduced(self) -> bool:
        return self.published is not None and self.computed is not None and self.computed == self.published

    @property
    def ratio(self) -> float | None:
        if self.published in (None, 0) or self.computed is None:
            return None
        return self.computed / self.published


def preset_row(label: str, published, compute, preset: str, default: str, note: str = "",
               claimed: bool = False) -> Row:
    """A Row computed on arch `preset` (``ARCH:PRESET``), fitted when the plain arch `default` gives a
    different number (that number goes in the note): which rows needed a fitted value is computed, not typed."""
    value, plain = compute(preset), compute(default)
    fitted = bool(fitted_values(preset)) and value != plain
    tail = f"{default} (nothing fitted): {_fmt(plain)}" if fitted else f"the same on {default} (nothing fitted)"
    return Row(label, published, value, f"{note}; {tail}" if note else tail, arch=preset, fitted=fitted,
               claimed=claimed)


def failures(rows: list[Row]) -> list[Row]:
    """The rows the module claims reproducible that do not reproduce (`reproduce` exits 1 if any)."""
    return [r for r in rows if r.claimed and not r.reproduced]


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
    """A table of published vs computed (ratio, arch or preset used, note), the fitted values of every preset
    a row needed, and the closing line ``NAME: N/M published numbers reproduced (K with fitted presets)``."""
    arch = [r.arch + (" (fitted)" if r.fitted else "") for r in rows]
    width, aw = max([len(r.label) for r in rows] + [5]), max([len(a) for a in arch] + [4])
    lines = [f"{'row':<{width}}  {'published':>12}  {'computed':>12}  {'ratio':>7}  {'arch':<{aw}}  note"]
    for r, a in zip(rows, arch):
        ratio = "-" if r.ratio is None else f"{r.ratio:.4f}"
        if r.published is None:  # not counted: the paper's input is not public, or it printed no value
            tag = "not public" if r.computed is None else "no published value"
            note = tag + (f"; {r.note}" if r.note else "")
        else:
            note = r.note
        if r.claimed and not r.reproduced:
            note = "NOT REPRODUCED (claimed reproducible)" + (f"; {note}" if note else "")
        lines.append(f"{r.label:<{width}}  {_fmt(r.published):>12}  {_fmt(r.computed):>12}  {ratio:>7}  "
                     f"{a or '-':<{aw}}  {note}".rstrip())
    for preset in dict.fromkeys(r.arch for r in rows if r.fitted):
        for path, (value, source) in fitted_values(preset).items():
            shown = yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()
            lines.append(f"fitted value of {preset}: {path} = {shown} ({source})")
    public = [r for r in rows if r.published is not None]
    fitted = sum(r.reproduced and r.fitted for r in public)
    lines.append(f"{name}: {sum(r.reproduced for r in public)}/{len(public)} published numbers reproduced"
                 + (f" ({fitted} with fitted presets)" if fitted else ""))
    return "\n".join(lines)
