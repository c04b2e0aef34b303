"""The `costmodel` command's heap policy (glibc only): freed memory is kept for reuse, not given back.

glibc's malloc returns the top of its heap to the kernel whenever more than M_TRIM_THRESHOLD of it is
free (adaptive, from 128 KiB). The mapper allocates and frees a few MB of numpy temporaries per problem,
so a LUT build re-faults that memory page by page for every problem (the kernel zeroes every page anew;
bench/lut_speed.py prints both policies' page faults and CPU time). `keep_freed_heap()` fixes both
thresholds (mallopt), so freed memory stays in the heap for the next problem; the process keeps up to
TRIM_BYTES of freed heap. The `costmodel` command applies it to its
own process (and the worker processes it forks inherit it); the library never does: a Python caller's
process keeps its allocator settings (call it before a large build in your own process to get the same).
"""
from __future__ import annotations

TRIM_BYTES = 256 << 20   # freed heap kept for reuse before any is returned to the kernel [bytes]
MMAP_BYTES = 32 << 20    # allocations below this come from the (reusable) heap, not fresh mappings [bytes]
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3          # glibc's mallopt parameters (malloc.h)


def keep_freed_heap() -> bool:
    """Apply the policy to this process. True if applied; False where there is no glibc mallopt (other C
    libraries, macOS, Windows): nothing is changed there."""
    import ctypes
    import sys
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.gnu_get_libc_version       # glibc itself (musl has a mallopt that ignores these parameters)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return bool(mallopt(_M_TRIM_THRESHOLD, TRIM_BYTES)) and bool(mallopt(_M_MMAP_THRESHOLD, MMAP_BYTES))
