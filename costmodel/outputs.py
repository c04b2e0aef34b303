"""No output may overwrite an input: every output path is checked against the LUT, the files read and
the other outputs before any work, and an existing file that is not a previous output needs ``--force``.

Paths are compared after resolving symlinks (``os.path.realpath``) and, for files that exist, by
device and inode (a hard link is the same file). The LUT counts with its SQLite side files
(``-wal``, ``-shm``, ``-journal``). A clash is one `CostModelError`; nothing has been written then.

"Ours" (overwritten without ``--force``): an empty file, or one whose first bytes are what this kind of
output starts with -- a CSV header line of plain column names, JSON (``[`` or ``{``), a Graphviz
``digraph``, a PNG/PDF/SVG/PostScript picture. A LUT, a spec, a space or a genotype file never is.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import CostModelError
from .userfiles import check_target

_CSV_HEADER = re.compile(rb"^[A-Za-z_][\w .()\[\]/-]*(,[\w .()\[\]/-]*)*\r?$")
_IMAGE = (b"\x89PNG\r\n\x1a\n", b"%PDF", b"<?xml", b"<svg", b"%!PS")
LUT_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def ours(path, kind: str) -> bool:
    """Whether the existing file `path` looks like an earlier output of `kind` (csv, json, dot, image)."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    if not head.strip():
        return True
    if b"\x00" in head and kind != "image":
        return False
    if kind == "csv":
        return bool(_CSV_HEADER.match(head.split(b"\n", 1)[0]))
    if kind == "json":
        return head.lstrip()[:1] in (b"[", b"{")
    if kind == "dot":
        return head.lstrip().startswith((b"digraph", b"graph", b"strict"))
    if kind == "image":
        return head.startswith(_IMAGE)
    return False


def _identity(path) -> tuple:
    """(realpath, (dev, inode) or None) of a path."""
    real = os.path.realpath(path)
    try:
        st = os.stat(real)
        return real, (st.st_dev, st.st_ino)
    except OSError:
        return real, None


def _same(a: tuple, b: tuple) -> bool:
    return a[0] == b[0] or (a[1] is not None and a[1] == b[1])


def lut_files(db) -> list[tuple[str, Path]]:
    """("the LUT", path) for the SQLite file `db` names (and its side files); [] for a server URL."""
    from .paths import lut_file
    path = lut_file(db)
    if path is None:
        return []
    return [("the LUT --db" if not side else f"the LUT's {side[1:]} file", Path(f"{path}{side}"))
            for side in LUT_SIDE_FILES]


def given_files(**named) -> list[tuple[str, str]]:
    """[(what, path)] of the named arguments that are existing files (e.g. ``--arch my.yaml``, not ``eyeriss``)."""
    return [(what.replace("_", " "), str(v)) for what, v in named.items()
            if v and isinstance(v, (str, os.PathLike)) and os.path.isfile(v)]


def check_outputs(outputs, inputs=(), db=None, use_db: bool = True, force: bool = False,
                  folders_exist: bool = True) -> None:
    """Refuse (CostModelError) before any work: an output that is an input, the LUT (`db`, unless not
    `use_db`), or another output; an existing non-regular target; an existing file that is not ours
    without `force`. `outputs` = [(flag, path or None, kind)]; `inputs` = [(what, path or None)];
    `folders_exist` False: the outputs' folders are created later (a spec folder), not checked here."""
    outputs = [(flag, path, kind) for flag, path, kind in outputs if path]
    read = [(what, p) for what, p in inputs if p] + (lut_files(db) if use_db else [])
    read = [(what, p, _identity(p)) for what, p in read]
    seen = []
    for flag, path, kind in outputs:
        if folders_exist or os.path.lexists(path):
            check_target(path, flag)
        me = _identity(path)
        for what, p, ident in read:
            if _same(me, ident):
                raise CostModelError(f"{flag} {path} is {what} ({p}): an output never overwrites an input; "
                                     f"give another file name (nothing written)")
        for other_flag, other_path, other in seen:
            if _same(me, other):
                raise CostModelError(f"{flag} {path} and {other_flag} {other_path} are the same file; give two "
                                     f"names (nothing written)")
        seen.append((flag, path, me))
        if me[1] is not None and not force and not ours(path, kind):
            raise CostModelError(f"{flag} {path}: the file exists and does not look like a {kind} output of "
                                 f"costmodel; pass --force to replace it (nothing written)")
