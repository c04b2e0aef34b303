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
    rules: the names (keys of FITTED_RULES) of the rules, other than presets, that were chosen because
    they make this table come out and that this row's number depends on. printed: the number the paper
    prints when `published` is a corrected typo of it (counted apart: "as printed" vs "corrected").
    claimed: the module declares the row reproducible: `costmodel reproduce` exits 1 if it is not."""

    label: str
    published: float | None
    computed: float | None
    note: str = ""
    arch: str = ""
    fitted: bool = False
    claimed: bool = False
    rules: tuple = ()
    printed: float | None = None

    @property
    def reproduced(self) -> bool:
        return self.published is not None and self.computed is not None and self.computed == self.published

    @property
    def ratio(self) -> float | None:
        if self.published in (None, 0) or self.computed is None:
            return None
        return self.computed / self.published


# Rules other than presets that were chosen because they make a paper table come out (FITTED, like a preset's
# values): name -> (what the rule is, the table it was inferred from). Rows name the ones they depend on.
FITTED_RULES = {
    "mdarts-dil-pointwise": ("in the `mdarts` lowering the 1x1 conv after a dil_conv's depthwise conv runs on the "
                             "true (dilated, 32x32) map, not on the 34x34 / 36x36 map the stated P = (H - R + 2 pad)/s + 1 "
                             "gives its input", "MDARTS Table I, the four dil_conv rows"),
    "mdarts-table3-schedule": ("schedule mode `mdarts-table3`: a reduction cell then the normal cell after it in one "
                               "DAG, one cost per op at the first cell's shapes (pools at stride 2, other ops at "
                               "stride 1)", "MDARTS Table III, its public rows"),
}


def preset_row(label: str, published, compute, preset: str, default: str, note: str = "",
               claimed: bool = False, rules: tuple = (), printed=None) -> Row:
    """A Row computed on arch `preset` (``ARCH:PRESET``), fitted when the plain arch `default` gives a
    different number (that number goes in the note): which rows needed a fitted value is computed, not typed."""
    value, plain = compute(preset), compute(default)
    fitted = bool(fitted_values(preset)) and value != plain
    tail = f"{default} (nothing fitted): {_fmt(plain)}" if fitted else f"the same on {default} (nothing fitted)"
    return Row(label, published, value, f"{note}; {tail}" if note else tail, arch=preset, fitted=fitted,
               claimed=claimed, rules=tuple(rules), printed=printed)


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
    and fitted rule a row needed, and the closing line of `summary`."""
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
        if r.rules:
            note = "; ".join(x for x in (note, f"fitted rule {', '.join(r.rules)}") if x)
        if r.claimed and not r.reproduced:
            note = "NOT REPRODUCED (claimed reproducible)" + (f"; {note}" if note else "")
        lines.append(f"{r.label:<{width}}  {_fmt(r.published):>12}  {_fmt(r.computed):>12}  {ratio:>7}  "
                     f"{a or '-':<{aw}}  {note}".rstrip())
    for preset in dict.fromkeys(r.arch for r in rows if r.fitted):
        for path, (value, source) in fitted_values(preset).items():
            shown = yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()
            lines.append(f"fitted value of {preset}: {path} = {shown} ({source})")
    for rule in dict.fromkeys(x for r in rows for x in r.rules):
        what, source = FITTED_RULES[rule]
        lines.append(f"fitted rule {rule}: {what} ({source})")
    lines.append(summary(name, rows))
    return "\n".join(lines)


def summary(name: str, rows: list[Row]) -> str:
    """``NAME: N/M published numbers reproduced[: P/M as printed, T against a corrected typo] (K with fitted
    presets, R with fitted rules)``: every number that needed a fitted value or rule, or a corrected typo,
    is counted as such."""
    public = [r for r in rows if r.published is not None]
    done = [r for r in public if r.reproduced]
    line = f"{name}: {len(done)}/{len(public)} published numbers reproduced"
    typos = sum(r.printed is not None for r in done)
    if typos:
        line += f": {len(done) - typos}/{len(public)} as printed, {typos} against a corrected typo"
    extra = [f"{n} with fitted {what}" for n, what in ((sum(r.fitted for r in done), "presets"),
                                                       (sum(bool(r.rules) for r in done), "rules")) if n]
    return line + (f" ({', '.join(extra)})" if extra else "")
