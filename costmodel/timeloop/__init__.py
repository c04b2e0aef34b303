"""The real-Timeloop side: the one arch spec <-> Timeloop files, Accelergy ERT/ART, stats parsing, runner.

  problem      Layer -> problem file (cnn-layer, or the grouped shape for G > 1), instance keys checked
  constraints  mapspace constraints: Timeloop spellings, restriction to a shape's dims, spec assembly
  legacy       Timeloop v1.0 files: writer + reader (YAML dict, libconfig .cfg) of an AcceleratorSpec
  v04          timeloopfe v0.4 files: writer + reader of an AcceleratorSpec
  ert          Accelergy ERT/ART of a spec (per-version cluster convention) and reading an ERT back
  emit         Layer + spec -> {file name: YAML text} in either format
  validate     stricter checks of a folder of Timeloop inputs than timeloopfe's own
  stats        stats.txt -> TimeloopStats (cycles, compute cycles, energy, utilization, per level); map.txt
  runner       find timeloop-mapper / timeloopfe, run in a temp dir with a timeout, map failures to statuses
Nothing here imports timeloopfe or accelergy at module level.
"""
from .emit import file_data, files_for, timeloop_spec
from .problem import problem_dict, check_instance
from .stats import TimeloopStats, parse_stats, read_stats, read_map

__all__ = ["file_data", "files_for", "timeloop_spec", "problem_dict", "check_instance",
           "TimeloopStats", "parse_stats", "read_stats", "read_map"]
