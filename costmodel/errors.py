"""The one exception type users see: its message names the problem and what to do."""


class CostModelError(Exception):
    """Bad input (unknown op/arch, malformed spec, impossible shape, corrupt LUT) or a failed run.

    The CLI prints ``error: <message>`` on one line and exits with code 2.
    """


class ConfigError(CostModelError):
    """Something in a Timeloop config the model cannot take; ``near`` = (level or constraint target, key)
    locates its line in the file's text (`config_line`)."""

    def __init__(self, message: str, near: tuple = ()):
        super().__init__(message)
        self.near = tuple(str(n) for n in near)


def config_line(text: str, near: tuple) -> int | None:
    """The 1-based line of `near` = (name[, key[, value]]) in a config's text: the line naming `name`
    (``name:`` / ``target:`` in YAML, ``name =`` in libconfig), then the first line from there with `key`
    as a key (holding `value`, if given)."""
    import re
    lines = text.splitlines()
    if not near:
        return None
    named = re.compile(r"\b(name|target)\s*[:=]\s*[\"']?" + re.escape(near[0]) + r"[\"']?\s*([,;}\]#]|$)")
    start = next((i for i, ln in enumerate(lines) if named.search(ln)), None)
    if start is None or len(near) == 1:
        return None if start is None else start + 1
    value = re.escape(near[2]) if len(near) > 2 else ""       # (name, key, value): the key with that value
    key = re.compile(r"(^|[\s{,])[\"']?" + re.escape(near[1]) + r"[\"']?\s*[:=]\s*[\"']?" + value)
    return next((i + 1 for i in range(start, len(lines)) if key.search(lines[i])), start + 1)


def did_you_mean(name, choices) -> str:
    """``" (did you mean 'x'?)"`` for the closest of `choices` to a mistyped `name`, else ``""``."""
    import difflib
    close = difflib.get_close_matches(str(name), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or another stop signal) received: handled like Ctrl-C, exit code 128 + signal number."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
