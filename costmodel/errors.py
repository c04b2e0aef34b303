"""The one exception type users see: its message names the problem and what to do."""


class CostModelError(Exception):
    """Bad input (unknown op/arch, malformed spec, impossible shape, corrupt LUT) or a failed run.

    The CLI prints ``error: <message>`` on one line and exits with code 2.
    """


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or another stop signal) received: handled like Ctrl-C, exit code 128 + signal number."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum
