"""The scenario-file reference: generated from the models, committed, and kept in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stratsim.scenario.models import Scenario
from stratsim.scenario.reference import REGENERATE, main, scenario_reference
from stratsim.scenario.reference import _sections as reference_sections
from stratsim.scenario.support import UNSUPPORTED

COMMITTED = Path(__file__).parents[2] / "docs" / "scenario-reference.md"


@pytest.fixture(scope="module")
def reference() -> str:
    return scenario_reference()


def row(reference: str, path: str) -> list[str]:
    """The cells of the table row whose YAML path cell starts with ``path``."""
    for line in reference.splitlines():
        if line.startswith(f"| `{path}`"):
            return [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
    raise AssertionError(f"no row for {path}")


def test_committed_reference_is_what_the_models_generate(reference: str) -> None:
    assert COMMITTED.read_text(encoding="utf-8") == reference, (
        f"docs/scenario-reference.md is out of step with the scenario models; regenerate it "
        f"with: {REGENERATE}"
    )


def test_every_field_of_every_model_has_a_description() -> None:
    sections, distributions = reference_sections(Scenario)
    models = [section.model for section in (*sections, *distributions)]
    assert len(models) >= 20
    missing = [f"{model.__name__}.{name}" for model in models
               for name, field in model.model_fields.items() if not (field.description or "").strip()]
    assert not missing, f"fields without a docstring: {missing}"


def test_every_field_has_a_row(reference: str) -> None:
    sections, distributions = reference_sections(Scenario)
    for section in (*sections, *distributions):
        for name, field in section.model.model_fields.items():
            path = ".".join(p for p in (section.paths[0], field.alias or name) if p)
            row(reference, path)


def test_rows_show_type_limits_default_unit_and_support(reference: str) -> None:
    assert row(reference, "services[*].staff")[1:4] == ["integer ≥ 0", "required", "servers"]
    assert row(reference, "horizon")[1:4] == ["[duration](#durations) > 0", "required", "time"]
    assert row(reference, "time_bin")[2] == "`1h`"
    assert row(reference, "replications")[2] == "`10`"
    assert row(reference, "segments[*].mix")[1] == "mapping service id → number"
    assert row(reference, "strategy.position.market_price")[1] == "mapping service id → number > 0"
    assert row(reference, "services[*].tiers[*].sla")[2] == "absent"
    cost = row(reference, "services[*].costs.staff_hour")
    assert cost[3] == "currency per server-hour" and "Unit:" not in cost[4]
    assert row(reference, "segments[*].rate")[5] == "yes"
    assert row(reference, "strategy.position.target_segments")[5].startswith("not yet (target")
    assert row(reference, "services[*].depends_on")[5] == "yes"
    assert row(reference, "services[*].depends_on[*].share")[5] == "yes"
    assert row(reference, "services[*].fallback")[5] == "yes"
    assert row(reference, "strategy.pattern.rosters.<service>[*].from")[1] == '"HH:MM"'


def test_every_unsupported_feature_names_a_row(reference: str) -> None:
    for pattern, _used, _reason in UNSUPPORTED:
        assert row(reference, pattern)[5].startswith("not yet"), pattern


def test_the_module_prints_the_reference(capsys: pytest.CaptureFixture[str], reference: str) -> None:
    main()
    assert capsys.readouterr().out == reference
