"""Shared access to the real Timeloop v1.0 reference (packaged in costmodel/data/reference) for the loopnest tests."""
import csv
from pathlib import Path

from costmodel.loopnest.problem import Problem
from costmodel.resources import reference_dir

REF = reference_dir()
DIMS = ("N", "C", "K", "R", "S", "P", "Q", "Wstride", "Hstride", "Wdilation", "Hdilation")


def problem_of(row) -> Problem:
    g = int(row.get("G") or 1)
    return Problem(G=g, **{k: int(row[k]) for k in DIMS})


def index_rows():
    with open(REF / "timeloop-v1.0" / "index.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def exact_rows():
    with open(REF / "timeloop-v1.0-exact" / "timeloop_v1.0_exact_darts_ops.csv", newline="") as fh:
        return [r for r in csv.DictReader(fh) if r["R"] and r["mapping"]]
