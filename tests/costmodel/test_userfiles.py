"""costmodel.userfiles: the one reader and the one writer of user files; costmodel.strictyaml."""
import os
import threading

import pytest

from costmodel.errors import CostModelError
from costmodel.strictyaml import load
from costmodel.userfiles import limit, read_bytes, read_text, write_file, writing


def test_a_regular_file_is_read(tmp_path):
    (tmp_path / "a.yaml").write_text("x: 1\n")
    assert read_text(tmp_path / "a.yaml", "YAML file") == "x: 1\n"


@pytest.mark.parametrize("make, words", [
    (lambda p: os.mkfifo(p), "named pipe"),
    (lambda p: p.symlink_to("/dev/zero"), "character device"),
    (lambda p: p.mkdir(), "folder"),
    (lambda p: None, "no such file"),
])
def test_special_files_are_refused_before_opening(tmp_path, make, words):
    p = tmp_path / "s.yaml"
    make(p)
    done = []
    t = threading.Thread(target=lambda: done.append(pytest.raises(CostModelError, read_text, p)), daemon=True)
    t.start()
    t.join(5)                       # a FIFO opened for reading would block here forever
    assert done and words in str(done[0].value)


def test_the_size_cap_is_checked_before_and_while_reading(tmp_path, monkeypatch):
    p = tmp_path / "big.yaml"
    p.write_bytes(b"x" * 101)
    with pytest.raises(CostModelError, match="101 bytes is larger than the 100-byte limit"):
        read_bytes(p, limit=100)
    assert read_bytes(p, limit=101) == b"x" * 101
    monkeypatch.setenv("COSTMODEL_MAX_FILE_BYTES", "50")
    with pytest.raises(CostModelError, match="50-byte limit"):
        read_text(p)
    monkeypatch.setenv("COSTMODEL_MAX_FILE_BYTES", "lots")
    with pytest.raises(CostModelError, match="COSTMODEL_MAX_FILE_BYTES"):
        limit("FILE_BYTES")


def test_binary_and_non_utf8_text_are_refused(tmp_path):
    (tmp_path / "b").write_bytes(b"a\x00b")
    (tmp_path / "l").write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(CostModelError, match="binary"):
        read_text(tmp_path / "b")
    with pytest.raises(CostModelError, match="not UTF-8"):
        read_text(tmp_path / "l")


def test_a_write_is_whole_or_nothing(tmp_path):
    target = tmp_path / "o.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with writing(target, "--out") as f:
            f.write("half")
            raise RuntimeError("the writer failed")
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["o.csv"]   # no temporary file left
    write_file(target, "new\n", "--out")
    assert target.read_text() == "new\n" and os.listdir(tmp_path) == ["o.csv"]


def test_a_write_through_a_symlink_keeps_the_link(tmp_path):
    (tmp_path / "real.csv").write_text("a\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "real.csv")
    write_file(tmp_path / "link.csv", "b\n", "--out")
    assert (tmp_path / "link.csv").is_symlink() and (tmp_path / "real.csv").read_text() == "b\n"


@pytest.mark.parametrize("target, words", [("/dev/full", "character device"), ("{d}", "is a folder"),
                                           ("{d}/no/x.csv", "no such folder")])
def test_unwritable_targets_are_one_error(tmp_path, target, words):
    with pytest.raises(CostModelError, match=words):
        write_file(target.format(d=tmp_path), "x", "--out")


def test_a_full_disk_leaves_nothing(tmp_path, monkeypatch):
    import io

    class Full(io.StringIO):
        def write(self, s):
            raise OSError(28, "No space left on device")
    real_open = open
    monkeypatch.setattr("builtins.open", lambda p, *a, **k: Full() if str(p).endswith(".tmp.csv") else
                        real_open(p, *a, **k))
    with pytest.raises(CostModelError, match="No space left on device; nothing written"):
        write_file(tmp_path / "o.csv", "x" * 100, "--out")
    assert os.listdir(tmp_path) == []


def test_strict_yaml_refuses_a_repeated_key_with_both_lines():
    assert load("a: 1\nb: {c: 2}\n", "f") == {"a": 1, "b": {"c": 2}}
    with pytest.raises(CostModelError, match=r"f: key 'c' appears twice in one mapping \(lines 2 and 3\)"):
        load("b:\n  c: 2\n  c: 3\n", "f")
    with pytest.raises(CostModelError, match="malformed YAML"):
        load("a: [1\n", "f")
    assert load("- {a: 1}\n- {a: 2}\n", "f") == [{"a": 1}, {"a": 2}]     # same key in two mappings is fine


def test_the_readme_lists_every_limit_with_its_default():
    from pathlib import Path

    from costmodel.genotypes import MAX_RANGE, MAX_TEXT
    from costmodel.sweep.dask_exec import TIMEOUT_S
    from costmodel.userfiles import LIMITS
    readme = Path(__file__).resolve().parents[2] / "README.md"
    text = readme.read_text().split("### Limits", 1)[1].split("\n## ", 1)[0]
    shown = {"FILE_BYTES": "1 MiB", "CSV_BYTES": "16 MiB", "ONNX_BYTES": "512 MiB", "VARIANTS": "1,000",
             "JOBS": "4 x the cores"}
    sizes = {"1 MiB": 1 << 20, "16 MiB": 16 << 20, "512 MiB": 512 << 20, "1,000": 1000}
    for name, (default, _) in LIMITS.items():
        row = next(ln for ln in text.splitlines() if f"$COSTMODEL_MAX_{name}" in ln)
        assert shown[name] in row, row
        assert name == "JOBS" or sizes[shown[name]] == default
    assert f"| {TIMEOUT_S:g} s |" in text and f"<= {MAX_RANGE} |" in text and f"{MAX_TEXT:,} characters" in text
