"""Output folder policy and atomic commits."""

from datetime import datetime

import pytest

from stratsim.errors import OutputError
from stratsim.runner.output import abandon, commit, link_latest, plan_output

NOW = datetime(2026, 11, 27, 9, 30, 0)


def finish(plan, text="{}"):
    (plan.staging / "summary.json").write_text(text)
    (plan.staging / "manifest.json").write_text("{}")
    target = commit(plan)
    link_latest(plan)
    return target


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


def test_runs_started_in_the_same_second_get_their_own_folders(tmp_path):
    first = plan_output("desk", root=tmp_path, now=NOW)
    second = plan_output("desk", root=tmp_path, now=NOW)   # before the first has committed
    assert first.target != second.target
    assert finish(second, "2") != finish(first, "1")
    assert sorted(p.name for p in (tmp_path / "desk").iterdir()) == [
        "20261127-093000", "20261127-093000-2", "latest"]


def test_a_result_written_meanwhile_is_not_overwritten(tmp_path):
    first = plan_output("desk", out=tmp_path / "o")
    second = plan_output("desk", out=tmp_path / "o")       # empty when checked
    finish(first, "first")
    with pytest.raises(OutputError, match="meanwhile"):
        finish(second, "second")
    assert (tmp_path / "o" / "summary.json").read_text() == "first"
    assert [p.name for p in (tmp_path / "o").iterdir() if p.name.startswith(".")] == []


def test_out_may_be_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from pathlib import Path

    target = finish(plan_output("desk", out=Path(".")))
    assert (tmp_path / "summary.json").exists() and target == Path(".")


def test_force_through_a_symlink_keeps_the_link(tmp_path):
    real = tmp_path / "real"
    finish(plan_output("desk", out=real), "old")
    link = tmp_path / "link"
    link.symlink_to(real)
    finish(plan_output("desk", out=link, force=True), "new")
    assert link.is_symlink() and (real / "summary.json").read_text() == "new"


def test_an_existing_empty_folder_is_kept_with_its_permissions(tmp_path):
    import stat

    out = tmp_path / "shared"
    out.mkdir(mode=0o750)
    out.chmod(0o750)
    finish(plan_output("desk", out=out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o750


def test_a_killed_run_s_staging_folder_does_not_make_a_folder_non_empty(tmp_path):
    out = tmp_path / "o"
    (out / ".stratsim-partial-dead").mkdir(parents=True)
    assert (finish(plan_output("desk", out=out)) / "manifest.json").exists()


def test_force_replaces_only_stratsim_files(tmp_path):
    out = tmp_path / "o"
    finish(plan_output("desk", out=out), "old")
    (out / "timeseries.csv").write_text("old series")
    (out / "notes.txt").write_text("mine")
    plan = plan_output("desk", out=out, force=True)
    (plan.staging / "summary.json").write_text("new")
    (plan.staging / "manifest.json").write_text("{}")
    commit(plan)
    assert (out / "notes.txt").read_text() == "mine"
    assert not (out / "timeseries.csv").exists()       # the old run's, not this one's
    assert (out / "summary.json").read_text() == "new"


def test_a_commit_in_progress_elsewhere_is_not_interleaved(tmp_path):
    plan = plan_output("desk", out=tmp_path / "o")
    (tmp_path / "o" / ".stratsim-commit.lock").write_text("12345")   # another run moving in
    (plan.staging / "manifest.json").write_text("{}")
    with pytest.raises(OutputError, match="another run is writing"):
        commit(plan)
    assert not (tmp_path / "o" / "manifest.json").exists()
    assert not list((tmp_path / "o").glob(".stratsim-partial-*"))


def test_abandon_removes_every_folder_the_run_created(tmp_path):
    plan = plan_output("desk", out=tmp_path / "new" / "nested deep" / "x")
    abandon(plan)
    assert list(tmp_path.iterdir()) == []


def test_an_abandoned_run_with_its_charts_drawn_leaves_nothing(tmp_path):
    plan = plan_output("desk", tmp_path / "o")
    (plan.staging / "summary.json").write_text("{}")
    (plan.staging / "charts").mkdir()
    (plan.staging / "charts" / "money.png").write_bytes(b"png")
    abandon(plan)
    assert not (tmp_path / "o").exists()


def test_a_committed_run_brings_its_charts_folder(tmp_path):
    plan = plan_output("desk", tmp_path / "o")
    (plan.staging / "manifest.json").write_text("{}")
    (plan.staging / "charts").mkdir()
    (plan.staging / "charts" / "money.png").write_bytes(b"png")
    target = commit(plan)
    assert sorted(p.name for p in target.iterdir()) == ["charts", "manifest.json"]
    assert (target / "charts" / "money.png").read_bytes() == b"png"
