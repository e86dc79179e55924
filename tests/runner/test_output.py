"""Output folder policy and atomic commits."""

from datetime import datetime

import pytest

from stratsim.errors import OutputError
from stratsim.runner.output import abandon, commit, plan_output

NOW = datetime(2026, 11, 27, 9, 30, 0)


def finish(plan, text="{}"):
    (plan.staging / "summary.json").write_text(text)
    (plan.staging / "manifest.json").write_text("{}")
    return commit(plan)


def test_default_folder_is_timestamped_with_latest_link_and_never_overwrites(tmp_path):
    first = finish(plan_output("desk", root=tmp_path, now=NOW), "1")
    second = finish(plan_output("desk", root=tmp_path, now=NOW), "2")
    assert first.name == "20261127-093000" and second.name == "20261127-093000-2"
    assert (first / "summary.json").read_text() == "1"
    latest = tmp_path / "desk" / "latest"
    assert latest.is_symlink() and (latest / "summary.json").read_text() == "2"


def test_explicit_out_may_be_new_or_empty(tmp_path):
    target = finish(plan_output("desk", out=tmp_path / "new"))
    assert (target / "summary.json").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert (finish(plan_output("desk", out=empty)) / "summary.json").exists()


def test_earlier_result_refused_unless_forced(tmp_path):
    out = tmp_path / "run"
    finish(plan_output("desk", out=out), "old")
    with pytest.raises(OutputError, match="--force"):
        plan_output("desk", out=out)
    finish(plan_output("desk", out=out, force=True), "new")
    assert (out / "summary.json").read_text() == "new"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_non_empty_folder_without_result_is_refused_even_forced(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="no stratsim result"):
        plan_output("desk", out=tmp_path, force=True)


def test_abandoned_run_leaves_no_result(tmp_path):
    plan = plan_output("desk", out=tmp_path / "x")
    (plan.staging / "summary.json").write_text("{}")
    abandon(plan)
    assert not (tmp_path / "x").exists()
    assert list(tmp_path.iterdir()) == []


def test_result_folder_gets_ordinary_permissions(tmp_path):
    import os
    import stat

    target = finish(plan_output("desk", out=tmp_path / "x"))
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o777 & ~mask
