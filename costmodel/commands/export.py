"""`costmodel export`: the LUT as CSV or JSON, to stdout or a file (written whole or not at all)."""
from __future__ import annotations

import sys

FORCE_HELP = ("replace an existing --out file that does not look like an earlier export (a CSV header or JSON); "
              "the LUT itself is never replaced")


def run(args) -> int:
    import json

    from ..outputs import check_outputs
    from ..userfiles import writing
    filters = {k: v for k, v in (("arch", args.arch), ("lowering", args.lowering)) if v}
    check_outputs([("--out", args.out, args.format)], db=args.db, force=args.force)   # before the LUT is opened
    from ..lut import LUT
    lut = LUT(args.db, create=False)
    from ..sweep.store import with_variants   # a `variant` column (rows of swept arch variants), --variant filter
    df = with_variants(lut, lut.query(skip_bad_rows=args.skip_bad_rows, **filters), args.variant)

    def dump(out) -> None:
        if args.format == "csv":
            df.to_csv(out, index=False)
        else:
            json.dump(json.loads(df.to_json(orient="records", date_format="iso")), out, indent=1)
            out.write("\n")
    if not args.out:
        dump(sys.stdout)
        return 0
    with writing(args.out, "--out") as out:
        dump(out)
    return 0


def register(sub) -> None:
    from ..cli import add_command, add_db_arg
    p = add_command(sub, "export", help="dump the LUT as CSV or JSON",
                    examples=["costmodel export --arch eyeriss --out /tmp/eyeriss.csv",
                              "costmodel export --format json --lowering mdarts | head",
                              "costmodel export --db /tmp/sweep.db --variant '*pe_array=8x8*'"])
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="output format")
    add_db_arg(p)
    p.add_argument("--arch", help="only rows of this target (default: all)")
    p.add_argument("--lowering", choices=("exact", "mdarts"), help="only rows of this lowering (default: all)")
    p.add_argument("--variant", help="only rows of swept variants whose name matches this glob (* and ?; see "
                                     "`costmodel sweep`); a LUT holding a sweep gets a `variant` column")
    p.add_argument("--out", help="output file, written whole or not at all; never the LUT or a file read "
                                 "(default: stdout)")
    p.add_argument("--force", action="store_true", help=FORCE_HELP)
    p.add_argument("--skip-bad-rows", action="store_true",
                   help="leave out LUT rows with an unreadable field (one note each on stderr) instead of refusing")
    p.set_defaults(func=run)
