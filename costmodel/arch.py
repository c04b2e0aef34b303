"""Architecture specs: discovery (registry), loading, validation and hashing.

Every target is one YAML file in ``arch_specs/`` (data, not code). Its top-level ``kind`` picks
the typed spec class that validates it:

  kind: dsp          -> costmodel.backends.c64x.C64xSpec        (op-cycle table, DEff-ARTS)
  kind: accelerator  -> costmodel.loopnest.spec.AcceleratorSpec (Timeloop-style levels)

A spec class provides ``from_dict(data, source)`` (raise CostModelError naming the bad key),
``to_dict()`` (round-trips through YAML), and the attributes ``name`` and ``default_backend``.
New targets plug in by dropping a YAML file into the folder (or ``$COSTMODEL_ARCH_SPECS``).
"""
from __future__ import annotations

import hashlib
import importlib
import os
from functools import lru_cache
from pathlib import Path

from .errors import CostModelError, did_you_mean

SPEC_KINDS = {
    "dsp": "costmodel.backends.c64x:C64xSpec",
    "accelerator": "costmodel.loopnest.spec:AcceleratorSpec",
}


def arch_dir() -> Path:
    """The folder of arch YAML files: $COSTMODEL_ARCH_SPECS, else the packaged ``costmodel/data/arch_specs``."""
    env = os.environ.get("COSTMODEL_ARCH_SPECS")
    if env:
        return Path(env)
    from .resources import arch_specs_dir
    return arch_specs_dir()


def list_archs() -> dict[str, Path]:
    """Registered targets: name -> spec file."""
    d = arch_dir()
    return {p.stem: p for p in sorted(d.glob("*.yaml"))} if d.is_dir() else {}


def read_yaml(path: Path) -> dict:
    """The top-level mapping of a YAML file; CostModelError naming the file if it is unreadable or malformed."""
    import yaml    # imported on use (start-up time)
    from .validate import read_text
    text = read_text(path, "YAML file")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise CostModelError(f"{path}: malformed YAML: {str(e).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise CostModelError(f"{path}: expected a YAML mapping at the top level")
    return data


def spec_class(kind: str):
    """The spec class registered for an arch file's ``kind`` (see SPEC_KINDS)."""
    if kind not in SPEC_KINDS:
        raise CostModelError(f"unknown arch kind {kind!r} (use one of {sorted(SPEC_KINDS)})")
    mod, cls = SPEC_KINDS[kind].split(":")
    return getattr(importlib.import_module(mod), cls)


@lru_cache(maxsize=None)
def load_arch(name_or_path: str):
    """Load a registered arch by name (``eyeriss``), ``name:PRESET`` (a paper preset), a spec file path, or
    a Timeloop v1.0 config path (libconfig ``.cfg`` or YAML with an ``architecture``/``arch`` key)."""
    base, _, preset = name_or_path.partition(":")
    if preset and not Path(name_or_path).exists():
        spec = load_arch(base)
        if not hasattr(spec, "with_preset"):
            raise CostModelError(f"arch {base!r} has no presets")
        return spec.with_preset(preset)
    archs = list_archs()
    if name_or_path in archs:
        path = archs[name_or_path]
    elif Path(name_or_path).suffix in (".yaml", ".yml", ".cfg") and Path(name_or_path).exists():
        path = Path(name_or_path)
    else:
        raise CostModelError(f"unknown arch {name_or_path!r}{did_you_mean(name_or_path, archs)}; registered: "
                             f"{', '.join(archs) or 'none'} (or give a path to a spec .yaml or a Timeloop "
                             f"v1.0 config .cfg/.yaml)")
    if path.suffix == ".cfg":
        from .timeloop.legacy import read_cfg
        from .validate import read_text
        return read_cfg(read_text(path, "Timeloop config"), name=path.stem, where=str(path))
    data = read_yaml(path)
    if "kind" not in data and ("architecture" in data or "arch" in data):     # a Timeloop v1.0 config
        from .timeloop.legacy import read
        return read(data, name=path.stem, where=str(path))
    kind = data.get("kind")
    if kind is None:
        raise CostModelError(f"{path}: missing key 'kind' (one of {sorted(SPEC_KINDS)})")
    return spec_class(kind).from_dict(data, source=str(path))


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
