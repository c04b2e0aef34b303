"""Issue 19's type-confused configs (each once a traceback) give ONE `error:` line naming file, line and key,
exit 2, nothing registered."""
from __future__ import annotations

import pytest
from conftest import run_cli

V02 = """architecture:
  subtree:
  - name: chip
    local:
    - name: DRAM
      class: DRAM
      attributes: {{word-bits: 16}}
    - name: Buf
      class: SRAM
      attributes: {{{buf}}}
    - name: MAC
      class: intmac
      attributes: {{}}
"""
CASES = [  # (file text, line, words)
    ("architecture: 5\n", 1, "key architecture must be a mapping, got 5"),
    ("architecture: {subtree: 5}\n", 1, "key architecture.subtree must be a list, got 5"),
    ("architecture:\n  subtree: [5]\n", 2, "key architecture.subtree.0 must be a mapping, got 5"),
    ("architecture:\n  subtree:\n  - name: chip\n    local: 7\n", 4, "key architecture.subtree.0.local must be a list"),
    ("architecture:\n  subtree:\n  - name: chip\n    local:\n    - {name: DRAM, class: DRAM, attributes: 3}\n", 5,
     "local.0.attributes must be a mapping, got 3"),
    ("kind: [1]\nname: x\n", 1, "key kind must be a string, got a list"),
    (V02.format(buf="entries: 64, width: 1.0e+400"), 10, "Buf: key architecture.subtree.0.local.1.attributes.width "
                                                        "must be an integer, got inf"),
    (V02.format(buf="entries: 16.9"), 10, "attributes.entries must be an integer, got 16.9"),
    (V02.format(buf="entries: 16, word-bits: true"), 10, "attributes.word-bits must be an integer, got True"),
    (V02.format(buf="entries: 1000000000000000000000000000000"), 10, "attributes.entries must be at most"),
    (V02.format(buf="entries: 16, read_bandwidth: .inf"), 10, "read_bandwidth must be a finite number"),
    (V02.format(buf="entries: 16, read_bandwidth: true"), 10, "read_bandwidth must be a number, got True"),
]


@pytest.mark.parametrize("text, line, words", CASES, ids=[c[2][:40] for c in CASES])
def test_one_error_line_naming_file_line_and_key(cli, tmp_path, text, line, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    p = cli("archs", "--add", path, "--name", "bad", env={"COSTMODEL_CONFIG_DIR": str(tmp_path / "config")})
    assert p.returncode == 2 and p.stderr.count("\n") == 1, p.stderr
    assert p.stderr.startswith(f"error: {path}: line {line}:") and words in p.stderr, p.stderr
    assert not (tmp_path / "config" / "archs").exists()


def test_end_to_end_through_the_entry_point(tmp_path):
    path = tmp_path / "bad.cfg"
    path.write_text('arch = {\n  storage = ( { name = "DRAM"; technology = "DRAM"; word-bits = true; } );\n'
                    '  arithmetic = { name = "MACs"; };\n};\n')
    p = run_cli("query", "--arch", path, "--op", "conv", "--kernel", "3", "--hw", "8", "--c-in", "4",
                env={"COSTMODEL_LUT": str(tmp_path / "lut.db")})
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and "Traceback" not in p.stderr, p.stderr
    assert p.stderr.startswith(f"error: {path}: line 2: DRAM: key arch.storage.0.word-bits must be an integer, "
                               f"got True"), p.stderr
    assert not (tmp_path / "lut.db").exists()
