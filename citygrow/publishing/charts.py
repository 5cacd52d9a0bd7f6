"""Charts of scores as SVG drawn on the server (DESIGN.md, "publishing").

The same markup goes into web pages and into the PDFs WeasyPrint makes from those pages, so a
chart is one self-contained inline <svg>: no JavaScript, no external fonts or stylesheets, and no
<style> element or style="" attribute (the site's Content Security Policy blocks inline styles).
Colours, fonts and strokes are presentation attributes only.

Scores run from 0 to 100; a value outside that range is clamped into it and None means "no score".
Each chart carries a <title> and a <desc> that lists every value, for screen readers. Up to four
series can be shown; each has its own colour (at least 3:1 contrast against white, WCAG 1.4.11),
line dash pattern and marker shape, so that they can be told apart without colour.

The output is deterministic: the same input gives byte-identical markup. Element ids derive from
a hash of the chart's content, so two different charts on one page get different ids.
"""

import hashlib
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

MAX_SERIES = 4
TICKS = (0, 25, 50, 75, 100)
LABEL_MAX_CHARS = 40

FONT_FAMILY = "DejaVu Sans, sans-serif"
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#c8c8c8"
RIM_COLOUR = "#8c8c8c"
PAD = 12
LEGEND_ROW = 20


@dataclass(frozen=True)
class Series:
    """One line of scores: a name for the legend and one value per label, in label order."""

    name: str  # e.g. "Athens 2026", "Network mean"
    values: Sequence[float | None]  # 0..100; None = no score


@dataclass(frozen=True)
class _Look:
    colour: str
    dash: str | None  # stroke-dasharray, None for a solid line
    marker: str  # "circle", "square", "triangle" or "diamond"


# Contrast against white: 8.6:1, 6.3:1, 6.4:1, 7.9:1.
LOOKS = (
    _Look("#0b4f8a", None, "circle"),
    _Look("#a33b00", "7 4", "square"),
    _Look("#2f6b2f", "2 3", "triangle"),
    _Look("#6a3d9a", "9 3 2 3", "diamond"),
)

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def radar_chart(
    labels: Sequence[str], series: Sequence[Series], *, title: str, size: int = 420
) -> str:
    """A radar (spider) chart: one numbered axis per label, one closed polygon per series.

    The axes are numbered 1, 2, ... at the rim, clockwise from the top; the page shows the full
    labels in a table beside the chart (they are also listed in the <desc>). Grid rings mark 25,
    50, 75 and 100. A missing score is drawn at 0 and its vertex marked with a hollow circle.

    A radar needs three axes: with fewer than three labels this returns bar_chart() instead.
    Raises ValueError for no labels, more than four series, a series whose number of values is
    not the number of labels, a NaN value, or a size under 200.
    """
    values = _checked(labels, series)
    if len(labels) < 3:
        return bar_chart(labels, series, title=title)
    if size < 200:
        raise ValueError(f"A radar chart needs a size of at least 200, not {size}.")

    chart_id = _chart_id("radar", title, labels, series)
    legend, legend_height = _legend(series, size, "line")
    cx = size / 2
    cy = legend_height + size / 2
    radius = size / 2 - 38
    angles = [-math.pi / 2 + 2 * math.pi * i / len(labels) for i in range(len(labels))]

    def point(angle: float, value: float) -> tuple[float, float]:
        distance = radius * value / 100
        return cx + distance * math.cos(angle), cy + distance * math.sin(angle)

    body: list[str] = ['<g class="grid" fill="none">']
    for tick in TICKS[1:]:
        stroke = RIM_COLOUR if tick == 100 else GRID_COLOUR
        body.append(
            f'<circle class="grid-ring" cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(radius * tick / 100)}"'
            f' stroke="{stroke}" stroke-width="1"/>'
        )
    for angle in angles:
        x, y = point(angle, 100)
        body.append(
            f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}"'
            f' stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
    body.append("</g>")

    body.append('<g class="series-shapes" stroke-width="2" stroke-linejoin="round">')
    for look, row in zip(LOOKS, values, strict=False):
        points = " ".join(
            f"{_n(x)},{_n(y)}"
            for x, y in (point(a, v or 0) for a, v in zip(angles, row, strict=True))
        )
        dash = f' stroke-dasharray="{look.dash}"' if look.dash else ""
        body.append(
            f'<polygon class="series" points="{points}" fill="{look.colour}" fill-opacity="0.07"'
            f' stroke="{look.colour}"{dash}/>'
        )
    body.append("</g>")

    # Markers of missing scores come last and are rings, so that a marker under one still shows.
    body.append('<g class="markers">')
    missing: list[str] = []
    for look, row in zip(LOOKS, values, strict=False):
        for angle, value in zip(angles, row, strict=True):
            x, y = point(angle, value or 0)
            if value is None:
                missing.append(
                    f'<circle class="no-score" cx="{_n(x)}" cy="{_n(y)}" r="6"'
                    f' fill="none" stroke="{look.colour}" stroke-width="1.5"/>'
                )
            else:
                body.append(_marker(look, x, y, 3.5))
    body.extend(missing)
    body.append("</g>")

    # Printed last, so that they sit on top of the polygons.
    # The ring values sit between the last axis and the first, away from the markers, each on
    # a white patch so that a polygon edge crossing it does not hide it.
    between = -math.pi / 2 - math.pi / len(labels)
    body.append(f'<g fill="{TEXT_COLOUR}">')
    for tick in TICKS[1:]:
        x, y = point(between, tick)
        half = len(str(tick)) * 3.2 + 2
        body.append(
            f'<rect x="{_n(x - half)}" y="{_n(y - 7)}" width="{_n(2 * half)}" height="13"'
            f' fill="#ffffff" fill-opacity="0.85"/>'
        )
        body.append(
            f'<text x="{_n(x)}" y="{_n(y + 3.5)}" font-size="10" text-anchor="middle">{tick}</text>'
        )
    for number, angle in enumerate(angles, start=1):
        x = cx + (radius + 17) * math.cos(angle)
        y = cy + (radius + 17) * math.sin(angle) + 4.5
        body.append(
            f'<text x="{_n(x)}" y="{_n(y)}" font-size="13" font-weight="bold"'
            f' text-anchor="middle">{number}</text>'
        )
    body.append("</g>")

    desc = _describe(
        f"Radar chart of scores from 0 to 100 on {len(labels)} numbered axes",
        labels,
        series,
        values,
        "A missing score is drawn at 0 and marked with a hollow circle.",
    )
    return _svg("radar", chart_id, size, legend_height + size, title, desc, legend + body)


def bar_chart(
    labels: Sequence[str], series: Sequence[Series], *, title: str, width: int = 640
) -> str:
    """A horizontal grouped bar chart: one group per label, one bar per series.

    Each group is headed "1. Label" (cut with an ellipsis after about 40 characters); each bar
    starts with its series' marker and ends with its value, or reads "no score" when there is
    none. The axis runs from 0 to 100 with ticks at every 25.

    Raises ValueError for no labels, more than four series, a series whose number of values is
    not the number of labels, a NaN value, or a width under 320.
    """
    values = _checked(labels, series)
    if width < 320:
        raise ValueError(f"A bar chart needs a width of at least 320, not {width}.")

    chart_id = _chart_id("bar", title, labels, series)
    legend, legend_height = _legend(series, width, "bar")
    x0 = PAD + 18  # the marker column is left of the bars
    plot_width = width - x0 - PAD - 64  # room for "no score" / "100" after the longest bar
    bar_height, bar_step, heading_height, group_gap = 14, 18, 20, 14

    def x_of(value: float) -> float:
        return x0 + plot_width * value / 100

    body: list[str] = []
    y = legend_height + 4
    for number, label in enumerate(labels, start=1):
        heading = _truncate(f"{number}. {label}", LABEL_MAX_CHARS)
        body.append(
            f'<text x="{PAD}" y="{_n(y + 13)}" font-size="12" font-weight="bold"'
            f' fill="{TEXT_COLOUR}">{_text(heading)}</text>'
        )
        top = y + heading_height
        bottom = top + max(len(series), 1) * bar_step - (bar_step - bar_height)
        for tick in TICKS:
            body.append(
                f'<line x1="{_n(x_of(tick))}" y1="{_n(top - 2)}" x2="{_n(x_of(tick))}"'
                f' y2="{_n(bottom + 2)}" stroke="{GRID_COLOUR}" stroke-width="1"/>'
            )
        for i, (look, row) in enumerate(zip(LOOKS, values, strict=False)):
            bar_top = top + i * bar_step
            middle = bar_top + bar_height / 2
            value = row[number - 1]
            body.append(_marker(look, PAD + 6, middle, 4.5))
            if value is None:
                body.append(
                    f'<text class="value" x="{_n(x0 + 4)}" y="{_n(middle + 4)}" font-size="11"'
                    f' font-style="italic" fill="{TEXT_COLOUR}">no score</text>'
                )
                continue
            body.append(
                f'<rect class="bar" x="{_n(x0)}" y="{_n(bar_top)}"'
                f' width="{_n(x_of(value) - x0)}" height="{bar_height}" fill="{look.colour}"/>'
            )
            body.append(
                f'<text class="value" x="{_n(x_of(value) + 5)}" y="{_n(middle + 4)}"'
                f' font-size="11" fill="{TEXT_COLOUR}">{_number(value)}</text>'
            )
        y = bottom + group_gap

    axis_y = y - group_gap + 8
    body.append(
        f'<line x1="{_n(x0)}" y1="{_n(axis_y)}" x2="{_n(x_of(100))}" y2="{_n(axis_y)}"'
        f' stroke="{RIM_COLOUR}" stroke-width="1"/>'
    )
    for tick in TICKS:
        body.append(
            f'<line class="tick" x1="{_n(x_of(tick))}" y1="{_n(axis_y)}" x2="{_n(x_of(tick))}"'
            f' y2="{_n(axis_y + 4)}" stroke="{RIM_COLOUR}" stroke-width="1"/>'
        )
        body.append(
            f'<text x="{_n(x_of(tick))}" y="{_n(axis_y + 16)}" font-size="11"'
            f' text-anchor="middle" fill="{TEXT_COLOUR}">{tick}</text>'
        )
    height = axis_y + 16 + PAD

    desc = _describe(
        f"Bar chart of scores from 0 to 100 for {len(labels)} numbered items",
        labels,
        series,
        values,
        "",
    )
    return _svg("bar", chart_id, width, height, title, desc, legend + body)


def _checked(labels: Sequence[str], series: Sequence[Series]) -> list[list[float | None]]:
    """Check the input and return each series' values clamped into 0..100."""
    if not labels:
        raise ValueError("A chart needs at least one label.")
    if len(series) > MAX_SERIES:
        raise ValueError(f"A chart shows at most {MAX_SERIES} series, not {len(series)}.")
    result = []
    for one in series:
        if len(one.values) != len(labels):
            raise ValueError(
                f"Series {one.name!r} has {len(one.values)} values for {len(labels)} labels."
            )
        result.append([_clamped(value, one.name) for value in one.values])
    return result


def _clamped(value: float | None, name: str) -> float | None:
    if value is None:
        return None
    if math.isnan(value):
        raise ValueError(f"Series {name!r} has a value that is not a number.")
    return min(max(float(value), 0.0), 100.0)


def _number(value: float) -> str:
    """A score with at most one decimal: "62.5", "100"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _n(coordinate: float) -> str:
    """A coordinate with at most two decimals."""
    text = f"{coordinate:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(value: str) -> str:
    """Text escaped for XML content and attributes, without characters XML cannot hold."""
    return escape(_NOT_XML.sub("", str(value)), quote=True)


def _truncate(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rstrip() + "\u2026"


def _chart_id(kind: str, title: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    content = [kind, title, list(labels), [[one.name, list(one.values)] for one in series]]
    digest = hashlib.sha256(json.dumps(content, default=str).encode()).hexdigest()
    return f"chart-{digest[:12]}"


def _describe(
    opening: str,
    labels: Sequence[str],
    series: Sequence[Series],
    values: list[list[float | None]],
    missing_note: str,
) -> str:
    """The <desc>: what the chart shows, its labels, and one sentence per series."""
    items = "; ".join(f"{number}. {label}" for number, label in enumerate(labels, start=1))
    sentences = [f"{opening}: {items}."]
    for one, row in zip(series, values, strict=True):
        scores = "; ".join(
            f"{number}. {'no score' if value is None else _number(value)}"
            for number, value in enumerate(row, start=1)
        )
        sentences.append(f"{one.name}: {scores}.")
    if not series:
        sentences.append("There are no scores to show.")
    if missing_note and any(value is None for row in values for value in row):
        sentences.append(missing_note)
    return " ".join(sentences)


def _legend(series: Sequence[Series], width: int, kind: str) -> tuple[list[str], int]:
    """One legend row per series at the top of the chart, and the height they take."""
    if not series:
        return [], PAD
    max_chars = int((width - 2 * PAD - 40) / 7.5)
    rows = ['<g class="legend">']
    for i, (look, one) in enumerate(zip(LOOKS, series, strict=False)):
        middle = PAD + i * LEGEND_ROW + LEGEND_ROW / 2
        if kind == "line":
            dash = f' stroke-dasharray="{look.dash}"' if look.dash else ""
            rows.append(
                f'<line x1="{PAD}" y1="{_n(middle)}" x2="{PAD + 28}" y2="{_n(middle)}"'
                f' stroke="{look.colour}" stroke-width="2"{dash}/>'
            )
            rows.append(_marker(look, PAD + 14, middle, 4))
        else:
            rows.append(_marker(look, PAD + 6, middle, 4.5))
            rows.append(
                f'<rect x="{PAD + 15}" y="{_n(middle - 5)}" width="14" height="10"'
                f' fill="{look.colour}"/>'
            )
        rows.append(
            f'<text x="{PAD + 36}" y="{_n(middle + 4.5)}" font-size="12"'
            f' fill="{TEXT_COLOUR}">{_text(_truncate(one.name, max_chars))}</text>'
        )
    rows.append("</g>")
    return rows, PAD + len(series) * LEGEND_ROW + 8


def _marker(look: _Look, x: float, y: float, r: float) -> str:
    """A filled marker of the series' shape, centred on (x, y), about 2r across."""
    if look.marker == "circle":
        arc = f"a{_n(r)} {_n(r)} 0 1 0"
        d = f"M{_n(x - r)} {_n(y)}{arc} {_n(2 * r)} 0{arc} {_n(-2 * r)} 0Z"
    elif look.marker == "square":
        s = r * 0.85
        d = f"M{_n(x - s)} {_n(y - s)}h{_n(2 * s)}v{_n(2 * s)}h{_n(-2 * s)}Z"
    elif look.marker == "triangle":
        t = r * 1.2
        d = f"M{_n(x)} {_n(y - t)}L{_n(x + t)} {_n(y + t * 0.75)}L{_n(x - t)} {_n(y + t * 0.75)}Z"
    else:
        t = r * 1.25
        d = f"M{_n(x)} {_n(y - t)}L{_n(x + t)} {_n(y)}L{_n(x)} {_n(y + t)}L{_n(x - t)} {_n(y)}Z"
    return f'<path class="marker" d="{d}" fill="{look.colour}"/>'


def _svg(
    kind: str, chart_id: str, width: float, height: float, title: str, desc: str, body: list[str]
) -> str:
    w, h = _n(width), _n(height)
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img"'
            f' aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {w} {h}"'
            f' width="{w}" height="{h}" font-family="{FONT_FAMILY}">',
            f'<title id="{chart_id}-title">{_text(title)}</title>',
            f'<desc id="{chart_id}-desc">{_text(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )
