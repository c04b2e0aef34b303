"""The real-Timeloop side: input emission (v0.4 and legacy v1.0), Accelergy ERT/ART, stats parsing, runner.

  problem   Layer -> problem file (cnn-layer, or the grouped shape for G > 1), instance keys checked
  archdesc  TimeloopArch: storage levels, arithmetic, constraints; reader of Timeloop v1.0 configs
  fromspec  AcceleratorSpec -> TimeloopArch
  emit      TimeloopArch + Layer -> {file name: YAML text} (arch, constraints, mapper, problem, ERT, ART)
  stats     stats.txt -> TimeloopStats (cycles, compute cycles, energy, utilization, per level); map.txt
  runner    find timeloop-mapper / timeloopfe, run in a temp dir with a timeout, map failures to statuses
Nothing here imports timeloopfe or accelergy at module level.
"""
from .archdesc import TimeloopArch, from_legacy, facts
from .emit import files_for
from .fromspec import timeloop_arch
from .problem import problem_dict, check_instance
from .stats import TimeloopStats, parse_stats, read_stats, read_map

__all__ = ["TimeloopArch", "from_legacy", "facts", "files_for", "timeloop_arch", "problem_dict", "check_instance",
           "TimeloopStats", "parse_stats", "read_stats", "read_map"]
