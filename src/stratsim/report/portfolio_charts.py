"""The portfolio picture: services, their status and their dependencies, as a layered graph.

One figure function, :func:`portfolio_figure`, draws a portfolio graph
(:func:`~stratsim.portfolio.graph.portfolio_graph`) for ``stratsim graph`` and for the run and
comparison reports. Services that nothing depends on (what customers see) are on top; each
service sits one row below the lowest service that depends on it, so shared internal services
gather at the bottom and every arrow points down, from a service to the one it depends on.
Within a row services are ordered by id: the same portfolio always gives the same picture.

Customer-facing services are rounded boxes, internal (shared) services square ones; the status
is the box's fill (catalogue, pipeline, retired) and its outline (solid, dashed, dotted). Given
results, the fill shows each service's utilisation or mean wait on a colour bar instead, and
the outline alone shows the status. Arrows are labelled with the share of customers that send
a request and the mode: a solid arrow is blocking (the customer waits for the request), a
dashed one async (the request only loads the other service).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from stratsim.errors import StratsimError
from stratsim.portfolio.graph import BLOCKING, has_portfolio_structure, portfolio_graph, staff_text
from stratsim.portfolio.lifecycle import CATALOGUE, PIPELINE, RETIRED
from stratsim.report import style
from stratsim.report.charts import Drawing, per_scenario, register_chart
from stratsim.report.results import COMPARE, RUN, CompareResults, RunResults

if TYPE_CHECKING:   # networkx loads only when a portfolio is drawn (most reports have none)
    import networkx as nx

STATUS_FILL = {CATALOGUE: "#CDE5F4", PIPELINE: "#FBE3A9", RETIRED: "#EDEDED"}
STATUS_OUTLINE = {CATALOGUE: "solid", PIPELINE: "dashed", RETIRED: "dotted"}
STATUS_WORDS = {CATALOGUE: "catalogue (offered)", PIPELINE: "pipeline (launches later)",
                RETIRED: "retired (not offered)"}
#: What the node colours can show, from a run's ``summary.json``: KPI → (label, fixed maximum).
NODE_KPIS = {"utilization": ("utilisation, % of staffed time", 1.0),
             "wait_mean_min": ("mean wait, minutes", None)}


def layers(graph: nx.DiGraph) -> dict[str, int]:
    """Row of each service: 0 for those nothing depends on, else one below the lowest of the
    services depending on it (services on an async cycle share a row)."""
    import networkx as nx

    condensed = nx.condensation(graph)
    row: dict[int, int] = {}
    for component in nx.topological_sort(condensed):
        parents = list(condensed.predecessors(component))
        row[component] = 1 + max(row[p] for p in parents) if parents else 0
    return {s: row[condensed.graph["mapping"][s]] for s in graph.nodes}


def _row_orders(graph: nx.DiGraph, rows: Mapping[str, int]) -> list[list[str]]:
    """Services of each row, ordered to keep arrows short and crossings few: each row by the
    mean place of the services it is linked to in the row above (a barycentre sweep down, one
    up for the top row, one down again), ties and unlinked services by id."""
    order = [sorted(s for s, r in rows.items() if r == n) for n in range(1 + max(rows.values(), default=-1))]

    def place() -> dict[str, float]:
        return {s: (i + 0.5) / len(row) for row in order for i, s in enumerate(row)}

    def sweep(row: int, neighbours: str) -> None:
        at = place()
        def key(service: str) -> tuple[float, str]:
            linked = [at[n] for n in getattr(graph, neighbours)(service) if n in at and n not in order[row]]
            return (sum(linked) / len(linked) if linked else at[service], service)
        order[row] = sorted(order[row], key=key)

    for row in range(1, len(order)):
        sweep(row, "predecessors")
    if len(order) > 1:
        sweep(0, "successors")
    for row in range(1, len(order)):
        sweep(row, "predecessors")
    return order


def graph_layout(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Positions: rows top to bottom, each row centred across the width (see :func:`layers`)."""
    order = _row_orders(graph, layers(graph))
    width = max([len(row) for row in order] or [1])
    positions = {}
    for n, members in enumerate(order):
        offset = (width - len(members)) / 2
        for i, service in enumerate(members):
            positions[service] = (offset + i + 0.5, -float(n))
    return positions


def _days(hours: float) -> str:
    return f"day {hours / 24:g}" if hours >= 24 else f"{hours:g}h"


def node_label(graph: nx.DiGraph, service: str, value_text: str | None = None) -> str:
    """The text in a service's box: its id, then its staff, lifecycle and value if any."""
    node = graph.nodes[service]
    lines = [service, staff_text(node)]
    if node["status"] == PIPELINE:
        launch = node["launch_h"]
        lines.append("pipeline" + (f", from {_days(launch)}" if launch is not None else ""))
    elif node["status"] == RETIRED:
        lines.append("retired")
    if node["retire_h"] is not None and node["status"] != RETIRED:
        lines.append(f"retires {_days(node['retire_h'])}")
    if node["fallback"]:
        lines.append(f"fallback: {node['fallback']}")
    if value_text:
        lines.append(value_text)
    return "\n".join(lines)


def _value_text(kpi: str, value: float) -> str:
    return f"{value * 100:.0f} % busy" if kpi == "utilization" else f"wait {value:.3g} min"


def _text_colour(fill: tuple[float, float, float]) -> str:
    red, green, blue = fill
    return style.BLACK if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def _draw_nodes(ax: Axes, graph: nx.DiGraph, positions: Mapping[str, tuple[float, float]],
                values: Mapping[str, float] | None, kpi: str, norm: Normalize) -> dict:
    cmap = colormaps[style.HEATMAP]
    boxes = {}
    for service, (x, y) in positions.items():
        node = graph.nodes[service]
        value = (values or {}).get(service)
        fill = to_rgb(cmap(norm(value))) if value is not None else to_rgb(STATUS_FILL[node["status"]])
        if values is not None and value is None:
            fill = to_rgb("white")
        text = ax.text(x, y, node_label(graph, service, _value_text(kpi, value) if value is not None
                                        else None),
                       ha="center", va="center", fontsize=style.TICK_PT, zorder=3,
                       color=_text_colour(fill) if node["status"] != RETIRED or values else style.GREY,
                       bbox={"boxstyle": "square,pad=0.5" if node["internal"] else "round,pad=0.5",
                             "facecolor": fill, "edgecolor": style.BLACK, "linewidth": 1.6,
                             "linestyle": STATUS_OUTLINE[node["status"]]})
        boxes[service] = text
    return boxes


#: Edge labels name the mode too up to this many dependencies; beyond, only the share (the
#: line style shows the mode) so that labels do not pile up.
MODE_IN_LABEL_MAX_EDGES = 8
_CHAR_IN, _LINE_IN = 0.085, 0.19   # a character's width and a line's height at NOTE_PT, inches
_T_CANDIDATES = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)


@dataclass(frozen=True)
class _Scale:
    """Data units per inch, to size labels and boxes for the overlap test."""

    x_per_in: float
    y_per_in: float

    def box(self, x: float, y: float, text: str, pad_in: float = 0.05) -> tuple[float, ...]:
        lines = text.split("\n")
        half_w = (max(map(len, lines)) * _CHAR_IN / 2 + pad_in) * self.x_per_in
        half_h = (len(lines) * _LINE_IN / 2 + pad_in) * self.y_per_in
        return (x - half_w, x + half_w, y - half_h, y + half_h)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Area shared by two boxes ``(x0, x1, y0, y1)``."""
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[2], b[2]))


def _on_arc(p0: tuple[float, float], p2: tuple[float, float], rad: float, t: float) -> tuple[float, float]:
    """The point at ``t`` of matplotlib's ``arc3`` curve from p0 to p2 (a quadratic Bézier)."""
    (x1, y1), (x2, y2) = p0, p2
    cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
    u = 1.0 - t
    return (u * u * x1 + 2 * t * u * cx + t * t * x2, u * u * y1 + 2 * t * u * cy + t * t * y2)


def _edge_label(share: float, mode: str, with_mode: bool) -> str:
    return f"{share * 100:g} % {mode}" if with_mode else f"{share * 100:g} %"


def _draw_edges(ax: Axes, graph: nx.DiGraph, positions: Mapping[str, tuple[float, float]],
                boxes: dict, scale: _Scale, node_extents: list[tuple[float, ...]]) -> None:
    """Arrows from each service to those it depends on, each labelled where its label overlaps
    the node boxes (``node_extents``, as drawn) and the labels already placed least (tried
    along the arrow, middle first)."""
    rows = layers(graph)
    with_mode = graph.number_of_edges() <= MODE_IN_LABEL_MAX_EDGES
    taken = list(node_extents)
    for source, target, data in sorted(graph.edges(data=True)):
        p0, p2 = positions[source], positions[target]
        skips = abs(rows[source] - rows[target]) > 1 or rows[source] == rows[target]
        rad = 0.25 if skips or graph.has_edge(target, source) else 0.0
        blocking = data["mode"] == BLOCKING
        ax.annotate("", xy=p2, xytext=p0, zorder=2, annotation_clip=False,
                    arrowprops={"arrowstyle": "-|>,head_length=0.6,head_width=0.35",
                                "color": style.BLACK if blocking else style.GREY,
                                "linewidth": 2.0 if blocking else 1.5,
                                "linestyle": "solid" if blocking else (0, (5, 3)),
                                "patchA": boxes[source].get_bbox_patch(),
                                "patchB": boxes[target].get_bbox_patch(),
                                "shrinkA": 2, "shrinkB": 2, "connectionstyle": f"arc3,rad={rad}"})
        text = _edge_label(data["share"], data["mode"], with_mode)
        spots = [_on_arc(p0, p2, rad, t) for t in _T_CANDIDATES]
        cost = [sum(_overlap(scale.box(x, y, text), other) for other in taken) for x, y in spots]
        x, y = spots[cost.index(min(cost))]
        taken.append(scale.box(x, y, text))
        ax.text(x, y, text, ha="center", va="center", fontsize=style.NOTE_PT, zorder=4,
                color=style.BLACK if blocking else "#4D4D4D",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                      "alpha": 0.9})


FALLBACK_COLOUR = style.REDDISH_PURPLE


def _draw_fallbacks(ax: Axes, graph: nx.DiGraph, positions: Mapping[str, tuple[float, float]],
                    boxes: dict) -> None:
    """A dotted arrow from a service to its fallback (who takes its demand while it is not
    offered)."""
    for service in sorted(graph.nodes):
        target = graph.nodes[service]["fallback"]
        if target is None or target not in positions:
            continue
        (x1, y1), (x2, y2) = positions[service], positions[target]
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1), zorder=2, annotation_clip=False,
                    arrowprops={"arrowstyle": "-|>,head_length=0.6,head_width=0.35",
                                "color": FALLBACK_COLOUR, "linewidth": 1.8, "linestyle": "dotted",
                                "patchA": boxes[service].get_bbox_patch(),
                                "patchB": boxes[target].get_bbox_patch(),
                                "shrinkA": 2, "shrinkB": 2, "connectionstyle": "arc3,rad=-0.2"})


def _legend(figure: Figure, ax: Axes, graph: nx.DiGraph, coloured: bool) -> None:
    handles = [
        Line2D([], [], marker="o", markersize=13, markerfacecolor="white", markeredgecolor=style.BLACK,
               linestyle="", label="customer-facing service (rounded)"),
        Line2D([], [], marker="s", markersize=13, markerfacecolor="white", markeredgecolor=style.BLACK,
               linestyle="", label="internal, shared service (square)"),
    ]
    statuses = sorted({graph.nodes[s]["status"] for s in graph.nodes},
                      key=[CATALOGUE, PIPELINE, RETIRED].index)
    for status in statuses:
        handles.append(Patch(facecolor="white" if coloured else STATUS_FILL[status],
                             edgecolor=style.BLACK, linestyle=STATUS_OUTLINE[status],
                             linewidth=1.6, label=STATUS_WORDS[status]))
    modes = {mode for _, _, mode in graph.edges(data="mode")}
    if BLOCKING in modes:
        handles.append(Line2D([], [], color=style.BLACK, linewidth=2.0,
                              label="blocking request: the customer waits for it"))
    if modes - {BLOCKING}:
        handles.append(Line2D([], [], color=style.GREY, linewidth=1.5, linestyle=(0, (5, 3)),
                              label="async request: only loads the other service"))
    if graph.number_of_edges() > MODE_IN_LABEL_MAX_EDGES:
        handles.append(Line2D([], [], color="none",
                              label="arrow label: share of customers sending the request"))
    if any(graph.nodes[s]["fallback"] for s in graph.nodes):
        handles.append(Line2D([], [], color=FALLBACK_COLOUR, linewidth=1.8, linestyle="dotted",
                              label="fallback: takes the demand while not offered"))
    figure.legend(handles=handles, loc="outside lower center", ncols=2)


def portfolio_finding(graph: nx.DiGraph, values: Mapping[str, float] | None = None,
                      kpi: str = "utilization") -> str:
    """The picture's title: the service most others rest on, or the busiest one given results."""
    from stratsim.portfolio.impact import dependents   # with networkx: only when a portfolio is drawn

    if values:
        busiest = max(sorted(values), key=lambda s: values[s])
        count = len(dependents(graph, busiest))
        what = (f"{values[busiest] * 100:.0f} % utilisation" if kpi == "utilization"
                else f"a mean wait of {values[busiest]:.3g} min")
        reach = f"; {count} service{'s' * (count != 1)} depend on it" if count else ""
        return f"{busiest} is the busiest service at {what}{reach}"
    reach = {s: dependents(graph, s) for s in sorted(graph.nodes)}
    widest = max(reach, key=lambda s: len(reach[s]))
    if not reach[widest]:
        count = graph.number_of_nodes()
        return f"{count} service{'s' * (count != 1)}, none depending on another"
    others = graph.number_of_nodes() - 1
    names = ("every other service" if len(reach[widest]) == others > 2 else
             ", ".join(reach[widest]) if len(reach[widest]) <= 5 else
             f"{', '.join(reach[widest][:4])} and {len(reach[widest]) - 4} more")
    return (f"{widest} underpins {len(reach[widest])} service{'s' * (len(reach[widest]) != 1)}: "
            f"a shortfall there reaches {names}")


#: The gap (in rows) kept between a moved box and its neighbours, the room (in rows) left
#: between it and the row below for the arrows' labels, and the height (inches) a figure gains
#: when a row is staggered.
STAGGER_GAP, LABEL_ROOM, STAGGER_EXTRA_IN = 0.05, 0.2, 1.6


def stagger_crowded_rows(figure: Figure, ax: Axes, boxes: Mapping[str, Any],
                         positions: dict[str, tuple[float, float]],
                         edges: Sequence[tuple[str, str]] = ()) -> dict[str, tuple[float, float]]:
    """Move every second service of a row down where two neighbouring boxes of that row overlap
    (a wide portfolio on one row): just clear of its neighbours, leaving room for the arrows'
    labels above the row below (the figure grows taller to make it). Of the two ways to pick
    every second service, the one whose boxes fewer arrows (``edges``) run through, so that no
    arrow seems to pass through a service it does not reach. Measured on the laid-out figure,
    so the boxes are their drawn size; the moved boxes are repositioned and the new positions
    returned."""
    rows = sorted({y for _, y in positions.values()})
    members = {y: sorted((x, s) for s, (x, yy) in positions.items() if yy == y) for y in rows}
    extent = _drawn_extents(figure, ax, boxes)
    crowded = [y for y in rows if any(extent[a].x1 + STAGGER_GAP / 2 > extent[b].x0
                                      for (_, a), (_, b) in zip(members[y], members[y][1:]))]
    if not crowded:
        return positions
    width_in, height_in = figure.get_size_inches()
    figure.set_size_inches(width_in, height_in + STAGGER_EXTRA_IN)
    extent = _drawn_extents(figure, ax, boxes)
    moved = dict(positions)
    for y in crowded:
        row = members[y]
        needed = max(extent[a].height + extent[b].height for (_, a), (_, b) in zip(row, row[1:])) / 2
        below = [extent[s].height for _, s in members.get(y - 1.0, [])]
        room = 1.0 - (max(extent[s].height for _, s in row) + max(below, default=0.0)) / 2 - LABEL_ROOM
        drop = max(0.0, min(needed + STAGGER_GAP, room))

        def staggered(parity: int) -> dict[str, tuple[float, float]]:
            return {**moved, **{s: (x, y - drop) for i, (x, s) in enumerate(row) if i % 2 == parity}}

        moved = min((staggered(1), staggered(0)), key=lambda at: _arrows_through_boxes(at, extent, edges))
        for _, service in row:
            boxes[service].set_position(moved[service])
    return moved


def _arrows_through_boxes(at: Mapping[str, tuple[float, float]], extent: Mapping[str, Any],
                          edges: Sequence[tuple[str, str]], samples: int = 40) -> int:
    """How many (arrow, box) pairs cross: a straight arrow between the centres of its ends
    passing through the box of a third service placed at ``at`` (sizes from ``extent``)."""
    crossings = 0
    for source, target in edges:
        (x0, y0), (x1, y1) = at[source], at[target]
        points = [(x0 + (x1 - x0) * k / samples, y0 + (y1 - y0) * k / samples) for k in range(1, samples)]
        for other, (cx, cy) in at.items():
            if other in (source, target):
                continue
            half_w, half_h = extent[other].width / 2, extent[other].height / 2
            crossings += any(abs(px - cx) < half_w and abs(py - cy) < half_h for px, py in points)
    return crossings


def _drawn_extents(figure: Figure, ax: Axes, boxes: Mapping[str, Any]) -> dict[str, Any]:
    """Each service box's extent as drawn, in data units (after the figure's layout)."""
    figure.draw_without_rendering()
    renderer = figure._get_renderer()  # type: ignore[attr-defined]
    to_data = ax.transData.inverted()
    return {s: box.get_bbox_patch().get_window_extent(renderer).transformed(to_data)
            for s, box in boxes.items()}


def portfolio_figure(graph: nx.DiGraph, values: Mapping[str, float] | None = None,
                     kpi: str = "utilization", finding: str | None = None) -> Figure:
    """The portfolio as a layered graph; ``values`` (per service, of ``kpi``) colour the boxes."""
    positions = graph_layout(graph)
    rows = 1 + max((-y for _, y in positions.values()), default=0)
    figure, (ax,) = style.new_figure(height_in=min(3.0 + 2.1 * rows, 13.0))
    top = NODE_KPIS[kpi][1] if kpi in NODE_KPIS else None
    finite = [v for v in (values or {}).values() if math.isfinite(v)]
    norm = Normalize(0.0, top if top is not None else max(finite + [1e-9]))
    width = max((x for x, _ in positions.values()), default=0.5) + 0.5
    ax.set_xlim(0, width)
    ax.set_ylim(-(rows - 1) - 0.55, 0.55)
    height_in = figure.get_size_inches()[1]
    scale = _Scale(width / (style.WIDTH_IN - (1.5 if values is not None else 0.5)),
                   (rows + 0.1) / max(height_in - 3.2, 1.0))
    boxes = _draw_nodes(ax, graph, positions, values, kpi, norm)
    ax.axis("off")
    if values is not None:
        bar = figure.colorbar(ScalarMappable(norm, colormaps[style.HEATMAP]), ax=ax,
                              shrink=0.8, pad=0.01)
        bar.set_label(NODE_KPIS.get(kpi, (kpi, None))[0])
        if kpi == "utilization":
            bar.ax.yaxis.set_major_formatter(lambda v, _: f"{v * 100:.0f} %")
    _legend(figure, ax, graph, values is not None)
    style.set_finding(figure, finding or portfolio_finding(graph, values, kpi))
    positions = stagger_crowded_rows(figure, ax, boxes, positions, list(graph.edges))   # once laid out
    drawn = [(e.x0, e.x1, e.y0, e.y1) for e in _drawn_extents(figure, ax, boxes).values()]
    _draw_edges(ax, graph, positions, boxes, scale, drawn)
    _draw_fallbacks(ax, graph, positions, boxes)
    return figure


def node_values(summary: Mapping[str, object], kpi: str = "utilization") -> dict[str, float]:
    """Each service's mean of ``kpi`` in a run's ``summary.json`` (services without it left out)."""
    services = summary.get("services")
    values = {}
    for service, kpis in (services.items() if isinstance(services, Mapping) else ()):
        stat = kpis.get(kpi) if isinstance(kpis, Mapping) else None
        mean = stat.get("mean") if isinstance(stat, Mapping) else None
        if isinstance(mean, (int, float)) and not isinstance(mean, bool) and math.isfinite(mean):
            values[service] = float(mean)
    return values


def _may_have_portfolio(scenario_text: str) -> bool:
    """Whether a scenario copy's plain YAML names a dependency or a lifecycle field: a quick
    look that spares most reports loading the scenario models (half a second) for nothing."""
    import yaml

    try:
        data = yaml.safe_load(scenario_text)
    except yaml.YAMLError:
        return True   # let the loader say what is wrong
    services = data.get("services") if isinstance(data, dict) else None
    return not isinstance(services, list) or any(
        not isinstance(s, dict) or s.get("depends_on") or s.get("status", CATALOGUE) != CATALOGUE
        or any(s.get(key) is not None for key in ("launch", "retire", "fallback"))
        for s in services)


def _graph_of(run: RunResults) -> nx.DiGraph | None:
    """The portfolio graph of a run's scenario copy, when it has dependencies or lifecycle."""
    if not run.scenario_text or not _may_have_portfolio(run.scenario_text):
        return None
    from stratsim.scenario import load_scenario_text

    try:
        scenario = load_scenario_text(run.scenario_text, str(run.folder / "scenario.yaml"))
    except StratsimError:
        return None   # a copy this release cannot read: the chart is left out
    return portfolio_graph(scenario) if has_portfolio_structure(scenario) else None


CAPTION = ("The service portfolio: arrows go from a service to the one it depends on, labelled "
           "with the share of its customers that send a request there; solid arrows are "
           "blocking (the customer's completion waits for the request), dashed ones async. "
           "Rounded boxes are customer-facing services, square ones internal shared services; "
           "a dashed outline is a pipeline service, a dotted one a retired service, and a dotted "
           "purple arrow leads to a service's fallback. The fill "
           "shows each service's utilisation over the measured window (mean of the replications).")


@register_chart(RUN, order=5)
def run_portfolio_graph(results: RunResults) -> list[Drawing]:
    graph = _graph_of(results)
    if graph is None:
        return []
    values = node_values(results.summary)
    return [Drawing("portfolio-graph", portfolio_figure(graph, values or None), CAPTION)]


@register_chart(COMPARE, order=90)
def compare_portfolio_graphs(results: CompareResults) -> list[Drawing]:
    def figure_of(run: RunResults) -> Figure | None:
        graph = _graph_of(run)
        return portfolio_figure(graph, node_values(run.summary) or None) if graph is not None else None

    return per_scenario(results, "portfolio-graph", CAPTION, figure_of)
