"""`costmodel fidelity [--reference CSV]`: the analytic backend vs real Timeloop results, row by row."""
from __future__ import annotations



def run(args) -> int:
    from ..loopnest.fidelity import (compare, default_reference, differs, equal_line, problems_line, row_line,
                                     summary_line)
    fixed = args.fixed_mapping
    rows = compare(args.reference or default_reference(), backend=args.backend, fixed_mapping=fixed)
    print("rows: ours vs reference (compute cycles, total cycles with bandwidth throttling, energy and EDP "
          f"ratios ours/reference{'; each on its own Timeloop mapping' if fixed else ''}); * = differs")
    for r in rows:
        if not args.only_diff or differs(r, fixed):
            print(row_line(r, fixed))
    print(problems_line(rows, fixed))
    if fixed:
        print(equal_line(rows))
    print(summary_line(rows))
    return 0


def register(sub) -> None:
    from ..cli import add_command
    p = add_command(sub, "fidelity", help="compare the analytic backend with real Timeloop results, row by row",
                    examples=["costmodel fidelity --only-diff",
                              "costmodel fidelity --reference my_timeloop_runs.csv",
                              "costmodel fidelity --fixed-mapping --only-diff"])
    p.add_argument("--reference", help="reference CSV (default: $COSTMODEL_REFERENCE or "
                                       "the packaged reference/timeloop_v1.0_darts_ops.csv: stock Timeloop v1.0, paper encoding)")
    p.add_argument("--backend", default="analytic", help="backend to compare with the reference")
    p.add_argument("--only-diff", action="store_true", help="print only the rows that differ")
    p.add_argument("--fixed-mapping", action="store_true",
                   help="evaluate each row on the Timeloop mapping in its 'mapping' column (no search); a row "
                        "differs unless compute cycles, total cycles and energy all equal the reference's")
    p.set_defaults(func=run)
