"""The shipped example scenarios say true things about themselves."""

from __future__ import annotations

from pathlib import Path

from stratsim.clock import HOURS_PER_WEEK
from stratsim.engine.compile import compile_scenario
from stratsim.engine.model import StationSpec
from stratsim.scenario import load_scenario

SCENARIOS = Path(__file__).parents[2] / "scenarios"


def helpdesk(name: str) -> StationSpec:
    model = compile_scenario(load_scenario(SCENARIOS / name))
    return next(station for station in model.stations if station.id == "helpdesk")


def staff_by_hour(station: StationSpec) -> list[int]:
    """Staff at each hour of the week (the roster changes on whole hours)."""
    return [station.staff_at(hour + 0.5) for hour in range(HOURS_PER_WEEK)]


def test_the_early_shift_variant_is_cost_neutral_and_moves_hours_to_the_peaks() -> None:
    baseline, variant = staff_by_hour(helpdesk("helpdesk-baseline.yaml")), staff_by_hour(helpdesk("helpdesk-early-shift.yaml"))
    assert sum(variant) == sum(baseline)   # the same agent-hours every week: the same staff cost
    for day in range(5):                  # as its comments say, every weekday
        at = lambda hour: day * 24 + hour  # noqa: E731
        assert sum(variant[at(0):at(24)]) == sum(baseline[at(0):at(24)]) == 71 + 11   # + night cover
        assert (baseline[at(8)], variant[at(8)]) == (3, 5)
        assert (baseline[at(17)], variant[at(17)]) == (3, 4)
        assert (baseline[at(12)], variant[at(12)], baseline[at(13)], variant[at(13)]) == (7, 5, 7, 6)
    assert variant[5 * 24:] == baseline[5 * 24:]   # the weekend is unchanged


def test_the_early_shift_variant_changes_only_the_helpdesk_roster() -> None:
    baseline = load_scenario(SCENARIOS / "helpdesk-baseline.yaml")
    variant = load_scenario(SCENARIOS / "helpdesk-early-shift.yaml")
    assert variant.services == baseline.services and variant.segments == baseline.segments
    assert variant.strategy.pattern.rosters["cloud-backup"] == baseline.strategy.pattern.rosters["cloud-backup"]
    assert variant.description.startswith("Cost-neutral")
