"""Compilation of a validated scenario into the engine's model."""

import math

import pytest
import yaml

from stratsim.engine.compile import compile_scenario
from stratsim.scenario import load_scenario_text
from stratsim.scenario.profiles import DAILY_PRESETS

TEXT = """\
stratsim: 1
name: comp
horizon: 1w
services:
  - id: desk
    staff: 2
    price: 50
    service_time: {dist: exponential, mean: 10min}
    tiers: [{id: a, priority: 5}, {id: b, priority: 2}, {id: c, priority: 5}]
  - id: plain
    staff: 1
    price: 10
    internal: false
    service_time: {dist: deterministic, value: 6min}
segments:
  - id: tiered
    rate: 10
    mix: {desk: 0.25, plain: 0.75}
    tiers: {a: 0.5, b: 0.5}
    daily_profile: business-hours
    weekly_profile: [2, 1, 1, 1, 1, 0, 0]
    growth_per_year: 0.08
    price_elasticity: -0.5
  - id: untiered
    rate: 4
    mix: {desk: 1}
strategy:
  position: {market_price: {desk: 40}}
"""


@pytest.fixture(scope="module")
def model():
    return compile_scenario(load_scenario_text(TEXT))


def test_tier_levels_rank_distinct_priorities(model):
    desk = model.stations[0]
    assert [(t.id, t.level) for t in desk.tiers] == [("a", 1), ("b", 0), ("c", 1)]
    assert desk.levels == 2
    assert [t.id for t in model.stations[1].tiers] == ["default"]


def test_tier_choice(model):
    tiered_desk, tiered_plain, untiered = model.demands
    # walked by (priority, id): b (priority 2) before a (priority 5), whatever the file order
    assert tiered_desk.tier_choice == ((0.5, 1), (1.0, 0))
    assert tiered_plain.tier_choice == ((1.0, 0),)      # plain declares no tiers
    assert untiered.tier_choice == ((1.0, 2),)          # lowest priority, the larger id (c) on a tie


def test_rates_multiply_rate_mix_profiles_and_price_response(model):
    tiered_desk = model.demands[0]
    response = (50 / 40) ** -0.5
    monday_10 = 10 * 0.25 * DAILY_PRESETS["business-hours"][10] * 2 * response
    assert tiered_desk.rate_by_hour[10] == pytest.approx(monday_10)
    assert tiered_desk.rate_by_hour[5 * 24 + 10] == 0.0
    assert tiered_desk.growth_per_hour == pytest.approx(math.log(1.08) / 8760)
    plain = model.demands[1]
    assert plain.rate_by_hour[10] == pytest.approx(10 * 0.75 * DAILY_PRESETS["business-hours"][10] * 2)


def test_untiered_flat_demand_is_constant_rate(model):
    assert model.demands[2].is_constant_rate and not model.demands[0].is_constant_rate


def test_stream_keys_depend_on_ids_not_positions(model):
    document = yaml.safe_load(TEXT)
    document["segments"].reverse()
    document["services"].reverse()
    other = compile_scenario(load_scenario_text(yaml.safe_dump(document)))

    def keys(m):
        return {(m.segments[d.segment_index].id, m.stations[d.station_index].id): d.entity for d in m.demands}

    assert keys(other) == keys(model)
    assert len(set(keys(model).values())) == 3
