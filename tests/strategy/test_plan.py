"""The plan and pattern compiled for the engine: labels, order, what can change, file order."""

from __future__ import annotations

import pickle

from stratsim.engine.compile import compile_scenario
from stratsim.engine.replication import run_replication
from stratsim.scenario.models import Scenario

SERVICES = [
    {"id": "desk", "staff": 2, "price": 10.0, "service_time": {"dist": "exponential", "mean": 0.2}},
    {"id": "backup", "staff": 1, "price": 20.0, "service_time": {"dist": "exponential", "mean": 0.5}},
]
SEGMENTS = [{"id": "all", "rate": 6.0, "mix": {"desk": 0.8, "backup": 0.2}, "price_elasticity": -0.7,
             "flexibility": 0.3, "daily_profile": "business-hours"}]
PRICING = [
    {"name": "evening", "services": ["desk", "backup"], "when": "hour >= 18", "factor": 0.85},
    {"services": ["desk"], "when": "weekday >= 5", "factor": 0.9},
    {"name": "busy", "services": ["desk"], "when": "queue('desk') > 3", "factor": 1.15},
]
PROMOTIONS = [
    {"name": "b", "segments": ["all"], "services": ["desk"], "from": 30.0, "to": 60.0, "uplift": 0.2, "discount": 0.05},
    {"name": "a", "segments": ["all"], "services": ["desk", "backup"], "from": 40.0, "to": 70.0, "discount": 0.1},
]
RULES = [
    {"name": "zeta", "every": 1.0, "when": "queue('desk') > 2", "then": {"add_staff": {"desk": 1}, "for": 2.0},
     "max_staff": 4},
    {"name": "alpha", "every": 1.0, "when": "utilization('desk') > 0.8",
     "then": {"set_price_factor": {"desk": "1 + queue('desk') / 20"}}, "ceiling": 1.3},
]
ACTIONS = [
    {"at": 50.0, "retire": "backup"},
    {"at": 50.0, "set_staff": {"backup": 2, "desk": 3}},
    {"at": 20.0, "set_price": {"desk": 11.0}},
]


def scenario(pricing=PRICING, promotions=PROMOTIONS, rules=RULES, actions=ACTIONS) -> Scenario:
    return Scenario.model_validate({
        "stratsim": 1, "name": "plan", "horizon": 120.0, "warmup": 10.0, "services": SERVICES,
        "segments": SEGMENTS, "strategy": {"plan": {"pricing": pricing, "promotions": promotions,
                                                    "actions": actions},
                                           "pattern": {"rules": rules}}})


def test_compiled_strategy():
    spec = compile_scenario(scenario()).strategy
    assert [(a.at_h, a.kind, a.station) for a in spec.actions] == [
        (20.0, "set_price", 0), (50.0, "set_staff", 0), (50.0, "set_staff", 1), (50.0, "retire", 1)]
    assert [a.label for a in spec.actions] == ["actions[2]", "actions[1]", "actions[1]", "actions[0]"]
    assert [p.label for p in spec.pricing] == ["evening", "pricing[1]", "busy"]
    assert [p.time_only for p in spec.pricing] == [True, True, False]
    assert [r.label for r in spec.rules] == ["alpha", "zeta"]            # by name
    assert spec.rules[1].for_h == 2.0 and spec.rules[0].reads == (0,)
    assert spec.priced == {0, 1} and spec.retirable == {1} and spec.dynamic == {0, 1}
    assert spec.labels[:2] == ("actions[2]", "actions[1]")
    assert pickle.loads(pickle.dumps(spec)) is not None                 # it goes to worker processes


def test_no_strategy_compiles_to_none():
    plain = Scenario.model_validate({"stratsim": 1, "name": "p", "horizon": 10.0, "services": SERVICES,
                                     "segments": SEGMENTS})
    assert compile_scenario(plain).strategy is None


def test_reordering_the_file_changes_no_number():
    base = run_replication(compile_scenario(scenario()), 3, 0)
    shuffled = scenario(pricing=PRICING[::-1], promotions=PROMOTIONS[::-1], rules=RULES[::-1],
                        actions=ACTIONS[::-1])
    again = run_replication(compile_scenario(shuffled), 3, 0)
    base.pop("rules"), again.pop("rules")
    assert again == base


def test_a_strategy_that_never_acts_changes_no_number():
    """A pricing rule that never holds and a rule that never fires: the stations are priced and
    the demand re-timable, yet every KPI is bit-identical to the scenario without them."""
    from tests.conftest import SMALL_SCENARIO
    import yaml

    data = yaml.safe_load(SMALL_SCENARIO)
    data["segments"][0]["price_elasticity"] = -0.5
    plain_elastic = compile_scenario(Scenario.model_validate(data))
    data["strategy"]["plan"] = {"pricing": [{"services": ["desk", "backup"], "when": "t < 0", "factor": 0.5}]}
    data["strategy"]["pattern"]["rules"] = [{"name": "never", "every": 1.0, "when": "queue('desk') > 1000",
                                             "then": {"add_staff": {"desk": 1}}}]
    inert = compile_scenario(Scenario.model_validate(data))
    assert inert.strategy.priced == {0, 1}
    for replication in range(2):
        record = run_replication(inert, 5, replication)
        assert record.pop("rules") == {"pricing[0]": {"fired": 0, "refused": 0},
                                       "never": {"fired": 0, "refused": 0}}
        assert record == run_replication(plain_elastic, 5, replication)
    data["strategy"]["plan"]["pricing"][0]["when"] = "t >= 100"     # acting: the check can fail
    acting = run_replication(compile_scenario(Scenario.model_validate(data)), 5, 0)
    assert acting.pop("rules")["pricing[0]"]["fired"] == 2      # in force on two services
    assert acting != run_replication(plain_elastic, 5, 0)
