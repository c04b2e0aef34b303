"""Docs are outputs: every generated block of README.md and docs/*.md is what its command prints now
(bench/readme_numbers.py; regenerate them all with `python bench/readme_numbers.py --write`)."""
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("readme_numbers", ROOT / "bench" / "readme_numbers.py")
rn = importlib.util.module_from_spec(_spec)
sys.modules["readme_numbers"] = rn              # dataclasses look their module up while the class is made
_spec.loader.exec_module(rn)

BLOCKS = rn.all_blocks()


def _param(b):
    marks = {"slow": [pytest.mark.slow], "real_tools": [pytest.mark.real_tools]}.get(b.kind, [])
    return pytest.param(b, id=f"{b.where}-{b.kind}", marks=marks)


def test_the_readme_has_generated_blocks_of_every_kind_used():
    kinds = {b.kind for b in BLOCKS}
    assert {"fast", "slow"} <= kinds, kinds
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("block", [_param(b) for b in BLOCKS])
def test_block_is_what_its_command_prints(block):
    if block.kind == "real_tools" and block.tools_missing():
        assert block.checksum == rn.digest(block.text), rn.check(block)
        pytest.skip(f"needs {', '.join(block.tools_missing())} (stored text checked against its checksum)")
    problems = rn.check(block)
    assert not problems, "\n".join(problems)


def test_a_hand_edited_number_fails(tmp_path):
    """The check itself can fail: change one digit of a fast block and of a checksummed block."""
    fast = next(b for b in BLOCKS if b.kind == "fast" and any(c.isdigit() for c in b.text))
    i = next(i for i, c in enumerate(fast.text) if c.isdigit())
    edited = rn.Block(**{**fast.__dict__, "text": fast.text[:i] + str((int(fast.text[i]) + 1) % 10) + fast.text[i + 1:]})
    problems = rn.check(edited)
    assert problems and "now prints something else" in problems[0]
    summed = [b for b in BLOCKS if b.kind in ("measured", "real_tools")]
    for b in summed:
        assert not rn.check(rn.Block(**{**b.__dict__, "kind": "measured"})), b.where   # checksum as stored
        j = next(i for i, c in enumerate(b.text) if c.isdigit())
        bad = rn.Block(**{**b.__dict__, "kind": "measured", "text": b.text[:j] + "0" + b.text[j:]})
        assert "edited by hand" in rn.check(bad)[0]


def test_markers_are_parsed_strictly(tmp_path):
    md = tmp_path / "x.md"
    md.write_text("a\n<!-- begin: echo 1 -->\n1\n<!-- end -->\n<!-- begin bogus: echo 2 -->\n<!-- end -->\n")
    with pytest.raises(SystemExit, match="unknown block kind 'bogus'"):
        rn.parse(md)
    md.write_text("<!-- begin: echo 1 -->\n1\n")
    with pytest.raises(SystemExit, match="no `<!-- end -->`"):
        rn.parse(md)
    md.write_text("```text\nold\n```\n")
    fenced = rn.Block(md, 1, "fast", (), "echo new", "```text\nold\n```\n", None)
    assert fenced.render("new\n") == "```text\nnew\n```\n"
