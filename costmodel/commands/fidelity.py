"""`costmodel fidelity [--reference CSV]`: the analytic backend vs real Timeloop results, row by row."""
from __future__ import annotations



def run(args) -> int:
    from ..loopnest.fidelity import compare, default_reference, row_line, summary_line
    rows = compare(args.reference or default_reference(), backend=args.backend)
    print("rows: ours vs reference (compute cycles, total cycles with bandwidth throttling, energy and EDP "
          "ratios ours/reference); * = differs")
    for r in rows:
        if not args.only_diff or not (r.compute_exact and r.energy_within_2pct and r.edp_not_worse):
            print(row_line(r))
    print(summary_line(rows))
    return 0


def register(sub) -> None:
    from ..cli import add_command
    p = add_command(sub, "fidelity", help="compare the analytic backend with real Timeloop results, row by row",
                    examples=["costmodel fidelity", "costmodel fidelity --only-diff",
                              "costmodel fidelity --reference my_timeloop_runs.csv"])
    p.add_argument("--reference", help="reference CSV (default: $COSTMODEL_REFERENCE or "
                                       "the packaged reference/timeloop_v1.0_darts_ops.csv: stock Timeloop v1.0, paper encoding)")
    p.add_argument("--backend", default="analytic", help="backend to compare with the reference")
    p.add_argument("--only-diff", action="store_true", help="print only the rows that differ")
    p.set_defaults(func=run)
