"""Where the default LUT is: the ONE place that decides it, for the CLI and for Python alike.

``resolve_lut(db)`` picks, first match wins:

1. ``db`` — an explicit path or SQLAlchemy URL (``--db`` on the command line, ``LUT(db)`` in Python);
2. ``$COSTMODEL_LUT`` — a path or URL;
3. the per-user cache LUT ``$XDG_CACHE_HOME/costmodel/lut_cache.db`` (``~/.cache/costmodel/lut_cache.db``
   when ``XDG_CACHE_HOME`` is unset). On first use it is seeded with a copy of the shipped LUT
   (``costmodel/data/lut_cache.db``), so it starts with every shipped row; new rows go there.

Nothing here ever writes inside the installed package: the shipped LUT is only read (copied).
It is rebuilt by ``bench/build_shipped_lut.sh`` alone, which names it with ``--db`` explicitly.

``config_dir()`` is the per-user config folder (the archs registered with ``costmodel archs --add`` live
in its ``archs/``): ``$COSTMODEL_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/costmodel``, else ``~/.config/costmodel``.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import CostModelError

LUT_ENV = "COSTMODEL_LUT"
CONFIG_ENV = "COSTMODEL_CONFIG_DIR"
LUT_FILE = "lut_cache.db"
RESOLUTION = ("$COSTMODEL_LUT if set, else the per-user LUT $XDG_CACHE_HOME/costmodel/lut_cache.db "
              "(~/.cache/costmodel/lut_cache.db), a copy of the shipped LUT made on first use")


def cache_dir() -> Path:
    """The per-user cache folder: ``$XDG_CACHE_HOME/costmodel``, else ``~/.cache/costmodel``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "costmodel"


def config_dir() -> Path:
    """The per-user config folder: ``$COSTMODEL_CONFIG_DIR``, else ``$XDG_CONFIG_HOME/costmodel``, else
    ``~/.config/costmodel`` (not created here)."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "costmodel"


def user_lut_path() -> Path:
    """The per-user cache LUT file (not created here; see `resolve_lut`)."""
    return cache_dir() / LUT_FILE


def resolve_lut(db: str | os.PathLike | None = None) -> str:
    """The LUT to use: `db` if given, else ``$COSTMODEL_LUT``, else the per-user cache LUT (seeded on first use).

    Returns a file path or a SQLAlchemy URL, as a string."""
    if db is not None and str(db) != "":
        return str(db)
    env = os.environ.get(LUT_ENV)
    if env:
        return env
    path = user_lut_path()
    if not path.exists():
        _seed(path)
    return str(path)


def lut_file(db: str | os.PathLike | None = None) -> Path | None:
    """The SQLite file the LUT `db` names (as `resolve_lut` would pick it, without seeding anything), or None
    for a database server URL."""
    if db is None or str(db) == "":
        db = os.environ.get(LUT_ENV) or user_lut_path()
    text = str(db)
    if text.startswith("sqlite:///"):
        return Path(text[len("sqlite:///"):])
    return None if "://" in text else Path(text)


def _seed(path: Path) -> None:
    """Copy the shipped LUT to `path` atomically: a concurrent first use sees no file or a whole one, never a half."""
    from .resources import shipped_lut_path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lut_cache.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out, open(shipped_lut_path(), "rb") as src:
                shutil.copyfileobj(src, out)
            os.chmod(tmp, 0o644)    # the shipped file may be read-only in a system install; the copy is the user's
            try:
                os.link(tmp, path)   # create-if-absent: never replaces a LUT another process already writes to
            except FileExistsError:
                pass
            except OSError:          # a filesystem without hard links
                if not path.exists():
                    os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as e:
        raise CostModelError(f"cannot create the per-user LUT {path}: {e.strerror or e}; give --db PATH "
                             f"or set ${LUT_ENV}") from None
