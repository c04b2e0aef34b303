"""Arch registry: discovery, loading by name or path, bad files named in the error."""
import pytest

from costmodel.arch.registry import list_archs, load_arch
from costmodel.errors import CostModelError


def test_registry_lists_the_shipped_specs():
    assert "c64x" in list_archs()
    assert load_arch("c64x").default_backend == "c64x"


def test_load_by_path(tmp_path):
    path = tmp_path / "mydsp.yaml"
    path.write_text(open(list_archs()["c64x"]).read().replace("name: c64x", "name: mydsp"))
    assert load_arch(str(path)).name == "mydsp"


@pytest.mark.parametrize("text, words", [
    ("name: x\nkind: [unclosed\n", "malformed YAML"),
    ("- just\n- a list\n", "mapping at the top level"),
    ("name: x\n", "missing key 'kind'"),
    ("name: x\nkind: quantum\n", "unknown arch kind 'quantum'"),
])
def test_bad_spec_files(tmp_path, text, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CostModelError, match=words):
        load_arch(str(path))


def test_unknown_name():
    with pytest.raises(CostModelError, match="unknown arch 'tpu'"):
        load_arch("tpu")


def test_a_file_edited_in_place_is_reloaded(tmp_path):
    path = tmp_path / "mydsp.yaml"
    text = open(list_archs()["c64x"]).read()
    path.write_text(text.replace("name: c64x", "name: mydsp"))
    first = load_arch(str(path))
    assert load_arch(str(path)) is first                       # cached while the file is unchanged
    path.write_text(text.replace("name: c64x", "name: yourdsp"))
    assert load_arch(str(path)).name == "yourdsp"


def test_libconfig_includes_are_read_from_the_config_folder_and_inlined_by_add(tmp_path, monkeypatch):
    """`@include "FILE"` is read from the top file's folder (as libconfig does), whatever the working folder;
    the registered copy has it inlined, so deleting the included file changes nothing."""
    from costmodel.arch.store import add
    from costmodel.resources import reference_dir
    src = (reference_dir() / "timeloop-v1.0-configs" / "configs" / "eyeriss-1024.cfg").read_text()
    head, sep, tail = src.partition("mapper =")
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "mapper.inc").write_text(sep + tail)
    (folder / "chip.cfg").write_text(head + '@include "mapper.inc"\n')
    monkeypatch.chdir(tmp_path)
    spec = load_arch(str(folder / "chip.cfg"))
    assert spec.mapper == load_arch(str(reference_dir() / "timeloop-v1.0-configs/configs/eyeriss-1024.cfg")).mapper
    monkeypatch.setenv("COSTMODEL_CONFIG_DIR", str(tmp_path / "config"))
    u, _, _ = add(folder / "chip.cfg")
    assert "@include" not in u.file.read_text()
    (folder / "mapper.inc").unlink()
    with pytest.raises(CostModelError, match="mapper.inc.*no such file"):
        load_arch(str(folder / "chip.cfg"))
    assert load_arch("chip").mapper == spec.mapper and load_arch("chip").name == "chip"


def test_circular_include(tmp_path):
    (tmp_path / "a.cfg").write_text('@include "b.cfg"\n')
    (tmp_path / "b.cfg").write_text('@include "a.cfg"\n')
    with pytest.raises(CostModelError, match="circular @include"):
        load_arch(str(tmp_path / "a.cfg"))
