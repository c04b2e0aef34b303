"""Per-spec caches: a dict living as long as its AcceleratorSpec (slot templates, per-dim tables, bound
specs, variants), shared by every problem mapped on that spec."""
from __future__ import annotations

import weakref

_CACHES: dict = {}


def spec_cache(spec) -> dict:
    """A dict living as long as `spec`."""
    hit = _CACHES.get(id(spec))
    if hit is None or hit[0]() is not spec:
        hit = (weakref.ref(spec), {})
        _CACHES[id(spec)] = hit
        weakref.finalize(spec, _CACHES.pop, id(spec), None)
    return hit[1]
