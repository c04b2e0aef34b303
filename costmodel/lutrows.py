"""LUT rows are checked when read: a row with an unreadable field (a hand-edited ``created_at = 'garbage'``,
text in a number column, an unknown status) is named by its id and refused (one `CostModelError`) or,
where the command offers ``--skip-bad-rows``, left out with one note on stderr per row. Never a traceback.

``created_at`` is read as text and parsed here (SQLAlchemy's SQLite DateTime parser raises on garbage).
"""
from __future__ import annotations

import datetime as dt
import math
import sys

from sqlalchemy import String, type_coerce

from .cost import STATUSES
from .errors import CostModelError
from .lutdb import KEY_COLUMNS, VALUE_COLUMNS, costs_table

INT_COLUMNS = ("id", *KEY_COLUMNS[5:], "macs", "params")
FLOAT_COLUMNS = ("cycles", "compute_cycles", "energy_pj", "utilization", "wall_s")
TEXT_COLUMNS = (*KEY_COLUMNS[:5], "mapping", "status", "message")
NOT_NULL = ("id", *KEY_COLUMNS, "status")


def columns(names=None) -> list:
    """Select columns of op_costs (all by default) with ``created_at`` read as text (parsed by `check`)."""
    names = ["id", *KEY_COLUMNS, *VALUE_COLUMNS] if names is None else list(names)
    return [type_coerce(costs_table.c[n], String).label(n) if n == "created_at" else costs_table.c[n]
            for n in names]


def _date(v):
    if v is None or isinstance(v, dt.datetime):
        return v
    if isinstance(v, str):
        return dt.datetime.fromisoformat(v.strip())       # ValueError on garbage
    raise ValueError(v)


def problem(row: dict) -> tuple[str | None, dict]:
    """(why the row is unreadable or None, the row with ``created_at`` as a datetime)."""
    row = dict(row)
    for name, v in row.items():
        if v is None:
            if name in NOT_NULL:
                return f"{name} is missing (NULL)", row
            continue
        if name in INT_COLUMNS and (isinstance(v, bool) or not isinstance(v, int)):
            if not (isinstance(v, float) and v.is_integer() and name not in KEY_COLUMNS):
                return f"{name} = {v!r} is not an integer", row
        if name in FLOAT_COLUMNS and (isinstance(v, bool) or not isinstance(v, (int, float))
                                      or (isinstance(v, float) and math.isnan(v))):
            return f"{name} = {v!r} is not a number", row
        if name in TEXT_COLUMNS and not isinstance(v, str):
            return f"{name} = {v!r} is not text", row
    if "status" in row and row["status"] not in STATUSES:
        return f"status = {row['status']!r} is not one of {', '.join(STATUSES)}", row
    if "created_at" in row:
        try:
            row["created_at"] = _date(row["created_at"])
        except (ValueError, TypeError):
            return f"created_at = {row['created_at']!r} is not a date-time", row
    return None, row


def check(rows, where: str, skip: bool = False) -> list[dict]:
    """The readable rows of `rows` (mappings); the first unreadable one raises unless `skip` (then each is
    reported on stderr, once, by id)."""
    out = []
    for r in rows:
        why, row = problem(r)
        if why is None:
            out.append(row)
            continue
        msg = f"{where}: LUT row id {row.get('id')} is unreadable: {why}"
        if not skip:
            raise CostModelError(f"{msg}; fix or delete the row (or pass --skip-bad-rows where the command has it)")
        print(f"warning: {msg}; skipped", file=sys.stderr)
    return out
