"""The printed comparison: every scenario side by side where that fits, else one table per
variant against the baseline, never names cut to ``help…`` nor numbers wrapped over lines."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from stratsim.report.tables import comparison_renderables, difference_cell, mean_pm, natural_width
from stratsim.runner.compare import compare
from tests.conftest import SMALL_SCENARIO, write
from tests.runner.test_compare import MORE_STAFF, PERSPECTIVE, TWIN


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("tables")
    write(folder, "small.yaml", SMALL_SCENARIO.replace("strategy:\n", PERSPECTIVE, 1))
    more = write(folder, "more.yaml", MORE_STAFF.replace("small-more-staff", "small-with-a-much-longer-name"))
    twin = write(folder, "twin.yaml", TWIN)
    return compare([folder / "small.yaml", more, twin], replications=4).document


def printed(document: dict, width: int) -> list[str]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None)
    for renderable in comparison_renderables(document, width):
        console.print(renderable)
    return buffer.getvalue().splitlines()


def test_a_comparison_that_fits_is_printed_side_by_side(document):
    width = max(natural_width(r) for r in comparison_renderables(document)[:-1])
    lines = printed(document, width)
    header = next(line for line in lines if "KPI" in line)
    for name in ("small", "small-with-a-much-longer-name", "Δ small-twin"):
        assert name in header
    assert not any("against" in line for line in lines)


def test_a_comparison_too_wide_gets_one_table_per_variant_with_whole_names_and_numbers(document):
    lines = printed(document, 80)
    assert all(len(line) <= 80 for line in lines)
    titles = [line.strip() for line in lines if " against " in line]
    assert titles == ["small-with-a-much-longer-name against small", "small-twin against small"]
    assert "…" not in "\n".join(lines)
    # each KPI row holds the baseline's value, the variant's and the paired difference, whole
    first = lines.index(next(line for line in lines if line.startswith("small-with")))
    row = next(line for line in lines[first:] if line.startswith("│ wait_mean_min"))
    cells = [cell.strip() for cell in row.strip("│").split("│")]
    variant = "small-with-a-much-longer-name"
    assert cells == ["wait_mean_min", mean_pm(document["scenarios"]["small"]["kpis"]["wait_mean_min"]),
                     mean_pm(document["scenarios"][variant]["kpis"]["wait_mean_min"]),
                     difference_cell("wait_mean_min", document["differences"][variant]["kpis"]["wait_mean_min"]).plain]


def test_a_variant_lists_under_each_service_only_its_significant_differences(document):
    lines = printed(document, 80)
    twin = lines.index(next(line for line in lines if line.startswith("small-twin against")))
    more, twin_lines = lines[:twin], lines[twin:]
    variant = "small-with-a-much-longer-name"
    significant = [(service, kpi) for service, kpis in document["differences"][variant]["services"].items()
                   for kpi in document["key_kpis"] if (kpis.get(kpi) or {}).get("significant")]
    assert significant, "more staff at the desk changes its waits significantly"
    listed = [line for line in more if re.match(r"│   \w", line)]
    assert len(listed) == len(significant)
    assert any(line.startswith("│ desk ") for line in more)
    # the twin is the baseline again: no service differs, so no service is listed
    assert not [line for line in twin_lines if re.match(r"│   \w", line)]
    assert any(line.startswith("│ feasible") for line in twin_lines)


def test_where_even_a_variant_table_is_too_wide_its_values_drop_their_intervals_not_digits(document):
    from stratsim.report.tables import variant_table

    variant = "small-with-a-much-longer-name"
    full, bare = variant_table(document, variant), variant_table(document, variant, intervals=False)
    width = natural_width(full) - 1
    assert natural_width(bare) <= width
    lines = printed(document, width)
    row = next(line for line in lines if line.startswith("│ wait_mean_min"))
    cells = [cell.strip() for cell in row.strip("│").split("│")]
    assert "±" not in cells[1] and "±" not in cells[2] and "±" in cells[3]
    assert "means (their intervals: comparison.csv" in " ".join(lines)
    for narrow in (40, 24):   # folded onto more lines, never cut
        assert "…" not in "\n".join(printed(document, narrow))


def test_the_legend_speaks_of_service_lines_only_when_a_table_has_them(document):
    import copy

    twin_only = copy.deepcopy(document)
    for part in ("scenarios", "differences"):
        twin_only[part].pop("small-with-a-much-longer-name")
    lines = printed(twin_only, 40)
    assert any(line.startswith("small-twin against small") for line in lines)   # one table per variant
    assert "Below the line" not in " ".join(lines)
    assert "Below the line" in " ".join(printed(document, 80))
