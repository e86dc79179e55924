"""report.html: self-contained, sections in meeting order, user text escaped; `stratsim report`."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from report_testkit import chart_digests, report_without_stamp, write_sweep_folder

from stratsim.cli import main
from stratsim.errors import ResultsError
from stratsim.report import Section, register_section, write_report
from stratsim.report.results import RUN
from stratsim.report.sections import _REGISTRY, render


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def run_report(small_run, tmp_path_factory):
    import shutil

    folder = shutil.copytree(small_run, tmp_path_factory.mktemp("doc") / "run")
    report = write_report(folder)
    return folder, report, report.path.read_text(encoding="utf-8")


def test_the_report_is_one_self_contained_file(run_report):
    folder, report, html = run_report
    assert report.path == folder / "report.html"
    sources = re.findall(r'\bsrc="([^"]*)"', html)
    assert len(sources) == len(report.charts) == 6
    assert all(source.startswith("data:image/png;base64,") for source in sources)
    assert all(href.startswith("#") for href in re.findall(r'\bhref="([^"]*)"', html))
    assert not re.search(r"https?://|<script|<link|@import|url\(", html)
    assert "@page { size: A4" in html and "@media print" in html


def test_sections_come_in_meeting_order(run_report):
    _, report, html = run_report
    keys = [section.key for section in report.sections]
    assert keys == ["verdict", "kpis", "charts", "assumptions", "reproducibility"]
    positions = [html.index(f'<section id="{key}"') for key in keys]
    assert positions == sorted(positions)
    assert "Does small meet its service levels" in html
    assert "Mean wait" in html and "95 % CI" in html
    assert "horizon" in html and "8 d, of which warm-up 1 d" in html      # the assumptions digest
    summary = json.loads((run_report[0] / "summary.json").read_text())
    assert summary["scenario_sha256"] in html                             # the stamp


def test_every_chart_finding_is_in_the_verdict_and_under_its_chart(run_report):
    _, report, html = run_report
    verdict = html[html.index('<section id="verdict"'):html.index('<section id="kpis"')]
    for chart in report.charts:
        if chart.name != "wait-distribution":   # the SLA lines stand for it there
            assert f'href="#chart-{chart.name}"' in verdict
        assert f'<figure id="chart-{chart.name}">' in html


def test_text_from_files_is_escaped(run_copy):
    manifest = json.loads((run_copy / "manifest.json").read_text())
    manifest["warnings"] = ['desk: <script>alert("x")</script> & more']
    manifest["command"] = ["stratsim", "run", "<b>odd name</b>.yaml"]
    (run_copy / "manifest.json").write_text(json.dumps(manifest))
    html = write_report(run_copy).path.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in html
    assert "<b>odd name</b>" not in html and "&lt;b&gt;odd name&lt;/b&gt;" in html


def test_redrawing_replaces_the_charts_it_drew_and_keeps_other_files(run_copy):
    (run_copy / "charts").mkdir(exist_ok=True)
    (run_copy / "charts" / "stale.png").write_bytes(b"old")
    (run_copy / "charts" / "notes.txt").write_text("mine")
    report = write_report(run_copy)
    names = sorted(p.name for p in (run_copy / "charts").iterdir())
    assert "stale.png" not in names and "notes.txt" in names
    assert len([n for n in names if n.endswith(".svg")]) == len(report.charts)


def test_a_later_capability_adds_its_own_section(run_copy):
    @register_section(RUN, order=40)
    def staffing(results, charts):
        return Section("staffing", "Staffing", render("verdict.html.j2", question="q?", verdict="Add one agent",
                                                       findings=[], warnings=[]))
    try:
        report = write_report(run_copy)
        assert [s.key for s in report.sections] == ["verdict", "kpis", "charts", "staffing", "assumptions",
                                                    "reproducibility"]
        assert "Add one agent" in report.path.read_text(encoding="utf-8")
    finally:
        _REGISTRY[RUN] = [entry for entry in _REGISTRY[RUN] if entry[1] is not staffing]


def test_report_command_redraws_any_results_folder(run_copy):
    (run_copy / "report.html").unlink(missing_ok=True)
    result = invoke("report", run_copy)
    assert result.exit_code == 0, result.output
    assert (run_copy / "report.html").exists() and "6 charts in" in result.output


def test_report_command_on_a_sweep(tmp_path):
    folder = write_sweep_folder(tmp_path / "sweep", ["services.helpdesk.staff"], [[4], [5]],
                                {"profit": [(1.0, 0.5, 1.5), (2.0, 1.5, 2.5)]})
    result = invoke("report", folder, "--kpi", "profit")
    assert result.exit_code == 0, result.output
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "How do helpdesk-baseline&#39;s KPIs respond to services.helpdesk.staff?" in html


def test_a_path_that_looks_like_markup_is_printed_as_it_is(tmp_path):
    folder = tmp_path / "[/]odd[bold]"
    result = invoke("report", folder)
    assert result.exit_code == 2 and f"{folder}: no such folder" in result.output


@pytest.mark.parametrize("case", ["empty", "missing", "bad json", "kpi on a run"])
def test_report_command_refuses_what_is_not_a_result_with_exit_2(case, tmp_path, small_run):
    args = []
    folder = tmp_path / "f"
    if case == "empty":
        folder.mkdir()
        words = "holds no stratsim result"
    elif case == "missing":
        words = "no such folder"
    elif case == "bad json":
        folder.mkdir()
        (folder / "summary.json").write_text("{not json")
        words = "not valid JSON"
    else:
        folder, args, words = small_run, ["--kpi", "profit"], "applies to sweep results"
    result = invoke("report", folder, *args)
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output
    if case == "empty":
        assert list(folder.iterdir()) == []


def test_load_errors_are_results_errors(tmp_path):
    (tmp_path / "comparison.json").write_text(json.dumps({"baseline": "x", "scenarios": {}}))
    with pytest.raises(ResultsError, match="not a stratsim comparison"):
        write_report(tmp_path)


def test_charts_drawn_in_worker_processes_are_the_same_files(small_run, tmp_path, monkeypatch):
    """Two processes drawing the charts give the files one process gives, byte for byte, and
    the same report apart from its time stamp."""
    import os
    import shutil

    from stratsim.report import charts

    savers = tmp_path / "savers.txt"
    real_save_all = charts.save_all

    def noting_save_all(drawings, folder):   # forked workers inherit the patch
        with open(savers, "a", encoding="utf-8") as handle:
            handle.write(f"{os.getpid()}\n")
        return real_save_all(drawings, folder)

    monkeypatch.setattr(charts, "save_all", noting_save_all)

    def drawn(workers: int) -> tuple[dict[str, str], str]:
        folder = shutil.copytree(small_run, tmp_path / f"workers-{workers}")
        write_report(folder, workers=workers)
        return chart_digests(folder), report_without_stamp(folder)

    serial = drawn(1)
    assert set(savers.read_text().split()) == {str(os.getpid())}
    savers.unlink()
    parallel = drawn(2)
    assert str(os.getpid()) not in savers.read_text().split()   # drawn in the workers
    assert len(serial[0]) >= 4 and serial == parallel
