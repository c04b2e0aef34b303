"""Readable output of a `ProfileResult`: the per-layer table, the totals, the critical path; CSV."""
from __future__ import annotations

import pandas as pd

from ..schedule.costs import METRICS

SHOWN = ("name", "op", "out_shape", "C", "K", "G", "R", "P", "gemm", "macs", "cycles", "compute_cycles", "energy_pj",
         "utilization", "critical")


def _fmt(v, col: str) -> str:
    if pd.isna(v):
        return "-"
    if col == "utilization":
        return f"{v:.3f}"
    if col == "critical":
        return "*" if v else ""
    if isinstance(v, float):
        return f"{v:,.0f}"
    return f"{v:,}" if hasattr(v, "__index__") else str(v)


def render(r, title: str = "model") -> str:
    """The table (layers and joins; * = on the critical path), totals, critical path and where numbers come from."""
    t = r.table[r.table.op != "input"]
    cols = [c for c in SHOWN if not (c == "energy_pj" and r.totals["energy_pj"] is None)
            and not (c == "gemm" and t.gemm.isna().all())]     # gemm: B x M x K x N of the matmuls, if any
    cells = [[_fmt(row[c], c) for c in cols] for _, row in t.iterrows()]
    width = [max(len(c), *(len(x[i]) for x in cells)) for i, c in enumerate(cols)]
    left = {"name", "op", "out_shape", "gemm"}

    def line(vals):
        return "  ".join(v.ljust(w) if c in left else v.rjust(w) for v, w, c in zip(vals, width, cols))
    out = [f"{title} on {r.arch}: {len(t[t.status == 'ok'])} layers, graph from {r.tracer}",
           f"  costs: {r.costs}", "", line(cols)] + [line(x) for x in cells]
    e = r.totals["energy_pj"]
    out += ["", f"sequential sum: {r.totals['cycles']:,.0f} cycles (total, bandwidth-throttled), "
                f"{r.totals['compute_cycles']:,.0f} compute_cycles (MAC-level), "
                + ("energy n/a (no energy model)" if e is None else f"{e:,.0f} pJ") + f", {r.totals['macs']:,} MACs",
            f"critical path ({METRICS[r.metric]}): {r.max_value:,.0f} {r.metric}"
            + (f" (parallel speed-up {r.totals[r.metric] / r.max_value:.2f}x)" if r.max_value else ""),
            "  " + " -> ".join(n for n in r.critical_path if r.dag.nodes[n]["weight"] > 0)]
    if r.uncosted:
        out.append(f"NOT COSTED ({len(r.uncosted)} layer(s); the totals and the critical path leave them out):")
        out += [f"  {name}: {why}" for name, why in r.uncosted]
    if r.ignored:
        out.append("not costed (their results reach no layer and no output): " + "; ".join(r.ignored))
    return "\n".join(out)


def write_csv(r, path: str) -> None:
    from ..userfiles import writing
    with writing(path, "--csv") as out:          # whole or not at all
        r.table.to_csv(out, index=False)
