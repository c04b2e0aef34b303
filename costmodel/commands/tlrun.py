"""`costmodel model FILES...` and `costmodel mapper FILES...`: Timeloop's two commands on today's specs.

FILES are given the way timeloopfe takes them (globs: ``arch/*.yaml map/x.map.yaml prob/*.yaml``, or one
``parsed-processed-input.yaml`` plus a map file; a ``*.txt`` file is a Timeloop ``map.txt``). `model`
evaluates the mapping in the files; `mapper` searches the mapspace under the files' constraints for the
mapper's ``optimization_metrics``. Energies: ``--ert FILE`` (an Accelergy ERT), an ERT among the files, else
estimated per component (costmodel.timeloop.v4.estimated; printed as ``energy: estimated (...)``).
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from ..errors import CostModelError


def _vars(items) -> dict:
    out = {}
    for item in items or []:
        if "=" not in item or not item.split("=", 1)[0]:
            raise CostModelError(f"--var {item!r}: expected KEY=VALUE")
        k, v = item.split("=", 1)
        try:
            out[k] = int(v)
        except ValueError:
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
    return out


def _load(args):
    from ..timeloop import v4
    yaml_files = [f for f in args.files if not str(f).endswith(".txt")]
    maps = [f for f in args.files if str(f).endswith(".txt")]
    if len(maps) > 1:
        raise CostModelError(f"{maps[1]}: more than one map.txt given")
    run = v4.load(yaml_files, _vars(args.var), args.ert)
    if maps:
        if run.mapping is not None:
            raise CostModelError(f"{maps[0]}: the YAML files already hold a mapping")
        run = replace(run, mapping=v4.read_map_txt(maps[0], run.spec))
    return run, run.energy_source


def _report(args, run, mapping, source: str, kind: str, wall: float) -> int:
    from ..loopnest import choices
    from ..loopnest.model import evaluate
    from ..timeloop.v4 import report
    cost, stats = evaluate(run.problem, run.spec, mapping, detail=True)
    saved = run.spec
    run = replace(run, spec=choices.from_mapping(run.spec, mapping))
    tiles = [replace(lv, tiles={ds: stats[(lv.name, ds)]["size"] for ds in run.spec.level(lv.name).keep})
             for lv in mapping.levels]
    cost = replace(cost, mapping=replace(mapping, levels=tuple(tiles)).text(" | "))
    lvls = report.levels(run.spec, stats, cost.cycles)
    text = report.stats_text(run, cost, lvls, source) if args.out else None
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and not out.is_dir():      # checked before anything is written
        raise CostModelError(f"--out {out}: exists and is not a directory")
    if args.save_spec and Path(args.save_spec).is_dir():
        raise CostModelError(f"--save-spec {args.save_spec}: is a directory")
    if args.save_spec:
        from ..arch import dump_spec
        Path(args.save_spec).write_text(dump_spec(replace(saved, source=f"costmodel {kind} {' '.join(args.files)}")))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"costmodel-{kind}.stats.txt").write_text(text)
        (out / f"costmodel-{kind}.map.txt").write_text(cost.mapping.replace(" | ", "\n") + "\n")
    if args.json:
        print(json.dumps(report.as_json(run, cost, lvls, source, round(wall, 3))))
    else:
        print(report.summary(run, cost, lvls, source))
        if args.out:
            print(f"wrote {Path(args.out) / f'costmodel-{kind}.stats.txt'} and costmodel-{kind}.map.txt")
    return 0


def run_model(args) -> int:
    t = time.perf_counter()
    run, source = _load(args)
    if run.mapping is None:
        raise CostModelError(f"{', '.join(args.files)}: no mapping in the files (add a map file, e.g. "
                             f"map/*.map.yaml or a map.txt, or run `costmodel mapper`)")
    return _report(args, run, run.mapping, source, "model", time.perf_counter() - t)


def run_mapper(args) -> int:
    """The search picks its strategy from the mapspace's size (loopnest.strategy): exact, exact in parts, or a
    bounded sampled search with Timeloop's stopping rules; a note says which when it is not the plain exact one."""
    from ..loopnest.mapper import search
    t = time.perf_counter()
    run, source = _load(args)
    res = search(run.problem, run.spec, run.objective)
    if res.mapping is None:
        raise CostModelError(f"no valid mapping: {res.message or 'the constraints leave none'}")
    if res.strategy != "exact":
        print(f"note: {res.message}", file=sys.stderr)
    return _report(args, run, res.mapping, f"{source}; objective {run.objective}", "mapper", time.perf_counter() - t)


def _common(p) -> None:
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="spec files as timeloopfe takes them (globs allowed): arch, components, problem, mapper, "
                        "constraints, map (.yaml, or a Timeloop map.txt), or one parsed-processed-input.yaml")
    p.add_argument("--ert", help="Accelergy ERT with the energies [pJ per action] (default: an ERT in the files, else "
                        "the built-in estimates by class, size and technology)")
    p.add_argument("--var", action="append", metavar="KEY=VALUE",
                   help="Jinja2 parse data for templated files (repeatable)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")
    p.add_argument("--out", help="directory to write costmodel-*.stats.txt / .map.txt (Timeloop's layout)")
    p.add_argument("--save-spec", metavar="FILE", help="also write the arch read (semantics timeloop-v3, per-action "
                                                       "energies) as our spec YAML, for --arch / `archs --add`")


def register(sub) -> None:
    from ..cli import add_command
    d = "tests/data/timeloop/v4-dev"
    p = add_command(sub, "model", help="evaluate the mapping in timeloopfe v4 / Timeloop v3 spec files (timeloop-model)",
                    examples=[f"costmodel model {d}/01-model-conv1d-2level/ref-output/os/parsed-processed-input.yaml "
                              f"--ert {d}/01-model-conv1d-2level/ref-output/os/timeloop-model.ERT.yaml",
                              "costmodel model arch/*.yaml map/conv1d-2level-os.map.yaml prob/*.yaml --ert ERT.yaml",
                              "costmodel model arch/arch.yaml prob/*.yaml map.txt --var mac_class=intmac --json"])
    _common(p)
    p.set_defaults(func=run_model)
    p = add_command(sub, "mapper", help="search the best mapping under timeloopfe v4 / Timeloop v3 constraints "
                                        "(timeloop-mapper)",
                    examples=["costmodel mapper arch/*.yaml arch/components/*.yaml prob/*.yaml mapper/*.yaml "
                              "--ert timeloop-mapper.ERT.yaml",
                              "costmodel mapper arch/arch.yaml arch/components/*.yaml prob/*.yaml mapper/*.yaml "
                              "--var mac_class=intmac --var input_weight_datawidth=8 --var psum_datawidth=16 --ert E.yaml"])
    _common(p)
    p.set_defaults(func=run_mapper)
