"""`search` names its LUT `--db` like every other command; the old `--lut` still works."""
import argparse

import pytest

from nas.config import add_arguments, config_from_args


@pytest.mark.parametrize("flag", ["--db", "--lut"])
def test_search_takes_db_and_the_old_lut_name(flag, tmp_path):
    p = argparse.ArgumentParser()
    add_arguments(p)
    args = p.parse_args(["--arch", "c64x", flag, str(tmp_path / "x.db")])
    assert config_from_args(args).lut == str(tmp_path / "x.db")
    assert "--db DB, --lut DB" in p.format_help()
