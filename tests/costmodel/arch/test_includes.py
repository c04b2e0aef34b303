"""libconfig @include is confined and inert (issue 25 item 2): read only from the config's folder (unless
allowed), never inside strings or comments, regular files only, bounded depth and size; no message, copy or
spec field carries included text beyond what the format defines."""
from __future__ import annotations

import os

import pytest
from conftest import run_cli

from costmodel.arch.formats import libconfig
from costmodel.arch.reader import arch_text
from costmodel.arch.registry import load_arch
from costmodel.errors import CostModelError
from costmodel.resources import reference_dir

EYERISS = (reference_dir() / "timeloop-v1.0-configs" / "configs" / "eyeriss-1024.cfg").read_text()
SECRET = "root:$6$s3cr3tHash:19000:0:99999:7:::"


@pytest.fixture
def folders(tmp_path):
    """cfg/ (the config's folder) and outside/secret.txt beside it."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text(SECRET + "\n")
    (tmp_path / "cfg").mkdir()
    return tmp_path / "cfg", tmp_path / "outside" / "secret.txt"


def _split_cfg(folder, include_line: str, inc_name="mapper.inc"):
    head, sep, tail = EYERISS.partition("mapper =")
    (folder / inc_name).write_text(sep + tail)
    (folder / "chip.cfg").write_text(head + include_line + "\n")
    return folder / "chip.cfg"


def _refused(path, words, **kw):
    with pytest.raises(CostModelError) as e:
        load_arch(str(path), **kw)
    msg = str(e.value)
    assert words in msg and "\n" not in msg and "s3cr3t" not in msg, msg
    return msg


def test_an_include_in_the_folder_is_inlined(folders):
    folder, _ = folders
    path = _split_cfg(folder, '@include "mapper.inc"')
    assert "@include" not in arch_text(path) and "mapper =" in arch_text(path)
    assert load_arch(str(path)).mapper["timeloop"]


@pytest.mark.parametrize("target", ["../outside/secret.txt", "ABSOLUTE"])
def test_an_include_outside_the_folder_is_refused_without_reading_it(folders, target):
    folder, secret = folders
    target = str(secret) if target == "ABSOLUTE" else target
    path = _split_cfg(folder, f'@include "{target}"')
    _refused(path, "outside the config's folder")


def test_a_symlink_out_of_the_folder_is_refused(folders):
    folder, secret = folders
    os.symlink(secret, folder / "link.inc")
    _refused(_split_cfg(folder, '@include "link.inc"'), "outside the config's folder")


def test_the_switch_allows_outside_and_the_content_never_echoes(folders, monkeypatch):
    folder, secret = folders
    path = _split_cfg(folder, f'@include "{secret}"')
    msg = _refused(path, "not valid libconfig", allow_include_outside=True)     # shadow-like text: a parse error
    assert "line 1, column" in msg
    monkeypatch.setenv("COSTMODEL_ALLOW_INCLUDE_OUTSIDE", "1")
    _refused(path, "not valid libconfig")


def test_only_regular_files(folders):
    folder, _ = folders
    (folder / "sub").mkdir()
    _refused(_split_cfg(folder, '@include "sub"'), "not a regular file")
    os.mkfifo(folder / "pipe")
    _refused(_split_cfg(folder, '@include "pipe"'), "not a regular file")     # never opened: no hang


def test_depth_and_size_are_capped(folders, monkeypatch):
    folder, _ = folders
    for i in range(libconfig.MAX_DEPTH + 1):
        (folder / f"d{i}.inc").write_text(f'@include "d{i + 1}.inc"\n')
    (folder / f"d{libconfig.MAX_DEPTH + 1}.inc").write_text("")
    _refused(_split_cfg(folder, '@include "d0.inc"'), f"nest deeper than {libconfig.MAX_DEPTH}")
    (folder / "self.inc").write_text('@include "self.inc"\n')
    _refused(_split_cfg(folder, '@include "self.inc"'), "circular @include")
    monkeypatch.setattr(libconfig, "MAX_TOTAL_BYTES", 1000)
    _refused(_split_cfg(folder, '@include "mapper.inc"'), "exceed 1,000 bytes")


def test_an_include_inside_a_string_or_a_comment_is_inert(folders, tmp_path, monkeypatch):
    """Issue 25's repro: `name = "` + an @include line: the MAC's name is the literal text, not the secret;
    the registered copy holds no secret either. A commented-out include is a comment."""
    folder, _ = folders
    (folder / "secret.txt").write_text(SECRET + "\n")
    text = EYERISS.replace('=   "MACs";', '= "\n@include \\"secret.txt\\"\n";', 1)
    assert text != EYERISS
    (folder / "leaky.cfg").write_text(text)
    spec = load_arch(str(folder / "leaky.cfg"))
    assert "s3cr3t" not in str(spec.to_dict()) and '@include "secret.txt"' in spec.mac.name
    exact = EYERISS.replace('=   "MACs";', '= "\n@include "secret.txt"\n";', 1)      # the repro's unescaped form
    (folder / "exact.cfg").write_text(exact)
    _refused(folder / "exact.cfg", "not valid libconfig")          # the string ends at @include "; then junk
    (folder / "commented.cfg").write_text(EYERISS + '# @include "secret.txt"\n/* @include "secret.txt" */\n')
    assert "s3cr3t" not in arch_text(folder / "commented.cfg")
    monkeypatch.setenv("COSTMODEL_CONFIG_DIR", str(tmp_path / "config"))
    from costmodel.arch.store import add
    u, _, _ = add(folder / "leaky.cfg", "leaky")
    assert "s3cr3t" not in u.file.read_text()


def test_cli_refuses_an_escaping_include_with_one_line(folders, tmp_path):
    folder, _ = folders
    path = _split_cfg(folder, '@include "../../../../../../etc/passwd"')
    env = {"COSTMODEL_CONFIG_DIR": str(tmp_path / "config")}
    p = run_cli("archs", "--add", path, "--name", "x", env=env)
    assert p.returncode == 2 and p.stderr.startswith("error: ") and p.stderr.count("\n") == 1
    assert "outside the config's folder" in p.stderr and "root:" not in p.stderr
    assert not (tmp_path / "config" / "archs" / "x").exists()


def test_allow_include_outside_is_an_explicit_switch_of_archs_add(cli, folders, tmp_path):
    folder, _ = folders
    path = _split_cfg(folder, '@include "../outside/mapper.inc"')
    (folder / "mapper.inc").rename(tmp_path / "outside" / "mapper.inc")
    env = {"COSTMODEL_CONFIG_DIR": str(tmp_path / "config")}
    refused = cli("archs", "--add", path, "--name", "x", env=env)
    assert refused.returncode == 2 and "outside the config's folder" in refused.stderr
    ok = cli("archs", "--add", path, "--name", "x", "--allow-include-outside", env=env)
    assert ok.returncode == 0, ok.stderr
    assert "mapper =" in (tmp_path / "config" / "archs" / "x" / "x.cfg").read_text()     # inlined: stands alone
    assert cli("archs", "--allow-include-outside").returncode == 2                          # only with --add


def test_old_import_path_still_resolves():
    from costmodel.arch import load_arch as old
    assert old is load_arch
