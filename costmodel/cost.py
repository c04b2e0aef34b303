"""The result record of every backend: `Cost` (one layer or one op) with explicit units."""
from __future__ import annotations

import json
from dataclasses import dataclass, asdict, field

STATUSES = ("ok", "failed", "timeout", "not-expressible")


@dataclass(frozen=True)
class Cost:
    """Cost of one layer or one op on one arch.

    cycles          total cycles: Timeloop's topology cycles, bandwidth throttling included [cycles]
    compute_cycles  MAC-level (arithmetic) cycles, the MDARTS Table I convention [cycles]
    energy_pj       energy [pJ]; None where the backend has no energy model (C64x+)
    utilization     fraction of the compute units busy over `cycles`, 0..1 (None if undefined)
    macs            multiply-accumulates [MACs]
    mapping         the mapping / breakdown the backend chose (text or JSON)
    status          ok | failed | timeout | not-expressible; numbers are 0 unless status == "ok"
    """

    cycles: float = 0
    compute_cycles: float = 0
    energy_pj: float | None = None
    utilization: float | None = None
    macs: int = 0
    mapping: str = ""
    status: str = "ok"
    message: str = ""
    layers: tuple = field(default=(), compare=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("layers")
        return d


def sum_costs(costs: list[Cost], names: list[str] | None = None) -> Cost:
    """An op's cost = the sum of its layers' costs (layers run one after another).

    Utilization is the cycle-weighted mean; energy is None if any layer has none; the first
    non-ok layer makes the whole op non-ok (its status and message are kept).
    """
    bad = [c for c in costs if not c.ok]
    if bad:
        return Cost(status=bad[0].status, message=bad[0].message, layers=tuple(costs))
    total_cycles = sum(c.cycles for c in costs)
    energies = [c.energy_pj for c in costs]
    macs = sum(c.macs for c in costs)
    utils = [(c.utilization, c.cycles) for c in costs if c.utilization is not None]
    util = (sum(u * cy for u, cy in utils) / sum(cy for _, cy in utils)) if utils and sum(cy for _, cy in utils) else None
    mapping = json.dumps({n: c.mapping for n, c in zip(names or range(len(costs)), costs)}) if costs else ""
    return Cost(cycles=total_cycles, compute_cycles=sum(c.compute_cycles for c in costs),
                energy_pj=None if any(e is None for e in energies) else float(sum(energies)),
                utilization=util, macs=macs, mapping=mapping, layers=tuple(costs))
