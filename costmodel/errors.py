"""The one exception type users see: its message names the problem and what to do."""


class CostModelError(Exception):
    """Bad input (unknown op/arch, malformed spec, impossible shape, corrupt LUT) or a failed run.

    The CLI prints ``error: <message>`` on one line and exits with code 2.
    """
