"""Architecture specs: discovery (registry), loading, validation and hashing.

Every target is one YAML file in ``arch_specs/`` (data, not code). Its top-level ``kind`` picks
the typed spec class that validates it:

  kind: dsp          -> costmodel.backends.c64x.C64xSpec        (op-cycle table, DEff-ARTS)
  kind: accelerator  -> costmodel.loopnest.spec.AcceleratorSpec (Timeloop-style levels)

A spec class provides ``from_dict(data, source)`` (raise CostModelError naming the bad key),
``to_dict()`` (round-trips through YAML), and the attributes ``name`` and ``default_backend``.
New targets plug in by dropping a YAML file into the folder (or ``$COSTMODEL_ARCH_SPECS``), or per user with
``costmodel archs --add FILE`` (`costmodel.registry`: a copy in the user's config folder). `load_arch` is the
one place a name is resolved: a user arch, else a shipped one, else a file path.
"""
from __future__ import annotations

import hashlib
import importlib
import os
import re
from functools import lru_cache
from pathlib import Path

from .errors import ConfigError, CostModelError, config_line, did_you_mean
from .registry import user_archs

SUFFIXES = (".yaml", ".yml", ".cfg")
INCLUDE = re.compile(r'@include "(.*)"$')     # libconfig's include line (libconf's own pattern)
SPEC_KINDS = {
    "dsp": "costmodel.backends.c64x:C64xSpec",
    "accelerator": "costmodel.loopnest.spec:AcceleratorSpec",
}


def arch_dir() -> Path:
    """The folder of shipped arch YAML files: $COSTMODEL_ARCH_SPECS, else the packaged ``costmodel/data/arch_specs``."""
    env = os.environ.get("COSTMODEL_ARCH_SPECS")
    if env:
        return Path(env)
    from .resources import arch_specs_dir
    return arch_specs_dir()


def shipped_archs() -> dict[str, Path]:
    """The shipped targets (``arch_dir()``): name -> spec file."""
    d = arch_dir()
    return {p.stem: p for p in sorted(d.glob("*.yaml"))} if d.is_dir() else {}


def list_archs() -> dict[str, Path]:
    """Every target a name resolves to: name -> spec file; a user arch (`user_archs`) wins over a shipped one."""
    return {**shipped_archs(), **{name: u.file for name, u in user_archs().items()}}


def read_yaml(path: Path) -> dict:
    """The top-level mapping of a YAML file; CostModelError naming the file if it is unreadable or malformed."""
    from .validate import read_text
    return _yaml_mapping(read_text(path, "YAML file"), path)


def _yaml_mapping(text: str, where) -> dict:
    import yaml    # imported on use (start-up time)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        if "!Container" in text or "!Component" in text:      # timeloopfe v4: costmodel.timeloop.v4 reads it
            raise CostModelError(f"{where}: a timeloopfe v4 spec: run `costmodel model|mapper FILES --ert ERT "
                                 f"--save-spec SPEC.yaml` (FILES as timeloopfe takes them), then use SPEC.yaml") from None
        raise CostModelError(f"{where}: malformed YAML: {str(e).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise CostModelError(f"{where}: expected a YAML mapping at the top level")
    return data


def spec_class(kind: str):
    """The spec class registered for an arch file's ``kind`` (see SPEC_KINDS)."""
    if kind not in SPEC_KINDS:
        raise CostModelError(f"unknown arch kind {kind!r} (use one of {sorted(SPEC_KINDS)})")
    mod, cls = SPEC_KINDS[kind].split(":")
    return getattr(importlib.import_module(mod), cls)


def load_arch(name_or_path: str):
    """Load a target by name (a shipped arch such as ``eyeriss``, or a user arch registered with ``costmodel
    archs --add``), ``name:PRESET`` (a paper preset), a spec file path, or a Timeloop v1.0 config path
    (libconfig ``.cfg`` or YAML with an ``architecture``/``arch`` key). The one place names are resolved.

    Loaded specs are cached per file content (with a ``.cfg``'s ``@include`` files): the same object comes back
    until the text changes."""
    from .registry import user_arch_dir
    path, name, preset = _locate(str(name_or_path), os.getcwd(), _stamp(arch_dir()), _stamp(user_arch_dir()))
    return _load(arch_text(path), path.suffix, name, str(path), preset)


def _stamp(folder: Path) -> tuple:
    """A folder and its modification time: changes when a file or arch folder is added, removed or renamed."""
    try:
        return folder, folder.stat().st_mtime_ns
    except OSError:
        return folder, None


@lru_cache(maxsize=1024)
def _locate(name_or_path: str, cwd: str, *stamps) -> tuple[Path, str | None, str]:
    """(spec file, the name to give the spec, preset) of a name[:PRESET] or path; cached per folder stamps."""
    base, _, preset = name_or_path.partition(":")
    if preset and not Path(name_or_path).exists():
        return (*_find(base), preset)
    return (*_find(name_or_path), "")


def _find(name_or_path: str) -> tuple[Path, str | None]:
    """(spec file, the name to give the spec: a user arch's registered name, else None = the file's own)."""
    user = user_archs()
    if name_or_path in user:
        return user[name_or_path].file, name_or_path
    shipped = shipped_archs()
    if name_or_path in shipped:
        return shipped[name_or_path], None
    path = Path(name_or_path)
    if path.suffix in SUFFIXES and path.exists():
        return path, None
    names = [*shipped, *(n for n in user if n not in shipped)]
    raise CostModelError(f"unknown arch {name_or_path!r}{did_you_mean(name_or_path, names)}; registered: "
                         f"{', '.join(names) or 'none'} (or give a path to a spec .yaml or a Timeloop v1.0 config "
                         f".cfg/.yaml; `costmodel archs --add FILE` registers one by name)")


@lru_cache(maxsize=256)
def _load(text: str, suffix: str, name: str | None, where: str, preset: str):
    if preset:
        spec = _load(text, suffix, name, where, "")
        if not hasattr(spec, "with_preset"):
            raise CostModelError(f"arch {spec.name!r} has no presets")
        return spec.with_preset(preset)
    return parse_arch(text, suffix, name=name, where=where)


def arch_text(path: Path) -> str:
    """The text of an arch file as it is parsed: a libconfig ``.cfg`` with its ``@include "FILE"`` lines
    replaced by the files they name (read from the top file's folder, as libconfig does), so it stands alone."""
    from .validate import read_text
    path = Path(path)
    if path.suffix != ".cfg":
        return read_text(path, "arch file")
    return _inline_includes(path, path.parent, ())


def _inline_includes(path: Path, folder: Path, seen: tuple) -> str:
    from .validate import read_text
    if path.resolve() in seen:
        raise CostModelError(f"{path}: circular @include")
    out = []
    for line in read_text(path, "Timeloop config").splitlines(keepends=True):
        m = INCLUDE.match(line.strip())
        out.append(_inline_includes(folder / m.group(1), folder, (*seen, path.resolve())) + "\n" if m else line)
    return "".join(out)


def parse_arch(text: str, suffix: str, name: str | None = None, where: str = "arch file"):
    """The spec of an arch file's text (`suffix` says the format); `name` (if given) replaces the file's own."""
    try:
        if suffix == ".cfg":
            from .timeloop.legacy import read_cfg
            return read_cfg(text, name=name or Path(where).stem, where=where)
        data = _yaml_mapping(text, where)
        if "kind" not in data and ("architecture" in data or "arch" in data):     # a Timeloop v1.0 config
            from .timeloop.legacy import read
            return read(data, name=name or Path(where).stem, where=where)
    except ConfigError as e:                       # say where in the file
        line = config_line(text, e.near)
        raise CostModelError(f"{e} (line {line})" if line else str(e)) from None
    kind = data.get("kind")
    if kind is None:
        raise CostModelError(f"{where}: missing key 'kind' (one of {sorted(SPEC_KINDS)})")
    return spec_class(kind).from_dict({**data, "name": name} if name else data, source=where)


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
