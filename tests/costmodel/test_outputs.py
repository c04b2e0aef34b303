"""costmodel.outputs: no output overwrites the LUT, an input or another output; foreign files need --force."""
import os

import pytest

from costmodel.errors import CostModelError
from costmodel.outputs import check_outputs, ours


@pytest.fixture
def d(tmp_path):
    (tmp_path / "lut.db").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    (tmp_path / "link.csv").symlink_to(tmp_path / "lut.db")
    os.link(tmp_path / "lut.db", tmp_path / "hard.csv")
    (tmp_path / "arch.yaml").write_text("name: x\n")
    return tmp_path


@pytest.mark.parametrize("out", ["lut.db", "./lut.db", "link.csv", "hard.csv", "lut.db-wal", "lut.db-journal"])
def test_the_lut_is_never_an_output(d, out, monkeypatch):
    monkeypatch.chdir(d)
    with pytest.raises(CostModelError, match="never overwrites an input"):
        check_outputs([("--out", out, "csv")], db=str(d / "lut.db"), force=True)


def test_a_sqlite_url_and_the_default_lut_count_too(d, monkeypatch):
    with pytest.raises(CostModelError, match="the LUT"):
        check_outputs([("--csv", str(d / "link.csv"), "csv")], db=f"sqlite:///{d}/lut.db")
    monkeypatch.setenv("COSTMODEL_LUT", str(d / "lut.db"))
    with pytest.raises(CostModelError, match="the LUT"):
        check_outputs([("--csv", str(d / "link.csv"), "csv")], db=None)
    check_outputs([("--csv", str(d / "new.csv"), "csv")], db="postgresql+psycopg://me@h/lut")   # a server: no file


def test_inputs_and_other_outputs_clash(d):
    with pytest.raises(CostModelError, match="is the arch file"):
        check_outputs([("--png", str(d / "arch.yaml"), "image")], [("the arch file", str(d / "arch.yaml"))],
                      use_db=False, force=True)
    with pytest.raises(CostModelError, match="--png .* and --csv .* are the same file"):
        check_outputs([("--csv", str(d / "p.csv"), "csv"), ("--png", str(d / "p.csv"), "image")], use_db=False)


def test_an_existing_foreign_file_needs_force(d):
    with pytest.raises(CostModelError, match="pass --force"):
        check_outputs([("--out", str(d / "arch.yaml"), "csv")], use_db=False)
    check_outputs([("--out", str(d / "arch.yaml"), "csv")], use_db=False, force=True)


@pytest.mark.parametrize("kind, text, mine", [
    ("csv", "id,arch,op\n1,x,y\n", True), ("csv", "name: x\n", False), ("csv", "", True),
    ("json", '[{"a": 1}]', True), ("json", "name: x", False), ("dot", "digraph schedule {\n}", True),
    ("image", b"\x89PNG\r\n\x1a\nrest", True), ("image", b"SQLite format 3\x00", False),
    ("csv", b"SQLite format 3\x00", False)])
def test_what_counts_as_an_earlier_output(tmp_path, kind, text, mine):
    p = tmp_path / "f"
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    assert ours(p, kind) is mine
