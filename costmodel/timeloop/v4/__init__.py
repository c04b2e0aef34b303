"""Today's Timeloop inputs: timeloopfe v4 YAML specs and Timeloop v3+'s native input, read into the one
typed `AcceleratorSpec` (semantics ``timeloop-v3``), a `Problem` and, when the files hold one, a `Mapping`.

``load(files, variables, ert)`` takes the files the way timeloopfe does (globs; ``arch/*.yaml
map/x.map.yaml prob/*.yaml``, or one ``parsed-processed-input.yaml`` plus a map file). Modules:
yamlfiles (YAML + tags + Jinja2 + line numbers), expr (variables and expressions), arch (v4 nodes -> flat
levels), native (v3-native input -> flat levels), build (flat levels + ERT -> spec), ert (per-action
ERT), problem, mapping (v4 mapping directives), stats (v3+ stats.txt).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import CostModelError
from ...loopnest.mapping import Mapping, parse_mapping
from ...loopnest.problem import Problem
from ...loopnest.spec import AcceleratorSpec
from . import arch as archmod, build, ert as ertmod, estimated, expr, mapping as mapmod, native, problem as probmod
from .yamlfiles import at, load_files

MAPPER_KEYS = {"optimization_metrics", "version", "live_status", "num_threads", "timeout", "victory_condition",
               "algorithm", "max_permutations_per_if_visit", "search_size", "sync_interval", "log_interval",
               "log_oaves", "log_oaves_mappings", "log_stats", "log_suboptimal", "diagnostics",
               "penalize_consecutive_bypass_fails", "emit_whoop_nest", "max_temporal_loops_in_a_mapping",
               "filter_revisits", "out_prefix", "optimization_metric"}
TOP_KEYS = {"architecture", "architecture_constraints", "constraints", "problem", "mapping", "mapper", "mapspace",
            "compound_components", "variables", "globals", "ERT", "ART", "dumped_by_timeloop_front_end",
            "components", "sparse_optimizations", "mapspace_constraints", "architecture_extra_info",
            "extra_mapping_constraints"}


@dataclass(frozen=True)
class Run:
    spec: AcceleratorSpec
    problem: Problem
    mapping: Mapping | None        # the mapping the files give (None: none given)
    objective: str                 # the mapper's optimization_metrics, ours spelled ("delay,energy")
    files: tuple
    energy_source: str = ""        # "ERT <file>", "ERT in the files" or "estimated (...)"


def _flat(items):
    for x in items or []:
        if isinstance(x, list):             # include_all('_components/*.yaml', ...) gives one list per file
            yield from _flat(x)
        else:
            yield x


def _declared(doc) -> dict:
    """{compound class: the attributes it declares} (`compound_components` or `components`)."""
    out = {}
    for key in ("compound_components", "components"):
        for c in _flat((doc.get(key) or {}).get("classes")):
            if isinstance(c, dict):
                out[str(c.get("name"))] = set((c.get("attributes") or {}).keys())
    return out


def _objective(mapper: dict) -> str:
    m = mapper.get("optimization_metrics") or mapper.get("optimization_metric") or ["edp"]
    m = [m] if isinstance(m, str) else list(m)
    bad = [x for x in m if x not in ("edp", "energy", "delay")]
    if bad:
        raise CostModelError(f"{at(mapper, 'optimization_metrics')}: optimization metric {bad[0]!r} is not "
                             f"supported (edp, energy, delay)")
    return ",".join(m)


def load(files, variables: dict | None = None, ert: str | None = None) -> Run:
    """Read the files (timeloopfe's way) with Jinja2 parse data `variables`, energies from the ERT file `ert`
    (else an ERT among the files)."""
    doc, spec, mapper, source = _spec(files, variables, ert)
    where = ", ".join(str(f) for f in files)
    problem = probmod.read(doc, where)
    m = doc.get("mapping")
    mapping = mapmod.read(m, spec, doc.origin.get("mapping", where)) if m else None
    return Run(spec, problem, mapping, _objective(mapper), tuple(str(f) for f in files), source)


def read_arch(files, variables: dict | None = None, ert: str | None = None) -> AcceleratorSpec:
    """Only the arch (+ constraints, mapper objective) of the files (`costmodel model/mapper --save-spec`)."""
    return _spec(files, variables, ert)[1]


def read_arch_text(text: str, where: str) -> AcceleratorSpec:
    """The arch of ONE v4 (or v3-native) file's `text`, energies estimated unless the file holds an ERT: what
    `--arch FILE` / `archs --add FILE` read (an arch needing other files: `costmodel model ... --save-spec`)."""
    try:
        return _spec([where], None, None, texts={str(where): text})[1]
    except CostModelError as e:
        if "{{" not in text and "{%" not in text:          # not a Jinja2 template: the error says it all
            raise
        raise CostModelError(f"{e}; a templated arch is registered rendered: `costmodel model FILES --var K=V "
                             f"--save-spec spec.yaml`, then --arch / `archs --add` spec.yaml") from None


def _spec(files, variables, ert, texts=None):
    doc = load_files(files, variables, texts)
    where = ", ".join(str(f) for f in files)
    for k in doc:
        if k not in TOP_KEYS:
            raise CostModelError(f"{doc.origin[k]}: unknown top-level key {k!r} (known: {', '.join(sorted(TOP_KEYS))})")
        if k == "sparse_optimizations" and doc[k]:
            raise CostModelError(f"{doc.origin[k]}: sparse_optimizations are Sparseloop's: not supported")
    if ((doc.get("globals") or {}).get("expression_custom_functions")):
        raise CostModelError(f"{doc.origin['globals']}: globals.expression_custom_functions (Python files): "
                             f"not supported")
    if "architecture" not in doc:
        raise CostModelError(f"{where}: no 'architecture' in the files")
    mapper = doc.get("mapper") or {}
    for k in mapper:
        if k not in MAPPER_KEYS:
            raise CostModelError(f"{at(mapper, k)}: unknown mapper key {k!r}")
    if native.is_native(doc):
        name, sysattrs, nodes = native.flatten(doc)
    else:
        vs = expr.variables(doc.get("variables") or {}, lambda k: at(doc.get("variables"), k))
        name, sysattrs, nodes = archmod.flatten(doc["architecture"].get("nodes"), vs, at(doc["architecture"]))
        _separate_constraints(doc, nodes)
        nodes = archmod.branches(nodes)
    if ert is not None:
        table, source = ertmod.read(ert), f"ERT {ert}"
    elif "ERT" in doc:
        table, source = ertmod.read_doc(doc["ERT"]), "ERT in the files"
    else:
        table, source = estimated.ert(nodes)
    spec = build.spec(name, sysattrs, nodes, table, _declared(doc),
                      {"objective": _objective(mapper)}, where)
    return doc, spec, mapper, source


def _separate_constraints(doc, nodes) -> None:
    """timeloopfe's separate constraints file (``constraints: {targets: [...]}``) onto the nodes."""
    targets = []
    for key in ("constraints", "architecture_constraints", "mapspace_constraints", "extra_mapping_constraints"):
        targets += list(_flat((doc.get(key) or {}).get("targets")))
    for c in targets:
        t = str(c.get("target", ""))
        hit = [n for n in nodes if n.name in (t, f"inter_{t}_spatial")]
        if not hit:
            raise CostModelError(f"{at(c, 'target')}: constraint target {t!r} is not a component of the arch")
        native._attach([hit[0]], {**c, "target": hit[0].name})


def read_map_txt(path, spec) -> Mapping:
    """A Timeloop map.txt (v3+: with ``inter_*_spatial`` levels) checked against the spec's level names."""
    try:
        text = Path(path).read_text()
    except OSError as e:
        raise CostModelError(f"{path}: cannot read: {e.strerror}") from None
    try:
        m = parse_mapping(                  # timeloopfe names our K (output channels) M
            re.sub(r"\bfor M in", "for K in", text.replace("<< Compute >>", "")))
    except CostModelError as e:             # name the line the message quotes
        line = next((i for i, ln in enumerate(text.splitlines(), 1) if ln.strip() and repr(ln.strip()) in str(e)), None)
        raise CostModelError(f"{path}{f':{line}' if line else ''}: {e}") from None
    names = [lv.name for lv in spec.levels]
    for lv in m.levels:
        if lv.name not in names:
            line = next((i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith(f"{lv.name} [")), "?")
            raise CostModelError(f"{path}:{line}: level {lv.name!r} is not in the arch ({names})")
    return m
