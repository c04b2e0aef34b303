"""Progress bars for long work (one library: tqdm). On a terminal a bar on stderr says what is being done;
when stderr is not a terminal (a pipe, a log file, CI) it stays quiet (tqdm's ``disable=None``)."""
from __future__ import annotations

import shutil
import sys

from tqdm import tqdm


def bar(total=None, desc: str = "", unit: str = "it", **kw) -> tqdm:
    """A tqdm bar on stderr, shown only when stderr is a terminal, removed when done (the summary stays).
    `total`: a count, or an iterable to wrap (its length is the total)."""
    items = None if total is None or isinstance(total, int) else total
    if items is not None:
        total = len(items) if hasattr(items, "__len__") else None
    size = shutil.get_terminal_size((100, 24))       # a terminal reporting 0 x 0 (e.g. `script`): 100 x 24
    return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, disable=None, leave=False,
                ncols=size.columns or 100, nrows=size.lines or 24, **kw)


def note(message: str) -> None:
    """A line on stderr that does not break a bar being drawn."""
    tqdm.write(message, file=sys.stderr)
