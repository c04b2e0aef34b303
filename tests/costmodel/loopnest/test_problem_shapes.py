"""Problems of any shape (issue 19 items 1-2): the CNN Problem's API kept, a Problem of any shape through the
model, the mapspace, the mapper and map.txt; golden checks that a shape embedded in the
grouped CNN layer (batched GEMM = grouped 1x1 conv, Conv1D+OC, depthwise = G channels) costs the same on
the same mapping, and that the bounded mapper equals evaluating every legal mapping on the new shapes."""
import numpy as np
import pytest

from costmodel.arch import load_arch
from costmodel.errors import CostModelError
from costmodel.loopnest.bind import bind
from costmodel.loopnest.mapper import search
from costmodel.loopnest.mapping import parse_mapping
from costmodel.loopnest.mapspace import enumerate_mappings
from costmodel.loopnest.model import evaluate
from costmodel.loopnest.nest import analyze
from costmodel.loopnest.problem import Problem
from costmodel.shape import cnn, packaged, shape_from_dict


def test_the_cnn_problem_keeps_its_api_and_projections():
    p = Problem(N=1, C=4, K=8, R=3, S=5, P=6, Q=7, Wstride=2, Hdilation=3)
    assert p == Problem("grouped-cnn-layer", dict(N=1, C=4, K=8, R=3, S=5, P=6, Q=7, G=1), dict(Wstride=2, Hdilation=3))
    assert (p.P, p.G, p.Wstride, p.Hstride, p.macs) == (6, 1, 2, 1, 4 * 8 * 3 * 5 * 6 * 7)
    assert p.dataspaces()["Inputs"] == ((("N", 1),), (("G", 1),), (("C", 1),), (("R", 1), ("P", 2)),
                                        (("S", 3), ("Q", 1)))
    assert p.size("Inputs") == 4 * (2 * 5 + 3) * (4 * 3 + 6 + 1)
    assert p.used("Inputs") == 4 * len({2 * q + r for q in range(6) for r in range(3)}) * 19
    from dataclasses import replace
    assert replace(p, P=2).P == 2 and p.replace(K=1).K == 1 and hash(p) == hash(Problem(**{**p.bounds, **p.params}))


@pytest.mark.parametrize("bad", [dict(bounds={"M": 2, "N": 2}), dict(bounds={"M": 2, "N": 2, "K": 0}),
                                 dict(bounds={"M": 2, "N": 2, "K": 2.5}), dict(bounds={"M": 2, "N": 2, "K": 2}, X=3)])
def test_a_bad_problem_is_one_error(bad):
    kw = {k: v for k, v in bad.items() if k != "bounds"}
    with pytest.raises(CostModelError):
        Problem("gemm", bad["bounds"], **kw)


# ---- golden: a shape embedded in the grouped CNN layer costs the same on the same mapping -----------------
EMBED = [("batched-gemm", dict(H=3, M=8, N=4, K=6), {}, dict(G=3, P=8, K=4, C=6), {"H": "G", "M": "P", "N": "K", "K": "C"}),
         ("gemm", dict(M=12, N=8, K=6), {}, dict(P=12, K=8, C=6), {"M": "P", "N": "K", "K": "C"}),
         ("conv1d-oc", dict(K=8, R=3, P=10), {}, dict(K=8, R=3, P=10), {}),
         ("conv1d", dict(R=5, P=12), {}, dict(R=5, P=12), {}),
         ("depthwise", dict(N=1, C=6, R=3, S=1, P=5, Q=4), dict(Wstride=2), dict(G=6, R=3, P=5, Q=4, Wstride=2),
          {"C": "G"})]


# (DianNao's C constraints, written for input channels, leave a depthwise C = 6 no mapping: eyeriss only)
@pytest.mark.parametrize("arch, name, bounds, params, cnn_inst, rename",
                         [(a, *e) for e in EMBED for a in ("eyeriss", "diannao") if (a, e[0]) != ("diannao", "depthwise")],
                         ids=[f"{a}-{e[0]}" for e in EMBED for a in ("eyeriss", "diannao")
                              if (a, e[0]) != ("diannao", "depthwise")])
def test_a_shape_equals_its_cnn_embedding_on_the_same_mappings(arch, name, bounds, params, cnn_inst, rename):
    problem = Problem(name, bounds, params)
    twin = Problem(**{**dict(N=1, C=1, K=1, R=1, S=1, P=1, Q=1, G=1), **cnn_inst})
    assert twin.macs == problem.macs
    spec = bind(load_arch(arch), problem.shape)
    slots, F, *_ = enumerate_mappings(problem, spec)
    assert F.shape[1] > 0
    cols = np.unique(np.linspace(0, F.shape[1] - 1, 40).astype(int))
    loops = [(s.level, s.dim, s.axis) for s in slots]
    a = analyze(problem, spec, loops, F[:, cols], detail=True)
    b = analyze(twin, spec, [(lv, rename.get(d, d), ax) for lv, d, ax in loops], F[:, cols], detail=True)
    for k in ("compute_cycles", "cycles", "energy_pj", "valid"):
        assert np.array_equal(a[k], b[k]), k
    for key, st_ in a["stats"].items():
        for k, v in st_.items():
            assert np.array_equal(v, b["stats"][key][k]), (key, k)


@pytest.mark.parametrize("arch", ["eyeriss", "diannao"])
@pytest.mark.parametrize("name, bounds", [("gemm", dict(M=16, N=12, K=24)), ("batched-gemm", dict(H=4, M=8, N=8, K=16)),
                                          ("conv1d", dict(R=3, P=30)), ("conv1d-oc", dict(K=16, R=3, P=14))])
def test_the_mapper_equals_evaluating_every_mapping(arch, name, bounds):
    spec, problem = load_arch(arch), Problem(name, bounds)
    slots, F, ids, *_ = enumerate_mappings(problem, spec)
    res = search(problem, spec)
    full = analyze(problem, bind(spec, problem.shape), [(s.level, s.dim, s.axis) for s in slots], F)
    edp = np.where(full["valid"], full["energy_pj"] * full["cycles"], np.inf)
    assert np.isfinite(edp).any() and res.mapping is not None
    assert res.energy_pj * res.cycles <= edp.min() * (1 + 1e-9)
    again = evaluate(problem, spec, res.mapping.text())             # map.txt round trip on the shape's dims
    assert (again.cycles, again.compute_cycles, again.macs) == (res.cycles, res.compute_cycles, problem.macs)
    assert again.energy_pj == pytest.approx(res.energy_pj, rel=1e-12)


def test_map_text_names_the_shapes_dims():
    problem, spec = Problem("gemm", dict(M=4, N=4, K=4)), load_arch("diannao")
    text = search(problem, spec).mapping.text()
    assert "for C" not in text and parse_mapping(text, problem.dims)
    with pytest.raises(CostModelError, match="unknown dim 'C'"):
        evaluate(problem, spec, text.replace("for K", "for C"))
    with pytest.raises(CostModelError, match="unknown dim"):
        parse_mapping(text)                                   # the default: the CNN layer's dims


def test_a_spec_that_keeps_none_of_a_shapes_data_spaces_is_one_error():
    shape = shape_from_dict({"name": "mm", "dimensions": ["M", "N", "K"],
                             "data-spaces": [{"name": "A", "projection": [[["M"]], [["K"]]]},
                                             {"name": "B", "projection": [[["K"]], [["N"]]]},
                                             {"name": "Z", "projection": [[["M"]], [["N"]]], "read-write": True}]})
    with pytest.raises(CostModelError, match="keeps no data space 'A'"):
        search(Problem(shape, dict(M=2, N=2, K=2)), load_arch("eyeriss"))


def test_a_spec_bound_to_the_cnn_shape_is_itself():
    spec = load_arch("eyeriss")
    assert bind(spec, cnn()) is spec
    g = bind(spec, packaged("gemm"))
    assert g is bind(spec, packaged("gemm")) and all(set(lv.temporal.permutation) <= set("MNK") for lv in g.levels)
