"""Where specs live: the shipped folder and the user's registered archs (``costmodel archs --add FILE [--name N]``).

Shipped: one YAML per target in ``arch_dir()`` ($COSTMODEL_ARCH_SPECS, else the packaged
``costmodel/data/arch_specs``). User archs: one folder per arch in the per-user config folder
(`costmodel.paths.config_dir`), ``<config_dir>/archs/<name>/``: ``<name><suffix>``, a copy of the file as it was
registered (a libconfig ``.cfg`` with its ``@include`` files inlined, so it stands alone; later edits of the
original change nothing), and ``registered.json`` (``name``, ``file``, ``source``: the original's absolute
path, ``registered``: UTC time).

A registration is built in a hidden temporary folder and put in place by ONE ``rename(2)``, which the kernel
refuses when the target folder exists and is not empty: without ``--force`` an existing name is never
replaced, even by a concurrent ``--add`` (an atomic create, not check-then-rename); with ``--force`` the old
folder is moved aside first and the replacement is reported. A reader sees a whole registration or none.
Names are resolved by `costmodel.arch.registry.load_arch` (the one place).
"""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import CostModelError, did_you_mean

RECORD = "registered.json"
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def arch_dir() -> Path:
    """The folder of shipped arch YAML files: $COSTMODEL_ARCH_SPECS, else the packaged ``costmodel/data/arch_specs``."""
    env = os.environ.get("COSTMODEL_ARCH_SPECS")
    if env:
        return Path(env)
    from ..resources import arch_specs_dir
    return arch_specs_dir()


def shipped_archs() -> dict[str, Path]:
    """The shipped targets (``arch_dir()``): name -> spec file."""
    d = arch_dir()
    return {p.stem: p for p in sorted(d.glob("*.yaml"))} if d.is_dir() else {}


@dataclass(frozen=True)
class UserArch:
    name: str
    file: Path           # the registered copy (what is loaded)
    source: str          # the path it was copied from
    registered: str      # UTC time, ISO 8601


def user_arch_dir() -> Path:
    """``<config_dir>/archs``: one folder per registered arch (not created here)."""
    from ..paths import config_dir
    return config_dir() / "archs"


def _record(folder: Path) -> UserArch | None:
    """The registration in `folder`, or None (no readable record, or one naming another folder)."""
    from ..validate import read_text
    try:
        meta = json.loads(read_text(folder / RECORD, "registration record"))
        name, file = str(meta["name"]), folder / str(meta["file"])
    except (CostModelError, ValueError, KeyError, TypeError):
        return None
    if name != folder.name or not file.is_file():
        return None
    return UserArch(name, file, str(meta.get("source", "?")), str(meta.get("registered", "?")))


def user_archs() -> dict[str, UserArch]:
    """The registered user archs: name -> UserArch (a folder without a readable record is skipped)."""
    d = user_arch_dir()
    if not d.is_dir():
        return {}
    found = (_record(rec.parent) for rec in sorted(d.glob(f"*/{RECORD}")) if not rec.parent.name.startswith("."))
    return {u.name: u for u in found if u is not None}


def add(file, name: str | None = None, force: bool = False,
        allow_include_outside: bool = False) -> tuple[UserArch, object, UserArch | None]:
    """Register `file` (any file `load_arch` accepts) as `name` (default: its stem).

    Returns (the registration, its spec, the registration it replaced or None). Everything is checked before the
    first write: the name (letters, digits, ``-``, ``_``; not a shipped arch unless `force`) and the file (loaded
    fully, under the new name). An existing registration of `name` is replaced only with `force`."""
    from .reader import SUFFIXES, arch_text, parse_arch
    from .spec import spec_hash
    src = Path(file)
    if src.suffix not in SUFFIXES:
        raise CostModelError(f"{file}: expected an arch spec .yaml or a Timeloop v1.0 config .cfg/.yaml/.yml")
    name = src.stem if name is None else name
    if not NAME_RE.fullmatch(name):
        raise CostModelError(f"arch name {name!r}: use 1-64 letters, digits, '-' and '_', starting with a letter "
                             f"or digit (give --name NAME)")
    if not force and name in shipped_archs():
        raise CostModelError(f"arch name {name!r} is a shipped arch: give another --name (or --force to shadow it)")
    if not force and name in user_archs():
        raise _taken(name)
    text = arch_text(src, allow_include_outside)
    spec = parse_arch(text, src.suffix, name=name, where=str(src))     # the copy's text, validated in full
    spec_hash(spec)                                                     # it must also serialise (LUT key)
    from datetime import datetime, timezone
    meta = {"name": name, "file": name + src.suffix, "source": str(src.resolve()),
            "registered": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    final = user_arch_dir() / name
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{name}.add-"))
        try:
            os.chmod(tmp, 0o755)                                        # mkdtemp makes it 0700
            (tmp / meta["file"]).write_text(text)
            (tmp / RECORD).write_text(json.dumps(meta, indent=1) + "\n")
            replaced = _place(tmp, final, force)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as e:
        raise CostModelError(f"cannot write the arch registry {final.parent}: {e.strerror or e} (set "
                             f"$COSTMODEL_CONFIG_DIR to a writable folder)") from None
    return _record(final) or UserArch(name, final / meta["file"], meta["source"], meta["registered"]), spec, replaced


def _taken(name: str) -> CostModelError:
    u = _record(user_arch_dir() / name)
    return CostModelError(f"arch {name!r} is already registered (from {u.source if u else '?'}): give another "
                          f"--name, --force to replace it, or `costmodel archs --remove {name}`")


def _place(new: Path, final: Path, force: bool) -> UserArch | None:
    """Rename folder `new` to `final` atomically; `final` holding a registration is an error, or with `force` is
    moved aside first (then deleted). Returns the registration replaced (None if there was none)."""
    replaced = None
    for _ in range(100):                  # with force, a concurrent --add may take the name between our renames
        try:
            os.rename(new, final)         # refused by the kernel when `final` is a non-empty folder
            return replaced
        except OSError as e:
            if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        if not force:
            raise _taken(final.name)
        old = _record(final)
        trash = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.old-"))
        try:
            os.rename(final, trash / final.name)
            replaced = old or replaced
        except FileNotFoundError:         # moved away by a concurrent --force or --remove: try again
            pass
        finally:
            shutil.rmtree(trash, ignore_errors=True)
    raise CostModelError(f"arch {final.name!r}: could not replace the registration (it keeps changing)")


def remove(name: str) -> UserArch:
    """Unregister user arch `name` (its folder goes; shipped archs cannot be removed)."""
    existing = user_archs()
    if name not in existing:
        what = "a shipped arch, not a user arch" if name in shipped_archs() else "not a registered user arch"
        raise CostModelError(f"arch {name!r} is {what}{did_you_mean(name, existing)}; user archs: "
                             f"{', '.join(existing) or 'none'}")
    folder = user_arch_dir() / name
    try:
        trash = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{name}.rm-"))
        os.rename(folder, trash / name)
        shutil.rmtree(trash, ignore_errors=True)
    except OSError as e:
        raise CostModelError(f"cannot remove {folder}: {e.strerror or e}") from None
    return existing[name]
