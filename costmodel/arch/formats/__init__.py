"""Arch file formats: one module per format, each a leaf over `costmodel.arch.spec` (reads and/or writes the
spec; the spec never imports a format). Each format's document structure is declared once as a pydantic
schema (`schema.check` turns a wrong type into one error naming file, line and key).

  native.py                      the project's YAML (kind: accelerator | dsp)
  legacy.py / legacy_schema.py   Timeloop v1.0 config reader (YAML dict or libconfig .cfg) and its schema
  legacy_write.py                Timeloop v1.0 files of a spec (arch, constraints, mapper, ERT/ART)
  libconfig.py                   .cfg text: confined, inert @include; parse with the line of each key
  v04.py / v04_write.py          timeloopfe v0.4 reader / writer
  ert.py                         Accelergy ERT/ART tables of a spec and reading an ERT back
  constraints.py                 Timeloop's mapspace-constraint spellings; `assemble` builds the spec
  yamlio.py                      YAML writing for Timeloop (quoted strings, tags) and reading with lines
  schema.py                      strict pydantic scalars (no silent coercion) and the one-line error

A new format (timeloopfe v4, v3-native, ...): ``<name>.py`` (+ ``<name>_schema.py``) here, using constraints.py /
ert.py / schema.py; wire its file detection into costmodel/arch/reader.py.
"""
