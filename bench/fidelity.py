"""Fidelity of the embedded (analytic) backend vs real Timeloop v1.0, side by side in one run.

Prints: (1) the model on Timeloop's OWN mappings (fixed-mapping check, every reference row that has a
mapping): cycles/energy equal; (2) our mapper vs Timeloop's EXHAUSTIVE search (exhaustive_check):
equal; (3) our mapper vs the stock Timeloop runs of the paper-encoding dataset and the exact-mode
(G, dilation) dataset: the `costmodel fidelity` line for each; (4) every DARTS op in the exact lowering
vs the exact-mode op totals; (5) MDARTS Table I; (6) eyeriss-1024, simba-chip and sample from their
Timeloop config files: the packaged runs, and the held-out runs of tests/data when in a clone.
Run: python bench/fidelity.py [--reference DIR]
"""
from __future__ import annotations

import argparse
import csv
import re
import time
from pathlib import Path

from costmodel.arch.registry import load_arch
from costmodel.evaluate import evaluate_op
from costmodel.ops import OpQuery
from costmodel.loopnest.fidelity import compare, equal_line, summary_line
from costmodel.loopnest.mapper import search
from costmodel.loopnest.model import evaluate
from costmodel.loopnest.problem import Problem
from costmodel.reproduce import render, run
from costmodel.resources import reference_dir

DIMS = ("N", "C", "K", "R", "S", "P", "Q", "Wstride", "Hstride", "Wdilation", "Hdilation")


def problem(row) -> Problem:
    return Problem(G=int(row.get("G") or 1), **{k: int(row[k]) for k in DIMS})


def rows_of(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def distinct(path) -> int:
    """Distinct (arch, problem) pairs among a reference CSV's layer rows: datasets repeat a problem for
    every op and shape that lowers to it, so row counts overstate the evidence."""
    return len({(r["arch"], r.get("G") or "1", *(r[k] for k in DIMS)) for r in rows_of(path)
                if r.get("R") and r.get("layer") != "total"})


def fixed_mapping_check(path, cc_col, tot_col):
    n = ok_c = ok_t = ok_e = 0
    for r in rows_of(path):
        if not r.get("R") or not r.get("mapping") or r.get("layer") == "total":
            continue
        c = evaluate(problem(r), load_arch(r["arch"]), r["mapping"])
        n += 1
        ok_c += c.compute_cycles == int(r[cc_col])
        ok_t += c.cycles == int(r[tot_col])
        ok_e += abs(c.energy_pj / float(r["energy_pJ"]) - 1) < 1e-6
    return n, ok_c, ok_t, ok_e


def exhaustive_check(ref: Path):
    idx = {(r["arch"], r["problem_id"]): r for r in rows_of(ref / "timeloop-v1.0" / "index.csv")}
    cases = [(problem(idx[(r["arch"], r["problem_id"])]), r["arch"], r)
             for r in rows_of(ref / "timeloop-v1.0" / "exhaustive_check" / "exhaustive_vs_stock.csv")]
    for r in rows_of(ref / "timeloop-v1.0-exact" / "exhaustive_check_diannao.csv"):
        g, c, k, rs, p, s, d = map(int, re.match(r"diannao_G(\d+)_C(\d+)_K(\d+)_R(\d+)_P(\d+)_s(\d+)_d(\d+)",
                                                  r["problem"]).groups())
        cases.append((Problem(N=1, C=c, K=k, G=g, R=rs, S=rs, P=p, Q=p, Wstride=s, Hstride=s, Wdilation=d,
                              Hdilation=d), "diannao", r))
    same = 0
    for prob, arch, r in cases:
        m = search(prob, load_arch(arch))
        same += (m.compute_cycles == int(r["exh_compute_cycles"]) and m.cycles == int(r["exh_total_cycles"])
                 and abs(m.energy_pj / float(r["exh_energy_pJ"]) - 1) < 1e-6)
    return len(cases), same


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", default=str(reference_dir()),
                    help="reference folder (default: the packaged costmodel/data/reference)")
    args = ap.parse_args(argv)
    ref = Path(args.reference)
    main_csv, exact_csv = ref / "timeloop_v1.0_darts_ops.csv", ref / "timeloop-v1.0-exact" / "timeloop_v1.0_exact_darts_ops.csv"
    t0 = time.perf_counter()
    print("1) model on Timeloop's own mappings (rows: compute cycles / total cycles / energy equal)")
    for name, path, cc, tot in (("index (one row per stats file)", ref / "timeloop-v1.0" / "index.csv", "compute_cycles", "total_cycles"),
                                ("paper-encoding dataset", main_csv, "cycles", "cycles_bw"),
                                ("exact-mode dataset (G, dilation)", exact_csv, "cycles", "cycles_bw")):
        n, c, t, e = fixed_mapping_check(path, cc, tot)
        print(f"   {name:34s} {c}/{n}  {t}/{n}  {e}/{n}  ({n} rows, {distinct(path)} distinct problems)")
    n, same = exhaustive_check(ref)
    print(f"2) mapper vs Timeloop's exhaustive search (exhaustive_check): identical cycles and energy {same}/{n}")
    print("3) mapper vs the stock Timeloop runs (EDP = energy x total cycles; the stock mapper stops early)")
    for name, path in (("paper-encoding dataset", main_csv), ("exact-mode dataset", exact_csv)):
        rows = compare(path)
        print(f"   {name} ({len(rows)} rows, {distinct(path)} distinct problems): {summary_line(rows)}")
        better = [r for r in rows if r.edp_ratio is not None and r.edp_ratio < 1 - 1e-6]
        if better:
            gains = sorted(1 - r.edp_ratio for r in better)
            differ = [r for r in rows if not r.compute_exact]
            inside = sum(r in better for r in differ)
            print(f"      rows where our optimum beats the stock answer: {len(better)} "
                  f"(EDP -{gains[0]:.1%} .. -{gains[-1]:.1%}); rows differing in compute cycles: "
                  f"{len(differ)}, of which {inside} are among those")
    print("4) every DARTS op, exact lowering (groups, dilation), vs the exact-mode op totals "
          "(evaluate_op(..., lowering='exact'))")
    n = same = not_worse = 0
    pools = []
    for r in rows_of(exact_csv):
        if r["layer"] != "total":
            continue
        c = evaluate_op(r["arch"], OpQuery(r["op"], int(r["C_in"]), int(r["H_in"]), c_out=int(r["C_out"]),
                                           stride=int(r["op_stride"])), lowering="exact")
        if not r["cycles"]:
            pools.append(f"{r['arch']} {r['op']} {r['H_in']}x{r['H_in']} C{r['C_in']} s{r['op_stride']}: "
                         f"{c.compute_cycles:,.0f}")
            continue
        n += 1
        ref_e, ref_t = float(r["energy_pJ"]), int(float(r["cycles_bw"]))
        same += (c.compute_cycles == int(float(r["cycles"])) and c.cycles == ref_t
                 and abs(c.energy_pj - ref_e) <= 1e-6 * max(ref_e, 1))
        not_worse += c.energy_pj * c.cycles <= ref_e * ref_t * (1 + 1e-6) + 1e-9
    print(f"   op totals identical (compute, total cycles, energy) {same}/{n}; EDP not worse {not_worse}/{n}")
    print(f"   pools (reference: not expressible in Timeloop v1.0; ours = the spec's pool model), compute cycles: "
          f"{len(pools)} ops, e.g. {pools[0] if pools else '-'}")
    print("5) " + render("mdarts-table1", run("mdarts-table1")).splitlines()[-1])
    print("6) the three other stock v1.0 configs, read from their own files (arch column = config path): "
          "fixed mapping, then our mapper on each config's own objective")
    heldout = Path(__file__).resolve().parent.parent / "tests" / "data" / "timeloop" / "v1.0-configs-heldout"
    for name, path in (("packaged reference", ref / "timeloop-v1.0-configs" / "reference.csv"),
                       ("held-out runs (tests/data; a clone only)", heldout / "reference.csv")):
        if not path.exists():
            continue
        fixed, searched = compare(path, fixed_mapping=True), compare(path)
        for config in dict.fromkeys(r.arch for r in fixed):
            f = [r for r in fixed if r.arch == config]
            m = [r for r in searched if r.arch == config]
            print(f"   {name}, {Path(config).name}: {equal_line(f)}")
            print(f"   {' ' * len(name)}  {' ' * len(Path(config).name)}  {summary_line(m)}")
    print(f"(bench wall time {time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
