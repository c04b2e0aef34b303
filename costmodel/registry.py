"""User archs: targets registered with ``costmodel archs --add FILE [--name N]``, kept in the per-user config
folder (`costmodel.paths.config_dir`) so that a name works everywhere an arch is accepted.

On disk, one folder per arch, ``<config_dir>/archs/<name>/``: ``<name><suffix>``, a copy of the file as it was
registered (a libconfig ``.cfg`` with its ``@include`` files inlined, so it stands alone; later edits of the
original change nothing), and ``registered.json`` (``name``, ``file``, ``source``: the original's absolute
path, ``registered``: UTC time). A folder appears and disappears by one rename, so a reader sees a whole
registration or none. Names are resolved by `costmodel.arch.load_arch` (the one place).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import CostModelError, did_you_mean

RECORD = "registered.json"
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class UserArch:
    name: str
    file: Path           # the registered copy (what is loaded)
    source: str          # the path it was copied from
    registered: str      # UTC time, ISO 8601


def user_arch_dir() -> Path:
    """``<config_dir>/archs``: one folder per registered arch (not created here)."""
    from .paths import config_dir
    return config_dir() / "archs"


def user_archs() -> dict[str, UserArch]:
    """The registered user archs: name -> UserArch (a folder without a readable record is skipped)."""
    d = user_arch_dir()
    if not d.is_dir():
        return {}
    out = {}
    for rec in sorted(d.glob(f"*/{RECORD}")):
        try:
            meta = json.loads(rec.read_text())
            name, file = str(meta["name"]), rec.parent / str(meta["file"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if name == rec.parent.name and file.is_file():
            out[name] = UserArch(name, file, str(meta.get("source", "?")), str(meta.get("registered", "?")))
    return out


def add(file, name: str | None = None, force: bool = False) -> tuple[UserArch, object]:
    """Register `file` (any file `load_arch` accepts) as `name` (default: its stem); returns (UserArch, spec).

    Everything is checked before the first write: the name (letters, digits, ``-``, ``_``; not a shipped arch
    nor an already registered one unless `force`) and the file (loaded fully, under the new name)."""
    from .arch import SUFFIXES, arch_text, parse_arch, shipped_archs
    src = Path(file)
    if src.suffix not in SUFFIXES:
        raise CostModelError(f"{file}: expected an arch spec .yaml or a Timeloop v1.0 config .cfg/.yaml/.yml")
    name = src.stem if name is None else name
    if not NAME_RE.fullmatch(name):
        raise CostModelError(f"arch name {name!r}: use 1-64 letters, digits, '-' and '_', starting with a letter "
                             f"or digit (give --name NAME)")
    existing = user_archs()
    if not force and name in shipped_archs():
        raise CostModelError(f"arch name {name!r} is a shipped arch: give another --name (or --force to shadow it)")
    if not force and name in existing:
        raise CostModelError(f"arch {name!r} is already registered (from {existing[name].source}): give another "
                             f"--name, --force to replace it, or `costmodel archs --remove {name}`")
    text = arch_text(src)
    spec = parse_arch(text, src.suffix, name=name, where=str(src))     # the copy's text, validated in full
    from .arch import spec_hash
    spec_hash(spec)                                                     # it must also serialise (LUT key)
    from datetime import datetime, timezone
    meta = {"name": name, "file": name + src.suffix, "source": str(src.resolve()),
            "registered": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    final = user_arch_dir() / name
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{name}.add-"))
        os.chmod(tmp, 0o755)                                            # mkdtemp makes it 0700
        try:
            (tmp / meta["file"]).write_text(text)
            (tmp / RECORD).write_text(json.dumps(meta, indent=1) + "\n")
            _swap(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    except OSError as e:
        raise CostModelError(f"cannot write the arch registry {final.parent}: {e.strerror or e} (set "
                             f"$COSTMODEL_CONFIG_DIR to a writable folder)") from None
    return user_archs()[name], spec


def _swap(new: Path, final: Path) -> None:
    """Put folder `new` at `final`, replacing what is there (the old folder is moved aside first, then deleted)."""
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.old-")) / final.name
        os.rename(final, old)
    os.rename(new, final)
    if old is not None:
        shutil.rmtree(old.parent, ignore_errors=True)


def remove(name: str) -> UserArch:
    """Unregister user arch `name` (its folder goes; shipped archs cannot be removed)."""
    from .arch import shipped_archs
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
