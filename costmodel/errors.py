"""The one exception type users see: its message names the problem and what to do."""


class CostModelError(Exception):
    """Bad input (unknown op/arch, malformed spec, impossible shape, corrupt LUT) or a failed run.

    The CLI prints ``error: <message>`` on one line and exits with code 2.
    """


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
