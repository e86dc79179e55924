"""The pattern and the plan acting on the stations: surge rules, reviews, dated actions, prices.

Every firing and refusal is a log row with the values its condition saw; the tests read the log,
the time series (staff, price per bin) and the accounts, and check each against an independent
account of what must have happened.
"""

from __future__ import annotations

import math
import re

import pytest
from strategy_testkit import run, scenario, segment, service

from stratsim.engine.station import Station

# --- a surge rule ------------------------------------------------------------------------------

COOLDOWN, FOR, MAX_STAFF, STAFF_HOUR, PER_REQUEST, FIXED = 1.0, 3.0, 3, 40.0, 2.0, 24.0
CONDITION = "queue('desk') > 4"


def surging(replication_horizon: float = 24.0 * 7):
    return scenario(
        [service("desk", staff=1, service_time={"dist": "exponential", "mean": 0.25},
                 costs={"staff_hour": STAFF_HOUR, "per_request": PER_REQUEST, "fixed_per_day": FIXED,
                        "overtime_factor": 1.5})],
        [segment("all", {"desk": 1.0}, rate=6.0, daily_profile="business-hours")],
        {"pattern": {"rules": [
            {"name": "surge", "every": 0.5, "when": CONDITION, "then": {"add_staff": {"desk": 1}, "for": FOR},
             "cooldown": COOLDOWN, "max_staff": MAX_STAFF},
            # the same condition without cooldown or effect: a witness of every evaluation where it held
            {"name": "a-witness", "every": 0.5, "when": CONDITION, "then": {"set_price_factor": {"desk": 1}}},
        ]}},
        horizon=replication_horizon, warmup=24.0)


def queue_seen(row) -> float:
    return float(re.fullmatch(r"queue\('desk'\)=(\S+)", row.values).group(1))


@pytest.fixture(scope="module", params=range(2))
def surge_run(request):
    staff_seen: list[int] = []
    original = Station.set_staff

    def spy(self, staff, surge=0):
        staff_seen.append(staff)
        original(self, staff, surge)

    Station.set_staff = spy
    try:
        result = run(surging(), request.param)
    finally:
        Station.set_staff = original
    return result, staff_seen


def test_the_surge_rule_fires_when_its_condition_holds_outside_its_cooldown(surge_run):
    result, _ = surge_run
    fired = result.rows("surge", "applied")
    acted = {r.time_h: r for r in result.log if r.name == "surge" and r.outcome in ("applied", "refused")}
    held = [r.time_h for r in result.rows("a-witness", "applied")]
    assert len(fired) >= 5 and any(r.outcome == "refused" for r in acted.values())
    for row in acted.values():
        assert queue_seen(row) > 4 and row.condition == CONDITION
    last = -math.inf
    for t in held:       # every evaluation where the condition held
        if t >= last + COOLDOWN:
            assert t in acted, t
            if acted[t].outcome == "applied":
                last = t
        else:
            assert t not in acted, t   # never within the cooldown
    assert set(acted) <= set(held)  # never when it did not hold


def test_the_surge_never_takes_staff_past_max_staff(surge_run):
    result, staff_seen = surge_run
    assert max(staff_seen) == MAX_STAFF
    assert max(row.staff_mean for row in result.bins["desk"]) <= MAX_STAFF
    refused = [r for r in result.rows("surge", "refused")]
    assert all(f"max_staff {MAX_STAFF} reached" in r.detail for r in refused)
    assert any(row.surge_mean > 0 for row in result.bins["desk"])


def test_every_firing_is_logged_and_counted_in_the_window(surge_run):
    result, _ = surge_run
    window = [r for r in result.log if r.name == "surge" and 24.0 <= r.time_h < 24.0 * 7]
    counts = result.record["rules"]["surge"]
    assert counts["fired"] == sum(r.outcome == "applied" for r in window)
    assert counts["refused"] == sum(r.outcome == "refused" for r in window)
    ended = result.rows("surge", "ended")
    assert [r.time_h for r in ended] == sorted(r.time_h + FOR for r in result.rows("surge", "applied")
                                               if r.time_h + FOR <= ended[-1].time_h)


def test_staffed_hours_and_cost_include_the_surge_at_the_overtime_factor(surge_run):
    result, _ = surge_run
    desk = result.record["services"]["desk"]
    start, end = 24.0, 24.0 * 7
    surge_hours = math.fsum(max(0.0, min(r.time_h + FOR, end) - max(r.time_h, start))
                            for r in result.rows("surge", "applied"))
    assert desk["surge_hours"] == pytest.approx(surge_hours, rel=1e-9) and surge_hours > 0
    assert desk["staffed_hours"] >= 1.0 * (end - start) + surge_hours - 1e-9
    assert desk["cost"] == pytest.approx(
        STAFF_HOUR * desk["staffed_hours"] + STAFF_HOUR * 0.5 * desk["surge_hours"]
        + PER_REQUEST * desk["completed"] + FIXED * (end - start) / 24.0, rel=1e-12)
    assert result.record["kpis"]["surge_hours"] == desk["surge_hours"]


# --- a review ----------------------------------------------------------------------------------

def reviewed(identity_costs: dict | None = None, good_extra: dict | None = None):
    services = [
        service("good", staff=20, price=50.0, costs={"staff_hour": 1.0}, **(good_extra or {})),
        service("bad", staff=20, price=1.0, costs={"staff_hour": 40.0, "fixed_per_day": 48.0}),
        service("identity", staff=20, price=5.0, costs=identity_costs or {}),
    ]
    return scenario(services, [segment("all", {"good": 0.4, "bad": 0.4, "identity": 0.2}, rate=RATE_REVIEW)],
                    {"pattern": {"reviews": [REVIEW]}}, horizon=300.0)


RATE_REVIEW = 10.0
REVIEW = {"name": "portfolio", "every": 100.0, "when": "margin(service) < 0", "then": {"retire": "service"}}


def test_a_review_retires_a_loss_making_service_at_the_review_time_and_its_demand_is_then_unavailable():
    result = run(reviewed())
    retired = [r for r in result.log if r.name == "portfolio"]
    assert [(r.time_h, r.service, r.outcome) for r in retired] == [(100.0, "bad", "applied")]
    assert re.fullmatch(r"margin\(service\)=-\S+", retired[0].values)
    bad = result.record["services"]["bad"]
    arrivals = result.arrivals("bad")
    assert bad["served"] == int(arrivals[:100].sum()) and bad["unavailable"] == int(arrivals[100:].sum()) > 0
    assert bad["arrivals"] == bad["served"] + bad["unavailable"]
    assert all(row.staff_mean == 0.0 for row in result.bins["bad"][101:])
    assert bad["cost"] == pytest.approx(40.0 * bad["staffed_hours"] + 48.0 * 100.0 / 24.0, rel=1e-12)
    good = result.record["services"]["good"]
    assert good["unavailable"] == 0 and good["arrivals"] == good["served"]


def test_a_review_never_retires_a_service_others_depend_on():
    """``identity`` loses money but ``good`` depends on it: the retirement is refused and logged."""
    sc = reviewed({"staff_hour": 40.0}, {"depends_on": [{"service": "identity", "share": 0.1}]})
    result = run(sc)
    rows = {r.service: r for r in result.log if r.name == "portfolio" and r.time_h == 100.0}
    assert rows["identity"].outcome == "refused"
    assert "live services depend on it (good)" in rows["identity"].detail
    assert rows["bad"].outcome == "applied"
    assert result.record["services"]["identity"]["unavailable"] == 0
    # reviews at 100 h and 200 h in the window: bad retired once, identity refused twice
    assert result.record["rules"]["portfolio"] == {"fired": 1, "refused": 2}


# --- dated actions and the order of one instant -------------------------------------------------

RATE = 10.0


def planned(actions: list[dict], roster: list[dict] | None = None, rules: list[dict] | None = None):
    strategy: dict = {"plan": {"actions": actions}}
    if roster or rules:
        strategy["pattern"] = {}
    if roster:
        strategy["pattern"]["rosters"] = {"desk": roster}
    if rules:
        strategy["pattern"]["rules"] = rules
    return scenario([service("desk", staff=2, price=10.0), service("backup", staff=1, price=20.0)],
                    [segment("all", {"desk": 0.8, "backup": 0.2}, rate=RATE)], strategy, horizon=100.0)


def test_dated_actions_apply_at_their_time_in_the_documented_order():
    result = run(planned([
        {"at": 50.0, "set_staff": {"desk": 4}},
        {"at": 60.0, "set_price_factor": {"desk": 0.5}},      # same instant as set_price: both apply
        {"at": 60.0, "set_price": {"desk": 30.0}},
        {"at": 70.0, "retire": "backup"},
        {"at": 70.0, "set_staff": {"backup": 3}},             # same instant: set_staff first, then retire
        {"at": 80.0, "set_price": {"backup": 25.0}},          # refused: retired
    ]))
    desk, backup = result.bins["desk"], result.bins["backup"]
    assert [r.staff_mean for r in desk[:50]] == [2.0] * 50 and [r.staff_mean for r in desk[50:]] == [4.0] * 50
    assert [r.price_mean for r in desk[59:61]] == [10.0, 15.0]
    log = [(r.time_h, r.service, r.action, r.outcome) for r in result.log]
    assert log == [
        (50.0, "desk", "set_staff 4", "applied"),
        (60.0, "desk", "set_price 30", "applied"),
        (60.0, "desk", "set_price_factor 0.5", "applied"),
        (70.0, "backup", "set_staff 3", "applied"),
        (70.0, "backup", "retire", "applied"),
        (80.0, "backup", "set_price 25", "refused"),
    ]
    assert backup[70].staff_mean == 0.0


def test_set_staff_changes_the_base_and_roster_windows_keep_theirs():
    roster = [{"days": "mon-sun", "from": "08:00", "to": "18:00", "staff": 6}]
    desk = run(planned([{"at": 30.0, "set_staff": {"desk": 3}}], roster)).bins["desk"]
    staff = [row.staff_mean for row in desk]
    day = [6.0 if 8 <= h % 24 < 18 else None for h in range(100)]
    assert staff == [d or (2.0 if h < 30 else 3.0) for h, d in enumerate(day)]


def test_a_rule_at_a_roster_change_sees_the_new_roster():
    roster = [{"days": "mon-sun", "from": "08:00", "to": "18:00", "staff": 6}]
    rule = {"name": "see", "every": 1.0, "when": "staff('desk') >= 6",
            "then": {"set_price_factor": {"desk": 1.0}}}
    result = run(planned([], roster, [rule]))
    assert [r.time_h for r in result.rows("see", "applied")][:2] == [8.0, 9.0]


def test_revenue_is_booked_at_the_price_each_customer_was_quoted():
    """Off-peak customers pay 8, the others 10; revenue is the exact sum over the two prices."""
    sc = scenario([service("desk")], [segment("all", {"desk": 1.0}, rate=RATE)],
                  {"plan": {"pricing": [{"services": ["desk"], "when": "hour < 8", "factor": 0.8}]}},
                  horizon=96.0)
    result = run(sc)
    desk = result.record["services"]["desk"]
    quotes = {q: n for cell in result.replication.counted for q, n in cell.account.quotes.items()}
    assert set(quotes) == {(10.0, 1.0), (8.0, 1.0)} and sum(quotes.values()) == desk["completed"]
    assert desk["revenue"] == math.fsum(n * price for (price, _), n in quotes.items())
    night = sum(int(result.arrivals("desk")[d * 24: d * 24 + 8].sum()) for d in range(4))
    assert quotes[(8.0, 1.0)] == night


def test_a_rule_looks_over_its_window_and_clips_its_price_factor():
    """``served`` over the last 2 h, evaluated every 30 min, sets a factor clipped to [1, 1.2]."""
    rule = {"name": "dynamic", "every": 0.5, "window": 2.0, "when": "served('desk') > 0",
            "then": {"set_price_factor": {"desk": "served('desk') / 20"}}, "floor": 1.0, "ceiling": 1.2}
    sc = scenario([service("desk")], [segment("all", {"desk": 1.0}, rate=20.0, daily_profile="business-hours")],
                  {"pattern": {"rules": [rule]}}, horizon=48.0)
    result = run(sc)
    arrivals = result.arrivals("desk")
    rows = result.rows("dynamic", "applied")
    assert len(rows) > 20
    for row in rows:
        served = float(row.values.split("=")[1])
        start = max(0.0, row.time_h - 2.0)
        in_window = int(arrivals[int(start):int(row.time_h)].sum()) if row.time_h == int(row.time_h) else None
        if in_window is not None and start == int(start):
            assert abs(served - in_window) <= 3    # customers in service across the window's edges
        wanted = served / 20
        factor = float(row.action.split()[-1])
        assert factor == min(1.2, max(1.0, wanted))
        assert ("kept within floor/ceiling" in row.detail) == (factor != wanted)
