"""Complaints, the complaints desk and churn of a segment's customer base at run time."""

from __future__ import annotations

import math

import pytest
from scipy import stats
from strategy_testkit import run, scenario, segment, service

from stratsim.economics.relationship import complaint_probability
from stratsim.engine.compile import compile_scenario
from stratsim.engine.relationship import RelationCell

SLOW = {"dist": "exponential", "mean": 0.25}


def test_the_complaint_probability_on_hand_checked_scores() -> None:
    assert complaint_probability(5.0, 0.4) == 0.0            # fully satisfied
    assert complaint_probability(1.0, 0.4) == 0.4            # turned away
    assert complaint_probability(3.0, 0.4) == pytest.approx(0.2)   # half-way down the scale
    assert complaint_probability(2.0, 0.4) == pytest.approx(0.3)   # the worst a served customer gets
    assert complaint_probability(4.5, 0.2) == pytest.approx(0.025)
    assert complaint_probability(0.5, 0.4) == 0.4 and complaint_probability(5.5, 0.4) == 0.0   # clipped


def _queue(staff: int, segment_extra: dict, *, horizon: float = 400.0, warmup: float = 200.0, **service_extra):
    return scenario([service("help", staff=staff, service_time=SLOW, **service_extra)],
                    [segment("g", {"help": 1.0}, rate=10.0, **segment_extra)], horizon=horizon, warmup=warmup)


PATIENT = {"patience": {"dist": "exponential", "mean": 0.2}}


def test_zero_complaints_mean_no_churn_and_the_numbers_of_a_run_without_a_base() -> None:
    plain = run(_queue(3, PATIENT)).record
    silent = run(_queue(3, {**PATIENT, "customers": 300, "complaints": {"probability": 0.0}})).record
    assert silent == plain
    assert silent["segments"]["g"]["complaints"] == silent["segments"]["g"]["churned"] == 0


def test_complaints_without_churn_change_no_other_number() -> None:
    plain = run(_queue(3, PATIENT)).record
    heard = run(_queue(3, {**PATIENT, "customers": 300, "complaints": {"probability": 0.5, "churn": 0.0}})).record
    assert heard["segments"]["g"]["complaints"] > 0 and heard["segments"]["g"]["churned"] == 0
    for key in ("arrivals", "served", "reneged", "wait_mean_min", "satisfaction", "profit"):
        assert heard["kpis"][key] == plain["kpis"][key], key


def test_churn_lowers_the_arrival_rate_in_proportion_to_the_base_left() -> None:
    one = run(_queue(3, {**PATIENT, "customers": 300, "complaints": {"probability": 0.5, "churn": 0.5}},
                     warmup=0.0))
    record = one.record["segments"]["g"]
    assert 0 < record["churned"] <= 300
    bins = one.bins["help"]
    bases = [row.customers for row in bins]
    assert bases[0] <= 300 and all(a >= b for a, b in zip(bases, bases[1:]))   # only ever falls
    assert bases[-1] == 300 - record["churned"]
    # the later arrivals follow the base: rate × base / initial, a Poisson count over the last 100 h
    late = [row for row in bins if row.time_h >= 300.0]
    expected = math.fsum(10.0 * row.bin_h * row.customers / 300 for row in late)  # base at bins' end
    first_base = [row.customers for row in bins if row.time_h < 300.0][-1]
    upper = 10.0 * 100.0 * first_base / 300                                          # base at the start
    arrivals = sum(row.arrivals for row in late)
    lo, hi = stats.poisson.ppf(0.0005, expected), stats.poisson.ppf(0.9995, upper)
    assert lo <= arrivals <= hi
    assert not stats.poisson.ppf(0.0005, 10.0 * 100.0) <= arrivals   # wrong model: no feedback


def test_more_dissatisfaction_means_fewer_later_arrivals_paired_over_replications() -> None:
    """Fewer staff → longer waits and more reneging → more complaints → more churn → fewer
    arrivals in the measured window (the later half). The differences are paired: replication r
    of every staffing shares its random streams (common random numbers)."""
    relation = {**PATIENT, "customers": 400, "complaints": {"probability": 0.5, "churn": 0.5}}
    replications = 10
    later = {staff: [run(_queue(staff, relation), replication=r).record["kpis"]["arrivals"]
                     for r in range(replications)] for staff in (2, 3, 4)}
    t = stats.t.ppf(0.995, replications - 1)
    for fewer, more in ((2, 3), (3, 4)):
        diffs = [b - a for a, b in zip(later[fewer], later[more])]
        mean = math.fsum(diffs) / replications
        sd = math.sqrt(math.fsum((d - mean) ** 2 for d in diffs) / (replications - 1))
        assert mean - t * sd / math.sqrt(replications) > 0, (fewer, more, diffs)
    # the same check on a run without churn cannot tell the staffings apart: arrivals are identical
    flat = {staff: run(_queue(staff, PATIENT)).record["kpis"]["arrivals"] for staff in (2, 3, 4)}
    assert len(set(flat.values())) == 1


def test_complaints_about_a_loss_system_are_a_binomial_share_of_the_blocked_and_reach_the_desk() -> None:
    """queue_capacity 0: a customer is served at once (score 5, never complains) or blocked
    (score 1, complains with probability p), decided at arrival — so every complaint is sent to
    the desk at the instant of the blocked arrival, in the same cohort: the desk's arrivals equal
    the complaints exactly, and the complaints are Binomial(blocked, p)."""
    p = 0.3
    sc = scenario([service("help", staff=2, service_time=SLOW, queue_capacity=0),
                   service("desk", staff=1, service_time={"dist": "exponential", "mean": 0.1}, price=0)],
                  [segment("g", {"help": 1.0}, rate=10.0, complaints={"probability": p, "desk": "desk"})],
                  horizon=400.0, warmup=50.0)
    record = run(sc).record
    help_, desk = record["services"]["help"], record["services"]["desk"]
    assert desk["arrivals"] == help_["complaints"] == record["segments"]["g"]["complaints"]
    assert desk["complaints"] == 0   # requests to the desk are not complained about
    blocked = help_["blocked"]
    lo, hi = stats.binom.ppf(0.0005, blocked, p), stats.binom.ppf(0.9995, blocked, p)
    assert lo <= help_["complaints"] <= hi
    wrong = 0.75 * p   # wrong model: a blocked customer scored like the worst served one (score 2)
    assert not stats.binom.ppf(0.0005, blocked, wrong) <= help_["complaints"] <= stats.binom.ppf(0.9995, blocked, wrong)


def test_only_the_cells_of_segments_that_can_complain_pay_for_the_hook() -> None:
    sc = scenario([service("a"), service("desk")],
                  [segment("g", {"a": 1.0}, complaints={"desk": "desk"}), segment("h", {"a": 1.0})])
    model = compile_scenario(sc)
    one = run(sc)
    cells = one.replication.counted
    kinds = {(model.segments[c.segment].id, model.stations[c.station].id): type(c) for c in cells}
    assert kinds[("g", "a")] is RelationCell
    assert kinds[("h", "a")] is not RelationCell and kinds[("g", "desk")] is not RelationCell


def test_a_held_customer_re_scored_at_completion_does_not_complain_again() -> None:
    """A customer of a blocking dependency is scored at the start of its service and re-scored
    when its requests finish; the re-score corrects that outcome and is not a second one. With
    ample staff everyone is served at once (score 5), so nobody may complain, blocking or not."""
    def portfolio(mode: str):
        return scenario([service("shop", depends_on=[{"service": "identity", "share": 1.0, "mode": mode}]),
                         service("identity", internal=True, price=0.0)],
                        [segment("g", {"shop": 1.0}, rate=5.0, customers=1000,
                                 complaints={"probability": 0.2, "churn": 0.0})])
    for mode in ("async", "blocking"):
        record = run(portfolio(mode)).record
        assert record["segments"]["g"]["served"] > 1000, mode
        assert record["segments"]["g"]["satisfaction"] == 5.0, mode
        assert record["segments"]["g"]["complaints"] == 0, mode
