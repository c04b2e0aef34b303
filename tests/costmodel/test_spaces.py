"""Build spaces: the DARTS macro structure and user YAML files."""
import pytest

from costmodel.errors import CostModelError
from costmodel.spaces import load_space, macro_cells


def test_darts_search_network_shapes():
    cells = macro_cells(16, 8, 32)
    assert [c.reduction for c in cells] == [False, False, True, False, False, True, False, False]
    assert [(c.C, c.h_in) for c in cells] == [(16, 32), (16, 32), (32, 32), (32, 16), (32, 16), (64, 16),
                                              (64, 8), (64, 8)]
    pre0, pre1 = cells[3].preprocess()
    assert (pre0.op, pre0.c_in, pre0.c_out, pre0.h, pre0.stride) == ("factorized_reduce", 64, 32, 32, 2)
    assert (pre1.op, pre1.c_in, pre1.c_out, pre1.h) == ("conv_1x1", 128, 32, 16)


def test_eval_network_has_twenty_cells():
    cells = macro_cells(36, 20, 32)
    assert [c.index for c in cells if c.reduction] == [6, 13] and cells[-1].C == 144


def test_packaged_spaces_cover_every_edge_shape():
    space = load_space("darts-search")
    shapes = {(q.op, q.c_in, q.h, q.stride) for q in space.queries}
    for c, h in ((16, 32), (32, 16), (64, 8)):
        assert ("sep_conv_3x3", c, h, 1) in shapes
    assert ("max_pool_3x3", 32, 32, 2) in shapes and ("skip_connect", 64, 16, 2) in shapes
    assert ("conv_3x3", 3, 32, 1) in shapes  # the stem


def test_user_space_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nextra:\n  - {op: conv, c_in: 3, hw: 224, c_out: 64, kernel: 7, stride: 2}\n")
    (q,) = load_space(str(path)).queries
    assert (q.kernel, q.padding, q.stride) == (7, 3, 2)


@pytest.mark.parametrize("text, words", [
    ("ops: [sep_conv_3x3]\nnetwork: {C: 16, layers: 8}\n", "network.hw"),
    ("ops: [sep_conv_11x11]\n", "unknown op"),
    ("extra:\n  - {op: conv, c_in: 3}\n", "extra\\[0\\]"),
    ("name: empty\n", "empty"),
    ("colour: red\n", "unknown key 'colour'"),
    ("extra: [5]\n", "extra\\[0\\]"),
    ("extra: {op: conv}\n", "extra must be a list"),
    ("ops: sep_conv_3x3\n", "ops must be a list"),
    ("ops: [conv_1x1]\nnetwork: {C: 16, layers: 8, hw: 32, colour: 1}\n", "network: unknown key 'colour'"),
    ("ops: [conv_1x1]\nnetwork: {C: 16, layers: 8, hw: 32, stem_multiplier: x}\n", "network.stem_multiplier"),
])
def test_bad_space_files(tmp_path, text, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CostModelError, match=words):
        load_space(str(path))


def test_unknown_space():
    with pytest.raises(CostModelError, match="unknown space"):
        load_space("imagenet-huge")
