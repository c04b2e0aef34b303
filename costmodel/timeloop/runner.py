"""Run the real Timeloop on emitted inputs, in a temporary folder, with a timeout.

Detection happens at run time (never at import): ``timeloop-mapper`` / ``timeloop-model`` on PATH via
shutil.which, and timeloopfe if this Python imports it or ``$COSTMODEL_TIMELOOPFE_PYTHON`` names a Python
that does (timeloopfe and Accelergy are not on PyPI; they usually live in a venv of their own). Formats:
  legacy  ``timeloop-mapper arch.yaml constraints.yaml mapper.yaml problem.yaml ERT.yaml`` (Timeloop v1.0;
          the ERT carries the spec's energies, which for the stock configs equal v1.0's built-in pat ones)
  v0.4    timeloopfe reads the v0.4 files (+ ERT/ART) and calls ``timeloop-mapper`` itself
Outcomes never carry a number unless Timeloop wrote a complete stats file:
  crash (non-zero exit, or no stats written) -> "failed"; out of time -> "timeout";
  "no valid mappings found" -> "failed" with that message.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import CostModelError
from .stats import TimeloopStats, compact_map, parse_stats

INSTALL_HINT = ("Timeloop is not installed: the 'timeloop' backend needs the timeloop-mapper binary on PATH "
                "(build it from https://github.com/NVlabs/timeloop, or use the Accelergy/Timeloop docker image "
                "timeloopaccelergy/timeloop-accelergy-pytorch), optionally timeloopfe for the v0.4 format. "
                "Without it use the embedded model: --backend analytic")
NO_MAPPING = "no valid mappings found"
UNVERSIONED = "timeloop-mapper sha256:"      # the name of a binary without --version (Timeloop v1.0)
V04_SCRIPT = ("import sys, timeloopfe.v4 as tl\n"
              "spec = tl.Specification.from_yaml_files(*sys.argv[1:])\n"
              "sys.exit(tl.call_mapper(spec, output_dir='.') or 0)\n")


@dataclass(frozen=True)
class Toolchain:
    mapper: str              # path of timeloop-mapper
    model: str | None        # path of timeloop-model (not needed by the mapper runs)
    timeloopfe: str | None   # a Python that imports timeloopfe, or None
    version: str

    @property
    def default_format(self) -> str:
        """v0.4 when timeloopfe is there and the binary is newer than v1.0 (which cannot read timeloopfe's
        output and has no --version, so it is named by its content): else legacy."""
        return "v0.4" if self.timeloopfe and not self.version.startswith(UNVERSIONED) else "legacy"


@dataclass(frozen=True)
class RunResult:
    status: str              # ok | failed | timeout
    message: str = ""
    stats: TimeloopStats | None = None
    mapping: str = ""
    log: str = ""            # tail of Timeloop's stdout+stderr


def find_toolchain() -> Toolchain | None:
    """The installed Timeloop, or None. Looked up on every call (PATH may change)."""
    mapper = shutil.which("timeloop-mapper")
    if mapper is None:
        return None
    fe = timeloopfe_python()
    return Toolchain(mapper=mapper, model=shutil.which("timeloop-model"), timeloopfe=fe, version=_version(mapper, fe))


def timeloopfe_python() -> str | None:
    """A Python interpreter that imports timeloopfe: this one, else ``$COSTMODEL_TIMELOOPFE_PYTHON``; or None."""
    if importlib.util.find_spec("timeloopfe") is not None:
        return sys.executable
    other = os.environ.get("COSTMODEL_TIMELOOPFE_PYTHON")
    if other and _imports_timeloopfe(other, os.path.getmtime(other) if os.path.exists(other) else 0.0):
        return other
    return None


@lru_cache(maxsize=8)
def _imports_timeloopfe(python: str, mtime: float) -> bool:
    try:
        return subprocess.run([python, "-c", "import timeloopfe.v4"], capture_output=True, timeout=60,
                              stdin=subprocess.DEVNULL).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def require_toolchain() -> Toolchain:
    """The installed Timeloop; CostModelError with install instructions if there is none."""
    tc = find_toolchain()
    if tc is None:
        raise CostModelError(INSTALL_HINT)
    return tc


@lru_cache(maxsize=8)
def _version_of(path: str, mtime: float, fe: str | None) -> str:
    text = ""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
        first = (out.stdout or out.stderr).strip().splitlines()[:1]
        if out.returncode == 0 and first and any(ch.isdigit() for ch in first[0]) and len(first[0]) < 120:
            text = first[0].strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    if not text:   # Timeloop v1.0 has no --version: identify the binary by its content
        text = UNVERSIONED + hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    if fe:
        out = subprocess.run([fe, "-c", "from importlib.metadata import version; print(version('timeloopfe'))"],
                             capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        text += f" + timeloopfe {out.stdout.strip()}" if out.returncode == 0 else " + timeloopfe"
    return text


def _version(path: str, fe: str | None) -> str:
    return _version_of(path, os.path.getmtime(path), fe)


def _command(tc: Toolchain, fmt: str, names: list[str]) -> list[str]:
    from .emit import INPUTS
    inputs = list(INPUTS[fmt])
    if fmt == "legacy":
        return [tc.mapper] + inputs + [n for n in ("ERT.yaml",) if n in names]
    if not tc.timeloopfe:
        raise CostModelError("the v0.4 Timeloop format needs timeloopfe (pip install from "
                             "https://github.com/Accelergy-Project/timeloopfe, or point $COSTMODEL_TIMELOOPFE_PYTHON "
                             "at a Python that has it); or run the legacy format")
    return [tc.timeloopfe, "-c", V04_SCRIPT] + inputs + [n for n in ("ERT.yaml", "ART.yaml") if n in names]


def run_mapper(files: dict[str, str], fmt: str, timeout_s: float, toolchain: Toolchain | None = None,
               keep_dir: str | os.PathLike | None = None) -> RunResult:
    """Write `files` (name -> text) into a fresh folder, run the mapper there, read what it wrote.

    `keep_dir`: copy the run folder there afterwards (for inspection); the temp folder is always removed.
    """
    tc = toolchain or require_toolchain()
    with tempfile.TemporaryDirectory(prefix="costmodel-timeloop-") as wd:
        for name, text in files.items():
            Path(wd, name).write_text(text)
        cmd = _command(tc, fmt, list(files))
        result = _execute(cmd, wd, timeout_s)
        if keep_dir is not None:
            shutil.copytree(wd, keep_dir, dirs_exist_ok=True)
        return result


def _tail(text: str, n: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-n:])


def _execute(cmd: list[str], wd: str, timeout_s: float) -> RunResult:
    try:
        proc = subprocess.Popen(cmd, cwd=wd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as e:
        return RunResult("failed", f"cannot start {cmd[0]}: {e.strerror}")
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)      # the process group this call created: Timeloop and its children
        except ProcessLookupError:
            pass
        out, _ = proc.communicate()
        return RunResult("timeout", f"timeloop-mapper did not finish within {timeout_s:g} s", log=_tail(out or ""))
    log = _tail(out or "")
    if NO_MAPPING in (out or "").lower():
        return RunResult("failed", "timeloop-mapper: no valid mappings found within search criteria", log=log)
    if proc.returncode != 0:
        how = f"signal {-proc.returncode}" if proc.returncode < 0 else f"exit code {proc.returncode}"
        last = log.splitlines()[-1] if log else "no output"
        return RunResult("failed", f"timeloop-mapper crashed ({how}): {last}", log=log)
    stats_files = sorted(Path(wd).rglob("*.stats.txt"))
    if not stats_files:
        return RunResult("failed", "timeloop-mapper exited without writing a stats file", log=log)
    try:
        stats = parse_stats(stats_files[0].read_text(), source=stats_files[0].name)
    except CostModelError as e:
        return RunResult("failed", str(e), log=log)
    map_file = stats_files[0].with_name(stats_files[0].name.replace(".stats.txt", ".map.txt"))
    mapping = compact_map(map_file.read_text()) if map_file.exists() else ""
    return RunResult("ok", stats=stats, mapping=mapping, log=log)
