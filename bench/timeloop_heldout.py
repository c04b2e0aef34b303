"""Held-out real-Timeloop runs of the three stock v1.0 configs (eyeriss-1024, simba-chip, sample) on NEW layers.

  python bench/timeloop_heldout.py [--layers 20] [--seed 20261130] [--out tests/data/timeloop/v1.0-configs-heldout]
                                   [--wall-cap-s 600] [--resume]

Same procedure as costmodel/data/reference/timeloop-v1.0-configs/ (its README): random dense conv layers
(kernel 1/3/5/7, stride 1/2, C and K in 3..256, P = Q in 4..32, pad = k//2, some with N = 2), each config
file used verbatim (split textually into arch + mapper, so the mapper block is exactly the stock one),
`timeout -s INT -k 30 CAP timeloop-mapper arch mapper problem`, 2 threads, one run at a time. A run with no
valid mapping is rerun once with `timeout: 20000` in the mapper block (recorded in mapper_settings and
meta.json); one that still finds none keeps its folder (inputs + meta.json) and gets no CSV row. Layers of
the packaged reference.csv are skipped. Writes <out>/reference.csv (the packaged one's columns), configs/ (the
configs that ran) and runs/<config>/<case>/ (inputs, stats.txt, map.txt, meta.json; no XML, no logs).
Needs timeloop-mapper (Timeloop v1.0) on PATH.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from costmodel.resources import reference_dir
from costmodel.timeloop.runner import NO_MAPPING, find_toolchain
from costmodel.timeloop.stats import compact_map, parse_stats, read_map

REF = reference_dir() / "timeloop-v1.0-configs"
OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "timeloop" / "v1.0-configs-heldout"
CONFIGS = ("eyeriss-1024.cfg", "simba-chip.cfg", "sample.yaml")      # the files reference.csv's rows ran
KERNELS, STRIDES = (1, 3, 5, 7), (1, 2)
CHANNELS = (3, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256)
H_IN = (4, 8, 14, 16, 28, 32)
P_RANGE, N2_SHARE = (4, 32), 0.15
THREADS, FALLBACK = 2, {"timeout": 20000}
DIMS = ("R", "S", "P", "Q", "C", "K", "N", "Wstride", "Hstride", "Wdilation", "Hdilation")
KEEP = ("timeloop-mapper.stats.txt", "timeloop-mapper.map.txt")
VERSION = "v1.0 (9f9b713), built-in pat energy model"


def fail(msg: str):
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(2)


def layers(n: int, seed: int, seen: set) -> list[dict]:
    """`n` random dense conv layers (paper encoding: no groups, no dilation) not in `seen`."""
    rng, out = random.Random(seed), []
    while len(out) < n:
        k, s = rng.choice(KERNELS), rng.choice(STRIDES)
        h, c, kk = rng.choice(H_IN), rng.choice(CHANNELS), rng.choice(CHANNELS)
        batch = 2 if rng.random() < N2_SHARE else 1
        pad = k // 2
        p = (h + 2 * pad - k) // s + 1
        d = dict(R=k, S=k, P=p, Q=p, C=c, K=kk, N=batch, Wstride=s, Hstride=s, Wdilation=1, Hdilation=1)
        key = tuple(d[x] for x in DIMS)
        if not P_RANGE[0] <= p <= P_RANGE[1] or key in seen:
            continue
        seen.add(key)
        out.append(dict(problem=d, H_in=h, kernel=k, padding=pad, stride=s))
    return out


def reference_keys() -> set:
    with open(REF / "reference.csv", newline="") as fh:
        return {tuple(int(r[x]) for x in DIMS) for r in csv.DictReader(fh)}


def split_config(text: str, yaml_format: bool) -> tuple[str, str]:
    """(arch text, mapper text): the top-level mapper block cut out of the config verbatim."""
    pat = r"^mapper:.*?(?=^\S|\Z)" if yaml_format else r"^mapper\s*=\s*\{.*?^\};[ \t]*\n?"
    m = re.search(pat, text, re.M | re.S)
    if m is None:
        fail("config has no top-level mapper block")
    arch = text[:m.start()] if yaml_format else text[:m.start()].rstrip("\n") + "\n"   # as the reference cut them
    return arch, m.group(0).rstrip("\n") + "\n"


def with_overrides(mapper: str, over: dict, yaml_format: bool) -> str:
    """The mapper block with `over` keys set (replaced where present, else added)."""
    for key, value in over.items():
        line = f"  {key}: {value}" if yaml_format else f"    {key} = {value};"
        pat = rf"^\s*{re.escape(key)}\s*[:=].*$"
        if re.search(pat, mapper, re.M):
            mapper = re.sub(pat, line, mapper, flags=re.M)
        elif yaml_format:
            mapper = mapper.rstrip("\n") + "\n" + line + "\n"
        else:
            mapper = re.sub(r"^\};", line + "\n};", mapper, flags=re.M)
    return mapper


def mapper_settings(mapper: str, yaml_format: bool, threads: int) -> str:
    import libconf
    import yaml
    block = yaml.safe_load(mapper)["mapper"] if yaml_format else libconf.loads(mapper)["mapper"]
    metrics = block.get("optimization-metrics") or [block.get("optimization-metric", "edp")]
    parts = [f"algorithm={block.get('algorithm', 'hybrid')}", f"timeout={block.get('timeout', 1000)}",
             f"victory={block.get('victory-condition', 500)}", f"metric={','.join(metrics)}"]
    if "search-size" in block:
        parts.append(f"search-size={block['search-size']}")
    return ";".join(parts + [f"threads={threads}"])


def problem_text(template: str, problem: dict) -> str:
    """The reference's problem file of this format with the instance values replaced (each exactly once)."""
    for dim, value in problem.items():
        template, n = re.subn(rf"^(\s*{dim}\s*[:=]\s*)\d+", rf"\g<1>{value}", template, flags=re.M)
        if n != 1:
            fail(f"problem template: {dim} found {n} times")
    return template


def termination(log: str) -> str:
    """How the threads ended (one label per distinct reason, in thread order)."""
    labels = []
    for m in re.finditer(r"^\[\s*(\d+)\] STATEMENT: (.*)$", log, re.M):
        text = m.group(2)
        if "suboptimal mappings found" in text:
            lab = f"victory({text.split()[0]} suboptimal in a row)"
        elif "invalid mappings" in text:
            lab = "timeout(invalid in a row)"
        elif "search algorithm is done" in text:
            lab = "exhausted"
        elif "valid mappings found" in text:
            lab = f"search-size({text.split()[0]})"
        else:
            lab = "interrupted"
        if lab not in labels:
            labels.append(lab)
    return "+".join(labels)


def attempt(mapper_bin: str, files: dict, cap: float, folder: Path) -> dict:
    for name, text in files.items():
        (folder / name).write_text(text)
    cmd = ["timeout", "-s", "INT", "-k", "30", f"{cap:g}", mapper_bin, *files]
    env = dict(os.environ, TERM=os.environ.get("TERM") or "xterm")     # simba's live-status uses ncurses
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, env=env)
    wall = round(time.perf_counter() - t0, 3)
    log = proc.stdout + "".join(p.read_text(errors="replace") for p in folder.glob("*.log"))
    threads = re.search(r"Using (?:all available hardware )?threads = (\d+)", log)
    valid = NO_MAPPING not in log.lower() and (folder / KEEP[0]).exists()
    return dict(wall_s=wall, exit_code=proc.returncode, cap_hit=proc.returncode in (124, 137), valid_mapping=valid,
                threads=int(threads.group(1)) if threads else None, search_termination=termination(log),
                mapspace_size=mapspace_size(log))


def mapspace_size(log: str) -> str:
    """'IF=..;Perm=..;Spatial=..;Bypass=..' from the mapper's 'Mapspace Dimension [..] Size' lines."""
    out = []
    for short, dim in (("IF", "IndexFactorization"), ("Perm", "LoopPermutation"), ("Spatial", "Spatial"),
                       ("Bypass", "DatatypeBypass")):
        m = re.search(rf"Mapspace Dimension \[{dim}\] Size: (\d+)", log)
        out.append(f"{short}={m.group(1) if m else '?'}")
    return ";".join(out)


def patch_note(arch: str) -> str:
    """'<setting> -- <its PATCH comment>' of the config line marked '# PATCH' (and its comment lines)."""
    lines = arch.splitlines()
    i = next(i for i, ln in enumerate(lines) if "# PATCH" in ln)
    setting, note = (x.strip() for x in lines[i].split("#", 1))
    for ln in lines[i + 1:]:
        if not ln.strip().startswith("#"):
            break
        note += " " + ln.strip().lstrip("#").strip()
    return f"{' '.join(setting.split())} -- {note}"


def run_case(mapper_bin: str, config: Path, case: str, layer: dict, cap: float, dest: Path) -> dict:
    yaml_format = config.suffix == ".yaml"
    ext = config.suffix
    arch, mapper = split_config(config.read_text(), yaml_format)
    over = {} if os.cpu_count() == THREADS else {"num-threads": THREADS}
    template = (REF / "runs" / config.stem / "c00" / f"problem{ext}").read_text()
    meta = dict(config=config.name, arch=config.stem, case_id=case,
                command=f"timeout -s INT -k 30 {cap:g} timeloop-mapper arch{ext} mapper{ext} problem{ext} < /dev/null",
                cwd=f"runs/{config.stem}/{case}", wall_cap_s=int(cap) if cap == int(cap) else cap, timeloop=VERSION,
                started=time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()), problem=layer["problem"],
                layer={k: layer[k] for k in ("H_in", "kernel", "padding", "stride")}, attempts=[])
    if "# PATCH" in arch:                 # the one line patched in the stock config, with its comment
        meta["arch_patch"] = patch_note(arch)
    for overrides in (over, {**over, **FALLBACK}):
        files = {f"arch{ext}": arch, f"mapper{ext}": with_overrides(mapper, overrides, yaml_format),
                 f"problem{ext}": problem_text(template, layer["problem"])}
        with tempfile.TemporaryDirectory(prefix="heldout-") as tmp:
            a = attempt(mapper_bin, files, cap, Path(tmp))
            a["mapper_overrides"] = overrides
            a["mapper_settings"] = mapper_settings(files[f"mapper{ext}"], yaml_format, a["threads"] or THREADS)
            meta["attempts"].append(a)
            if a["threads"] != THREADS:
                fail(f"{config.stem} {case}: Timeloop used {a['threads']} threads, not {THREADS}")
            if a["valid_mapping"] or overrides != over:
                shutil.rmtree(dest, ignore_errors=True)
                dest.mkdir(parents=True)
                for name in list(files) + (list(KEEP) if a["valid_mapping"] else []):
                    shutil.copy(Path(tmp) / name, dest / name)
        if a["valid_mapping"]:
            break
    meta.update(wall_s=a["wall_s"], exit_code=a["exit_code"], cap_hit=a["cap_hit"], valid_mapping=a["valid_mapping"],
                mapper_overrides=a["mapper_overrides"], threads=THREADS,
                wall_s_failed_attempts=round(sum(x["wall_s"] for x in meta["attempts"][:-1]), 3))
    (dest / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    return meta


def csv_row(folder: Path, meta: dict) -> dict:
    st = parse_stats((folder / KEEP[0]).read_text(), source=str(folder / KEEP[0]))
    text = (folder / KEEP[0]).read_text()
    util = re.search(r"^Utilization: ([\d.]+)", text, re.M).group(1)
    throttled = [f"{lv.name}={lv.stats['Bandwidth throttling']:.2f}" for lv in st.levels
                 if lv.stats.get("Bandwidth throttling", 1) < 1]
    p, lay, last = meta["problem"], meta["layer"], meta["attempts"][-1]
    return dict(case_id=meta["case_id"], mode="paper", arch=f"configs/{meta['config']}", H_in=lay["H_in"],
                C_in=p["C"], C_out=p["K"], kernel=lay["kernel"], padding=lay["padding"], stride=lay["stride"],
                dilation=1, groups=1, G="", **p, cycles=st.compute_cycles, cycles_bw=st.cycles,
                spatial_utilization=st.utilized_macs / st.mac_instances, utilization_bw=util,
                energy_pJ=f"{st.energy_pj:.2f}", maccs=st.macs, mapper_settings=last["mapper_settings"],
                search_termination=last["search_termination"], mapspace_size=last["mapspace_size"],
                wall_s=meta["wall_s"], wall_s_failed_attempts=meta["wall_s_failed_attempts"],
                bw_throttled_levels=";".join(throttled), mapping=compact_map(read_map(folder / KEEP[1])),
                config=meta["arch"])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--layers", type=int, default=20)
    ap.add_argument("--seed", type=int, default=20261130)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--wall-cap-s", type=float, default=600.0)
    ap.add_argument("--resume", action="store_true", help="keep run folders that already have a meta.json")
    a = ap.parse_args(argv)
    if a.layers < 1 or not a.wall_cap_s > 0:
        fail(f"--layers must be >= 1 and --wall-cap-s > 0 (got {a.layers}, {a.wall_cap_s:g})")
    tc = find_toolchain()
    if tc is None:
        fail("timeloop-mapper is not on PATH: these runs need the real Timeloop v1.0 (build NVlabs/timeloop tag v1.0)")
    if a.out.exists() and any(a.out.iterdir()) and not a.resume:
        fail(f"{a.out} is not empty: pass --resume to keep its finished runs, or remove it")
    with open(REF / "reference.csv", newline="") as fh:
        columns = next(csv.reader(fh))
    cases = layers(a.layers, a.seed, reference_keys())
    (a.out / "configs").mkdir(parents=True, exist_ok=True)
    rows = []
    for name in CONFIGS:
        config = shutil.copy(REF / "configs" / name, a.out / "configs" / name)
        for i, layer in enumerate(cases):
            case, dest = f"h{i:02d}", a.out / "runs" / Path(name).stem / f"h{i:02d}"
            meta = json.loads((dest / "meta.json").read_text()) if (dest / "meta.json").exists() and a.resume else None
            if meta is None or meta["problem"] != layer["problem"]:
                meta = run_case(tc.mapper, Path(config), case, layer, a.wall_cap_s, dest)
            print(f"{meta['arch']:13s} {case} {layer['problem']} valid={meta['valid_mapping']} "
                  f"wall={meta['wall_s']}s", flush=True)
            if meta["valid_mapping"]:
                rows.append(csv_row(dest, meta))
    with open(a.out / "reference.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {a.out / 'reference.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
