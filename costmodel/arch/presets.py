"""Named arch presets: overrides of a spec that reproduce a published table. Fitted, never defaults.

A spec YAML (any kind) may carry::

    presets:
      NAME:
        description: what the preset changes and why
        fitted:                       # REQUIRED: every value inferred from a paper table -> where from
          pool.compare_per_cycle: "MDARTS Table III: ..."
        pool: {max_model: serial}     # overrides of the spec's keys (a mapping is merged one level deep)

``load_arch("ARCH:NAME")`` gives the spec with the overrides applied, named ``ARCH:NAME`` (its own
``presets`` dropped). A bad preset is reported when its spec loads, not when it is first used.
This module knows a spec only through its ``presets``/``to_dict``/``from_dict`` (it imports no spec class and
no registry), so the spec classes call it to check their own presets. By NAME (``ARCH:NAME``):
`costmodel.arch.registry.fitted` / `describe` give the fitted values, for every output that uses them.
"""
from __future__ import annotations

import copy

from ..errors import CostModelError

META = ("description", "fitted")


def check(raw, where: str) -> dict:
    """The presets mapping of a spec, shape-checked (values are checked by `check_all`)."""
    raw = raw or {}
    if not isinstance(raw, dict) or not all(isinstance(p, dict) for p in raw.values()):
        raise CostModelError(f"{where}: key 'presets' must map preset names to overrides of the spec's keys")
    for name, p in raw.items():
        fit = p.get("fitted")
        if not isinstance(fit, dict) or not all(isinstance(v, str) and v.strip() for v in fit.values()):
            raise CostModelError(f"{where}: preset {name!r}: key 'fitted' must map each overridden value inferred "
                                 f"from a paper table to its source, e.g. {{pool.compare_per_cycle: 'MDARTS Table III'}}"
                                 f" ({{}} if nothing was fitted)")
    return copy.deepcopy(raw)


def check_all(spec) -> None:
    """Apply every preset of `spec` once: a bad override or fitted key fails at load time."""
    for name in spec.presets:
        apply(spec, name)


def to_dict(spec) -> dict:
    """``{"presets": ...}`` for a spec's to_dict, or {} when it has none (the spec hash is then unchanged)."""
    return {"presets": copy.deepcopy(spec.presets)} if spec.presets else {}


def _lookup(data: dict, path: str):
    cur = data
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            raise KeyError(path)
        cur = cur[part]
    return cur


def apply(spec, name: str):
    """`spec` with preset `name`'s overrides applied, named ``SPEC:NAME`` (validated by the spec's class)."""
    if name not in spec.presets:
        raise CostModelError(f"arch {spec.name!r} has no preset {name!r}; presets: {', '.join(spec.presets) or 'none'}")
    data = spec.to_dict()
    for key, value in spec.presets[name].items():
        if key in META:
            continue
        if key not in data or key in ("name", "presets"):
            raise CostModelError(f"arch {spec.name!r} preset {name!r}: unknown key {key!r} "
                                 f"(known: {', '.join(sorted(k for k in data if k not in ('name', 'presets')))})")
        data[key] = {**data[key], **value} if isinstance(value, dict) and isinstance(data[key], dict) else value
    for path in spec.presets[name]["fitted"]:
        try:
            _lookup(data, path)
        except KeyError:
            raise CostModelError(f"arch {spec.name!r} preset {name!r}: fitted value {path!r} is not a key of the "
                                 f"spec (write it as section.key, e.g. pool.compare_per_cycle)") from None
    data["name"] = f"{spec.name}:{name}"
    data.pop("presets", None)
    return type(spec).from_dict(data, source=f"{spec.name} preset {name}")


def fitted_values(spec, name: str) -> dict:
    """{value path: (value, source)} of the fitted values of `spec`'s preset `name`."""
    data = apply(spec, name).to_dict()
    return {path: (_lookup(data, path), src) for path, src in spec.presets[name]["fitted"].items()}
