"""The DARTS eval network profiled from its PyTorch module agrees with `costmodel schedule --mode network`."""
import pytest

torch = pytest.importorskip("torch")

from costmodel.profiler import profile  # noqa: E402
from costmodel.schedule import Scheduler  # noqa: E402


@pytest.mark.parametrize("genotype", ["DARTS_V2", "PC_DARTS"])
@pytest.mark.parametrize("arch", ["eyeriss", "c64x"])
def test_profiled_darts_network_matches_the_scheduler(genotype, arch):
    from nas.zoo.darts import darts_network, op_paths
    c, hw, layers = 4, 8, 4
    net = darts_network(genotype, C=c, layers=layers, head=False)    # no classifier: what the scheduler counts
    r = profile(net, torch.randn(1, 3, hw, hw), arch, group=op_paths(net))
    s = Scheduler(arch, mode="network", c=c, hw=hw, layers=layers).schedule(genotype)
    per_op = sorted(d["weight"] for _, d in r.dag.nodes(data=True) if d["weight"] > 0)
    assert per_op == sorted(tt.value for tt in s.tasks if tt.value > 0)       # same per-op costs
    assert r.max_value == s.value                                              # same max cycle
    assert r.totals["compute_cycles"] == s.sequential_sum
    ungrouped = profile(net, torch.randn(1, 3, hw, hw), arch)
    assert ungrouped.table.drop(columns=["task", "start", "finish", "critical"]).equals(
        r.table.drop(columns=["task", "start", "finish", "critical"]))
    # layer by layer, FactorizedReduce's two convs run in parallel: the path can only get shorter
    assert ungrouped.max_value <= r.max_value


def test_eval_network_with_head_counts_the_classifier():
    from nas.zoo import darts_network
    r = profile(darts_network("DARTS_V2", C=4, layers=3), torch.randn(1, 3, 8, 8), "c64x")
    assert list(r.table.op[-2:]) == ["adaptive_avg_pool", "linear"]
    assert r.table.name.iloc[-1] == "classifier" and r.critical_path[-1] == "classifier"
