"""The shipped example scenarios say true things about themselves."""

from __future__ import annotations

from pathlib import Path

from stratsim.clock import HOURS_PER_WEEK
from stratsim.engine.compile import compile_scenario
from stratsim.engine.model import StationSpec
from stratsim.scenario import load_scenario, load_scenario_text

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


README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def readme_example() -> str:
    block = README.split("```yaml\nstratsim: 1", 1)[1].split("```", 1)[0]
    block = "stratsim: 1" + block
    return "\n".join(line for line in block.splitlines() if not line.startswith("extends:"))


ALTERNATIVES = [
    # what a comment of the README's scenario example offers instead of the value shown
    ("    patience: {dist: exponential, mean: 45min}", "    patience: null"),
    ("    patience: {dist: exponential, mean: 45min}", ""),
    ("    queue_capacity: 40", "    queue_capacity: 0"),
    ("    queue_capacity: 40", ""),
    ("    balk_at: 30", "    balk_at: 0"),
    ("daily_profile: business-hours", "daily_profile: flat"),
    ("daily_profile: business-hours", "daily_profile: evening-peak"),
    ("daily_profile: business-hours", "daily_profile: night-shift"),
    ("daily_profile: business-hours", "daily_profile: [" + ", ".join(["1"] * 24) + "]"),
    ("weekly_profile: [1.3, 1.1, 1, 1, 0.9, 0.3, 0.2]", "weekly_profile: weekdays"),
    ("weekly_profile: [1.3, 1.1, 1, 1, 0.9, 0.3, 0.2]", "weekly_profile: weekend-peak"),
    ("{dist: lognormal, mean: 20min, cv: 0.8}", "{dist: gamma, mean: 20min, cv: 0.8}"),
    ("{dist: lognormal, mean: 20min, cv: 0.8}", "{dist: exponential, mean: 20min}"),
    ("{dist: lognormal, mean: 20min, cv: 0.8}", "{dist: deterministic, value: 20min}"),
    ("{dist: lognormal, mean: 20min, cv: 0.8}", "{dist: uniform, min: 10min, max: 30min}"),
    ("{dist: lognormal, mean: 20min, cv: 0.8}", "{dist: triangular, min: 10min, mode: 15min, max: 40min}"),
    ("{dist: lognormal, mean: 20min, cv: 0.8}", "{dist: empirical, values: [10min, 25min, 0.5]}"),
    ('to: "18:00", staff: 6}', 'to: "24:00", staff: 6}'),
    ('from: "08:00", to: "18:00"', 'from: "22:00", to: "06:00"'),
    ("horizon: 29d", "horizon: 696"),
    ("horizon: 29d", "horizon: 4.5w"),
]


def test_the_readme_example_comments_offer_only_values_that_validate() -> None:
    example = readme_example()
    for old, new in ALTERNATIVES:
        assert old in example, old
        load_scenario_text(example.replace(old, new), "README.md")
