"""``stratsim graph`` end to end, and every portfolio validation error through the command line:
exit 2, the service or cycle named, no traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from stratsim.cli import main
from tests.conftest import write
from tests.portfolio.portfolio_testkit import PORTFOLIO_YAML, dump, portfolio_data, service
from tests.report.report_testkit import make_run_folder


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def portfolio_file(tmp_path):
    return write(tmp_path, "portfolio.yaml", PORTFOLIO_YAML)


def test_graph_prints_services_dependencies_and_impact(portfolio_file):
    result = invoke("graph", portfolio_file)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Portfolio portfolio: 5 services, 4 dependencies" in out
    assert ("portal: customer-facing, catalogue, staff 3; depends on identity 50 % blocking, "
            "storage 30 % async") in out
    assert "  network: helpdesk, identity, portal\n" in out
    assert "identity: helpdesk, portal depend on it" in out
    assert "helpdesk: load 2 Erlangs on 2 staff (100 %), overloaded" in out
    assert "(customers of portal wait for it)" in out
    assert "draw it with --out FILE.png" in out


def test_graph_draws_a_png(portfolio_file, tmp_path):
    picture = tmp_path / "portfolio.png"
    result = invoke("graph", portfolio_file, "--out", picture)
    assert result.exit_code == 0, result.output
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"picture: {picture}" in result.output


def test_graph_colours_by_a_run(portfolio_file, tmp_path):
    run, _ = make_run_folder(tmp_path / "run", portfolio_file, replications=2)
    result = invoke("graph", portfolio_file, "--results", run, "--out", tmp_path / "busy.png")
    assert result.exit_code == 0, result.output
    assert "% busy in the run" in result.output
    waits = invoke("graph", portfolio_file, "--results", run, "--colour", "wait_mean_min")
    assert waits.exit_code == 0 and "min in the run" in waits.output


@pytest.mark.parametrize("args, words", [
    (["--out", "picture.jpg"], "ending in .png"),
    (["--results", "nowhere"], "no such folder"),
])
def test_graph_option_errors_exit_2(portfolio_file, tmp_path, args, words):
    result = invoke("graph", portfolio_file, *[tmp_path / a if a.startswith(("p", "n")) else a for a in args])
    assert result.exit_code == 2 and words in result.output
    assert isinstance(result.exception, SystemExit)


def _cycle(data):
    service(data, "identity")["depends_on"][0]["mode"] = "blocking"
    service(data, "network")["depends_on"] = [{"service": "portal", "share": 0.1, "mode": "blocking"}]


def _unknown(data):
    service(data, "helpdesk")["depends_on"][0]["service"] = "idp"


def _self(data):
    service(data, "storage")["depends_on"] = [{"service": "storage", "share": 0.5}]


def _retired(data):
    service(data, "storage")["status"] = "retired"


def _before_launch(data):
    service(data, "identity").update(status="pipeline", launch="3d")


ERRORS = [
    (_cycle, "services[portal].depends_on[identity].mode",
     "cycle of blocking dependencies: portal → identity → network → portal"),
    (_unknown, "services[helpdesk].depends_on[idp].service", 'unknown service "idp"'),
    (_self, "services[storage].depends_on[storage].service", 'service "storage" depends on itself'),
    (_retired, "services[portal].depends_on[storage].service",
     'service "portal" depends on retired service "storage"'),
    (_before_launch, "services[helpdesk].depends_on[identity].service",
     'pipeline service "identity", which launches only at 72h'),
]


@pytest.mark.parametrize("command", ["validate", "graph", "run"])
@pytest.mark.parametrize("edit, path, message", ERRORS, ids=[e[0].__name__[1:] for e in ERRORS])
def test_every_portfolio_error_exits_2_located_without_a_traceback(tmp_path, command, edit, path, message):
    data = portfolio_data()
    edit(data)
    scenario = write(tmp_path, "portfolio.yaml", dump(data))
    result = invoke(command, scenario, *(["--out", tmp_path / "out"] if command == "run" else []))
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    line = next(line for line in result.output.splitlines() if path in line)
    assert line.startswith(f"error {scenario}:") and message in line
    assert not (tmp_path / "out").exists()
