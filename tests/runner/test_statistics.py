"""Statistics over replications: Student-t intervals, undefined values, nested records."""

import math

import pytest
from scipy import stats

from stratsim.runner.statistics import iter_leaves, summarize, summarize_records


def test_student_t_interval_matches_scipy():
    values = [3.0, 5.0, 4.0, 6.0, 2.0]
    result = summarize(values)
    low, high = stats.t.interval(0.95, 4, loc=4.0, scale=stats.sem(values))
    assert result["mean"] == 4.0 and result["n"] == 5
    assert result["std"] == pytest.approx(math.sqrt(2.5))
    assert result["ci95"] == pytest.approx([low, high])


@pytest.mark.parametrize("value", [7.0, 0.7, 504.0000000000003, -1e-300])
def test_zero_variance_gives_zero_width_interval_not_null(value):
    result = summarize([value] * 3)
    assert result == {"mean": value, "ci95": [value, value], "std": 0.0, "n": 3}


def test_undefined_values_are_skipped_and_counted_out():
    result = summarize([None, 1.0, 3.0, None])
    assert result["n"] == 2 and result["mean"] == 2.0
    assert summarize([None, None]) == {"mean": None, "ci95": None, "std": None, "n": 0}
    single = summarize([5.0])
    assert single["mean"] == 5.0 and single["std"] is None and single["ci95"] is None


def test_nested_records_keep_shape_and_order():
    records = [{"kpis": {"a": 1.0, "b": None}, "services": {"x": {"c": 2.0}}},
               {"kpis": {"a": 3.0, "b": 4.0}, "services": {"x": {"c": 2.0}}}]
    summary = summarize_records(records)
    assert list(summary["kpis"]) == ["a", "b"]
    assert summary["kpis"]["a"]["mean"] == 2.0
    assert summary["kpis"]["b"]["n"] == 1
    assert summary["services"]["x"]["c"]["ci95"] == [2.0, 2.0]
    assert [path for path, _ in iter_leaves(records[0])] == [("kpis", "a"), ("kpis", "b"), ("services", "x", "c")]
