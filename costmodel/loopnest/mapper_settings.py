"""The mapper settings of an AcceleratorSpec: the objective (ours and timeloop-mapper's metrics) and the
real timeloop-mapper's search settings, carried verbatim."""
from __future__ import annotations

from ..errors import CostModelError
from .fields import _check_keys, _num

METRICS = ("edp", "energy", "delay")


def objective_metrics(objective, where: str) -> tuple:
    """The metrics of a mapper objective: one of edp, energy, delay, or several comma-separated
    (``"delay,energy"``: Timeloop v1.0's multi-metric rule -- the first decides unless within the tie
    tolerance, then the next)."""
    parts = tuple(p.strip() for p in str(objective).split(","))
    if not parts or any(p not in METRICS for p in parts) or len(set(parts)) != len(parts):
        raise CostModelError(f"{where} must be edp, energy or delay, or distinct ones comma-separated "
                             f"(e.g. 'delay,energy'), got {objective!r}")
    return parts


TIMELOOP_ALGORITHMS = ("linear-pruned", "random-pruned", "hybrid", "exhaustive", "random")
TIMELOOP_MAPPER_KEYS = {"algorithm": str, "num-threads": int, "timeout": int, "victory-condition": int,
                        "search-size": int, "sync-interval": int, "live-status": bool, "diagnostics": bool,
                        "log-stats": bool, "log-suboptimal": bool, "log-all": bool, "heartbeat": int,
                        "penalize-consecutive-bypass-fails": bool}


def timeloop_mapper_settings(d, where) -> dict:
    """The real timeloop-mapper's search settings (v1.0 key names), checked by type; emitted verbatim."""
    d = d or {}
    _check_keys(d, set(TIMELOOP_MAPPER_KEYS), where)
    for k, v in d.items():
        kind = TIMELOOP_MAPPER_KEYS[k]
        if kind is int:
            _num(d, k, where, minimum=0)
        elif not isinstance(v, kind):
            raise CostModelError(f"{where}: key {k!r} must be a {kind.__name__}, got {v!r}")
    if d.get("algorithm", "hybrid") not in TIMELOOP_ALGORITHMS:
        raise CostModelError(f"{where}: key 'algorithm' must be one of {', '.join(TIMELOOP_ALGORITHMS)}, "
                             f"got {d['algorithm']!r}")
    return {k: (int(v) if TIMELOOP_MAPPER_KEYS[k] is int else v) for k, v in d.items()}
