"""Complaints, the complaints desk and churn of a segment's customer base at run time."""

from __future__ import annotations

import math

import pytest
from scipy import stats
from strategy_testkit import run, scenario, segment, served_look, service

from stratsim.economics.relationship import complaint_probability
from stratsim.engine.cells import DRAIN, REQUEST_SEGMENT
from stratsim.engine.compile import compile_scenario
from stratsim.engine.relationship import RelationCell, Relationship

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
    assert 300 - bases[-1] <= record["churned"]   # the cohort's churn during the drain is after the last bin
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


DAYTIME = [0.0] * 8 + [2.4] * 10 + [0.0] * 6
"""Arrivals from 08:00 to 18:00 only: the service empties every night."""
HEARD = {"probability": 0.5}


def _first_day(staff: int, warmup: float = 24.0):
    """Staff 3, but ``staff`` on the first day (Monday 08:00-18:00, the warm-up day): two such
    scenarios differ only in that day's customers, and are the same system again once the
    service has emptied that night. Every customer may complain."""
    return scenario([service("help", staff=3, service_time=SLOW)],
                    [segment("g", {"help": 1.0}, rate=4.0, daily_profile=DAYTIME, complaints=HEARD, **PATIENT)],
                    {"pattern": {"rosters": {"help": [{"days": "mon", "from": "08:00", "to": "18:00",
                                                       "staff": staff}]}}},
                    horizon=96.0, warmup=warmup)


def test_complaints_after_a_changed_day_do_not_depend_on_how_that_day_went() -> None:
    """One staff on the first day instead of three makes that day's customers wait, renege and
    complain far more, and changes nothing once the service empties that night. So every
    measured customer (from Tuesday) gets the score it gets with three staff, and must make the
    same complaint decision: the same complaints in every replication."""
    for replication in range(3):
        short, full = (run(_first_day(staff), replication=replication).record["segments"]
                       for staff in (1, 3))
        # the measured customers, identical (the services' time averages are not compared: areas
        # since time 0 less the area at the warm-up's end, they differ in the last bits)
        assert short == full, replication
        assert short["g"]["complaints"] > 0
    # counted from the start, the first day's customers complain more with one staff (about 25
    # more a replication: most of a day's 96 customers give up, and complain with p = 0.5)
    whole = [sum(run(_first_day(staff, warmup=0.0), replication=r).record["segments"]["g"]["complaints"]
                 for r in range(3)) for staff in (1, 3)]
    assert whole[0] > whole[1], whole


def _decisions(sc, monkeypatch) -> dict[float, tuple[float, float, bool]]:
    """Every scored customer of a run, by arrival time: its uniform, its score, and whether it
    complained (read around :meth:`Relationship.scored`)."""
    seen: dict[float, tuple[float, float, bool]] = {}
    heard = Relationship.scored

    def spy(relation: Relationship, cell, score: float) -> None:
        customer, before = cell.scoring, cell.complaints
        heard(relation, cell, score)
        seen[customer.arrival_h] = (customer.complaint_u, score, cell.complaints > before)

    with monkeypatch.context() as patch:
        patch.setattr(Relationship, "scored", spy)
        run(sc)
    return seen


def _retiring(retire_h: float):
    """"help" retires at ``retire_h``; its customers go on to "annex", which has its own too."""
    return scenario([service("help", staff=2, service_time=SLOW, retire=retire_h, fallback="annex"),
                     service("annex", staff=3, service_time=SLOW)],
                    [segment("g", {"help": 0.6, "annex": 0.4}, rate=8.0, complaints=HEARD, **PATIENT)],
                    horizon=200.0, warmup=20.0)


@pytest.mark.parametrize("pair", [(_queue(2, {**PATIENT, "complaints": HEARD}), _queue(3, {**PATIENT, "complaints": HEARD})),
                                  (_retiring(60.0), _retiring(120.0))], ids=["staff-2-or-3", "retired-earlier"])
def test_each_customer_complains_on_the_uniform_it_drew_at_arrival(pair, monkeypatch) -> None:
    """Common random numbers, customer by customer: with two staff or three (customers are
    scored in another order and with other scores), or with "help" retired at 60 h or 120 h
    (customers between those times are redirected to "annex" in one run only), every customer
    decides on the uniform it drew at arrival, whichever station scores it, and complains exactly
    when that uniform is below its complaint probability."""
    first, second = (_decisions(sc, monkeypatch) for sc in pair)
    common = first.keys() & second.keys()
    assert len(common) > 0.9 * max(len(first), len(second))
    assert all(first[t][0] == second[t][0] for t in common)
    for seen in (first, second):
        assert all(complained == (u < complaint_probability(score, 0.5)) for u, score, complained in seen.values())
    changed = [t for t in common if first[t][1] != second[t][1]]
    assert changed, "the two runs score some customers differently"


def test_a_score_added_without_its_customer_named_fails_instead_of_borrowing_a_uniform() -> None:
    """``Cell.scoring`` is cleared once read, also after a start that is not heard (a customer
    held by a blocking request is heard at its completion): a score added without naming its
    customer fails rather than decide on another customer's uniform."""
    held = run(scenario(
        [service("app", depends_on=[{"service": "auth", "share": 1.0, "mode": "blocking"}]),
         service("auth", staff=1, service_time=SLOW, internal=True, price=0.0)],
        [segment("g", {"app": 1.0}, rate=2.0, complaints=HEARD)], horizon=100.0, warmup=10.0))
    for one in (run(_first_day(3)), held):
        cells = [c for c in one.replication.counted if isinstance(c, RelationCell)]
        assert cells and all(cell.scoring is None for cell in cells)
        with pytest.raises(AttributeError, match="complaint_u"):
            cells[0].satisfaction_sum += 1.0


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
    """The desk holds no cell of the segment: its complaints arrive there as requests, in plain
    cells of no segment (a complaint is not complained about)."""
    sc = scenario([service("a"), service("desk")],
                  [segment("g", {"a": 1.0}, complaints={"desk": "desk"}), segment("h", {"a": 1.0})])
    model = compile_scenario(sc)
    one = run(sc)
    cells = one.replication.counted
    segment_ids = {s.index: s.id for s in model.segments} | {REQUEST_SEGMENT: "requests"}
    kinds = {(segment_ids[c.segment], model.stations[c.station].id): type(c) for c in cells}
    assert kinds[("g", "a")] is RelationCell
    assert kinds[("h", "a")] is not RelationCell and kinds[("requests", "desk")] is not RelationCell
    assert ("g", "desk") not in kinds


def _held(auth_staff: int, auth_time: dict, complaints: dict, *, rate: float = 2.0) -> dict:
    """app (ample, fast) waits for a blocking request to auth for every customer: app's queue
    plays no part, and a customer's score is decided by the time auth takes."""
    return run(scenario(
        [service("app", depends_on=[{"service": "auth", "share": 1.0, "mode": "blocking"}]),
         service("auth", staff=auth_staff, service_time=auth_time, internal=True, price=0.0)],
        [segment("g", {"app": 1.0}, rate=rate, customers=10_000, complaints=complaints)],
        horizon=400.0, warmup=50.0)).record


def test_a_customer_held_by_blocking_requests_and_fully_satisfied_never_complains() -> None:
    """auth is ample and fast: every customer ends with score 5. The re-score at completion
    (a correction of 0) must not be heard as a new customer scored 1 (it once was: about
    p × served complaints and their churn)."""
    record = _held(200, {"dist": "exponential", "mean": 0.01}, {"probability": 0.5, "churn": 0.5})
    segment_ = record["segments"]["g"]
    assert segment_["served"] > 0 and segment_["satisfaction"] == 5.0
    assert segment_["complaints"] == 0 and segment_["churned"] == 0


def test_a_held_customer_complains_on_its_final_score() -> None:
    """auth is an M/M/1 at load 0.75 (sojourn mean 1 h, twice the default tolerance): many customers
    end below 5 only because of the wait for auth. Complaints are a sum of Bernoulli(p × (5 − s) / 4)
    over the cohort's final scores s: mean p × (5 × scored − Σ s) / 4, variance below the mean."""
    p = 0.5
    record = _held(1, SLOW, {"probability": p, "churn": 0.0}, rate=3.0)
    segment_ = record["segments"]["g"]
    scored = segment_["arrivals"]   # ample app: every customer starts service, none is lost
    expected = p * (5.0 * scored - segment_["satisfaction"] * scored) / 4.0
    assert expected > 50   # the wait for auth matters (at the start of service every score is 5)
    assert abs(segment_["complaints"] - expected) <= 4.0 * math.sqrt(expected)


@pytest.mark.parametrize("lifecycle", [{"retire": 200.0}, {"status": "pipeline", "launch": 200.0},
                                       {"status": "retired"}])
def test_a_complaint_finding_the_desk_not_offered_is_unavailable_there(lifecycle: dict) -> None:
    """A desk not offered has no staff: a complaint sent there would wait for ever (unfinished,
    and the drain running to its limit). It is turned away as unavailable instead, so every
    complaint is either served at the desk or unavailable there."""
    sc = scenario([service("help", staff=2, service_time=SLOW, queue_capacity=0),
                   service("desk", staff=1, service_time={"dist": "exponential", "mean": 0.1}, price=0,
                           **lifecycle)],
                  [segment("g", {"help": 1.0}, rate=10.0, complaints={"probability": 0.3, "desk": "desk"})],
                  horizon=400.0, warmup=50.0)
    record = run(sc).record
    desk = record["services"]["desk"]
    assert desk["arrivals"] == record["segments"]["g"]["complaints"] > 0
    assert desk["unavailable"] > 0 and desk["unfinished"] == 0 == desk["in_system_at_horizon"]
    assert desk["served"] + desk["unavailable"] == desk["arrivals"]
    assert desk["complaints"] == 0   # a turned-away complaint is not itself complained about


DESK_TIME = {"dist": "exponential", "mean": 0.5}
DESK_COSTS = {"staff_hour": 20.0, "per_request": 3.0}


def _complaining(desk: dict | None, strategy: dict | None = None) -> dict:
    """help (two servers, impatient customers: many renege and complain) with or without a desk
    that costs staff and per-request money; complaints never churn."""
    services = [service("help", staff=2, service_time=SLOW)]
    complaints: dict = {"probability": 0.8, "churn": 0.0}
    if desk is not None:
        services.append(service("desk", staff=1, service_time=DESK_TIME, costs=DESK_COSTS, **desk))
        complaints["desk"] = "desk"
    return run(scenario(services, [segment("g", {"help": 1.0}, rate=10.0, complaints=complaints, **PATIENT)],
                        strategy, horizon=400.0, warmup=50.0)).record


CUSTOMER_KPIS = ("arrivals", "served", "reneged", "reneged_share", "wait_mean_min", "wait_p90_min",
                 "satisfaction", "complaints", "churned", "revenue")


@pytest.mark.parametrize("desk, strategy", [
    ({"price": 0.0}, None),
    ({"price": 10.0}, None),                                                  # a desk with a price
    ({"price": 10.0}, {"plan": {"pricing": [{"name": "up", "services": ["desk"], "when": "t >= 0",
                                             "factor": 1.5}]}}),              # one whose price can change
    ({"price": 0.0, "internal": True}, None),
])
def test_complaints_desk_requests_count_at_the_desk_and_not_as_customers_of_the_segment(
        desk: dict, strategy: dict | None) -> None:
    """A complaining customer is counted once, where it complained: the segment's and the
    portfolio's customer KPIs are those of the same run without a desk (the desk draws from
    streams of its own), exactly — they once counted every desk request as one more customer of
    the segment (its renege share fell from help's 0.376 to 0.289). The desk's own KPIs count the
    requests (arrivals, served, waits, utilisation, staff and per-request cost) at no price."""
    without = _complaining(None, strategy and {})
    record = _complaining(desk, strategy)
    segment_, portfolio, help_ = record["segments"]["g"], record["kpis"], record["services"]["help"]
    for kpi in CUSTOMER_KPIS:
        assert segment_[kpi] == portfolio[kpi] == help_[kpi] == without["segments"]["g"][kpi], kpi
    desk_ = record["services"]["desk"]
    assert desk_["arrivals"] > 100 and desk_["complaints"] == 0   # a complaint is not complained about
    assert desk_["served"] + desk_["unfinished"] == desk_["arrivals"]   # no patience, no balking, room
    assert desk_["wait_mean_min"] > 0.0 and 0.0 < desk_["utilization"] <= 1.0
    assert desk_["revenue"] == 0.0                                    # a complaint is not a sale
    assert desk_["cost_requests"] == DESK_COSTS["per_request"] * desk_["completed"] > 0.0
    assert desk_["cost_staff"] == DESK_COSTS["staff_hour"] * desk_["staffed_hours"] > 0.0
    assert desk_["profit"] == -desk_["cost"]
    # the desk's cost is the portfolio's, but no segment's: it is not allocated to customers
    assert portfolio["cost"] == pytest.approx(help_["cost"] + desk_["cost"], rel=1e-12)
    assert segment_["cost"] == pytest.approx(help_["cost"], rel=1e-12)


def test_a_complaint_made_after_the_horizon_reaches_the_desk_in_the_drain_cohort() -> None:
    """A desk request belongs to the cohort of its arrival at the desk, like a dependency
    request. Without a warm-up every complaint made in the window is the window's customers', so
    the desk's ``arrivals`` are the segment's ``complaints`` less those made during the drain (an
    impatient customer still waiting at the horizon reneges after it and complains, p = 1). Over
    all cohorts, every complaint reaches the desk once."""
    sc = scenario([service("help", staff=1, service_time=SLOW),
                   service("desk", staff=5, service_time=DESK_TIME, price=0.0)],
                  [segment("g", {"help": 1.0}, rate=12.0, patience={"dist": "exponential", "mean": 1.0},
                           complaints={"probability": 1.0, "desk": "desk"})],
                  horizon=200.0, warmup=0.0)
    one = run(sc)
    record, replication = one.record, one.replication
    help_, desk_ = record["services"]["help"], record["services"]["desk"]
    assert help_["in_system_at_horizon"] > 0   # an overloaded help: a queue at the horizon
    assert desk_["arrivals"] < help_["complaints"]
    customer_cells = [c for cohort in (replication.measured, replication.drain_cells)
                      for cells in cohort.values() for c in cells]
    desk_cells = [c for desk in replication.desks.values() for cohort in desk.cohorts for c in cohort]
    assert sum(c.arrivals for c in desk_cells) == sum(c.complaints for c in customer_cells)
    drained = sum(c.arrivals for desk in replication.desks.values() for c in desk.cohorts[DRAIN])
    assert drained >= help_["complaints"] - desk_["arrivals"]


def test_churned_counts_the_cohorts_complaints_during_the_drain_and_the_time_series_stops_at_the_horizon() -> None:
    """``churned`` is a cohort KPI, like ``complaints``: it counts the base lost through every
    complaint of the window's customers, including those made during the drain, while the time
    series' ``customers`` is the base at each bin's end up to the horizon. help is overloaded
    (load 3), so customers still waiting at the horizon renege after it; every complaint churns
    (p = 1, churn = 1, a base too large to run out) and, without a warm-up, every complaint up to
    the horizon is the window's: ``churned`` exceeds the loss the time series shows by exactly
    the base lost after the horizon less the drain cohort's own churn."""
    base = 100_000
    one = run(scenario([service("help", staff=1, service_time=SLOW)],
                       [segment("g", {"help": 1.0}, rate=12.0, patience={"dist": "exponential", "mean": 1.0},
                                customers=base, complaints={"probability": 1.0, "churn": 1.0})],
                       horizon=200.0, warmup=0.0))
    record, replication = one.record["segments"]["g"], one.replication
    assert record["in_system_at_horizon"] > 0 and record["churned"] == record["complaints"]
    at_horizon = one.bins["help"][-1].customers
    drain_cohort = [c for group in replication.drain_cells.values() for c in group]
    relation = next(c.relation for c in drain_cohort if isinstance(c, RelationCell))
    lost_after_horizon = at_horizon - relation.remaining               # by every cohort
    drain_cohort_churned = sum(c.churned for c in drain_cohort)        # all after the horizon
    assert record["churned"] - (base - at_horizon) == lost_after_horizon - drain_cohort_churned > 0


def test_rules_see_the_complaints_a_desk_serves() -> None:
    """The desk serves only complaint requests: a rule's served('desk') over its windows adds up
    to the desk's completions of the window (the rules' cells include the desk's request cells)."""
    sc = scenario([service("help", staff=2, service_time=SLOW),
                   service("desk", staff=2, service_time=DESK_TIME, price=0.0)],
                  [segment("g", {"help": 1.0}, rate=10.0, complaints={"probability": 0.8, "desk": "desk"}, **PATIENT)],
                  served_look("desk", "help"), horizon=40.0)
    result = run(sc)
    seen = result.seen("look")
    assert len(seen) == 4   # windows [0, 10), …, [30, 40): the whole measured window
    assert sum(seen) == result.record["services"]["desk"]["completed"] > 0
