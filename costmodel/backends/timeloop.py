"""Backend ``timeloop``: the real timeloop-mapper on the emitted inputs (optional; detected at run time).

evaluate(layer, spec) emits the layer's problem + the arch/constraints/mapper of `spec`
(costmodel.timeloop.emit), runs the mapper in a temp folder with a timeout and returns its numbers:
cycles = summary Cycles (bandwidth throttling included), compute_cycles = Level 0 Cycles, energy =
total topology energy [pJ]. Pools -> "not-expressible"; crash / no stats -> "failed"; out of time ->
"timeout"; "no valid mappings" -> "failed" (after the reference's fallback: the same search with
mapper timeout 20000 consecutive invalid mappings, as in shared/reference/timeloop-v1.0/README.md).
A missing Timeloop install raises CostModelError with install instructions.
"""
from __future__ import annotations

import os

from ..cost import Cost
from ..errors import CostModelError
from ..timeloop.emit import files_for, timeloop_spec
from ..timeloop.runner import INSTALL_HINT, NO_MAPPING, find_toolchain, run_mapper

DEFAULT_TIMEOUT_S = 600.0      # per mapper run [s]; $COSTMODEL_TIMELOOP_TIMEOUT_S overrides it
FALLBACK_MAPPER = {"timeout": 20000}


def _env_timeout() -> float:
    """$COSTMODEL_TIMELOOP_TIMEOUT_S [s], else DEFAULT_TIMEOUT_S; CostModelError if it is not a positive number."""
    text = os.environ.get("COSTMODEL_TIMELOOP_TIMEOUT_S")
    if text is None:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise CostModelError(f"$COSTMODEL_TIMELOOP_TIMEOUT_S = {text!r}: expected a number of seconds > 0")
    return value


class TimeloopBackend:
    name = "timeloop"
    spec_kind = "accelerator"    # the arch kind it models (checked by costmodel.evaluate.resolve)

    def __init__(self, timeout_s: float | None = None, fmt: str | None = None, fallback: bool = True):
        self.timeout_s = _env_timeout() if timeout_s is None else float(timeout_s)
        self.fmt = fmt or os.environ.get("COSTMODEL_TIMELOOP_FORMAT") or None
        self.fallback = fallback

    @property
    def version(self) -> str:
        tc = find_toolchain()
        return "unavailable" if tc is None else tc.version

    def evaluate(self, layer, spec) -> Cost:
        """Cost of `layer` from the real timeloop-mapper: cycles, compute_cycles [cycles], energy_pj [pJ]."""
        tc = find_toolchain()
        if tc is None:          # even for a pool: no LUT row may claim a Timeloop version that is not there
            raise CostModelError(INSTALL_HINT)
        if layer.kind != "conv":
            return Cost(status="not-expressible",
                        message=f"Timeloop cannot express {layer.kind} (multiply-accumulate problem shapes only)")
        fmt = self.fmt or tc.default_format
        arch = timeloop_spec(spec)
        result = run_mapper(files_for(layer, arch, fmt), fmt, self.timeout_s, tc)
        note = ""
        if result.status == "failed" and NO_MAPPING in result.message and self.fallback:
            result = run_mapper(files_for(layer, arch, fmt, mapper=FALLBACK_MAPPER), fmt, self.timeout_s, tc)
            note = " (mapper fallback: timeout 20000)"
        if result.status != "ok":
            return Cost(status=result.status, message=result.message + note)
        s = result.stats
        if s.macs != layer.macs:
            return Cost(status="failed",
                        message=f"Timeloop ran {s.macs} MACCs but layer {layer.name!r} has {layer.macs}: "
                                f"the emitted problem does not describe the layer")
        return Cost(cycles=s.cycles, compute_cycles=s.compute_cycles, energy_pj=s.energy_pj,
                    utilization=s.utilization, macs=s.macs, mapping=result.mapping, message=note.strip())
