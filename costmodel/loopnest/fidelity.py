"""Fidelity of the analytic backend against a reference CSV of real Timeloop results.

A row takes part when it carries a Timeloop problem (arch, N, C, K, R, S, P, Q, Wstride, Hstride,
Wdilation, Hdilation; G absent/empty = 1; C and K per group) and results (cycles = compute cycles,
cycles_bw = total cycles, energy_pJ). The problem is the layer itself (no lowering). EDP = energy x
total cycles; "not worse" allows 1e-6 relative for the reference's 2-decimal energy print.

`arch` names a registered arch or a spec / Timeloop v1.0 config file (relative paths from the CSV's
folder); an arch the model cannot read makes its rows "!" rows with the reader's message. With
``fixed_mapping`` each row is evaluated on the Timeloop mapping in its `mapping` column (map.txt
flattened with `` | ``) instead of searching one; "energy equal" allows the reference's 2-decimal print.
"""
from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import CostModelError
from ..evaluate import resolve
from ..workload import Layer

PROBLEM_COLS = ("arch", "N", "C", "K", "R", "S", "P", "Q", "Wstride", "Hstride", "Wdilation", "Hdilation")
RESULT_COLS = ("cycles", "cycles_bw", "energy_pJ")
EDP_SLACK = 1e-6
PRINT_SLACK_PJ = 0.005 + 1e-9          # the reference prints energy with 2 decimals


def default_reference() -> Path:
    """$COSTMODEL_REFERENCE, else the packaged reference/timeloop_v1.0_darts_ops.csv."""
    env = os.environ.get("COSTMODEL_REFERENCE")
    if env:
        return Path(env)
    from ..resources import reference_dir
    return reference_dir() / "timeloop_v1.0_darts_ops.csv"


@dataclass(frozen=True)
class Comparison:
    label: str
    arch: str
    layer: Layer
    ref_compute: int
    ref_total: int
    ref_energy: float
    compute: int | None = None
    total: int | None = None
    energy: float | None = None
    status: str = "ok"
    objective: str = "edp"           # the arch's own mapper metrics in order: edp, energy, delay (= total cycles)
    note: str = ""                   # a warning the model gave for this row (e.g. a partly covered problem)

    @property
    def objective_not_worse(self) -> bool:
        """Ours <= the reference on the arch's mapper metrics in order (a tie on one goes to the next;
        energy and EDP tie within 1e-6 relative, the reference's 2-decimal print)."""
        if self.energy is None:
            return False
        for m in self.objective.split(","):
            ours, ref = {"delay": (self.total, self.ref_total), "energy": (self.energy, self.ref_energy),
                         "edp": (self.energy * self.total, self.ref_energy * self.ref_total)}[m]
            slack = 0 if m == "delay" else EDP_SLACK * ref
            if ours < ref - slack:
                return True
            if ours > ref + slack:
                return False
        return True

    @property
    def total_exact(self) -> bool:
        return self.total == self.ref_total

    @property
    def energy_equal(self) -> bool:
        return self.energy is not None and abs(self.energy - self.ref_energy) <= PRINT_SLACK_PJ + 1e-12 * self.ref_energy

    @property
    def equal(self) -> bool:
        """Compute cycles, total cycles and energy all equal the reference's (to its print precision)."""
        return self.compute_exact and self.total_exact and self.energy_equal

    @property
    def compute_exact(self) -> bool:
        return self.compute == self.ref_compute

    @property
    def compute_within_5pct(self) -> bool:
        return self.compute is not None and abs(self.compute - self.ref_compute) <= 0.05 * self.ref_compute

    @property
    def energy_within_2pct(self) -> bool:
        return self.energy is not None and abs(self.energy - self.ref_energy) <= 0.02 * self.ref_energy

    @property
    def edp_ratio(self) -> float | None:
        if self.energy is None or not self.ref_energy or not self.ref_total:
            return None
        return (self.energy * self.total) / (self.ref_energy * self.ref_total)

    @property
    def edp_not_worse(self) -> bool:
        return self.edp_ratio is not None and self.edp_ratio <= 1 + EDP_SLACK


def _float(v: str, col: str, where: str) -> float:
    try:
        f = float(v)
        if not math.isfinite(f):
            raise ValueError
        return f
    except ValueError:
        raise CostModelError(f"{where}: column {col!r} must be a number, got {v!r}") from None


def _int(v: str, col: str, where: str) -> int:
    f = _float(v, col, where)
    if not f.is_integer():
        raise CostModelError(f"{where}: column {col!r} must be an integer, got {v!r}")
    return int(f)


def read_reference(path) -> list[tuple[str, str, Layer, int, int, float, str]]:
    """(label, arch, layer, compute cycles, total cycles, energy pJ, mapping text or '') for every row with a
    problem and results."""
    path = Path(path)
    if not path.exists():
        raise CostModelError(f"reference CSV {path} not found; pass --reference CSV (or set $COSTMODEL_REFERENCE)")
    from ..userfiles import limit, read_text
    with io.StringIO(read_text(path, "reference CSV", limit=limit("CSV_BYTES")), newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in PROBLEM_COLS + RESULT_COLS if c not in (reader.fieldnames or [])]
        if missing:
            raise CostModelError(f"{path}: missing column(s) {', '.join(missing)}; a reference row needs "
                                 f"{', '.join(PROBLEM_COLS + RESULT_COLS)}")
        out = []
        for i, r in enumerate(reader, start=2):
            if any(not (r.get(c) or "").strip() for c in PROBLEM_COLS + RESULT_COLS):
                continue
            where = f"{path}:{i}"
            d = {c: _int(r[c], c, where) for c in PROBLEM_COLS[1:]}
            g = _int(r["G"], "G", where) if (r.get("G") or "").strip() else 1
            h = (d["Q"] - 1) * d["Hstride"] + (d["S"] - 1) * d["Hdilation"] + 1
            w = (d["P"] - 1) * d["Wstride"] + (d["R"] - 1) * d["Wdilation"] + 1
            label = " ".join(str(r.get(c, "")) for c in ("case_id", "group", "op", "layer", "H_in", "C_in") if r.get(c)) or f"row {i}"
            try:
                layer = Layer(name=label, kind="conv", N=d["N"], C=d["C"] * g, K=d["K"] * g, R=d["R"], S=d["S"],
                              P=d["P"], Q=d["Q"], H=h, W=w, G=g, Hstride=d["Hstride"], Wstride=d["Wstride"],
                              Hdilation=d["Hdilation"], Wdilation=d["Wdilation"])
            except CostModelError as e:
                raise CostModelError(f"{where}: {e}") from None
            results = (_int(r["cycles"], "cycles", where), _int(r["cycles_bw"], "cycles_bw", where),
                       _float(r["energy_pJ"], "energy_pJ", where))
            for col, v in zip(RESULT_COLS, results):
                if v <= 0:
                    raise CostModelError(f"{where}: column {col!r} must be > 0 (a Timeloop result), got {v!r}")
            out.append((label, r["arch"], layer, *results, (r.get("mapping") or "").strip()))
    return out


def arch_path(arch: str, folder: Path) -> str:
    """A reference `arch` cell as load_arch takes it: a registered name as is, a file path resolved from `folder`."""
    from ..arch.registry import list_archs
    if arch in list_archs() or not Path(arch).suffix:
        return arch
    path = Path(arch) if Path(arch).is_absolute() else folder / arch
    if not path.exists():
        raise CostModelError(f"reference arch {arch!r}: no such file {path} (a relative path is read from the "
                             f"CSV's folder)")
    return str(path.resolve())


def compare(path, backend: str = "analytic", fixed_mapping: bool = False) -> list[Comparison]:
    """Every reference row of the CSV at `path`, costed by `backend` on the row's arch (no caching in a LUT);
    with `fixed_mapping`, by the loop-nest model on the row's own Timeloop mapping."""
    from ..arch.registry import load_arch
    from .model import evaluate
    from ..progress import bar
    rows, specs = [], {}
    reference = read_reference(path)
    for label, arch, layer, rc, rt, re_, mapping in bar(reference, f"fidelity {Path(path).name}", unit=" rows"):
        if arch not in specs:
            name = arch_path(arch, Path(path).parent)            # unknown name, missing file: the user's error
            try:
                spec = load_arch(name)
            except CostModelError as e:
                if not Path(arch).suffix:                    # a registered arch that fails to load
                    raise
                specs[arch] = f"unsupported config: {e}"         # a config the model cannot read: its rows say why
            else:
                specs[arch] = resolve(spec, backend)
                if fixed_mapping and getattr(spec, "kind", None) != "accelerator":
                    raise CostModelError(f"reference arch {arch!r} is of kind {getattr(spec, 'kind', None)!r}: "
                                         f"a fixed Timeloop mapping needs an accelerator (loop-nest) arch")
        if isinstance(specs[arch], str):
            rows.append(Comparison(label, arch, layer, rc, rt, re_, status=specs[arch]))
            continue
        spec, be = specs[arch]
        if fixed_mapping:
            try:
                if not mapping:
                    raise CostModelError("no mapping in the row's 'mapping' column")
                cost = evaluate(layer, spec, mapping)
            except CostModelError as e:
                rows.append(Comparison(label, arch, layer, rc, rt, re_, status=f"mapping: {e}"))
                continue
        else:
            cost = be.evaluate(layer, spec)
        if cost.ok and cost.energy_pj is not None:
            rows.append(Comparison(label, arch, layer, rc, rt, re_, int(cost.compute_cycles), int(cost.cycles),
                                   float(cost.energy_pj), objective=getattr(spec, "mapper", {}).get("objective", "edp"),
                                   note=cost.message if cost.message.startswith("warning:") else ""))
        else:
            why = f"{cost.status}: {cost.message}" if not cost.ok else f"backend {be.name!r} has no energy model"
            rows.append(Comparison(label, arch, layer, rc, rt, re_, status=why))
    return rows


def distinct(rows: list[Comparison], passes) -> str:
    """``k distinct problems (p pass)``: rows of one arch and one layer are one problem (a reference may hold a
    problem several times, e.g. one layer shape met by several ops); a problem passes when all its rows do."""
    groups: dict = {}
    for r in rows:
        key = (r.arch, replace(r.layer, name=""))          # the layer's name is the op's label, not the problem
        groups[key] = groups.get(key, True) and bool(passes(r))
    return f"{len(groups)} distinct problems ({sum(groups.values())} pass)"


def equal_line(rows: list[Comparison]) -> str:
    """The fixed-mapping tally: rows whose compute cycles, total cycles and energy all equal the reference."""
    n = len(rows)
    return (f"fixed mapping: equal {sum(r.equal for r in rows)}/{n} (compute cycles {sum(r.compute_exact for r in rows)}"
            f"/{n}, total cycles {sum(r.total_exact for r in rows)}/{n}, energy {sum(r.energy_equal for r in rows)}/{n})")


def summary_line(rows: list[Comparison]) -> str:
    """The one-line tally ``fidelity: compute_cycles exact a/n, ...`` of `rows` (rows, not distinct problems:
    `problems_line`); the objective is each row's arch's own mapper metric (``mapper.objective``: edp, energy
    or delay)."""
    n = len(rows)
    return (f"fidelity: compute_cycles exact {sum(r.compute_exact for r in rows)}/{n}, "
            f"within 5% {sum(r.compute_within_5pct for r in rows)}/{n}; "
            f"energy within 2% {sum(r.energy_within_2pct for r in rows)}/{n}; "
            f"EDP not worse {sum(r.edp_not_worse for r in rows)}/{n}; "
            f"objective not worse {sum(r.objective_not_worse for r in rows)}/{n}")


def problems_line(rows: list[Comparison], fixed_mapping: bool = False) -> str:
    """``problems: n rows = k distinct problems (p pass ...)``: the tallies above count rows."""
    return (f"problems: {len(rows)} rows = {distinct(rows, lambda r: not differs(r, fixed_mapping))} "
            f"{'(equal on their own mappings)' if fixed_mapping else '(compute cycles exact, energy within 2%, EDP not worse)'}")


def differs(r: Comparison, fixed_mapping: bool = False) -> bool:
    """Whether `r` is flagged: not equal (fixed mapping), else not (compute exact, energy within 2 %, EDP not worse)."""
    return not (r.equal if fixed_mapping else (r.compute_exact and r.energy_within_2pct and r.edp_not_worse))


def row_line(r: Comparison, fixed_mapping: bool = False) -> str:
    """One row: ours vs the reference (cycles; energy and EDP as ratios ours/reference); '*' marks a difference."""
    l = r.layer
    shape = f"C{l.C // l.G}K{l.K // l.G}G{l.G} R{l.R}S{l.S} P{l.P}Q{l.Q} s{l.Hstride} d{l.Hdilation}"
    if r.status != "ok":
        return f"! {r.arch:8s} {r.label:40s} {shape:34s} {r.status}"
    flag = "*" if differs(r, fixed_mapping) else " "
    return (f"{flag} {r.arch:8s} {r.label:40s} {shape:34s} compute {r.compute:>8,d} vs {r.ref_compute:>8,d}  "
            f"total {r.total:>8,d} vs {r.ref_total:>8,d}  energy x{r.energy / r.ref_energy:.4f}  "
            f"EDP x{r.edp_ratio:.4f}" + (f"\n    {r.note}" if r.note else ""))
