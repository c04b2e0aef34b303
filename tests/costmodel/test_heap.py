"""costmodel.heap: the `costmodel` command keeps freed heap memory for reuse (glibc). Measured on a real
child process: a loop that allocates and frees 12 MB of touched arrays per round (as the mapper does per
problem) page-faults that memory anew every round under glibc's defaults, and not once it is applied."""
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from costmodel import __main__ as entry, heap

ROUNDS = """
import resource, sys
import numpy as np
if sys.argv[1] == "policy":
    from costmodel.heap import keep_freed_heap
    assert keep_freed_heap()
def round_():
    arrays = [np.ones(1 << 18) for _ in range(6)]          # 6 x 2 MiB, every page touched
    return sum(float(a[-1]) for a in arrays)
round_()
f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    round_()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0)
"""


def _faults(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", ROUNDS, mode], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1])


def _glibc() -> bool:
    import ctypes
    try:
        return sys.platform.startswith("linux") and bool(ctypes.CDLL(None).gnu_get_libc_version)
    except (OSError, AttributeError):
        return False


@pytest.mark.skipif(not _glibc(), reason="glibc's mallopt only (elsewhere keep_freed_heap changes nothing)")
def test_freed_heap_is_reused_not_faulted_again():
    default, kept = _faults("default"), _faults("policy")
    assert default > 20 * 1000          # ~3,000 pages re-faulted per round under the defaults
    assert kept * 10 < default


def test_the_console_script_applies_it(monkeypatch):
    script = [e for e in entry_points(group="console_scripts") if e.name == "costmodel"]
    assert [e.value for e in script] == ["costmodel.__main__:run"]
    calls = []
    monkeypatch.setattr(entry, "keep_freed_heap", lambda: calls.append("policy") or True)
    monkeypatch.setattr(entry, "main", lambda argv=None: calls.append("main") or 0)
    assert entry.run() == 0 and calls == ["policy", "main"]
