"""Property-based fuzz (hypothesis) of the text parsers a user reaches from the command line: the genotype
literal grammar, `--set PATH=V1,V2` sweep axes, `--input NxCxHxW` shapes and `--mapper KEY=VALUE`.

Each either returns a well-formed value or raises `CostModelError` -- never another exception, and never
slowly or hungrily (a literal bomb is refused before it is built)."""
import time

from hypothesis import HealthCheck, example, given, settings, strategies as st

from costmodel.profiler.inputs import MAX_INPUT_ELEMENTS, MAX_INPUT_RANK, parse_shapes
from costmodel.commands.specs import _mapper_overrides
from costmodel.errors import CostModelError
from costmodel.genotypes import GENOTYPE_OPS, MAX_RANGE, PUBLISHED, Genotype, from_string, to_string
from costmodel.sweep.variants import Axis, parse_set

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ATOMS = st.sampled_from(["range(2, 6)", "range(", ")", "(", "[", "]", ",", "'sep_conv_3x3'", "0", "1", "2", "-1",
                         "10 ** 10", "range(2, 10000000000)", "range(2, 3, 0)", "range('a')", "*", "**x", "x",
                         "Genotype(", "normal=", "normal_concat=", "reduce=", "reduce_concat=", "{", "}", ":",
                         "__import__('os')", "lambda: 0", "1e999", "'", '"', "9" * 50, " "])


def _parse(text: str):
    t0 = time.perf_counter()
    try:
        g = from_string(text)
    except CostModelError:
        g = None
    assert time.perf_counter() - t0 < 2
    return g


@FUZZ
@given(st.lists(ATOMS, max_size=40).map("".join))
@example("Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1)], normal_concat=range(2, 10000000000), "
         "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1)], reduce_concat=[2])")
@example("Genotype(" + "[" * 400 + "]" * 400 + ")")
def test_genotype_strings_from_grammar_pieces(text):
    g = _parse(text)
    assert g is None or isinstance(g, Genotype)


@FUZZ
@given(st.text(max_size=200))
def test_genotype_strings_of_any_characters(text):
    g = _parse(text)
    assert g is None or isinstance(g, Genotype)


@st.composite
def genotypes(draw):
    """Valid DARTS genotypes: two edges per node, inputs from earlier nodes, every node used."""
    def cell():
        nodes = draw(st.integers(1, 5))
        edges = [(draw(st.sampled_from([o for o in GENOTYPE_OPS if o != "none"])), draw(st.integers(0, 1 + k)))
                 for k in range(nodes) for _ in range(2)]
        return edges, list(range(2, 2 + nodes))
    (n, nc), (r, rc) = cell(), cell()
    return Genotype(n, nc, r, rc)


@FUZZ
@given(genotypes(), st.booleans())
def test_valid_genotypes_round_trip_through_the_string_form(g, as_range):
    text = to_string(g)
    if as_range:
        text = text.replace(f"normal_concat={list(g.normal_concat)}",
                            f"normal_concat=range({g.normal_concat[0]}, {g.normal_concat[-1] + 1})")
    assert from_string(text) == g


@FUZZ
@given(st.integers(-5, 10 ** 12), st.integers(-5, 10 ** 12))
def test_range_bounds_are_small_and_ordered(a, b):
    text = to_string(PUBLISHED["DARTS_V2"]).replace("normal_concat=[2, 3, 4, 5]", f"normal_concat=range({a}, {b})")
    ok = 0 <= a <= b <= MAX_RANGE
    try:
        from_string(text)
    except CostModelError as e:
        assert not ok or "node" in str(e)
        return
    assert ok


@FUZZ
@given(st.text(max_size=60))
@example("levels.GlobalBuffer.entries=" + ",".join(map(str, range(5000))))
def test_set_axes(text):
    try:
        ax = parse_set(text)
    except CostModelError:
        return
    assert isinstance(ax, Axis) and ax.choices and all(isinstance(c[1], dict) for c in ax.choices)


@FUZZ
@given(st.text(alphabet="0123456789x-+., eE_\u0663", max_size=60))
@example("99999999999999999999x3x32x32")
@example("1x3x16384x16384")
def test_input_shapes(text):
    try:
        shapes = parse_shapes(text)
    except CostModelError:
        return
    import math
    for shape in shapes:
        assert 1 <= len(shape) <= MAX_INPUT_RANK and all(type(v) is int and v >= 1 for v in shape)
        assert math.prod(shape) <= MAX_INPUT_ELEMENTS


@FUZZ
@given(st.lists(st.text(max_size=20), max_size=4))
def test_mapper_overrides(items):
    try:
        out = _mapper_overrides(items)
    except CostModelError:
        return
    assert isinstance(out, dict)
