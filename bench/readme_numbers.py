"""Docs are outputs: regenerate or check every generated block of README.md and docs/*.md.

A generated block is the text between two markers; the first names the command that prints it:

    <!-- begin: COMMAND -->            re-run and compared by tests/test_readme_numbers.py (fast)
    <!-- begin slow: COMMAND -->       the same, in a test marked slow (the command takes > ~20 s)
    <!-- begin real_tools(T1,T2): COMMAND -->   needs tools the tests lack (timeloop-mapper, a DARTS
                                       clone, ZigZag, NNI): the stored text is re-checked by a
                                       `-m real_tools` test where every T is on PATH or an environment
                                       variable of that name is set; its end marker holds a checksum
    <!-- begin measured: COMMAND -->   a timing of this machine: never re-run by a test; its end marker
                                       holds a checksum of the stored text, so a hand edit fails a test
    ...the command's standard output...
    <!-- end -->                       (or `<!-- end sha256:HEX -->` for real_tools / measured)

COMMAND runs in bash from the repository root with this checkout first on PYTHONPATH, a fresh per-user
cache (so the default LUT is a fresh copy of the shipped one) and a fresh config folder. If a block's
stored text is one fenced code block, the output goes inside that fence; otherwise it is the block.
Files a command writes under docs/ (pictures) are part of its output: the check runs the command in a
scratch copy of the tree whose docs/ starts empty and compares each file it wrote with the checked-in
one (PNG pixel by pixel). Commands must not contain `-->`.

    python bench/readme_numbers.py --write            # regenerate every block and picture (the ONE command)
    python bench/readme_numbers.py --write --kinds fast,slow   # only what runs here (default: all but real_tools
                                                      # blocks whose tools are missing, which are left as they are)
    python bench/readme_numbers.py --check            # exit 1 with a diff when a block differs
    python bench/readme_numbers.py --list             # every block: file, line, kind, command
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("fast", "slow", "real_tools", "measured")
BEGIN = re.compile(r"^<!-- begin(?: (?P<kind>[a-z_]+)(?:\((?P<tools>[^)]*)\))?)?: (?P<cmd>.+?) -->$")
END = re.compile(r"^<!-- end(?: sha256:(?P<sum>[0-9a-f]{16}))? -->$")
TIMEOUT_S = 1800


@dataclass
class Block:
    path: Path          # the markdown file
    line: int           # 1-based line of the begin marker
    kind: str
    tools: tuple
    command: str
    text: str           # the stored text between the markers (with its trailing newline)
    checksum: str | None

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def fence(self) -> tuple[str, str] | None:
        lines = self.text.splitlines()
        if len(lines) >= 2 and lines[0].startswith("```") and lines[-1] == "```":
            return lines[0], lines[-1]
        return None

    def render(self, output: str) -> str:
        """The block's text for `output` (inside the block's fence, if it has one)."""
        body = output.rstrip("\n") + "\n" if output.strip() else ""
        fence = self.fence
        return f"{fence[0]}\n{body}{fence[1]}\n" if fence else body

    def tools_missing(self) -> list:
        return [t for t in self.tools if shutil.which(t) is None and not os.environ.get(t)]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def doc_files() -> list:
    return [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))


def parse(path: Path) -> list:
    """Every generated block of one markdown file; a malformed marker is an error naming its line."""
    blocks, lines, i = [], path.read_text().splitlines(keepends=True), 0
    while i < len(lines):
        m = BEGIN.match(lines[i].rstrip("\n"))
        if lines[i].startswith("<!-- begin") and not m:
            raise SystemExit(f"error: {path.name}:{i + 1}: malformed begin marker {lines[i].strip()!r}")
        if not m:
            i += 1
            continue
        kind = m["kind"] or "fast"
        if kind not in KINDS:
            raise SystemExit(f"error: {path.name}:{i + 1}: unknown block kind {kind!r} (use one of {KINDS})")
        j = i + 1
        while j < len(lines) and not lines[j].startswith("<!-- end"):
            if lines[j].startswith("<!-- begin"):
                raise SystemExit(f"error: {path.name}:{j + 1}: block of line {i + 1} not closed before this one")
            j += 1
        end = END.match(lines[j].rstrip("\n")) if j < len(lines) else None
        if end is None:
            raise SystemExit(f"error: {path.name}:{i + 1}: block has no `<!-- end -->` marker")
        tools = tuple(t.strip() for t in (m["tools"] or "").split(",") if t.strip())
        blocks.append(Block(path, i + 1, kind, tools, m["cmd"], "".join(lines[i + 1:j]), end["sum"]))
        i = j + 1
    return blocks


def all_blocks() -> list:
    return [b for f in doc_files() for b in parse(f)]


def _env(scratch: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COSTMODEL_")}
    env.update(PYTHONPATH=f"{ROOT}{os.pathsep}{env['PYTHONPATH']}" if env.get("PYTHONPATH") else str(ROOT),
               XDG_CACHE_HOME=str(scratch / "cache"), COSTMODEL_CONFIG_DIR=str(scratch / "config"),
               MPLBACKEND="Agg", PYTHONHASHSEED="0")
    return env


def run(block: Block, *, in_place: bool) -> tuple[str, dict]:
    """(the command's stdout, {docs-relative path: bytes} of the files it wrote under docs/).
    in_place: run in the checkout (pictures land in docs/); else in a scratch tree with an empty docs/."""
    with tempfile.TemporaryDirectory(prefix="readme-numbers-") as tmp:
        scratch = Path(tmp)
        cwd = ROOT
        if not in_place:
            cwd = scratch / "tree"
            cwd.mkdir()
            for entry in ROOT.iterdir():
                if entry.name not in ("docs", ".git"):
                    (cwd / entry.name).symlink_to(entry)
            (cwd / "docs").mkdir()
        out = subprocess.run(["bash", "-o", "pipefail", "-c", block.command], cwd=cwd, env=_env(scratch),
                             capture_output=True, text=True, timeout=TIMEOUT_S)
        if out.returncode != 0:
            raise RuntimeError(f"{block.where}: `{block.command}` exited {out.returncode}:\n{out.stderr[-3000:]}")
        files = {} if in_place else {p.relative_to(cwd).as_posix(): p.read_bytes()
                                     for p in sorted((cwd / "docs").rglob("*")) if p.is_file()}
        return out.stdout, files


def same_file(rel: str, data: bytes) -> bool:
    """A regenerated docs/ file equals the checked-in one (PNG: same pixels; else same bytes)."""
    mine = ROOT / rel
    if not mine.exists():
        return False
    if rel.endswith(".png"):
        import io

        import numpy as np
        from matplotlib import image
        a, b = image.imread(mine), image.imread(io.BytesIO(data))
        return a.shape == b.shape and bool(np.array_equal(a, b))
    return mine.read_bytes() == data


def check(block: Block) -> list:
    """Problems of one block (empty: it is what its command gives now)."""
    if block.kind in ("measured", "real_tools") and block.checksum != digest(block.text):
        return [f"{block.where}: the stored text of this {block.kind} block was edited by hand (checksum "
                f"differs): regenerate it with `python bench/readme_numbers.py --write`"]
    if block.kind == "measured" or (block.kind == "real_tools" and block.tools_missing()):
        return []
    stdout, files = run(block, in_place=False)
    problems = []
    want = block.render(stdout)
    if want != block.text:
        diff = "".join(difflib.unified_diff(block.text.splitlines(True), want.splitlines(True), "README (stored)",
                                            "command (now)"))
        problems.append(f"{block.where}: `{block.command}` now prints something else:\n{diff}")
    problems += [f"{block.where}: `{block.command}` draws {rel} differently from the checked-in file"
                 for rel, data in files.items() if not same_file(rel, data)]
    return problems


def write(kinds: set, only: str | None) -> int:
    """Run the chosen blocks' commands, then put their outputs into the files (read again at the end, so edits
    made meanwhile elsewhere in a file are kept; a block is found again by its begin marker's command)."""
    changed = 0
    for path in doc_files():
        outputs = {}
        for block in parse(path):
            if block.kind not in kinds or (only and only not in block.command):
                continue
            if block.kind == "real_tools" and block.tools_missing():
                print(f"skip {block.where}: needs {', '.join(block.tools_missing())}", file=sys.stderr)
                continue
            print(f"run  {block.where}: {block.command}", file=sys.stderr)
            outputs[(block.kind, block.command)] = block.render(run(block, in_place=True)[0])
        if not outputs:
            continue
        lines = path.read_text().splitlines(keepends=True)
        for block in reversed(parse(path)):          # bottom-up: earlier line numbers stay valid
            new = outputs.get((block.kind, block.command))
            if new is None:
                continue
            end = f"<!-- end sha256:{digest(new)} -->" if block.kind in ("measured", "real_tools") else "<!-- end -->"
            j = block.line + block.text.count("\n")   # 0-based index of the end marker
            changed += new != block.text or lines[j].rstrip("\n") != end
            lines[block.line:j + 1] = [new, end + "\n"]
        path.write_text("".join(lines))
    return changed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate the blocks in place")
    mode.add_argument("--check", action="store_true", help="exit 1 when a block differs from its command")
    mode.add_argument("--list", action="store_true", help="list the blocks")
    ap.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds to handle (default: all)")
    ap.add_argument("--only", help="only blocks whose command contains this text")
    args = ap.parse_args(argv)
    kinds = set(args.kinds.split(","))
    if args.list:
        for b in all_blocks():
            print(f"{b.where:24} {b.kind + ('(' + ','.join(b.tools) + ')' if b.tools else ''):28} {b.command}")
        return 0
    if args.write:
        print(f"readme_numbers: {write(kinds, args.only)} block(s) changed")
        return 0
    problems = [p for b in all_blocks() if b.kind in kinds and not (args.only and args.only not in b.command)
                for p in check(b)]
    print("\n".join(problems) or "readme_numbers: every block is what its command prints")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
