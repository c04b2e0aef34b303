"""Problem shapes as data (issue 19 item 1): the packaged shapes (costmodel/data/shapes), Timeloop's
problem-shape files, and one error (never a traceback) for any malformed shape document."""
import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from costmodel.errors import CostModelError
from costmodel.resources import data_path, reference_dir
from costmodel.shape import SHAPES, cnn, load_shape, packaged, read_problem_file, shape_from_dict


def test_packaged_shapes():
    assert set(SHAPES) == {"grouped-cnn-layer", "conv1d", "conv1d-oc", "gemm", "batched-gemm", "depthwise"}
    for name in SHAPES:
        s = packaged(name)                    # read without the schema: the schema must take the file as it is
        raw = yaml.safe_load(data_path("shapes", f"{name}.yaml").read_text())["problem"]["shape"]
        assert s.read_write == ("Outputs",) and shape_from_dict(raw) == s == shape_from_dict(s.to_dict())
    assert packaged("gemm").dims == ("M", "N", "K") and packaged("batched-gemm").relevant("Inputs") == {"H", "M", "K"}


def test_the_cnn_shape_is_timeloops_grouped_cnn_layer_file():
    ref = reference_dir() / "timeloop-v1.0-exact" / "configs" / "grouped-cnn-layer.shape.yaml"
    theirs = shape_from_dict(yaml.safe_load(ref.read_text())["shape"])
    assert theirs.spaces == cnn().spaces and theirs.dims == cnn().dims and theirs.coefficients == cnn().coefficients
    assert cnn().order == "NCKRSPQG"          # the mapper's order of unnamed dims (bit-identical results)


def _shape_doc():
    return yaml.safe_load(data_path("shapes", "depthwise.yaml").read_text())["problem"]["shape"]


MUTATIONS = [lambda d: d.update(dimensions=["RR", "P"]), lambda d: d.update(dimensions=[]),
             lambda d: d["data-spaces"][0].update(projection=[[["Z"]]]), lambda d: d.pop("data-spaces"),
             lambda d: d["data-spaces"][2].pop("read-write"), lambda d: d.update(coefficients=[{"name": "x", "default": 0}]),
             lambda d: d["data-spaces"][1].update(projection=[[["R", "Wfoo"]]]), lambda d: d.update(bogus=1),
             lambda d: d["data-spaces"][0].update(projection=[[]]), lambda d: d.update(dimensions=["R", "R"]),
             lambda d: d.update(**{"unnamed-order": "RS"}), lambda d: d["data-spaces"].append(d["data-spaces"][0])]


@pytest.mark.parametrize("mutate", MUTATIONS)
def test_a_bad_shape_is_one_error(mutate):
    d = _shape_doc()
    mutate(d)
    with pytest.raises(CostModelError, match="problem shape"):
        shape_from_dict(d)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(st.none() | st.booleans() | st.integers(-2, 5) | st.sampled_from(["R", "P", "Wstride", "x", ""]),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(
                        st.sampled_from(["name", "dimensions", "projection", "data-spaces", "read-write",
                                         "coefficients", "default", "unnamed-order"]), kids, max_size=4), max_leaves=12))
def test_any_document_is_a_shape_or_one_error(doc):
    try:
        shape_from_dict(doc)
    except CostModelError:
        pass


def test_a_shape_file_with_an_instance(tmp_path):
    f = tmp_path / "mm.yaml"
    f.write_text(yaml.safe_dump({"problem": {"shape": packaged("gemm").to_dict(), "instance": {"M": 4, "N": 2, "K": 8}}}))
    shape, inst = read_problem_file(f)
    assert shape == packaged("gemm") and inst == {"M": 4, "N": 2, "K": 8} and load_shape(f) == shape
    for text in ("a: [", "problem: 3", "problem: {instance: {}}"):
        f.write_text(text)
        with pytest.raises(CostModelError, match=str(f)):
            read_problem_file(f)
