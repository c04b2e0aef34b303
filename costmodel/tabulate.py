"""LUT rows as text tables: ops x cell-edge shapes of one metric, the other rows, cell formats, column blocks.

Used by `costmodel table` (costmodel.commands.table) and the sweep reports (costmodel.sweep.report); a plain
module below both, so neither imports the other.
"""
from __future__ import annotations

OTHER_COLUMNS = ["op", "n", "c_in", "c_out", "h", "w", "kernel", "stride", "dilation", "groups"]


def split(df, metric: str):
    """(ops x shapes grid of the cell-edge rows, the other ok rows) of one LUT selection."""
    ok = df[df.status == "ok"].copy()
    ok["shape"] = [f"C{c} {h}x{w} s{s}" for c, h, w, s in zip(ok.c_in, ok.h, ok.w, ok.stride)]
    cell = (ok.c_in == ok.c_out) & ~ok.duplicated(["op", "shape"], keep=False)
    cells, other = ok[cell], ok[~cell]
    order = cells.drop_duplicates("shape").sort_values(["stride", "h", "c_in"], ascending=[True, False, True])
    table = cells.pivot_table(index="op", columns="shape", values=metric, aggfunc="first", sort=False)
    return table[list(order["shape"])], other[OTHER_COLUMNS + [metric]]


def pivot(df, metric: str):
    """ops x shapes of the cell-edge rows (c_in == c_out) of one LUT selection."""
    return split(df, metric)[0]


def cell_format(metric: str):
    """How a table cell of `metric` prints: utilization to 3 decimals, everything else a whole number; '-' if absent."""
    import pandas as pd
    if metric == "utilization":
        return lambda v: "-" if pd.isna(v) else f"{v:.3f}"
    return lambda v: "-" if pd.isna(v) else f"{v:,.0f}"


def blocks(text_table, width: int | None) -> list:
    """Column blocks of a formatted (string) DataFrame, each printing within `width` characters."""
    if width is None or text_table.empty:
        return [text_table]
    label = max([len(str(i)) for i in text_table.index] + [len(str(text_table.index.name or ""))])
    out, cur, used = [], [], label
    for col in text_table.columns:
        w = 1 + max([len(str(col))] + [len(v) for v in text_table[col]])
        if cur and used + w > width:
            out.append(text_table[cur])
            cur, used = [], label
        cur.append(col)
        used += w
    return out + [text_table[cur]]
