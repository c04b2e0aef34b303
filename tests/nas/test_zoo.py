"""nas.zoo: the reference models are the published architectures (parameter counts as torchvision's)."""
import pytest

torch = pytest.importorskip("torch")

from nas.zoo import darts_network, mobilenet_v2, resnet18  # noqa: E402
from nas.zoo.darts import op_paths  # noqa: E402


def n_params(m):
    return sum(p.numel() for p in m.parameters())


def test_resnet18_and_mobilenet_v2_match_the_published_sizes():
    # torchvision.models.resnet18 / mobilenet_v2 (ImageNet heads): 11,689,512 and 3,504,872 parameters
    assert n_params(resnet18()) == 11_689_512
    assert n_params(mobilenet_v2()) == 3_504_872
    assert resnet18(num_classes=10)(torch.randn(1, 3, 32, 32)).shape == (1, 10)


def test_darts_network_layout():
    net = darts_network("DARTS_V2", C=4, layers=5)
    assert [c.preprocess0.__class__.__name__ for c in net.cells] == ["Sequential", "Sequential", "FactorizedReduce",
                                                                     "Sequential", "FactorizedReduce"]
    assert net(torch.randn(2, 3, 8, 8)).shape == (2, 10)
    names = dict(net.named_modules())
    assert all(p in names for p in op_paths(net)) and len(op_paths(net)) == 1 + 5 * (2 + 8)
    with pytest.raises(ValueError, match="no op 'none'"):
        darts_network("Genotype(normal=[('none', 0), ('skip_connect', 1)], normal_concat=[2], "
                      "reduce=[('max_pool_3x3', 0), ('skip_connect', 1)], reduce_concat=[2])", C=4, layers=3)
