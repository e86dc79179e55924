"""The portfolio picture: layout, labels a meeting can read, colours from a run, and its place
in the run and comparison reports."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from matplotlib.text import Annotation
from report_testkit import make_run_folder

from stratsim.portfolio.graph import portfolio_graph
from stratsim.report import portfolio_charts, style
from stratsim.report.charts import chart_functions
from stratsim.report.document import write_report  # noqa: F401  (registers every chart)
from stratsim.report.results import COMPARE, RUN, CompareResults, RunResults
from stratsim.report.portfolio_charts import (
    MODE_IN_LABEL_MAX_EDGES,
    compare_portfolio_graphs,
    graph_layout,
    layers,
    node_label,
    node_values,
    portfolio_figure,
    portfolio_finding,
    run_portfolio_graph,
)
from stratsim.scenario import load_scenario_text

from tests.conftest import write
from tests.portfolio.portfolio_testkit import (
    PORTFOLIO_YAML,
    TEN_SERVICES_YAML,
    portfolio_data,
    service,
    validated,
)


@pytest.fixture(scope="module")
def graph():
    return portfolio_graph(load_scenario_text(PORTFOLIO_YAML))


@pytest.fixture(scope="module")
def dense():
    return portfolio_graph(load_scenario_text(TEN_SERVICES_YAML))


def test_rows_put_what_customers_see_on_top_and_shared_services_below(graph):
    assert layers(graph) == {"portal": 0, "helpdesk": 0, "identity": 1, "storage": 1, "network": 2}
    positions = graph_layout(graph)
    for source, target in graph.edges:
        assert positions[source][1] > positions[target][1]   # every arrow points down


def test_the_layout_does_not_depend_on_the_file_order(graph):
    data = portfolio_data()
    data["services"].reverse()
    assert graph_layout(portfolio_graph(validated(data))) == graph_layout(graph)


def _crossings(graph, positions) -> int:
    """Pairs of arrows between the same two adjacent rows that cross."""
    edges = [(positions[a], positions[b]) for a, b in graph.edges
             if positions[a][1] - positions[b][1] == 1]
    return sum(1 for (p, q), (r, s) in itertools.combinations(edges, 2)
               if p[1] == r[1] and (p[0] - r[0]) * (q[0] - s[0]) < 0)


def test_rows_are_ordered_to_cut_crossings(dense, monkeypatch):
    ordered = graph_layout(dense)
    assert graph_layout(dense) == ordered   # deterministic
    by_id = lambda graph, rows: [sorted(s for s, r in rows.items() if r == n)  # noqa: E731
                                 for n in range(1 + max(rows.values()))]
    monkeypatch.setattr(portfolio_charts, "_row_orders", by_id)
    assert _crossings(dense, ordered) == 7 < _crossings(dense, graph_layout(dense)) == 17


def test_node_labels_say_staff_and_lifecycle():
    data = portfolio_data()
    service(data, "helpdesk").update(status="pipeline", launch="3d", retire="7d", fallback="portal")
    graph = portfolio_graph(validated(data))
    assert node_label(graph, "helpdesk") == ("helpdesk\nstaff 4\npipeline, from day 3\nretires day 7\n"
                                             "fallback: portal")
    assert node_label(graph, "portal", "78 % busy") == "portal\nstaff 3\n78 % busy"


def _edge_labels(figure):
    ax = figure.axes[0]
    return [t for t in ax.texts if "%" in t.get_text() and not isinstance(t, Annotation)]


def test_edge_labels_give_share_and_mode(graph):
    with style.chart_style():
        figure = portfolio_figure(graph)
    labels = sorted(t.get_text() for t in _edge_labels(figure))
    assert labels == ["100 % async", "20 % async", "30 % async", "50 % blocking"]
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "blocking request: the customer waits for it" in legend
    assert "internal, shared service (square)" in legend


def test_a_dense_portfolio_keeps_its_labels_apart(dense):
    assert dense.number_of_edges() > MODE_IN_LABEL_MAX_EDGES
    with style.chart_style():
        figure = portfolio_figure(dense)
        figure.draw_without_rendering()
        renderer = figure._get_renderer()
        boxes = [t.get_window_extent(renderer) for t in figure.axes[0].texts
                 if not isinstance(t, Annotation)]   # service boxes and arrow labels
    assert all(t.get_text().endswith("%") for t in _edge_labels(figure))   # the line shows the mode
    overlapping = [(a, b) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]
    assert not overlapping


def test_findings_name_the_widest_reach_or_the_busiest_service(graph, dense):
    assert portfolio_finding(graph) == ("network underpins 3 services: a shortfall there reaches "
                                        "helpdesk, identity, portal")
    assert portfolio_finding(dense).endswith("reaches every other service")
    assert portfolio_finding(graph, {"portal": 0.78, "identity": 0.9}) == (
        "identity is the busiest service at 90 % utilisation; 2 services depend on it")


def test_colours_from_a_run_come_with_a_colour_bar(graph):
    with style.chart_style():
        figure = portfolio_figure(graph, {"portal": 0.78, "helpdesk": 0.4})
    assert len(figure.axes) == 2 and "utilisation" in figure.axes[1].get_ylabel()


def test_node_values_read_a_summary():
    summary = {"services": {"a": {"utilization": {"mean": 0.5}}, "b": {"utilization": {"mean": None}},
                            "c": {}, "d": "junk"}}
    assert node_values(summary) == {"a": 0.5}
    assert node_values({"services": []}) == {}


def test_the_run_report_draws_the_portfolio_only_when_it_has_one(tmp_path, small_run):
    scenario = write(tmp_path, "portfolio.yaml", PORTFOLIO_YAML)
    folder, _ = make_run_folder(tmp_path / "run", scenario, replications=2)
    with style.chart_style():
        (drawing,) = run_portfolio_graph(RunResults.load(folder))
        assert run_portfolio_graph(RunResults.load(small_run)) == []   # no dependencies
    assert drawing.name == "portfolio-graph" and "utilisation" in drawing.figure.axes[1].get_ylabel()
    assert chart_functions(RUN)[0] is run_portfolio_graph   # first in the run report
    comparison = {"baseline": "small", "scenarios": {"small": {}, "portfolio": {}}}
    runs = {"small": RunResults.load(small_run), "portfolio": RunResults.load(folder)}
    with style.chart_style():
        (drawing,) = compare_portfolio_graphs(CompareResults(tmp_path, comparison, None, runs))
    assert drawing.name == "portfolio-graph-2" and style.finding_of(drawing.figure).startswith("portfolio: ")
    assert compare_portfolio_graphs in chart_functions(COMPARE)


def test_the_quick_look_at_a_scenario_copy_never_misses_a_portfolio():
    """The report looks at the plain YAML before loading the models: it may say "maybe" for
    nothing, never "no" for a scenario with dependencies or lifecycle fields."""
    from pathlib import Path

    from stratsim.portfolio.graph import has_portfolio_structure
    from stratsim.scenario import load_scenario
    from stratsim.scenario.dump import scenario_yaml

    examples = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml"))
    scenarios = [load_scenario(path) for path in examples]
    scenarios += [validated(portfolio_data()), load_scenario_text(TEN_SERVICES_YAML)]
    lifecycle = portfolio_data()
    del lifecycle["services"][0]["depends_on"], lifecycle["services"][1]["depends_on"]
    service(lifecycle, "storage")["fallback"] = "network"
    scenarios.append(validated(lifecycle))
    assert any(has_portfolio_structure(s) for s in scenarios)
    assert not all(has_portfolio_structure(s) for s in scenarios)
    for scenario in scenarios:
        quick = portfolio_charts._may_have_portfolio(scenario_yaml(scenario))
        assert quick == has_portfolio_structure(scenario), scenario.name


def test_no_two_service_boxes_overlap_on_a_wide_portfolio():
    """The cloud example puts eight services on its top row: every second one moves down."""
    from pathlib import Path

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from stratsim.scenario import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "cloud-portfolio.yaml")
    wide = portfolio_graph(scenario)
    figure = portfolio_figure(wide, {s: 0.5 for s in wide.nodes})
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    boxes = {t.get_text().split("\n")[0]: t.get_bbox_patch().get_window_extent(renderer)
             for t in figure.axes[0].texts
             if t.get_bbox_patch() is not None and t.get_text().split("\n")[0] in wide.nodes}
    assert sorted(boxes) == sorted(wide.nodes)
    overlapping = [(a, b) for a, b in itertools.combinations(sorted(boxes), 2) if boxes[a].overlaps(boxes[b])]
    assert overlapping == []


def test_staggering_keeps_arrows_out_of_boxes_they_do_not_reach():
    """On the cloud example, moving the other half of the top row down put backup's arrow to
    storage straight through customer-relations' box, as if backup depended on it."""
    from pathlib import Path

    from matplotlib.transforms import Bbox

    from stratsim.scenario import load_scenario

    box = {"b": Bbox([[-0.2, -0.2], [0.2, 0.2]])}
    through = {"a": (-1.0, 0.0), "b": (0.0, 0.0), "c": (1.0, 0.0)}
    assert portfolio_charts._arrows_through_boxes(through, box, [("a", "c")]) == 1
    assert portfolio_charts._arrows_through_boxes({**through, "b": (0.0, 0.5)}, box, [("a", "c")]) == 0

    scenario = load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "cloud-portfolio.yaml")
    wide = portfolio_graph(scenario)
    figure = portfolio_figure(wide, {s: 0.5 for s in wide.nodes})
    texts = {t.get_text().split("\n")[0]: t for t in figure.axes[0].texts
             if t.get_bbox_patch() is not None and t.get_text().split("\n")[0] in wide.nodes}
    extents = portfolio_charts._drawn_extents(figure, figure.axes[0], texts)
    at = {s: t.get_position() for s, t in texts.items()}
    relations = {s: at[s] for s in ("backup", "storage", "customer-relations")}
    assert portfolio_charts._arrows_through_boxes(relations, extents, [("backup", "storage")]) == 0


def test_the_report_loads_networkx_only_to_draw_a_portfolio():
    """Most runs have no portfolio structure: loading the report and its registered charts
    must not pay networkx's import (0.1 s); drawing a portfolio loads it."""
    import subprocess
    import sys

    code = ("import sys; import stratsim.report.document, stratsim.report.portfolio_charts as p; "
            "before = 'networkx' in sys.modules; "
            "from stratsim.scenario import load_scenario; from stratsim.portfolio.graph import portfolio_graph; "
            "p.portfolio_figure(portfolio_graph(load_scenario('scenarios/cloud-portfolio.yaml'))); "
            "print(before, 'networkx' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"]
