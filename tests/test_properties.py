"""Property: any scenario the format accepts either runs or fails with stratsim's own error.

Hypothesis writes scenario files from the whole simulated part of the format — every
distribution, waiting rooms, tiers, profiles, growth, elasticity, patience, balking,
rosters — including values at and beyond the edges. Each must either be refused with a
:class:`StratsimError` or simulate one short replication; any other exception is a crash.
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import json

from stratsim.analysis.capacity import capacity_checks, volume_warnings, window_warnings
from stratsim.engine.compile import compile_scenario
from stratsim.errors import StratsimError
from stratsim.runner.simulation import simulate
from stratsim.runner.statistics import iter_leaves
from stratsim.scenario import load_scenario_text

SERVICE_IDS = ["desk", "backup", "chat"]


def mostly(valid, bad, odds: int = 30):
    """``bad`` once in ``odds`` draws, else ``valid``: both paths must be exercised, and a
    scenario has dozens of fields, so an even split would refuse nearly every scenario."""
    # Hypothesis favours the ends of a range; the bad value sits in its middle.
    return st.integers(0, odds).flatmap(lambda k: bad if k == odds // 2 else valid)


durations = mostly(
    st.floats(min_value=0.01, max_value=3) | st.sampled_from(["30s", "15min", "2h", "0.5h", "45min"]),
    st.sampled_from(["-3min", "soon", 0, -1.0]),
)
positive = mostly(st.floats(min_value=0.05, max_value=3), st.sampled_from([0, -0.5]))


KINDS = ["exponential", "lognormal", "gamma", "deterministic", "uniform", "triangular", "empirical"]


@st.composite
def distributions(draw):
    kind = draw(mostly(st.sampled_from(KINDS), st.just("weibull")))
    ordered = draw(mostly(st.just(True), st.just(False)))
    if kind == "exponential":
        return {"dist": kind, "mean": draw(durations)}
    if kind in ("lognormal", "gamma"):
        return {"dist": kind, "mean": draw(durations), "cv": draw(positive)}
    if kind == "deterministic":
        return {"dist": kind, "value": draw(durations)}
    if kind in ("uniform", "triangular"):
        points = [draw(st.floats(0, 3)) for _ in range(2 if kind == "uniform" else 3)]
        points = sorted(points) if ordered else points
        return dict(zip(("dist", "min", "mode", "max") if kind == "triangular" else ("dist", "min", "max"),
                        [kind, *points]))
    if kind == "empirical":
        return {"dist": kind, "values": draw(st.lists(durations, min_size=0 if not ordered else 1, max_size=4))}
    return {"dist": kind, "shape": 1}


@st.composite
def services(draw, index):
    service = {"id": SERVICE_IDS[index], "staff": draw(mostly(st.integers(1, 4), st.sampled_from([0, -1]))),
               "service_time": draw(distributions())}
    if draw(st.booleans()):
        service["queue_capacity"] = draw(mostly(st.integers(0, 6), st.just(-1)))
    if draw(st.booleans()):
        service["price"] = draw(mostly(st.floats(1, 100), st.sampled_from([-1, 0])))
    if draw(st.booleans()):
        service["costs"] = {"staff_hour": draw(st.floats(0, 50)), "per_request": 1, "fixed_per_day": 10}
    if draw(st.booleans()):
        service["sla"] = {"wait": draw(durations)}
    if draw(st.booleans()):
        service["tiers"] = [{"id": "gold", "priority": draw(mostly(st.integers(0, 2), st.just(-1))), "price_factor": 1.5},
                            {"id": "std", "priority": draw(st.integers(0, 2))}]
    return service


@st.composite
def segments(draw, index, service_ids):
    chosen = draw(st.lists(st.sampled_from(service_ids), min_size=1, max_size=3, unique=True))
    shares = [1.0 / len(chosen)] * len(chosen)
    if not draw(st.integers(0, 5)):
        shares[0] += draw(st.floats(-0.5, 0.5))
    segment = {"id": f"seg{index}", "rate": draw(mostly(st.floats(0, 12), st.just(-1))),
               "mix": dict(zip(chosen, shares))}
    if draw(st.booleans()):
        segment["daily_profile"] = draw(st.one_of(
            st.sampled_from(["flat", "business-hours", "evening-peak", "night-shift"]),
            mostly(st.lists(st.floats(0, 3), min_size=24, max_size=24),
                   st.sampled_from(["rush", [1.0] * 23, [1.0] * 25]))))
    if draw(st.booleans()):
        segment["weekly_profile"] = draw(st.one_of(
            st.sampled_from(["flat", "weekdays", "weekend-peak"]), st.lists(st.floats(0, 2), min_size=7, max_size=7)))
    if draw(st.booleans()):
        segment["growth_per_year"] = draw(mostly(st.floats(-0.9, 2), st.just(-1.5)))
    if draw(st.booleans()):
        segment["tiers"] = {"gold": 0.3, "std": 0.7}
    if draw(st.booleans()):
        segment["patience"] = draw(distributions())
    if draw(st.booleans()):
        segment["balk_at"] = draw(mostly(st.integers(1, 5), st.just(0)))
    if draw(st.booleans()):
        segment["price_elasticity"] = draw(mostly(st.floats(-1.5, 0), st.just(0.5)))
    return segment


@st.composite
def scenarios(draw):
    n_services = draw(st.integers(1, 3))
    doc = {"stratsim": 1, "name": "prop", "horizon": draw(st.sampled_from(["1d", "2d", 30, "0h"])),
           "warmup": draw(mostly(st.sampled_from([0, "6h"]), st.just("3d"))), "replications": 1,
           "services": [draw(services(i)) for i in range(n_services)]}
    ids = SERVICE_IDS[:n_services]
    doc["segments"] = [draw(segments(i, ids)) for i in range(draw(st.integers(1, 2)))]
    strategy = {}
    if draw(st.booleans()):
        strategy["pattern"] = {"rosters": {ids[0]: [
            {"days": draw(mostly(st.sampled_from(["mon-fri", "sat-sun", "daily", "fri-mon"]), st.just("funday"))),
             "from": draw(mostly(st.sampled_from(["08:00", "22:00", "09:30"]), st.just("25:00"))),
             "to": draw(st.sampled_from(["18:00", "06:00", "24:00"])),
             "staff": draw(mostly(st.integers(0, 5), st.just(-1)))}]}}
    if draw(st.booleans()):
        strategy["position"] = {"market_price": {ids[0]: draw(mostly(st.floats(1, 80), st.just(-1)))}}
    if strategy:
        doc["strategy"] = strategy
    return doc


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_scenario_runs_or_fails_with_own_error(doc, seed):
    try:
        scenario = load_scenario_text(yaml.safe_dump(doc), "prop.yaml")
        model = compile_scenario(scenario)
    except StratsimError:
        event("refused")
        return
    event("simulated")
    for check in capacity_checks(model):
        check.warnings()
    window_warnings(model)
    volume_warnings(model)
    result = simulate(scenario, replications=2, seed=seed)
    json.dumps(result.summary, allow_nan=False)
    for record in result.records:
        assert_consistent(record)


SHARES = {"blocked_share", "balked_share", "reneged_share", "sla_attainment", "utilization"}


def assert_consistent(record) -> None:
    """Invariants every KPI record holds, whatever the scenario."""
    for level in [record["kpis"], *record["services"].values(), *record["segments"].values()]:
        assert level["arrivals"] == (level["served"] + level["blocked"] + level["balked"]
                                     + level["reneged"] + level["unfinished"])
        assert 0 <= level["unfinished"] <= level["in_system_at_horizon"] <= level["arrivals"]
    for path, value in iter_leaves(record):
        if value is None:
            continue
        name = path[-1]
        if name in SHARES:
            assert 0.0 <= value <= 1.0 + 1e-12, (path, value)
        elif name == "satisfaction":
            assert 1.0 <= value <= 5.0, (path, value)
        elif name in ("wait_mean_min", "wait_p90_min", "revenue", "staffed_hours", "queue_mean", "cost"):
            assert value >= 0.0, (path, value)
