"""One replication end to end: counting window, drain, rosters, time series, random streams."""

import math

import pytest

from stratsim.analysis.queueing import poisson_count_interval
from stratsim.engine.compile import compile_scenario
from stratsim.engine.replication import run_replication
from stratsim.engine.station import Station
from stratsim.scenario import load_scenario_text

TEMPLATE = """\
stratsim: 1
name: rep
horizon: {horizon}
warmup: {warmup}
services:
  - {{id: desk, staff: {staff}, {capacity} service_time: {{dist: exponential, mean: 1h}}}}
segments:
  - {{id: all, rate: {rate}, mix: {{desk: 1}} {extra}}}
{strategy}
"""
ROSTER = """strategy:
  pattern:
    rosters:
      desk: [{days: mon-fri, from: "08:00", to: "18:00", staff: 5}]
"""


def model(horizon="2w", warmup=0, staff=3, rate=2.0, capacity="", extra="", strategy=""):
    text = TEMPLATE.format(horizon=horizon, warmup=warmup, staff=staff, rate=rate,
                           capacity=capacity, extra=extra, strategy=strategy)
    return compile_scenario(load_scenario_text(text))


def rows_of(m, seed=1, replication=0):
    rows = []
    record = run_replication(m, seed, replication, rows.append)
    return record, rows


def test_only_arrivals_after_warmup_are_counted():
    record = run_replication(model(horizon="100d", warmup="50d", rate=2.0), 3, 0)
    low, high = poisson_count_interval(2.0 * 50 * 24, 0.999)
    assert low <= record["kpis"]["arrivals"] <= high


def test_every_counted_customer_has_an_outcome_after_the_drain():
    for capacity, balk_at in ((10, 15), (20, 15)):
        record = run_replication(model(
            staff=2, rate=4, horizon="1w", capacity=f"queue_capacity: {capacity},",
            extra=f", patience: {{dist: exponential, mean: 10h}}, balk_at: {balk_at}"), 4, 0)
        k = record["kpis"]
        assert k["in_system_at_horizon"] > 0       # overloaded: people are still there at the horizon
        assert k["arrivals"] == k["served"] + k["blocked"] + k["balked"] + k["reneged"]
        assert k["reneged"] > 0
        # the fuller limit decides: a full waiting room blocks, a long queue makes people balk
        assert (k["blocked"] > 0, k["balked"] > 0) == ((True, False) if capacity < balk_at else (False, True))


def test_staffed_hours_follow_the_roster_exactly_without_demand():
    record = run_replication(model(staff=1, rate=0, horizon="15d", warmup="1d", strategy=ROSTER), 1, 0)
    # 2 measured weeks: per week 50 h at 5 staff and 118 h at 1
    assert record["services"]["desk"]["staffed_hours"] == pytest.approx(2 * (50 * 5 + 118 * 1))
    assert record["services"]["desk"]["utilization"] == 0.0
    assert record["kpis"]["wait_mean_min"] is None and record["kpis"]["blocked_share"] is None


def test_time_series_bins_add_up():
    m = model(staff=1, rate=0.5, horizon="3d", strategy=ROSTER)
    record, rows = rows_of(m)
    assert len(rows) == 72 and rows[0].time_h == 0 and rows[-1].time_h == 71
    assert sum(r.arrivals for r in rows) == record["kpis"]["arrivals"]
    assert [r.staffed_mean for r in rows[7:10]] == [1.0, 5.0, 5.0]
    busy_hours = sum(r.busy_mean * r.bin_h for r in rows)
    assert busy_hours / sum(r.staffed_mean for r in rows) == pytest.approx(
        record["services"]["desk"]["utilization"])


def test_partial_last_bin():
    _, rows = rows_of(model(horizon="10.5h", rate=1.0))
    assert [r.bin_h for r in rows][-2:] == [1.0, 0.5]


def test_horizon_a_multiple_of_the_bin_has_no_sliver_bin():
    text = TEMPLATE.format(horizon="126min", warmup=0, staff=1, rate=1.0, capacity="", extra="",
                           strategy="time_bin: 42min")
    rows = []
    run_replication(compile_scenario(load_scenario_text(text)), 1, 0, rows.append)
    assert len(rows) == 3 and rows[-1].bin_h == pytest.approx(0.7)


def test_same_seed_same_record_other_replication_differs():
    m = model(rate=2.0, horizon="1w")
    assert run_replication(m, 7, 0) == run_replication(m, 7, 0)
    assert run_replication(m, 7, 0) != run_replication(m, 7, 1)


def customers_seen(m, monkeypatch, seed=9):
    """(arrival time, work, tier level) of every customer, as the station receives them."""
    seen = []
    original = Station.arrive

    def spy(station, customer, now, balk_at):
        seen.append((customer.arrival_h, customer.work_h, customer.level))
        return original(station, customer, now, balk_at)

    monkeypatch.setattr(Station, "arrive", spy)
    record = run_replication(m, seed, 0)
    monkeypatch.undo()
    return seen, record


def test_common_random_numbers_each_customer_is_the_same_whatever_the_capacity(monkeypatch):
    # Attributes are drawn at arrival from the pair's own streams, so the k-th customer has the
    # same arrival time, work and tier whether they then wait, are served at once, are blocked
    # or renege: scenarios differing in capacity compare the same customers.
    extra = ", patience: {dist: exponential, mean: 30min}"
    few, a = customers_seen(model(staff=2, horizon="1w", capacity="queue_capacity: 3,", extra=extra), monkeypatch)
    many, b = customers_seen(model(staff=8, horizon="1w", extra=extra), monkeypatch)
    assert few == many and len(few) > 200
    assert a["kpis"]["blocked"] > 0 and a["kpis"]["reneged"] > 0 and b["kpis"]["blocked"] == 0
    assert a["kpis"]["wait_mean_min"] > b["kpis"]["wait_mean_min"]


def test_a_rate_change_moves_arrivals_without_reshuffling_them():
    # Doubling a constant rate halves every arrival time: the count of the doubled process in
    # [0, T/2) equals the count of the original in [0, T), for every T.
    _, base = rows_of(model(rate=1.0, horizon="200h"))
    _, double = rows_of(model(rate=2.0, horizon="200h"))
    base_counts = [r.arrivals for r in base]
    double_counts = [r.arrivals for r in double]
    for t in (20, 50, 100):
        assert sum(double_counts[: t // 2]) == sum(base_counts[:t])


def test_growth_raises_demand_as_the_integral_of_the_rate():
    g = 1.0  # demand doubles over a year
    record = run_replication(model(rate=1.0, horizon="365d", extra=f", growth_per_year: {g}"), 2, 0)
    beta = math.log1p(g) / 8760
    expected = (math.exp(beta * 8760) - 1) / beta
    low, high = poisson_count_interval(expected, 0.999)
    assert low <= record["kpis"]["arrivals"] <= high
    low_flat, high_flat = poisson_count_interval(8760.0, 0.999)
    assert not low_flat <= record["kpis"]["arrivals"] <= high_flat


def test_constant_staff_gives_identical_staffed_hours_in_every_replication():
    m = model(staff=3, rate=2.0, horizon="1w", warmup="13.7h")
    hours = {run_replication(m, 1, r)["services"]["desk"]["staffed_hours"] for r in range(4)}
    assert len(hours) == 1                       # bit-identical, so the CI has zero width
    assert hours.pop() == pytest.approx(3 * (168 - 13.7))


def test_allocated_costs_add_up_to_the_service_and_portfolio_cost():
    text = """\
stratsim: 1
name: alloc
horizon: 2w
services:
  - id: desk
    staff: 3
    price: 20
    costs: {staff_hour: 30, per_request: 2, fixed_per_day: 100}
    service_time: {dist: exponential, mean: 30min}
    tiers: [{id: gold, priority: 0, price_factor: 2}, {id: std, priority: 1}]
  - id: lab
    staff: 1
    price: 50
    costs: {staff_hour: 40}
    service_time: {dist: gamma, mean: 1h, cv: 0.5}
segments:
  - {id: a, rate: 3, mix: {desk: 0.8, lab: 0.2}, tiers: {gold: 0.25, std: 0.75}}
  - {id: b, rate: 1, mix: {desk: 0.5, lab: 0.5}}
"""
    record = run_replication(compile_scenario(load_scenario_text(text)), 5, 0)
    desk = record["services"]["desk"]
    assert sum(t["cost"] for t in desk["tiers"].values()) == pytest.approx(desk["cost"])
    assert sum(t["profit"] for t in desk["tiers"].values()) == pytest.approx(desk["profit"])
    segments = record["segments"].values()
    assert sum(s["cost"] for s in segments) == pytest.approx(record["kpis"]["cost"])
    assert sum(s["profit"] for s in segments) == pytest.approx(record["kpis"]["profit"])
    # gold customers pay double for the same work: a better margin per customer
    gold, std = desk["tiers"]["gold"], desk["tiers"]["std"]
    assert gold["profit"] / gold["served"] > std["profit"] / std["served"]


@pytest.mark.parametrize("example", ["helpdesk-surge.yaml", "helpdesk-promotion.yaml", "cloud-portfolio.yaml"])
def test_the_engines_event_loop_is_simpys(monkeypatch, example):
    """``run_until`` writes ``Clock.step`` out; SimPy's own ``Environment.run`` stepping through
    the same calls gives the same record, bit for bit (strategy rules, dependencies, churn
    included)."""
    from pathlib import Path

    from stratsim.engine import replication as replication_module
    from stratsim.scenario import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / example)
    model = compile_scenario(scenario.model_copy(update={"horizon": min(scenario.horizon, 6 * 7 * 24.0)}))
    ours = run_replication(model, 9, 1)
    monkeypatch.setattr(replication_module, "run_until", simpy_run_until)
    assert run_replication(model, 9, 1) == ours



def simpy_run_until(clock, last: int) -> None:
    """``run_until`` by SimPy's ``Environment.run``: every step through :meth:`Clock.step`,
    stopped by SimPy's own ``StopSimulation`` once the call ``last`` is made."""
    from simpy.core import StopSimulation

    def then_stop(function):
        def call(value) -> None:
            function(value)
            raise StopSimulation(None)
        return call

    queue = clock._queue
    index = next(i for i, entry in enumerate(queue) if entry[2] == last)
    at_h, priority, _, function, value = queue[index]
    queue[index] = (at_h, priority, last, then_stop(function), value)   # same place in the heap
    clock.run()
