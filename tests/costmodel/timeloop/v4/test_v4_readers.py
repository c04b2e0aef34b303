"""The timeloopfe v4 readers: tags, expressions, Jinja2, constraints, and one error naming file, line and key."""
from pathlib import Path

import pytest

from costmodel.errors import CostModelError
from costmodel.timeloop import v4
from costmodel.timeloop.v4 import expr

from v4devruns import DEV, RUNS, out

ARCH = """\
variables:
  version: 0.4
  DW: 8
architecture:
  version: 0.4
  nodes:
  - !Container
    name: top
    attributes: {technology: "40nm", global_cycle_seconds: 1e-9}
  - !Component
    name: MainMemory
    class: DRAM
    attributes: {width: 64, datawidth: DW}
  - !Nothing
  - !Container
    name: PE
    spatial: {meshX: 4}
    constraints:
      spatial: {permutation: [K, C], split: 2}
  - !Parallel
    nodes:
    - !Component
      name: Buffer
      class: regfile
      attributes: {depth: 64, width: "max(DW, 8) * 2", datawidth: DW}
      constraints:
        dataspace: {keep: [Weights, Inputs, Outputs]}
  - !Component
    name: MACC
    class: intmac
    attributes: {width: 8}
"""
PROB = """\
problem:
  version: 0.4
  shape:
    name: Conv1D_OC
    dimensions: [C, K, R, P]
    data_spaces:
    - {name: Weights, projection: [[[C]], [[K]], [[R]]]}
    - {name: Inputs, projection: [[[C]], [[R], [P]]]}
    - {name: Outputs, projection: [[[K]], [[P]]], read_write: True}
  instance: {C: 4, K: 8, R: 3, P: 16}
"""
MAP = """\
mapping:
- {target: MainMemory, type: temporal, factors: C=1 K=2 R=1 P=1, permutation: KCRP}
- {target: PE, type: spatial, factors: C=1 K=4 R=1 P=1, permutation: KCRP, split: 1}
- {target: Buffer, type: temporal, factors: C=4 K=1 R=3 P=16, permutation: RPCK}
"""


ARCH = ARCH.replace("name: Buffer", "name: RegisterFile")      # the level names of 04's ERT
MAP = MAP.replace("Buffer", "RegisterFile")


def flat(arch):
    """`arch` without its !Parallel wrapper (a lone branch must keep everything)."""
    return arch.replace("  - !Parallel\n    nodes:\n    - !Component\n", "  - !Component\n")


def files(tmp_path, arch=ARCH, prob=PROB, mapping=MAP):
    out_ = []
    for name, text in (("arch.yaml", arch), ("prob.yaml", prob), ("map.yaml", mapping)):
        if text is not None:
            (tmp_path / name).write_text(text)
            out_.append(str(tmp_path / name))
    return out_


def ert():
    return out("04-cp", "ERT.yaml")       # tables for MainMemory, GlobalBuffer, RegisterFile, MACC


def test_tags_expressions_and_fanout(tmp_path):
    arch = ARCH.replace("name: Buffer", "name: RegisterFile")
    run = v4.load(files(tmp_path, arch, mapping=MAP.replace("Buffer", "RegisterFile")), None, ert())
    names = [lv.name for lv in run.spec.levels]
    assert names == ["MainMemory", "inter_PE_spatial", "RegisterFile"]          # !Nothing skipped
    rf = run.spec.level("RegisterFile")
    assert (rf.word_bits, rf.block_size, rf.entries, rf.instances, rf.mesh_x) == (8, 2, 128, 4, 4)  # width expr
    assert run.spec.level("inter_PE_spatial").spatial.split == 2
    assert run.problem.K == 8 and run.problem.S == 1 and run.problem.macs == 4 * 8 * 3 * 16
    assert [lp.spatial for lp in run.mapping.level("inter_PE_spatial").loops] == ["X"]


@pytest.mark.parametrize("old,new,says", [
    ("    attributes: {width: 64, datawidth: DW}", "    attributes: {width: 64, datawidth: DW, colour: 3}",
     "arch.yaml:13: unknown attribute 'colour' of MainMemory"),
    ("    attributes: {width: 64, datawidth: DW}", "    attributes: {width: 64, datawidth: DW, metadata_width: 8}",
     "arch.yaml:13: MainMemory: 'metadata_width' is a sparse feature (Sparseloop): not supported"),
    ("  - !Nothing", "  - !Sparse {}", "arch.yaml:14: unknown tag !Sparse"),
    ("    spatial: {meshX: 4}", "    spatial: {meshX: 4, meshZ: 2}", "arch.yaml:17: unknown key 'meshZ' in spatial"),
    ("    class: DRAM", "    class: DRAM\n    colour: red", "arch.yaml:13: unknown key 'colour' in !Component"),
    ("  - !Nothing", "  - !Pipelined {nodes: []}", "arch.yaml:14: pipelined nodes (timeloopfe's !Pipelined) are not"),
    ("      attributes: {depth: 64,", "      attributes: {depth: 64, multiple_buffering: 2,",
     "multiple_buffering = 2 is not modelled"),
    ("dataspace: {keep: [Weights, Inputs, Outputs]}", "dataspace: {keep: [Weights, Inputs, Output]}",
     "unknown data space 'Output'"),
    ("  DW: 8", "  DW: 8\n  BAD: 1/0", "arch.yaml:4: cannot evaluate '1/0'"),
])
def test_one_error_names_file_line_and_key(tmp_path, old, new, says):
    arch = ARCH.replace(old, new).replace("name: Buffer", "name: RegisterFile")
    assert arch != ARCH.replace("name: Buffer", "name: RegisterFile")
    with pytest.raises(CostModelError) as e:
        v4.load(files(tmp_path, arch, mapping=MAP.replace("Buffer", "RegisterFile")), None, ert())
    assert says in str(e.value) and "\n" not in str(e.value)


def test_sparse_problem_and_non_cnn_shapes_refused(tmp_path):
    dens = PROB.replace("  instance: {C: 4,", "  instance: {densities: {Inputs: 0.5}, C: 4,")
    with pytest.raises(CostModelError, match="densities are a sparse feature"):
        v4.load(files(tmp_path, prob=dens), None, ert())
    gemm = PROB.replace("[[R], [P]]", "[[R]], [[P]]")
    with pytest.raises(CostModelError, match="prob.yaml:8: Inputs projects as .* not as a CNN layer"):
        v4.load(files(tmp_path, prob=gemm), None, ert())


def test_bad_yaml_and_duplicate_keys(tmp_path):
    with pytest.raises(CostModelError, match=r"arch.yaml:\d+: not valid YAML"):
        v4.load(files(tmp_path, ARCH + "  - [unclosed\n"), None, ert())
    with pytest.raises(CostModelError, match="arch.yaml:13: key 'class' given twice"):
        v4.load(files(tmp_path, ARCH.replace("    class: DRAM", "    class: DRAM\n    class: SRAM")), None, ert())


def test_jinja_template_and_missing_variable(tmp_path):
    arch = ARCH.replace("datawidth: DW}", "datawidth: {{dw}}}").replace("name: Buffer", "name: RegisterFile")
    (tmp_path / "top.yaml.jinja2").write_text(arch)
    fs = [str(tmp_path / "top.yaml.jinja2")] + files(tmp_path, None, mapping=MAP.replace("Buffer", "RegisterFile"))
    run = v4.load(fs, {"dw": 8}, ert())
    assert run.spec.level("MainMemory").block_size == 8
    with pytest.raises(CostModelError, match=r"top.yaml.jinja2: Jinja2 template: 'dw' is undefined \(give it with --var"):
        v4.load(fs, None, ert())


def test_separate_constraints_file(tmp_path):
    arch = flat(ARCH).replace("      constraints:\n        dataspace: {keep: [Weights, Inputs, Outputs]}\n", "")
    fs = files(tmp_path, arch, mapping=None)
    (tmp_path / "cons.yaml").write_text("constraints:\n  targets:\n"
                                        "  - {target: RegisterFile, type: bypass, keep: [Weights], bypass: [Inputs]}\n"
                                        "  - {target: PE, type: spatial, factors: [C=1]}\n")
    run = v4.load(fs + [str(tmp_path / "cons.yaml")], None, ert())
    rf = run.spec.level("RegisterFile")
    assert rf.keep == ("Weights",) and rf.keep_or_bypass == ("Outputs",)
    assert run.spec.level("inter_PE_spatial").spatial.factors == {"C": 1} and run.mapping is None
    (tmp_path / "cons.yaml").write_text("constraints:\n  targets:\n  - {target: Nowhere, type: temporal}\n")
    with pytest.raises(CostModelError, match="cons.yaml:3: constraint target 'Nowhere' is not a component"):
        v4.load(fs + [str(tmp_path / "cons.yaml")], None, ert())


def test_expressions_without_eval():
    names = {"A": 8}
    assert expr.value("max(A, 16) // 2", names, "x") == 8
    assert expr.value("LPDDR4", names, "x") == "LPDDR4"                 # a word stays a string
    assert expr.value("ceil(log2(A)) if A >= 1 else 1", names, "x") == 3
    assert expr.value("__import__('os')", names, "x") == "__import__('os')"   # no call outside the table
    for bomb in ("9**9**9", "'a' * 10**9"):
        with pytest.raises(CostModelError, match="cannot evaluate"):
            expr.value(bomb, names, "x")


def test_ert_per_action_and_unknown_action(tmp_path):
    t = v4.ertmod.read(out("06", "ERT.yaml"))
    assert v4.ertmod.storage_actions(t["shared_glb"]) == {"read": 18.183829, "fill": 14.137929,
                                                         "update": 14.137929, "leak": 0.005652}
    (tmp_path / "e.yaml").write_text("ERT:\n  version: '0.4'\n  tables:\n  - name: a.B\n    actions:\n"
                                     "    - {name: teleport, energy: 1.0}\n")
    with pytest.raises(CostModelError, match="e.yaml:6: unknown ERT action 'teleport' of B"):
        v4.ertmod.read(tmp_path / "e.yaml")


def test_map_txt_with_inter_spatial_levels():
    run = v4.load([str(DEV / RUNS["06"][0] / "parsed-processed-input.yaml")], None, out("06", "ERT.yaml"))
    m = v4.read_map_txt(out("06", "map.txt"), run.spec)
    assert [l.bound for l in m.level("inter_PE_spatial").loops] == [4, 3]
    assert m.level("shared_glb").tiles == {"Inputs": 5120, "Outputs": 7168}


def test_no_ert_is_estimated(tmp_path):
    assert v4.load(files(tmp_path), None, None).energy_source.startswith("estimated (costmodel.estimate")


def test_component_fanout_and_inherited_attributes(tmp_path):
    """timeloopfe: a component with its own ``spatial`` gets an inter_<name>_spatial level above it and has that
    many instances; a container's attributes reach the components below it."""
    arch = """\
architecture:
  nodes:
  - !Container {name: top, attributes: {technology: "40nm"}}
  - !Component {name: MainMemory, class: DRAM, attributes: {width: 64, datawidth: 8}}
  - !Container {name: PE, attributes: {datawidth: 8}}
  - !Component
    name: RegisterFile
    class: regfile
    spatial: {meshX: 2, meshY: 2}
    constraints: {spatial: {factors: [C=1]}}
    attributes: {depth: 64, width: 16}
  - !Component {name: MACC, class: intmac, attributes: {width: 8}}
"""
    run = v4.load(files(tmp_path, arch, mapping=None), None, ert())
    assert [(lv.name, lv.instances, lv.mesh_x) for lv in run.spec.levels] == [
        ("MainMemory", 1, 1), ("inter_RegisterFile_spatial", 1, 1), ("RegisterFile", 4, 2)]
    assert run.spec.level("inter_RegisterFile_spatial").spatial.factors == {"C": 1}
    assert run.spec.level("RegisterFile").block_size == 2          # datawidth 8 from the PE container


def test_unknown_top_level_and_mapper_keys(tmp_path):
    with pytest.raises(CostModelError, match=r"prob.yaml:11: unknown top-level key 'problme'"):
        v4.load(files(tmp_path, prob=PROB + "problme: {}\n"), None, ert())
    (tmp_path / "mapper.yaml").write_text("mapper:\n  version: 0.4\n  optimisation_metrics: [edp]\n")
    with pytest.raises(CostModelError, match=r"mapper.yaml:3: unknown mapper key 'optimisation_metrics'"):
        v4.load(files(tmp_path) + [str(tmp_path / "mapper.yaml")], None, ert())
    (tmp_path / "mapper.yaml").write_text("mapper:\n  optimization_metrics: [area]\n")
    with pytest.raises(CostModelError, match=r"mapper.yaml:2: optimization metric 'area' is not supported"):
        v4.load(files(tmp_path) + [str(tmp_path / "mapper.yaml")], None, ert())
    with pytest.raises(CostModelError, match=r"map.yaml:2: unknown key 'factor' in a mapping directive"):
        v4.load(files(tmp_path, mapping=MAP.replace("factors: C=1 K=2", "factor: C=1 K=2")), None, ert())


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="!-:[]{}#&*|>'\"\n ab1=_.", max_size=60))
def test_fuzz_yaml_reader_fails_only_with_one_line(text):
    """Any text: parsed, or one CostModelError line naming the file -- never another exception."""
    from costmodel.timeloop.v4.yamlfiles import load_text
    try:
        load_text(text, "f.yaml")
    except CostModelError as e:
        assert str(e).startswith("f.yaml") and "\n" not in str(e)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789+-*/%() ,.abcdmaxlog2ceil_<>=if else", max_size=30))
def test_fuzz_expressions(text):
    try:
        expr.value(text, {"a": 3, "b": 0}, "x")
    except CostModelError as e:
        assert str(e).startswith("x: cannot evaluate")


def test_bad_map_txt_names_file_and_line(tmp_path):
    run = v4.load([str(DEV / RUNS["06"][0] / "parsed-processed-input.yaml")], None, out("06", "ERT.yaml"))
    bad = tmp_path / "map.txt"
    bad.write_text(Path(out("06", "map.txt")).read_text().replace("for C in [0:4)", "for C in [0:4", 1))
    with pytest.raises(CostModelError, match=r"map.txt:4: mapping text: cannot parse line"):
        v4.read_map_txt(bad, run.spec)
    bad.write_text(Path(out("06", "map.txt")).read_text().replace("shared_glb [", "shared_gbl ["))
    with pytest.raises(CostModelError, match=r"map.txt:8: level 'shared_gbl' is not in the arch"):
        v4.read_map_txt(bad, run.spec)


def test_mapping_keep_bypass_defaults(tmp_path):
    """Timeloop's mapping parser: unnamed data spaces are kept; constraints apply to a level the map leaves
    alone (timeloopfe passes them to timeloop-model as mapping directives)."""
    arch = flat(ARCH).replace("dataspace: {keep: [Weights, Inputs, Outputs]}", "dataspace: {keep: [Weights, Inputs]}")
    run = v4.load(files(tmp_path, arch), None, ert())       # Outputs: the mapper's choice; a map keeps it
    assert set(run.mapping.level("RegisterFile").tiles) == {"Weights", "Inputs", "Outputs"}
    run = v4.load(files(tmp_path, arch.replace("keep: [Weights, Inputs]}", "keep: [Weights, Inputs], "
                                                                        "bypass: [Outputs]}")), None, ert())
    assert set(run.mapping.level("RegisterFile").tiles) == {"Weights", "Inputs"}
    m = MAP + "- {target: RegisterFile, type: datatype, bypass: [Inputs]}\n"
    with pytest.raises(CostModelError, match="map.yaml:5: the mapping bypasses Inputs at RegisterFile, which its "
                                             "constraints keep"):
        v4.load(files(tmp_path, mapping=m), None, ert())
    free = flat(ARCH).replace("      constraints:\n        dataspace: {keep: [Weights, Inputs, Outputs]}\n", "")
    run = v4.load(files(tmp_path, free, mapping=m), None, ert())
    same = v4.load(files(tmp_path, free, mapping=m.replace("type: datatype", "type: dataspace")), None, ert())
    assert [set(lv.tiles) for lv in same.mapping.levels] == [set(lv.tiles) for lv in run.mapping.levels]  # ex. 03
    assert set(run.mapping.level("RegisterFile").tiles) == {"Weights", "Outputs"}
    from costmodel.loopnest.model import evaluate
    _, bypassed = evaluate(run.problem, run.spec, run.mapping, detail=True)
    keep_all = v4.load(files(tmp_path), None, ert())
    _, kept = evaluate(keep_all.problem, keep_all.spec, keep_all.mapping, detail=True)
    assert ("RegisterFile", "Inputs") not in bypassed and ("RegisterFile", "Inputs") in kept
    assert bypassed[("MainMemory", "Inputs")]["reads"] > kept[("MainMemory", "Inputs")]["reads"]


def test_constraint_macros(tmp_path):
    """timeloopfe's macros: factors_only, no_iteration_over_dataspaces, keep_only; counting-changing ones refused."""
    arch = flat(ARCH).replace("        dataspace: {keep: [Weights, Inputs, Outputs]}",
                              "        dataspace: {keep_only: [Weights]}\n"
                        "        temporal: {factors_only: [R=3], no_iteration_over_dataspaces: [Outputs]}")
    run = v4.load(files(tmp_path, arch, mapping=None), None, ert())
    rf = run.spec.level("RegisterFile")
    assert rf.keep == ("Weights",) and rf.bypass == ("Inputs", "Outputs")
    assert rf.temporal.factors == {"N": 1, "C": 1, "K": 1, "R": 3, "S": 1, "P": 1, "Q": 1, "G": 1}
    bad = flat(ARCH).replace("        dataspace: {keep: [Weights, Inputs, Outputs]}",
                       "        dataspace: {keep: [Weights]}\n        temporal: {no_reuse: [Inputs]}")
    with pytest.raises(CostModelError, match=r"arch.yaml:\d+: temporal constraint 'no_reuse' is not supported"):
        v4.load(files(tmp_path, bad, mapping=None), None, ert())


TOP = """\
{{add_to_path(cwd())}}
globals: {version: 0.4, environment_variables: {TIMELOOP_HIDE_INCONSEQUENTIAL_STATS: 1}, expression_custom_functions: []}
{%set problem = problem | default('prob/VGG02_layer5.yaml')%}
problem: {{include(problem, 'problem')}}
{% set mapping = cwd() ~ '/' ~ architecture ~ '/mapping.yaml'%}
{% if path_exists(mapping) %}
extra_mapping_constraints: {version: 0.4, targets: {{include(mapping, 'mapping')}}}
{% endif %}
architecture: {{include(cwd() ~ '/' ~ architecture ~ '/eyeriss_like.yaml', 'architecture')}}
variables: {version: 0.4, technology: "SET ME", global_cycle_seconds: 1e-9}
components:
  version: 0.4
  classes: {{include_all('arch/components/*.yaml', 'compound_components.classes')}}
mapper: {{include(cwd() ~ '/mapper/mapper.yaml', 'mapper')}}
"""


def test_accelergy_template_helpers(tmp_path):
    """A top.yaml.jinja2 as the exercises' example designs write it (include, include_all, cwd, path_exists,
    add_to_path) reads into the same spec as the plain files."""
    import shutil
    folder = tmp_path / "d"
    shutil.copytree(DEV / "06-mapper-convlayer-eyeriss", folder, ignore=shutil.ignore_patterns("ref-output"))
    (folder / "top.yaml.jinja2").write_text(TOP)
    run = v4.load([str(folder / "top.yaml.jinja2")], {"architecture": "arch"}, out("06", "ERT.yaml"))
    plain = v4.load(list(RUNS["06"][2]), None, out("06", "ERT.yaml"))
    assert [lv.to_dict() for lv in run.spec.levels] == [lv.to_dict() for lv in plain.spec.levels]
    assert run.problem == plain.problem and run.objective == "delay,energy"
    (folder / "arch" / "mapping.yaml").write_text("mapping:\n- {target: DRAM, type: temporal, factors: [N=1, Q=4]}\n")
    extra = v4.load([str(folder / "top.yaml.jinja2")], {"architecture": "arch"}, out("06", "ERT.yaml"))
    assert extra.spec.level("DRAM").temporal.factors == {"N": 1, "Q": 4} and extra.mapping is None
    with pytest.raises(CostModelError, match=r"top.yaml.jinja2: Jinja2 include: no file matches"):
        v4.load([str(folder / "top.yaml.jinja2")], {"architecture": "nowhere"}, out("06", "ERT.yaml"))


def test_parallel_branches_keep_each_data_space_once(tmp_path):
    """timeloopfe's !Parallel rule: one branch per data space; a branch bypasses what it does not keep."""
    par = """\
architecture:
  nodes:
  - !Container {name: top}
  - !Component {name: MainMemory, class: DRAM, attributes: {width: 64, datawidth: 8}}
  - !Parallel
    nodes:
    - !Component
      name: GlobalBuffer
      class: SRAM
      attributes: {depth: 64, width: 64, datawidth: 8}
      constraints: {dataspace: {keep: [Weights, Inputs]}}
    - !Component
      name: RegisterFile
      class: regfile
      attributes: {depth: 64, width: 8, datawidth: 8}
      constraints: {dataspace: {keep: [OUT]}}
  - !Component {name: MACC, class: intmac, attributes: {width: 8}}
"""
    run = v4.load(files(tmp_path, par.replace("[OUT]", "[Outputs]"), mapping=None), None, ert())
    assert run.spec.level("GlobalBuffer").bypass == ("Outputs",)
    assert run.spec.level("RegisterFile").bypass == ("Weights", "Inputs")
    with pytest.raises(CostModelError, match=r"arch.yaml:12: Inputs is kept in two branches of the !Parallel at "
                                             r".*arch.yaml:5"):
        v4.load(files(tmp_path, par.replace("[OUT]", "[Outputs, Inputs]"), mapping=None), None, ert())
    with pytest.raises(CostModelError, match=r"arch.yaml:5: no branch of this !Parallel keeps Outputs"):
        v4.load(files(tmp_path, par.replace("[OUT]", "[]"), mapping=None), None, ert())
    nothing = par.replace("[OUT]", "[]").replace("  - !Component {name: MACC", "    - !Nothing {constraints: "
                                                 "{dataspace: {keep: [Outputs]}}}\n  - !Component {name: MACC")
    run = v4.load(files(tmp_path, nothing, mapping=None), None, ert())     # simba_like's way: Outputs bypass both
    assert run.spec.level("RegisterFile").bypass == ("Weights", "Inputs", "Outputs")
    assert [lv.name for lv in run.spec.levels] == ["MainMemory", "GlobalBuffer", "RegisterFile"]
