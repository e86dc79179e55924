"""One look for every chart: a colour-blind-safe palette, projector-sized text, fixed sizes.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies, and in greyscale by lightness); the SLA and "worse" are always vermillion,
"better" bluish green. Sizes are for a chart saved 12 inches wide at 100 dpi (1,200 pixels),
shown about that size on a projector or a page: titles 18 pt, axis labels 14 pt, tick labels
and legends 12 pt.

Charts are :class:`matplotlib.figure.Figure` objects made without pyplot (no global figure
registry to leak or close) on the non-interactive Agg backend, drawn inside
:func:`chart_style` so that no setting leaks into a user's own matplotlib.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# Okabe & Ito (2008), "Color Universal Design".
BLUE = "#0072B2"
ORANGE = "#E69F00"
BLUISH_GREEN = "#009E73"
REDDISH_PURPLE = "#CC79A7"
SKY_BLUE = "#56B4E9"
VERMILLION = "#D55E00"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#7F7F7F"
LIGHT_GREY = "#D9D9D9"

#: Colours of data series in order (scenarios, services, tiers, parameters).
SERIES = (BLUE, ORANGE, BLUISH_GREEN, REDDISH_PURPLE, SKY_BLUE, VERMILLION, YELLOW, BLACK)
SLA_COLOUR = VERMILLION
BETTER_COLOUR = BLUISH_GREEN
WORSE_COLOUR = VERMILLION
#: Money: revenue, cost categories (staff, per request, fixed), profit and loss.
REVENUE_COLOUR = BLUISH_GREEN
COST_COLOURS = (REDDISH_PURPLE, "#E7B6D3", LIGHT_GREY)
PROFIT_COLOUR = BLUE
LOSS_COLOUR = VERMILLION
#: Sequential colour map for heatmaps (perceptually uniform, colour-blind safe).
HEATMAP = "cividis"

TITLE_PT = 18
PANEL_TITLE_PT = 14
LABEL_PT = 14
TICK_PT = 12
LEGEND_PT = 12
NOTE_PT = 11

WIDTH_IN = 12.0
DPI = 100
#: A full-width chart (16:9).
WIDE_IN = (WIDTH_IN, 6.75)
#: Height of one panel in a chart of stacked panels (one per service, KPI…).
PANEL_HEIGHT_IN = 3.4
#: zlib level of the PNG files: 3 is several times faster than the default 6, a few % larger.
PNG_COMPRESSION = 3
#: Title characters per line at TITLE_PT across WIDTH_IN.
TITLE_WRAP = 74

RC = {
    "font.family": "DejaVu Sans",
    "font.size": TICK_PT,
    "axes.titlesize": PANEL_TITLE_PT,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": LABEL_PT,
    "xtick.labelsize": TICK_PT,
    "ytick.labelsize": TICK_PT,
    "legend.fontsize": LEGEND_PT,
    "legend.frameon": False,
    "figure.titlesize": TITLE_PT,
    "figure.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E5E5E5",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(color=SERIES),
    "lines.linewidth": 2.2,
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
    "svg.fonttype": "path",
    "svg.hashsalt": "stratsim",   # the same chart gives the same SVG bytes
}


@contextmanager
def chart_style() -> Iterator[None]:
    """Draw with the report's settings; the caller's matplotlib settings are left alone."""
    with rc_context(RC):
        yield


def new_figure(height_in: float = WIDE_IN[1], rows: int = 1, columns: int = 1,
               sharex: bool = False, sharey: bool = False) -> tuple[Figure, list[Axes]]:
    """A figure of the standard width with a grid of panels (flattened, row by row)."""
    figure = Figure(figsize=(WIDTH_IN, height_in), layout="constrained")
    axes = figure.subplots(rows, columns, sharex=sharex, sharey=sharey, squeeze=False)
    return figure, [ax for row in axes for ax in row]


def stacked_height(panels: int, panel_in: float = PANEL_HEIGHT_IN, extra_in: float = 1.4) -> float:
    """Height of a figure of ``panels`` stacked panels (title and axis labels included)."""
    return panels * panel_in + extra_in


def set_finding(figure: Figure, finding: str) -> None:
    """The figure's title: the finding, left-aligned and wrapped to the figure's width."""
    figure.suptitle(textwrap.fill(finding, TITLE_WRAP), x=0.01, ha="left")


def finding_of(figure: Figure) -> str:
    """The finding a chart states (its title, unwrapped)."""
    return " ".join(figure.get_suptitle().split())


def figure_legend(figure: Figure, axes: list[Axes], columns: int = 4) -> None:
    """One legend for the figure, below the panels (never over the data): every entry of
    ``axes``, each label once."""
    entries: dict[str, object] = {}
    for ax in axes:
        for handle, text in zip(*ax.get_legend_handles_labels()):
            entries.setdefault(text, handle)
    if entries:
        figure.legend(list(entries.values()), list(entries), loc="outside lower center",
                      ncols=min(columns, len(entries)))


def slant_tick_labels(ax: Axes) -> None:
    """Slant the x tick labels 30° (right end at the tick) so that long category names
    (services, scenarios) side by side do not run into each other."""
    for text in ax.get_xticklabels():
        text.set_rotation(30)
        text.set_horizontalalignment("right")
        text.set_rotation_mode("anchor")


def value_label(ax: Axes, text: str, x: float, y: float, **kwargs: object) -> None:
    """A bar's value written upwards above ``(x, y)``: upright text is narrow, so the labels
    of bars side by side never overlap however long the numbers are."""
    ax.annotate(text, (x, y), xytext=(0, 4), textcoords="offset points", ha="center", va="bottom",
                rotation=90, fontsize=NOTE_PT, **kwargs)


def fit_value_labels(figure: Figure, attempts: int = 4) -> None:
    """Raise each panel's top until its upright value labels end inside it (they would
    otherwise run into the panel's title): measured on the laid-out figure, since a label's
    height in data units depends on the panel's height in pixels."""
    for _ in range(attempts):
        figure.draw_without_rendering()
        changed = False
        for ax in figure.axes:
            changed |= _raise_top(ax)
        if not changed:
            return


def _raise_top(ax: Axes) -> bool:
    """Set the top of ``ax`` so that every upright value label fits below it; whether it moved."""
    box = ax.get_window_extent()
    bottom, top = ax.get_ylim()
    needed = top
    for text in ax.texts:
        if text.get_rotation() != 90 or not hasattr(text, "xy"):
            continue
        extent = text.get_window_extent()
        if extent.y1 <= box.y1:
            continue
        anchor_px = ax.transData.transform(text.xy)[1]
        share = min((extent.y1 - anchor_px + 2) / box.height, 0.9)   # of the panel's height
        needed = max(needed, (text.xy[1] - share * bottom) / (1 - share))
    if needed <= top:
        return False
    ax.set_ylim(bottom, needed)
    return True


def save(figure: Figure, folder: Path, name: str) -> tuple[Path, Path]:
    """Save ``figure`` as ``folder/name.png`` and ``folder/name.svg``; return both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    _write(figure, png, svg)
    return png, svg


def _write(figure: Figure, png: Path | BinaryIO, svg: Path | BinaryIO) -> None:
    with chart_style():
        figure.savefig(png, format="png", metadata={"Software": None},
                       pil_kwargs={"compress_level": PNG_COMPRESSION})
        figure.set_layout_engine("none")   # laid out for the PNG: the SVG keeps that layout
        figure.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})


def load_renderers() -> None:
    """Load what the first :func:`save` of a process would: the PNG and SVG writers and the
    report's fonts (about 0.06 s, once), by saving a small chart into memory. For a process
    that loads the report before it has a chart to draw (:mod:`stratsim.report.drawer`): the
    chart workers it forks then start with all of it loaded."""
    import io

    with chart_style():
        figure = Figure(figsize=(2, 1), layout="constrained")
        ax = figure.add_subplot()
        ax.plot([0, 1], [0, 1])
        ax.set_title("title")
        ax.set_xlabel("label")
    _write(figure, io.BytesIO(), io.BytesIO())
