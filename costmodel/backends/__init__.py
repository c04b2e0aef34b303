"""Backends: ``evaluate(layer, arch) -> Cost``. Looked up by name; modules import lazily.

  analytic  embedded Timeloop-faithful loop-nest model + exact mapper (Eyeriss, DianNao)
  timeloop  the real timeloop-mapper / timeloop-model binaries, when installed
  c64x      DEff-ARTS analytic op-cycle counter for the TI C64x+ DSP

A backend object has ``name``, ``version`` (part of the LUT key), ``spec_kind`` (the arch kind it
models: accelerator | dsp), optionally ``models_energy`` (False: energy_pj is always None), and
``evaluate(layer, arch) -> Cost`` which never raises for a layer it cannot run: it returns a Cost
with status failed / timeout / not-expressible and a message.
"""
from __future__ import annotations

import importlib

from ..errors import CostModelError, did_you_mean

BACKENDS = {
    "analytic": "costmodel.backends.analytic:AnalyticBackend",
    "timeloop": "costmodel.backends.timeloop:TimeloopBackend",
    "c64x": "costmodel.backends.c64x:C64xBackend",
}
_instances: dict = {}


def get_backend(name: str):
    """The (shared, memoising) backend object registered as `name`; CostModelError for an unknown name."""
    if name not in BACKENDS:
        raise CostModelError(f"unknown backend {name!r}{did_you_mean(name, BACKENDS)} "
                             f"(use one of {', '.join(BACKENDS)})")
    if name not in _instances:
        mod, cls = BACKENDS[name].split(":")
        try:
            module = importlib.import_module(mod)
        except ModuleNotFoundError as e:
            raise CostModelError(f"backend {name!r} cannot load: {e} (reinstall with `pip install -e .`)") from None
        _instances[name] = getattr(module, cls)()
    return _instances[name]
