"""nas.space: cell edges, macro-network shapes, shape conventions, PC-DARTS / P-DARTS variants."""
import pytest
import torch

from costmodel.errors import CostModelError
from nas.space import MDARTS_NORMAL, MDARTS_REDUCE, SearchSpace, cell_edges, darts_space, get_space, mdarts_space


def test_fourteen_edges_in_darts_order():
    e = cell_edges(4)
    assert len(e) == 14
    assert e[:5] == [(0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
    assert e[-1] == (4, 5)


def test_darts_search_network_shapes():
    cells = darts_space().network_cells()
    assert [(c.reduction, c.c_ops, c.h_in) for c in cells] == [
        (False, 16, 32), (False, 16, 32), (True, 32, 32), (False, 32, 16), (False, 32, 16),
        (True, 64, 16), (False, 64, 8), (False, 64, 8)]


def test_reduction_edge_strides():
    s = darts_space()
    red = s.network_cells()[2]
    q_in, q_mid = s.edge_query(red, 0, "sep_conv_3x3"), s.edge_query(red, 4, "sep_conv_3x3")   # edges 0->2, 2->3
    assert (q_in.stride, q_in.h, q_in.c_in) == (2, 32, 32)
    assert (q_mid.stride, q_mid.h) == (1, 16)


def test_mdarts_table1_convention_one_cost_per_op():
    s = mdarts_space(shapes="mdarts-table1")
    cells = s.cost_cells()
    assert len(cells) == 2 and all(c.c_ops == 16 and c.h_in == 32 for c in cells)
    for e in range(14):
        assert s.edge_query(cells[1], e, "max_pool_3x3").stride == 2
        assert s.edge_query(cells[1], e, "skip_connect").stride == 1
        assert s.edge_query(cells[0], e, "sep_conv_5x5").stride == 1


def test_partial_channels_and_drop():
    s = darts_space(partial_channels=4)
    assert [c.c_ops for c in s.network_cells()][:3] == [4, 4, 8]
    d = mdarts_space().drop(normal=("dil_conv_5x5",))
    assert "dil_conv_5x5" not in d.normal_ops and len(d.normal_ops) == 6
    with pytest.raises(CostModelError, match="cannot drop"):
        d.drop(normal=("dil_conv_5x5",))


def test_user_lists_any_order_and_round_trip():
    s = SearchSpace(normal_ops=("sep_conv_3x3", "none"), reduce_ops=("avg_pool_3x3",))
    assert SearchSpace.from_dict(s.to_dict()) == s
    assert mdarts_space().normal_ops == MDARTS_NORMAL and mdarts_space().reduce_ops == MDARTS_REDUCE


@pytest.mark.parametrize("kw, msg", [
    (dict(normal_ops=("sep_conv_9x9",)), "unknown op"),
    (dict(reduce_ops=()), "empty"),
    (dict(shapes="foo"), "shapes"),
    (dict(c=10, partial_channels=4), "partial_channels"),
    (dict(normal_ops=("none", "none")), "twice"),
])
def test_bad_spaces(kw, msg):
    with pytest.raises(CostModelError, match=msg):
        SearchSpace(**kw)
    with pytest.raises(CostModelError, match="unknown key"):
        SearchSpace.from_dict({"chanels": 3})
    with pytest.raises(CostModelError, match="unknown search space"):
        get_space("nope")


@pytest.mark.parametrize("space", [darts_space(layers=3, c=4, input_size=8),
                                   darts_space(layers=2, c=4, input_size=8),    # DARTS: both cells reduce
                                   mdarts_space(layers=4, c=8, input_size=16, partial_channels=2)])
def test_edge_shapes_match_the_supernet(space):
    """Every MixedOp of the torch supernet sees exactly the shape the space reports for its edge."""
    from nas.model import Network
    net = Network(space, 10).eval()
    seen = {}
    for k, cell in enumerate(net.cells):
        for e, mixed in enumerate(cell.edges):
            op0 = mixed.ops[0]
            op0.register_forward_hook(lambda m, i, o, key=(k, e): seen.__setitem__(key, (i[0].shape, o.shape)))
    with torch.no_grad():
        net(torch.randn(2, 3, space.input_size, space.input_size))
    for cell in space.network_cells():
        for e in range(space.n_edges):
            q = space.edge_query(cell, e, space.ops(cell.reduction)[0])
            x_shape, y_shape = seen[(cell.index, e)]
            assert tuple(x_shape[1:]) == (q.c_in, q.h, q.h)
            assert y_shape[-1] == (q.h // q.stride)
