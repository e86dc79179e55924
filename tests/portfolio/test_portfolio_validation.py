"""Portfolio validation: each error located at the value at fault, all in one pass."""

from __future__ import annotations

from stratsim.portfolio.validation import portfolio_findings
from stratsim.scenario import load_scenario_text

from tests.portfolio.portfolio_testkit import (
    PORTFOLIO_YAML,
    dump,
    issues_of,
    one_issue,
    portfolio_data,
    service,
)

HELPDESK_IDENTITY = "services[helpdesk].depends_on[identity].service"


def test_the_example_portfolio_is_valid():
    assert load_scenario_text(PORTFOLIO_YAML).name == "portfolio"
    assert portfolio_findings(portfolio_data()) == []


def test_unknown_service_with_a_did_you_mean():
    data = portfolio_data()
    service(data, "helpdesk")["depends_on"][0]["service"] = "identiy"
    issue = one_issue(issues_of(data), "services[helpdesk].depends_on[identiy].service",
                      'unknown service "identiy"', 'did you mean "identity"')
    lines = dump(data).splitlines()
    assert "service: identiy" in lines[issue.line - 1]


def test_self_dependency():
    data = portfolio_data()
    service(data, "storage")["depends_on"] = [{"service": "storage", "share": 0.1}]
    one_issue(issues_of(data), "services[storage].depends_on[storage].service",
              'service "storage" depends on itself')


def test_a_cycle_of_blocking_edges_is_named_in_full():
    data = portfolio_data()
    service(data, "identity")["depends_on"][0]["mode"] = "blocking"
    service(data, "network")["depends_on"] = [{"service": "portal", "share": 0.1, "mode": "blocking"}]
    issue = one_issue(issues_of(data), "services[portal].depends_on[identity].mode",
                      "cycle of blocking dependencies")
    assert "portal → identity → network → portal" in issue.message


def test_the_same_cycle_through_an_async_edge_is_allowed():
    data = portfolio_data()
    service(data, "network")["depends_on"] = [{"service": "portal", "share": 0.1, "mode": "blocking"}]
    assert portfolio_findings(data) == []   # identity → network is async: nobody waits in a circle


def test_a_live_service_depending_on_a_retired_one():
    data = portfolio_data()
    service(data, "storage")["status"] = "retired"
    one_issue(issues_of(data), "services[portal].depends_on[storage].service",
              'service "portal" depends on retired service "storage"')


def test_a_retired_service_may_depend_on_a_retired_one():
    data = portfolio_data()
    service(data, "storage")["status"] = "retired"
    service(data, "portal")["status"] = "retired"
    assert portfolio_findings(data) == []


def test_a_live_service_depending_on_a_pipeline_service_before_its_launch():
    data = portfolio_data()
    service(data, "identity").update(status="pipeline", launch="3d")
    issues = issues_of(data)
    one_issue(issues, HELPDESK_IDENTITY, 'service "helpdesk" is offered from 0h',
              'pipeline service "identity", which launches only at 72h (day 3)')
    one_issue(issues, "services[portal].depends_on[identity].service", "launches only at 72h")


def test_a_pipeline_service_without_a_launch_never_launches():
    data = portfolio_data()
    service(data, "identity")["status"] = "pipeline"
    one_issue(issues_of(data), HELPDESK_IDENTITY, 'pipeline service "identity", which never launches')


def test_a_dependent_launched_after_its_dependency_is_fine():
    data = portfolio_data()
    service(data, "identity").update(status="pipeline", launch="2d")
    for dependent in ("portal", "helpdesk"):
        service(data, dependent).update(status="pipeline", launch="2d")
    assert portfolio_findings(data) == []
    service(data, "helpdesk")["launch"] = "1d"   # one day too early
    assert [f.message for f in portfolio_findings(data)] == [
        'service "helpdesk" is offered from 24h but depends on pipeline service "identity", '
        'which launches only at 48h (day 2); launch "helpdesk" no earlier, or launch "identity" sooner']


def test_a_dated_launch_action_launches_a_pipeline_service():
    data = portfolio_data()
    service(data, "identity")["status"] = "pipeline"
    service(data, "portal").update(status="pipeline", launch="4d")
    service(data, "helpdesk").update(status="pipeline", launch="4d")
    data["strategy"] = {"plan": {"actions": [{"at": "3d", "launch": "identity"}]}}
    assert portfolio_findings(data) == []
    data["strategy"]["plan"]["actions"][0]["at"] = "5d"
    assert len(portfolio_findings(data)) == 2


def test_a_dependency_retiring_before_its_dependent():
    data = portfolio_data()
    service(data, "storage")["retire"] = "4d"
    one_issue(issues_of(data), "services[portal].depends_on[storage].service",
              'which retires at 96h (day 4)', 'retire "portal" no later')
    service(data, "portal")["retire"] = "4d"
    assert portfolio_findings(data) == []


def test_only_the_horizon_counts():
    data = portfolio_data()
    service(data, "storage")["retire"] = "30d"   # after the 8-day horizon
    assert portfolio_findings(data) == []
    service(data, "storage").update(status="pipeline", launch="9d")
    service(data, "portal").update(status="pipeline", launch="9d")   # never offered in the run
    assert portfolio_findings(data) == []


def test_field_errors_and_a_cycle_are_reported_together():
    data = portfolio_data()
    service(data, "portal")["staff"] = -1
    service(data, "helpdesk")["depends_on"][0]["share"] = 1.5
    service(data, "identity")["depends_on"][0]["mode"] = "blocking"
    service(data, "network")["depends_on"] = [{"service": "identity", "share": 0.5, "mode": "blocking"}]
    service(data, "storage")["depends_on"] = [{"service": "nas", "share": 0.5}]
    issues = issues_of(data)
    one_issue(issues, "services[portal].staff", "-1")
    one_issue(issues, "services[helpdesk].depends_on[identity].share", "1.5")
    one_issue(issues, "services[identity].depends_on[network].mode",
              "identity → network → identity")
    one_issue(issues, "services[storage].depends_on[nas].service", 'unknown service "nas"')
    assert len(issues) == 4


def test_findings_tolerate_values_of_the_wrong_type():
    data = portfolio_data()
    service(data, "portal")["depends_on"] = [{"service": 3, "share": "x"}, "identity"]
    service(data, "identity")["launch"] = "soon"
    service(data, "identity")["status"] = "pipeline"
    data["horizon"] = "long"
    assert portfolio_findings(data) == []
    assert portfolio_findings("not a mapping") == []


def test_requests_passed_round_for_ever_are_refused_at_the_cycle():
    """identity → network at share 1 and network → identity at share 1: each request makes
    another, for ever. network → portal at 0.1 on the same loop: still one request per request
    on the identity ⇄ network pair, so the whole group floods."""
    data = portfolio_data()
    service(data, "network")["depends_on"] = [{"service": "identity", "share": 1.0}]
    issue = one_issue(issues_of(data), "services[identity].depends_on[network].share",
                      "requests circulate for ever on identity → network → identity")
    assert "lower a share" in issue.message


def test_two_branches_that_together_send_more_than_they_receive_are_refused():
    """No single edge is at 1, but storage sends 0.6 to each of identity and network and each
    sends everything back: the loop's spectral radius is √1.2 > 1."""
    data = portfolio_data()
    service(data, "identity")["depends_on"] = [{"service": "storage", "share": 1.0}]
    service(data, "network")["depends_on"] = [{"service": "storage", "share": 1.0}]
    service(data, "storage")["depends_on"] = [{"service": "identity", "share": 0.6},
                                              {"service": "network", "share": 0.6}]
    assert any("requests circulate for ever" in f.message for f in portfolio_findings(data))
    service(data, "storage")["depends_on"][1]["share"] = 0.3   # radius √0.9: requests die out
    assert not any("requests circulate" in f.message for f in portfolio_findings(data))
