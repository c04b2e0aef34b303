"""Arch registry: discovery, loading by name or path, bad files named in the error."""
import pytest

from costmodel.arch import list_archs, load_arch
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
