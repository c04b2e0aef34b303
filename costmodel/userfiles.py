"""The one way to read and the one way to write a user's file.

Reading (`read_bytes`, `read_text`): regular files only -- a FIFO, a device (/dev/zero), a socket or a
folder is one clear error, found with ``os.stat`` BEFORE the file is opened, so a named pipe never
blocks; the size cap is checked before reading and enforced while reading (a file that grows, or one
that lies about its size, stops at the cap + 1 byte).

Writing (`writing`, `write_file`): into a temporary file beside the target, renamed into place with
``os.replace`` when complete; any OSError (a full disk, /dev/full, permissions) is one
`CostModelError` and no partial file is left. A target that exists and is not a regular file
(/dev/full, a FIFO) is refused before any work.

Limits (README "Limits"): each is a default that an environment variable raises (`limit`).
"""
from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import CostModelError

# name -> (default, what it bounds); raise one with $COSTMODEL_MAX_<NAME> (an integer)
LIMITS = {
    "FILE_BYTES": (1 << 20, "an arch spec, space, sweep, genotype or config file [bytes]"),
    "CSV_BYTES": (16 << 20, "a reference CSV [bytes]"),
    "ONNX_BYTES": (512 << 20, "an ONNX model file [bytes]"),
    "JOBS": (4 * (os.cpu_count() or 1), "worker processes of --jobs (default 4 x the cores)"),
    "VARIANTS": (1000, "variants of one sweep (also --max-variants)"),
}
MAX_FILE_BYTES = LIMITS["FILE_BYTES"][0]
_CHUNK = 1 << 16


def limit(name: str, default: int | None = None) -> int:
    """The limit `name` (see LIMITS): ``$COSTMODEL_MAX_<name>`` if set (a positive integer), else its default."""
    env = f"COSTMODEL_MAX_{name}"
    fallback = LIMITS[name][0] if default is None else default
    text = os.environ.get(env)
    if text is None or text.strip() == "":
        return fallback
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        value = 0
    if value < 1:
        raise CostModelError(f"${env} = {text!r}: give a positive integer")
    return value


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _os_error(path, e: OSError, verb: str = "cannot read") -> CostModelError:
    if isinstance(e, FileNotFoundError):
        hint = "no such folder" if not Path(path).parent.is_dir() else "no such file"
        return CostModelError(f"{path}: {hint}")
    if isinstance(e, PermissionError):
        return CostModelError(f"{path}: {verb}: permission denied")
    return CostModelError(f"{path}: {verb}: {e.strerror or e}")


def read_bytes(path, what: str = "file", limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; one CostModelError for anything else."""
    try:
        st = os.stat(path)                       # follows symlinks: a link to /dev/zero is a device
        if not stat.S_ISREG(st.st_mode):
            raise CostModelError(f"{path}: {_kind(st.st_mode)}, not a regular file ({what} expected)")
        if st.st_size > limit:
            raise CostModelError(f"{path}: {st.st_size:,} bytes is larger than the {limit:,}-byte limit for a "
                                 f"{what} (see README, Limits)")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):         # swapped between stat and open
                raise CostModelError(f"{path}: not a regular file, not a {what}")
            chunks, size = [], 0
            while size <= limit:
                chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
        finally:
            os.close(fd)
    except OSError as e:
        raise _os_error(path, e) from None
    if size > limit:
        raise CostModelError(f"{path}: larger than the {limit:,}-byte limit for a {what} (it grew while read)")
    return b"".join(chunks)


def read_text(path, what: str = "file", limit: int | None = None) -> str:
    """The UTF-8 text of a small input file (see `read_bytes`); binary or non-UTF-8 content is an error.
    `limit` None = ``limit("FILE_BYTES")`` (1 MiB unless $COSTMODEL_MAX_FILE_BYTES says otherwise)."""
    data = read_bytes(path, what, globals()["limit"]("FILE_BYTES") if limit is None else limit)
    if b"\x00" in data:
        raise CostModelError(f"{path}: a binary file, not a {what} (text expected)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CostModelError(f"{path}: not UTF-8 text (byte {e.start}), not a {what}") from None


def check_target(path, flag: str) -> Path:
    """An output file that can be created: its folder exists and is writable, and an existing target is a
    regular file (/dev/full, a FIFO or a folder is refused). Checked before any work."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise CostModelError(f"{flag} {path}: cannot write: {e.strerror or e}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise CostModelError(f"{flag} {path}: is a folder; give a file name")
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise CostModelError(f"{flag} {path}: {_kind(st.st_mode)}, not a regular file; give a file path "
                             f"(or leave the option out to print)")
    folder = Path(os.path.realpath(p)).parent
    if not folder.is_dir():
        raise CostModelError(f"{flag} {path}: cannot write: no such folder {folder}")
    if not os.access(folder, os.W_OK) or (st is not None and not os.access(p, os.W_OK)):
        raise CostModelError(f"{flag} {path}: cannot write: permission denied")
    return p


@contextmanager
def writing(path, flag: str = "output", mode: str = "w"):
    """``with writing(path, "--out") as f:`` write to `f` (a temporary file beside `path`, `mode` "w" or "wb");
    on success it replaces `path` at once, on any error it is deleted and an OSError becomes one
    CostModelError. Use `writing_path` for writers that take a file name (matplotlib)."""
    with writing_path(path, flag) as tmp:
        try:
            f = open(tmp, mode, encoding=None if "b" in mode else "utf-8", newline=None if "b" in mode else "")
        except OSError as e:
            raise CostModelError(f"{flag} {path}: cannot write: {e.strerror or e}") from None
        with f:
            yield f


@contextmanager
def writing_path(path, flag: str = "output"):
    """A temporary path beside `path` (same suffix) to write; renamed onto `path` when the block ends."""
    target = Path(os.path.realpath(path))          # through a symlink: the link keeps pointing at the file
    check_target(path, flag)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=f".tmp{target.suffix}")
        os.close(fd)
    except OSError as e:
        raise CostModelError(f"{flag} {path}: cannot write: {e.strerror or e}") from None
    try:
        yield tmp
        mode = os.stat(target).st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OSError as e:
        raise CostModelError(f"{flag} {path}: cannot write: {e.strerror or e}; nothing written") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_file(path, data: str | bytes, flag: str = "output") -> None:
    """Write all of `data` to `path` atomically (see `writing`)."""
    with writing(path, flag, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
