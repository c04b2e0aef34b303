"""Check a folder of Timeloop input files: our strict checks always, timeloopfe's own when it is there.

Our checks catch what timeloopfe and Timeloop let through silently:
  * the arch reads back into our spec (costmodel.timeloop.legacy / v04 readers): misspelled or unknown
    attributes, storage without a size, width != datawidth x block_size x cluster_size, keep/bypass left
    to the mapper, unknown constraint keys or dims, ERT actions Timeloop does not know, non-numeric or
    negative energies, ERT tables for components the arch lacks;
  * the problem instance names only the shape's dimensions and coefficients (``HStride`` -> error);
  * every fixed spatial factor fits its fan-out (the product on X <= meshX, on Y <= meshY).
timeloopfe (v0.4 folders): ``Specification.from_yaml_files`` + its pre-call processing (the transpile),
in the Python `costmodel.timeloop.runner.timeloopfe_python` finds.
"""
from __future__ import annotations

import math
import subprocess
import tempfile
from pathlib import Path

from ..errors import CostModelError
from . import legacy, v04
from .problem import check_instance
from .yamlio import load

TIMELOOPFE_CHECK = """import sys, logging, timeloopfe.v4 as tl
from timeloopfe.common.backend_calls import _pre_call
logging.disable(logging.CRITICAL)
_pre_call(tl.Specification.from_yaml_files(*sys.argv[2:]), sys.argv[1])
"""


def folder_format(folder: Path) -> str:
    return "v0.4" if (folder / "variables.yaml").exists() or not (folder / "constraints.yaml").exists() else "legacy"


def _docs(folder: Path) -> dict:
    docs = {}
    from ..userfiles import read_text
    for f in sorted(folder.glob("*.yaml")):
        text = read_text(f, "Timeloop YAML file")            # a regular file, size-capped (a FIFO never blocks)
        try:
            data = load(text)
        except Exception as e:                      # yaml's errors: report the file and the line
            raise CostModelError(f"{f}: not valid YAML: {str(e).splitlines()[0]}") from None
        if not isinstance(data, dict):
            raise CostModelError(f"{f}: expected a mapping at the top")
        docs.update(data)
    return docs


def _check_fanouts(spec, where: str) -> None:
    for i, lv in enumerate(spec.levels):
        s = lv.spatial
        fx, fy = spec.fanout(i)
        if s.split is None:                      # the mapper picks the split: only the total must fit
            if math.prod(b for b in s.factors.values() if b > 0) > fx * fy:
                raise CostModelError(f"{where}: {lv.name}: spatial factors {s.factors} exceed its fan-out {fx} x {fy}")
            continue
        x = math.prod(b for d, b in s.factors.items() if b > 0 and s.axis_of(d) == "X")
        y = math.prod(b for d, b in s.factors.items() if b > 0 and s.axis_of(d) == "Y")
        if x > fx or y > fy:
            raise CostModelError(f"{where}: {lv.name}: spatial factors {s.factors} need {x} x {y} (X x Y) but its "
                                 f"fan-out is {fx} x {fy}")


def _check_problem(docs: dict, fmt: str, where: str) -> None:
    p = docs.get("problem")
    if p is None:
        return
    if "shape" in p:
        shape, inst = p["shape"], p.get("instance", {})
    else:                                           # v1.0's built-in cnn-layer: instance keys at the top
        shape = {"name": "cnn-layer", "dimensions": list("RSPQCKN"),
                 "coefficients": [{"name": c} for c in ("Wstride", "Hstride", "Wdilation", "Hdilation")]}
        inst = {k: v for k, v in p.items() if k != "shape"}
    try:
        check_instance(inst, shape)
    except CostModelError as e:
        raise CostModelError(f"{where}: problem: {e}") from None


def check_ours(folder: Path) -> str:
    """Our checks of one folder; returns its format; CostModelError naming the first problem."""
    fmt, where = folder_format(folder), str(folder)
    docs = _docs(folder)
    if fmt == "v0.4":
        spec = v04.read(docs, where=where)
    else:
        spec = legacy.read(docs, where=where)
    _check_fanouts(spec, where)
    _check_problem(docs, fmt, where)
    return fmt


def check_timeloopfe(folder: Path, python: str) -> str | None:
    """timeloopfe's load + transpile of a v0.4 folder; None if it passes, else its last error line."""
    names = [n for n in ("arch.yaml", "variables.yaml", "mapper.yaml", "problem.yaml", "ERT.yaml", "ART.yaml")
             if (folder / n).exists()]
    with tempfile.TemporaryDirectory(prefix="costmodel-tlfe-") as out:
        try:
            r = subprocess.run([python, "-c", TIMELOOPFE_CHECK, out] + [str(folder / n) for n in names],
                               capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return "timeloopfe did not finish within 300 s"
    if r.returncode == 0:
        return None
    return (r.stderr.strip().splitlines() or ["timeloopfe failed without a message"])[-1]


def validate(folder: Path, timeloopfe: str | None) -> list[tuple[str, str, str]]:
    """[(folder, check, problem or "ok")] for `folder` and every ``v0.4`` / ``legacy`` folder below it."""
    found = [folder] if any(folder.glob("*.yaml")) else []
    found += sorted(p for p in folder.rglob("*") if p.is_dir() and p.name in ("v0.4", "legacy") and p != folder)
    if not found:
        raise CostModelError(f"{folder}: no Timeloop input files (*.yaml) here or in v0.4/legacy sub-folders")
    out = []
    for f in found:
        try:
            fmt = check_ours(f)
            out.append((str(f), "costmodel", "ok"))
        except CostModelError as e:
            fmt = folder_format(f)
            out.append((str(f), "costmodel", str(e)))
        if fmt == "v0.4" and timeloopfe:
            out.append((str(f), "timeloopfe", check_timeloopfe(f, timeloopfe) or "ok"))
    return out
