"""The real-Timeloop side: problem files, emission of one layer on one spec, stats parsing, runner.

  problem      Layer -> problem file (cnn-layer, or the grouped shape for G > 1), instance keys checked
  emit         Layer + spec -> {file name: YAML text} in either format (the arch-side files are written by
               costmodel.arch.formats.legacy_write / v04_write)
  validate     stricter checks of a folder of Timeloop inputs than timeloopfe's own
  stats        stats.txt -> TimeloopStats (cycles, compute cycles, energy, utilization, per level); map.txt
  runner       find timeloop-mapper / timeloopfe, run in a temp dir with a timeout, map failures to statuses
The arch formats themselves (Timeloop v1.0 legacy, v0.4, ERT/ART, mapspace-constraint spellings) live in
costmodel/arch/formats/. Nothing here imports timeloopfe or accelergy at module level; the names below are
imported on first use (PEP 562), so importing one module of this package imports no other.
"""
from ..lazy import exports

_EXPORTS = {"file_data": "emit", "files_for": "emit", "timeloop_spec": "emit", "problem_dict": "problem",
            "check_instance": "problem", "TimeloopStats": "stats", "parse_stats": "stats", "read_stats": "stats",
            "read_map": "stats"}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
