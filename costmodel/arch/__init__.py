"""Architecture specs: one typed spec at the bottom, formats as leaves, one place where names resolve.

    commands, sweeps, backends, profiler          (ask for a spec by name: registry.load_arch)
                       |
    registry.py      name[:PRESET] -> file -> spec   THE one place a name becomes a spec
       |        \\              \\
    store.py    reader.py      presets.py
    (shipped +  (file -> spec:  (named transforms
     user archs) picks a format) of a spec, fitted)
                   |
    formats/        one module per format; each reads and/or writes the spec, never the reverse
      native.py         the project's YAML (kind: accelerator | dsp)
      legacy.py         Timeloop v1.0 YAML / libconfig reader  (+ legacy_schema.py, legacy_write.py)
      libconfig.py      .cfg text: confined @include, key -> line
      v04.py            timeloopfe v0.4 reader (+ its output)  (+ v04_schema.py, v04_write.py)
      ert.py, constraints.py, yamlio.py, schema.py   shared: ERT/ART, constraint spellings, YAML, pydantic types
                   |
    spec.py          the typed specs by kind: AcceleratorSpec (loopnest/spec.py), C64xSpec (dsp.py);
                     spec_hash, dump_spec. Imports nothing above it.
  presets.py imports no spec class and no registry (a spec is duck-typed: presets/to_dict/from_dict), so the
  spec classes call it to check their own presets at load; tests/costmodel/test_layering.py checks all of this.

Which room:
  a new file format (e.g. timeloopfe v4, Timeloop v3-native)  -> formats/<name>.py (+ <name>_schema.py with
      its pydantic document schema, errors via schema.check), and one branch in reader.parse_arch
  a new kind of target (a new spec class)                      -> its own module beside dsp.py + spec.SPEC_KINDS
  a new problem shape                                          -> not here: costmodel/loopnest (shapes)
  a new way to find a spec by name                             -> registry.py / store.py only

Import paths: ``costmodel.arch.registry.load_arch`` (and ``list_archs``, ``fitted``), ``costmodel.arch.spec``
(``spec_hash``, ``dump_spec``, ``spec_class``), ``costmodel.arch.reader`` (``read_yaml``, ``parse_arch``),
``costmodel.arch.store`` (``arch_dir``, ``shipped_archs``, user archs ``add``/``remove``). The old
``from costmodel.arch import load_arch`` still works (resolved on first use below; nothing is imported at
import time, so this package's ``__init__`` adds no import edge).
"""
from ..lazy import exports

_COMPAT = {"load_arch": "registry", "list_archs": "registry", "spec_hash": "spec", "dump_spec": "spec",
           "spec_class": "spec", "read_yaml": "reader", "parse_arch": "reader", "arch_text": "reader",
           "SUFFIXES": "reader", "arch_dir": "store", "shipped_archs": "store"}

__getattr__, __dir__ = exports(__name__, _COMPAT, globals(), cache=False)   # not cached: a submodule of the same
#                                                    name (costmodel.arch.spec, ...) must stay the module
