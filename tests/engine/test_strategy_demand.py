"""The plan acting on demand: price elasticity, common random numbers, promotions, shifting.

Counts of a Poisson process over a period are Poisson with mean ∫λ: each count is checked against
its exact Poisson interval (``poisson_count_interval``) at 99.9 %, and each check is shown to
reject the wrong model (the demand without the strategy's effect), so it can fail. Where the
time transformation makes an exact statement (a constant rate ``f·λ`` up to ``T`` makes the same
arrivals as ``λ`` up to ``f·T``), it is checked exactly.
"""

from __future__ import annotations

import math

import pytest
from strategy_testkit import run, scenario, segment, service, within_poisson

RATE = 20.0
HORIZON = 300.0
ALWAYS = "t >= 0"


def priced_desk(factor: float | None, elasticity: float, *, market: float | None = None,
                price: float = 10.0, horizon: float = HORIZON):
    strategy: dict = {}
    if factor is not None:
        strategy["plan"] = {"pricing": [{"name": "cut", "services": ["desk"], "when": ALWAYS,
                                         "factor": factor}]}
    if market is not None:
        strategy["position"] = {"market_price": {"desk": market}}
    return scenario([service("desk", price=price)],
                    [segment("all", {"desk": 1.0}, rate=RATE, price_elasticity=elasticity)],
                    strategy, horizon=horizon)


def arrivals(sc, replication: int = 0) -> int:
    return run(sc, replication).record["kpis"]["arrivals"]


# --- elasticity -------------------------------------------------------------------------------

def test_a_price_factor_of_0_8_with_elasticity_minus_1_raises_arrivals_by_25_percent():
    mean = RATE * HORIZON * 0.8 ** -1.0          # = 1.25 λT = 7,500
    for replication in range(3):
        count = arrivals(priced_desk(0.8, -1.0), replication)
        assert within_poisson(count, mean)
        assert not within_poisson(count, RATE * HORIZON)   # the check can fail: demand unmoved


def test_the_price_changes_the_clock_of_demand_not_its_customers():
    """Exact time transformation: at a constant 1.25 λ up to T, the same arrivals as λ up to 1.25 T."""
    for replication in range(3):
        assert arrivals(priced_desk(0.8, -1.0), replication) == arrivals(
            priced_desk(None, -1.0, horizon=1.25 * HORIZON), replication)


def test_elasticity_zero_leaves_demand_unchanged_customer_by_customer():
    cut, plain = run(priced_desk(0.8, 0.0)), run(priced_desk(None, 0.0))
    assert cut.arrivals("desk").tolist() == plain.arrivals("desk").tolist()
    desk_cut, desk_plain = cut.record["services"]["desk"], plain.record["services"]["desk"]
    assert desk_cut["wait_mean_min"] == desk_plain["wait_mean_min"]
    assert desk_cut["completed"] == desk_plain["completed"]
    assert desk_cut["revenue"] == desk_cut["completed"] * 8.0      # every customer paid 0.8 × 10


def test_a_list_price_above_the_market_lowers_demand_by_the_formula():
    """Price 11 against a market price of 10, elasticity −2: demand × 1.1^−2 ≈ 0.826."""
    mean = RATE * HORIZON * 1.1 ** -2.0
    for replication in range(3):
        count = arrivals(priced_desk(None, -2.0, market=10.0, price=11.0), replication)
        assert within_poisson(count, mean)
        assert not within_poisson(count, RATE * HORIZON)


def test_a_dated_price_change_moves_demand_from_its_time_on():
    """set_price 10 → 20 at 100 h, elasticity −1: half the demand after, none changed before."""
    plan = {"plan": {"actions": [{"at": 100.0, "set_price": {"desk": 20.0}}]}}
    sc = scenario([service("desk")], [segment("all", {"desk": 1.0}, rate=RATE, price_elasticity=-1.0)], plan)
    base = scenario([service("desk")], [segment("all", {"desk": 1.0}, rate=RATE, price_elasticity=-1.0)])
    changed, plain = run(sc), run(base)
    assert changed.arrivals("desk")[:100].tolist() == plain.arrivals("desk")[:100].tolist()
    after = int(changed.arrivals("desk")[100:].sum())
    assert within_poisson(after, RATE * 200 * 0.5)
    assert not within_poisson(after, RATE * 200)
    price = [row.price_mean for row in changed.bins["desk"]]
    assert price[:100] == [10.0] * 100 and price[100:] == [20.0] * 200


# --- common random numbers --------------------------------------------------------------------

def two_services(pricing: bool):
    strategy = {"plan": {"pricing": [{"name": "off-peak", "services": ["desk"],
                                      "when": "hour < 8 or hour >= 18", "factor": 0.7}]}} if pricing else None
    return scenario(
        [service("desk", staff=2, service_time={"dist": "exponential", "mean": 0.08}),
         service("backup", staff=1, service_time={"dist": "exponential", "mean": 0.2})],
        [segment("staff", {"desk": 0.7, "backup": 0.3}, rate=10.0, price_elasticity=-0.8,
                 daily_profile="business-hours", patience={"dist": "exponential", "mean": 0.5}),
         segment("branches", {"backup": 1.0}, rate=1.0, price_elasticity=-0.5)],
        strategy, horizon=200.0, warmup=24.0)


def test_a_pricing_rule_on_one_service_leaves_every_other_service_identical_replication_by_replication():
    for replication in range(4):
        priced, plain = run(two_services(True), replication), run(two_services(False), replication)
        assert priced.record["services"]["backup"] == plain.record["services"]["backup"]
        assert priced.bins["backup"] == plain.bins["backup"]
        assert priced.record["segments"]["branches"] == plain.record["segments"]["branches"]
        # ... while the priced service's demand did move (the comparison can fail)
        assert priced.arrivals("desk").tolist() != plain.arrivals("desk").tolist()


# --- promotions -------------------------------------------------------------------------------

PROMOTION = {"name": "spring", "segments": ["all"], "services": ["desk"], "from": 100.0, "to": 200.0,
             "uplift": 0.5, "discount": 0.1, "cost": 3000.0, "post_dip": {"for": 50.0, "share": 0.4}}


def promoted(promotion: dict | None, *, elasticity: float = 0.0, warmup: float = 0.0):
    strategy = {"plan": {"promotions": [promotion]}} if promotion else None
    return scenario([service("desk", costs={"staff_hour": 1.0, "per_request": 0.5})],
                    [segment("all", {"desk": 1.0}, rate=RATE, price_elasticity=elasticity)],
                    strategy, horizon=HORIZON, warmup=warmup)


@pytest.mark.parametrize("replication", range(3))
def test_the_uplift_acts_exactly_inside_the_window_and_the_dip_after_it(replication):
    campaign, plain = run(promoted(PROMOTION), replication), run(promoted(None), replication)
    counts, base = campaign.arrivals("desk"), plain.arrivals("desk")
    assert counts[:100].tolist() == base[:100].tolist()        # untouched before the campaign
    inside, dip, after = int(counts[100:200].sum()), int(counts[200:250].sum()), int(counts[250:].sum())
    assert within_poisson(inside, RATE * 100 * 1.5) and not within_poisson(inside, RATE * 100)
    assert within_poisson(dip, RATE * 50 * 0.6) and not within_poisson(dip, RATE * 50)
    assert within_poisson(after, RATE * 50)


def test_a_discount_raises_demand_through_elasticity():
    no_uplift = {**PROMOTION, "uplift": 0.0, "post_dip": None}
    inside = int(run(promoted(no_uplift, elasticity=-2.0)).arrivals("desk")[100:200].sum())
    assert within_poisson(inside, RATE * 100 * 0.9 ** -2.0)
    assert not within_poisson(inside, RATE * 100)


def test_the_promotion_cost_is_in_the_accounts():
    """Campaign cost accrued over the window plus the discounts given, inside ``cost``.

    Every customer completes within minutes, so the discounted completions are the customers who
    arrived during the campaign, and the rest paid the list price.
    """
    result = run(promoted(PROMOTION))
    desk = result.record["services"]["desk"]
    discounted = int(result.arrivals("desk")[100:200].sum())
    accounts = {q: n for cell in result.replication.counted for q, n in cell.account.quotes.items()}
    assert accounts == {(10.0, 1.0): desk["completed"] - discounted, (10.0, 0.9): discounted}
    discount = math.fsum([discounted * 10.0 * (1.0 - 0.9)])
    assert desk["promotion_cost"] == pytest.approx(3000.0 + discount, rel=1e-12)
    assert desk["revenue"] == desk["completed"] * 10.0           # booked before the discount
    assert desk["cost"] == pytest.approx(desk["staffed_hours"] * 1.0 + 0.5 * desk["completed"]
                                         + desk["promotion_cost"], rel=1e-12)
    assert result.record["kpis"]["promotion_cost"] == desk["promotion_cost"]
    assert result.record["segments"]["all"]["promotion_cost"] == pytest.approx(desk["promotion_cost"])


def test_the_campaign_cost_is_prorated_to_the_measured_window():
    """A warm-up ending half-way through the campaign leaves half its cost to the window."""
    no_discount = {**PROMOTION, "discount": 0.0}
    desk = run(promoted(no_discount, warmup=150.0)).record["services"]["desk"]
    assert desk["promotion_cost"] == pytest.approx(1500.0, rel=1e-12)


# --- demand shifting --------------------------------------------------------------------------

DAYS = 14
CHEAP = "(hour < 8 or hour >= 18) and day < 13"
"""Off-peak prices on the first 13 days: every deferred customer is back before the horizon."""


def flexible(flexibility: float):
    return scenario(
        [service("desk", staff=3, service_time={"dist": "exponential", "mean": 0.1})],
        [segment("all", {"desk": 1.0}, rate=RATE, flexibility=flexibility)],
        {"plan": {"pricing": [{"name": "off-peak", "services": ["desk"], "when": CHEAP, "factor": 0.7}]}},
        horizon=24.0 * DAYS)


@pytest.mark.parametrize("replication", range(2))
def test_demand_shifting_conserves_customers_and_moves_load_off_peak(replication):
    """Flexibility 0.5 and an off-peak price 30 % lower (a gap above 20 %: every flexible customer
    moves): half the peak's customers come back off-peak, none is lost or made twice."""
    shifted, plain = run(flexible(0.5), replication), run(flexible(0.0), replication)
    kpis = shifted.record["kpis"]
    outcomes = sum(kpis[k] for k in ("served", "blocked", "balked", "reneged", "unavailable", "unfinished"))
    assert kpis["arrivals"] == outcomes == plain.record["kpis"]["arrivals"]
    # every deferred customer came back before the horizon: the station saw each customer once
    assert int(shifted.arrivals("desk").sum()) == kpis["arrivals"]
    by_hour = shifted.arrivals("desk").reshape(-1, 24)
    peak, off_peak = int(by_hour[:, 8:18].sum()), int(by_hour.sum()) - int(by_hour[:, 8:18].sum())
    moved = RATE * 10 * (DAYS - 1) * 0.5      # the peaks of the 13 days with a cheaper time ahead
    assert within_poisson(kpis["deferred"], moved)
    assert within_poisson(peak, RATE * 10 * DAYS - moved)
    assert within_poisson(off_peak, RATE * 14 * DAYS + moved)
    assert not within_poisson(peak, RATE * 10 * DAYS) and not within_poisson(off_peak, RATE * 14 * DAYS)
    # spread evenly over the cheaper window (18:00 to 08:00), not piled into its first hour
    evenings = by_hour[:12, 18:24].sum(axis=0)
    assert within_poisson(int(evenings[0]), RATE * 12 + RATE * 10 * 12 * 0.5 / 14)


def test_the_share_who_defer_grows_with_the_price_gap():
    """A 10 % cheaper off-peak moves half the flexible customers (gap / 20 %)."""
    sc = scenario([service("desk")], [segment("all", {"desk": 1.0}, rate=RATE, flexibility=1.0)],
                  {"plan": {"pricing": [{"services": ["desk"], "when": "hour >= 12", "factor": 0.9}]}},
                  horizon=24.0 * 14)
    kpis = run(sc).record["kpis"]
    expected = RATE * 12 * 14 * 0.5            # morning customers × flexibility × (0.1 / 0.2)
    assert within_poisson(kpis["deferred"], expected)
    assert not within_poisson(kpis["deferred"], 2 * expected)
