"""The `costmodel` command (and `python -m costmodel`): costmodel.cli's `main` in a process that keeps its
freed heap for reuse (costmodel.heap: a LUT build maps many problems; the library leaves a caller's process
alone)."""
import sys

from .cli import main
from .heap import keep_freed_heap


def run() -> int:
    keep_freed_heap()
    return main()


if __name__ == "__main__":
    sys.exit(run())
