"""The embedded mapper's answers, compared bit for bit between this tree and a git revision (issue 21 item 4:
a faster mapper must give the same answers).

  python bench/mapper_identity.py --against REV      # e.g. --against HEAD~1: both trees, side by side
  python bench/mapper_identity.py --dump OUT.json    # this tree's answers only

The problem sets: every reference CSV of real Timeloop runs in the package and in tests/data (the 356-row
DARTS-op reference with its 140 distinct problems, the stock-config runs, both held-out folders, the exact-
mapper and new-shape runs), the DARTS search spaces' LUT rows on eyeriss and diannao (what build-lut maps),
and the problem-shape runs (GEMM, batched GEMM, Conv1D, asymmetric convs); and the loop-nest model with every
statistic on the shape runs' and the v4 development runs' own mappings (Timeloop v3+ semantics). Per problem:
the best mapping's text, compute cycles, total cycles, energy (repr, every bit), the candidates and the LUT
row's message: the answer. The number of mappings evaluated (in that message) is how much work the
bound left, a statistic of the search, not part of its answer: it is compared apart and reported, not
failed on (a faster search may prune more or less). With --against, REV is checked out in a temporary git
worktree and dumped by its own code in a subprocess; the last line is `mapper_identity: N problems, D differ
(E evaluated a different number of mappings)` (exit 1 if any answer differs).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EVALUATED = re.compile(r"\b(\d+) legal /")        # the message's count of mappings evaluated


def _reference_csvs(root: Path) -> list[Path]:
    from costmodel.loopnest.fidelity import PROBLEM_COLS, RESULT_COLS
    out = []
    for path in sorted([*(root / "costmodel" / "data" / "reference").rglob("*.csv"),
                        *(root / "tests" / "data" / "timeloop").rglob("*.csv")]):
        head = path.read_text().splitlines()[:1]
        if head and all(c in head[0].split(",") for c in PROBLEM_COLS + RESULT_COLS):
            out.append(path)
    return out


def dump(root: Path) -> dict:
    """{problem key: answer} for every problem of the sets above, computed by the code under `root`."""
    import costmodel
    if Path(costmodel.__file__).resolve().parent != root.resolve() / "costmodel":
        raise SystemExit(f"error: costmodel imported from {costmodel.__file__}, not from {root}")
    from costmodel.arch.registry import load_arch
    from costmodel.backends.analytic import AnalyticBackend
    from costmodel.loopnest.fidelity import arch_path, read_reference
    from costmodel.loopnest.mapper import search
    from costmodel.loopnest.model import evaluate
    from costmodel.loopnest.problem import Problem
    from costmodel.ops import lower
    from costmodel.spaces import load_space
    from costmodel.errors import CostModelError

    backend, specs, out, evaluated = AnalyticBackend(), {}, {}, {}

    def spec(name):
        if name not in specs:
            try:
                specs[name] = load_arch(name)
            except CostModelError as e:
                specs[name] = e
        return specs[name]

    def record(key, layer, s):
        if isinstance(s, Exception):
            out[key] = f"unreadable: {s}"
            return
        c = backend.evaluate(layer, s)
        out[key] = [c.status, c.mapping, c.compute_cycles, c.cycles, repr(c.energy_pj), EVALUATED.sub("# legal /", c.message)]
        evaluated[key] = [int(n) for n in EVALUATED.findall(c.message)]

    def model(key, problem, s, mapping):
        """The loop-nest model on a fixed mapping, with every per-(level, data space) statistic."""
        cost, stats = evaluate(problem, s, mapping, detail=True)
        out[key] = [repr(cost), {str(k): {n: np.asarray(v).tolist() for n, v in st.items()} if isinstance(st, dict)
                                 else np.asarray(st).tolist() for k, st in stats.items()}]

    for path in _reference_csvs(root):
        for label, arch, layer, *_ in read_reference(path):
            name = arch_path(arch, path.parent)
            record(f"{path.relative_to(root)} {arch} {label} {layer}", layer, spec(name))
    queries = dict.fromkeys(q for name in ("darts-search", "darts-eval") for q in load_space(name).queries)
    for arch in ("eyeriss", "diannao"):
        for q in queries:
            for layer in lower(q):
                record(f"lut {arch} {layer}", layer, spec(arch))
    runs = sorted(list((root / "tests/data/timeloop/v1.0-shapes").glob("*/")) +
                  list((root / "tests/data/timeloop/v1.0-asym").glob("*/*/")))
    for run in runs:
        s = load_arch("eyeriss") if (run / "constraints.yaml").exists() else load_arch(str(run / "arch.yaml"))
        r = search(Problem.from_file(run / "problem.yaml"), s)
        out[f"shape {run.relative_to(root)}"] = [r.mapping.text(" | ") if r.mapping else None, r.compute_cycles,
                                                 r.cycles, repr(r.energy_pj), r.candidates]
        evaluated[f"shape {run.relative_to(root)}"] = [r.evaluated]
        model(f"shape model {run.relative_to(root)}", Problem.from_file(run / "problem.yaml"), s,
              (run / "timeloop-mapper.map.txt").read_text())
    sys.path.insert(0, str(root / "tests" / "costmodel" / "timeloop" / "v4"))
    from v4devruns import RUNS, native, out as output
    from costmodel.timeloop import v4
    for name in RUNS:                       # the v4 development runs (Timeloop v3+ semantics) on their own mappings
        run = v4.load(native(name), None, output(name, "ERT.yaml"))
        model(f"v4 model {name}", run.problem, run.spec, run.mapping)
    return {"answers": out, "evaluated": evaluated}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", metavar="REV", help="git revision to compare this tree with")
    ap.add_argument("--dump", metavar="OUT", help="write this tree's answers as JSON")
    ap.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.dump:
        sys.path.insert(0, args.root)
        Path(args.dump).write_text(json.dumps(dump(Path(args.root)), indent=0, sort_keys=True))
        return
    if not args.against:
        ap.error("give --against REV or --dump OUT")
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), args.against],
                       check=True)
        try:
            answers = {}
            for label, root in (("theirs", tree), ("ours", ROOT)):
                out = Path(tmp) / f"{label}.json"
                # each tree's own code: its folder first on the path (an editable install points at ROOT)
                subprocess.run([sys.executable, str(ROOT / "bench" / "mapper_identity.py"), "--dump", str(out),
                                "--root", str(root)], check=True, cwd=str(root), env={**os.environ, "PYTHONPATH": str(root)})
                answers[label] = json.loads(out.read_text())
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True)
    (theirs, their_ev), (ours, our_ev) = ((answers[t]["answers"], answers[t]["evaluated"]) for t in ("theirs", "ours"))
    keys = sorted(set(theirs) | set(ours))
    differ = [k for k in keys if theirs.get(k) != ours.get(k)]
    for k in differ[:20]:
        print(f"differs: {k}\n  {args.against}: {theirs.get(k)}\n  this tree: {ours.get(k)}")
    searched = [k for k in keys if their_ev.get(k) != our_ev.get(k)]
    if searched:
        total = [sum(sum(ev.get(k, [])) for k in keys) for ev in (their_ev, our_ev)]
        print(f"mappings evaluated differ on {len(searched)} problems (same answers): {total[0]:,} in all at "
              f"{args.against}, {total[1]:,} here")
    print(f"mapper_identity: {len(keys)} problems, {len(differ)} differ ({len(searched)} evaluated a different "
          f"number of mappings)")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
