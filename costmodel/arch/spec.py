"""The typed arch specs: one class per ``kind``, and what every layer above asks of a spec.

  kind: accelerator  -> `AcceleratorSpec` (Timeloop-style levels; costmodel.loopnest.spec, with its field
                        checks in loopnest/fields.py, poolspec.py, mapper_settings.py)
  kind: dsp          -> `C64xSpec` (an op-cycle table; costmodel.arch.dsp)

A spec class provides ``from_dict(data, source)`` (CostModelError naming the bad key), ``to_dict()``
(round-trips through YAML), ``name``, ``kind`` and ``default_backend``. This module is the bottom of the arch
package: it imports the spec classes and nothing that reads, finds or transforms a spec (formats, registry).
A new kind of target: its class in its own module beside dsp.py, one line in `SPEC_KINDS`.
"""
from __future__ import annotations

import hashlib

from ..errors import CostModelError
from ..loopnest.spec import AcceleratorSpec, Arithmetic, SpatialConstraint, StorageLevel, TemporalConstraint
from .dsp import C64xSpec

SPEC_KINDS = {"accelerator": AcceleratorSpec, "dsp": C64xSpec}
Spec = AcceleratorSpec | C64xSpec

__all__ = ["SPEC_KINDS", "Spec", "AcceleratorSpec", "Arithmetic", "C64xSpec", "SpatialConstraint", "StorageLevel",
           "TemporalConstraint", "spec_class", "spec_hash", "dump_spec"]


def spec_class(kind):
    """The spec class of an arch file's ``kind`` (see SPEC_KINDS)."""
    if not isinstance(kind, str) or kind not in SPEC_KINDS:
        raise CostModelError(f"unknown arch kind {kind!r} (use one of {sorted(SPEC_KINDS)})")
    return SPEC_KINDS[kind]


def spec_hash(spec) -> str:
    """Content hash of a spec (12 hex digits): LUT rows are keyed by it, so editing a spec never reuses stale rows."""
    cached = spec.__dict__.get("_spec_hash")  # specs are frozen: the hash of one object never changes
    if cached is None:
        import yaml
        text = yaml.safe_dump(spec.to_dict(), sort_keys=True)
        cached = hashlib.sha256(text.encode()).hexdigest()[:12]
        object.__setattr__(spec, "_spec_hash", cached)  # every LUT get/put asks: computed once (~4 ms)
    return cached


def dump_spec(spec) -> str:
    """A spec as YAML text (key order kept); loads back to an equal spec."""
    import yaml
    return yaml.safe_dump(spec.to_dict(), sort_keys=False)
