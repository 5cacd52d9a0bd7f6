"""A Gantt-style chart of a plan's actions as SVG drawn on the server, and its table (issue 7).

It follows the charts of citygrow/publishing/charts.py: one self-contained inline <svg> for web
pages and the PDFs WeasyPrint makes of them, no JavaScript, no <style> element and no style=""
attribute (the Content Security Policy blocks inline styles), presentation attributes only, the
same font, text colour and blue, a <title> and a <desc> named by aria-labelledby, sizes in a
viewBox so that the chart scales, and deterministic output with ids from a hash of the content.

The chart: one row per action with a date range, numbered as in the table and indented by
level; a bar from the first day of its start date to the end of its (inclusive) end date, its
left part filled in proportion to the progress; the progress in words in a column on the right.
An overdue action is told apart by three things besides its colour: a hatched bar, a thick
dashed outline, and the word "overdue" after its progress. Months are marked along the top,
with the years above them; a dashed vertical line marks today when today is in the time span.

The table alternative (`gantt_table`) lists every row, also those the chart cannot draw: an
action without a start or an end date is not drawn, and the <desc> says how many there are.
The words on the chart and in the <desc> are English, like those of publishing/charts.py; the
month names and the "Today" label can be passed in translated.
"""

import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from xml.sax.saxutils import escape

FONT_FAMILY = "DejaVu Sans, sans-serif"
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#c8c8c8"
RIM_COLOUR = "#8c8c8c"
BAR_COLOUR = "#0b4f8a"  # 8.6:1 against white (publishing.charts, first series)
BAR_TINT = "#dbe6f1"
OVERDUE_COLOUR = "#a33b00"  # 6.3:1 against white (publishing.charts, second series)
OVERDUE_TINT = "#f6e3d8"
TODAY_COLOUR = "#1a1a1a"

PAD = 12
HEADER = 40  # the year and month rows above the plot
ROW = 26
BAR = 14
MIN_BAR = 2.0
"""The narrowest bar drawn, so that a one-day action on a chart of years still shows."""
VALUE_COLUMN = 100
INDENT = 12
MAX_INDENT_LEVELS = 6
CHAR_WIDTH = 6.8  # a generous average width of a 12px DejaVu Sans character
MONTH_LABEL_SPACE = 30
YEAR_LABEL_SPACE = 36

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Number = int | float | Decimal | Fraction
XOf = Callable[[date], float]
"""The x of the start of a day on the chart."""


@dataclass(frozen=True)
class GanttRow:
    """One action as the chart and its table show it."""

    label: str
    level: int = 0
    """0 for a top-level action, 1 for its sub-actions, and so on (for indentation)."""
    start: date | None = None
    end: date | None = None
    """The last day of the action (inclusive): an action of one day has end == start."""
    progress: Number | None = None
    """0..100; None when no progress is known."""
    status: str = ""
    """The status as people read it (e.g. "Ongoing"); shown in the table."""
    overdue: bool = False


@dataclass(frozen=True)
class GanttTableRow:
    """One row of the table beside the chart, numbered as in the chart."""

    number: int
    label: str
    level: int
    start: date | None
    end: date | None
    days: int | None
    """Days from start to end, both included; None without both dates."""
    progress: Number | None
    status: str
    overdue: bool
    drawn: bool
    """Whether the chart draws the row (it has a start and an end date)."""


def gantt_table(rows: Sequence[GanttRow]) -> list[GanttTableRow]:
    """The table alternative of the chart: every row, numbered from 1, in input order.

    Raises ValueError for a row the chart would refuse (see `gantt_chart`).
    """
    for number, row in enumerate(rows, start=1):
        _check(number, row)
    return [
        GanttTableRow(
            number=number,
            label=row.label,
            level=row.level,
            start=row.start,
            end=row.end,
            days=None if row.start is None or row.end is None else (row.end - row.start).days + 1,
            progress=row.progress,
            status=row.status,
            overdue=row.overdue,
            drawn=_dated(row),
        )
        for number, row in enumerate(rows, start=1)
    ]


def gantt_chart(
    rows: Sequence[GanttRow],
    *,
    title: str,
    today: date | None = None,
    width: int = 760,
    month_names: Sequence[str] = MONTH_NAMES,
    today_label: str = "Today",
) -> str:
    """The Gantt chart of `rows` as an SVG string (see the module's docstring).

    The time span runs from the first day of the month of the earliest start to the last day
    of the month of the latest end. `today`, when given and within the span, is marked with a
    dashed line through the middle of its day. A bar is at least MIN_BAR wide.

    Raises ValueError for a row whose end date is before its start date, whose level is
    negative, or whose progress is not a number within 0..100; for a width under 480; or for
    month_names that are not 12.
    """
    if width < 480:
        raise ValueError(f"A Gantt chart needs a width of at least 480, not {width}.")
    if len(month_names) != 12:
        raise ValueError(f"A Gantt chart needs 12 month names, not {len(month_names)}.")
    table = gantt_table(rows)
    drawn = [(line, row) for line, row in zip(table, rows, strict=True) if line.drawn]
    undated = len(rows) - len(drawn)
    chart_id = _chart_id(title, rows, today, width, month_names, today_label)

    if not drawn:
        height = PAD + 30 + PAD
        empty = [
            f'<text x="{PAD}" y="{PAD + 18}" font-size="12" font-style="italic"'
            f' fill="{TEXT_COLOUR}">No action has dates to draw.</text>'
        ]
        desc = "Gantt chart with no actions to draw." + _undated_sentence(undated)
        return _svg(chart_id, width, height, title, desc, empty)

    first = min(_start(row) for _line, row in drawn)
    last = max(_end(row) for _line, row in drawn)
    span_start = first.replace(day=1)
    span_end = _next_month(last.replace(day=1))  # exclusive
    days = (span_end - span_start).days

    label_width = round(width * 0.3)
    x0 = PAD + label_width + 8
    x1 = width - PAD - VALUE_COLUMN
    per_day = (x1 - x0) / days
    top = PAD + HEADER
    bottom = top + len(drawn) * ROW
    show_today = today is not None and span_start <= today < span_end
    height = bottom + (22 if show_today else 0) + PAD

    def x_of(day: date) -> float:
        return x0 + (day - span_start).days * per_day

    body: list[str] = [
        "<defs>",
        f'<pattern id="{chart_id}-overdue" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)">',
        f'<rect width="6" height="6" fill="{OVERDUE_TINT}"/>',
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{OVERDUE_COLOUR}" stroke-width="2"/>',
        "</pattern>",
        "</defs>",
    ]
    body.extend(_time_axis(span_start, span_end, x_of, per_day, top, bottom, month_names))

    body.append('<g class="rows">')
    for index, (line, row) in enumerate(drawn):
        row_top = top + index * ROW
        body.extend(_row(chart_id, line, row, row_top, x_of, label_width, x1))
    body.append("</g>")

    if show_today and today is not None:
        x = x_of(today) + per_day / 2
        body.append(
            f'<line class="today" x1="{_n(x)}" y1="{_n(top - 4)}" x2="{_n(x)}"'
            f' y2="{_n(bottom + 6)}" stroke="{TODAY_COLOUR}" stroke-width="1.5"'
            ' stroke-dasharray="4 3"/>'
        )
        anchor = "end" if x > x1 - 40 else "start" if x < x0 + 40 else "middle"
        body.append(
            f'<text class="today-label" x="{_n(x)}" y="{_n(bottom + 18)}" font-size="11"'
            f' text-anchor="{anchor}" fill="{TEXT_COLOUR}">{_text(today_label)}</text>'
        )

    desc = _describe(drawn, undated, first, last, today, show_today)
    return _svg(chart_id, width, height, title, desc, body)


def _check(number: int, row: GanttRow) -> None:
    name = f"Row {number} ({row.label!r})"
    if row.level < 0:
        raise ValueError(f"{name}: the level must be 0 or more, not {row.level}.")
    if row.start is not None and row.end is not None and row.end < row.start:
        raise ValueError(
            f"{name}: the end date {row.end.isoformat()} is before the start date"
            f" {row.start.isoformat()}."
        )
    if row.progress is not None:
        value = row.progress
        # `not (0 <= x <= 100)` also refuses a float NaN; a Decimal NaN raises on comparing.
        if isinstance(value, Decimal) and not value.is_finite():
            raise ValueError(f"{name}: the progress must be a number, not {value!r}.")
        if isinstance(value, float) and math.isnan(value):
            raise ValueError(f"{name}: the progress must be a number, not {value!r}.")
        if not 0 <= value <= 100:
            raise ValueError(f"{name}: the progress must be within 0..100, not {value}.")


def _dated(row: GanttRow) -> bool:
    return row.start is not None and row.end is not None


def _start(row: GanttRow) -> date:
    assert row.start is not None  # only called on drawn rows
    return row.start


def _end(row: GanttRow) -> date:
    assert row.end is not None  # only called on drawn rows
    return row.end


def _next_month(day: date) -> date:
    """The first day of the month after `day`'s."""
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _time_axis(
    span_start: date,
    span_end: date,
    x_of: XOf,
    per_day: float,
    top: float,
    bottom: float,
    month_names: Sequence[str],
) -> list[str]:
    """Month ticks and names, and year names above them, thinned to stay readable."""
    months: list[date] = []
    month = span_start
    while month < span_end:
        months.append(month)
        month = _next_month(month)
    # Months are named every 1, 2, 3, 4, 6 or 12 months, as often as there is room for; when
    # there is no room for one name a year, only years are named, every 1, 2, 5, 10... years.
    # Ticks go where names go (and at every January when no month is named).
    # The room is reckoned on the shortest month (28 days) and year (365 days).
    step = next((s for s in (1, 2, 3, 4, 6, 12) if per_day * 28 * s >= MONTH_LABEL_SPACE), 0)
    year_step = next(
        (s for s in (1, 2, 5, 10, 20, 50, 100) if per_day * 365 * s >= YEAR_LABEL_SPACE), 1000
    )
    if step:
        marked = [m for m in months if (m.month - 1) % step == 0]
    else:
        marked = [m for m in months if m.month == 1 and m.year % year_step == 0]

    parts = ['<g class="time-axis">']
    parts.append(
        f'<rect class="plot" x="{_n(x_of(span_start))}" y="{_n(top)}"'
        f' width="{_n(x_of(span_end) - x_of(span_start))}" height="{_n(bottom - top)}"'
        f' fill="none" stroke="{RIM_COLOUR}" stroke-width="1"/>'
    )
    month_y = PAD + HEADER - 8
    for m in marked:
        x = x_of(m)
        stroke = RIM_COLOUR if m.month == 1 else GRID_COLOUR
        parts.append(
            f'<line class="month-tick" data-month="{m:%Y-%m}" x1="{_n(x)}" y1="{_n(month_y - 11)}"'
            f' x2="{_n(x)}" y2="{_n(bottom)}" stroke="{stroke}" stroke-width="1"/>'
        )
        if step and x_of(span_end) - x >= MONTH_LABEL_SPACE - 8:
            parts.append(
                f'<text class="month" x="{_n(x + 3)}" y="{_n(month_y)}" font-size="10"'
                f' fill="{TEXT_COLOUR}">{_text(month_names[m.month - 1])}</text>'
            )

    # A year is named where it starts in the span, and the span's first year at its start; a
    # name with no room before the next one is left out.
    years = [m for m in months if m == span_start or (m.month == 1 and m.year % year_step == 0)]
    kept: list[date] = []
    room_until = x_of(span_end)
    for year_start in reversed(years):
        if room_until - x_of(year_start) >= YEAR_LABEL_SPACE:
            kept.append(year_start)
            room_until = x_of(year_start)
    for year_start in reversed(kept):
        parts.append(
            f'<text class="year" x="{_n(x_of(year_start) + 3)}" y="{_n(month_y - 14)}"'
            f' font-size="11" font-weight="bold" fill="{TEXT_COLOUR}">{year_start.year}</text>'
        )
    parts.append("</g>")
    return parts


def _row(
    chart_id: str,
    line: GanttTableRow,
    row: GanttRow,
    row_top: float,
    x_of: XOf,
    label_width: int,
    x1: float,
) -> list[str]:
    """One row: its numbered, indented label, its bar, and its progress in words."""
    indent = min(row.level, MAX_INDENT_LEVELS) * INDENT
    max_chars = max(int((label_width - indent) / CHAR_WIDTH), 8)
    heading = _truncate(f"{line.number}. {row.label}", max_chars)
    middle = row_top + ROW / 2
    overdue = row.overdue
    colour = OVERDUE_COLOUR if overdue else BAR_COLOUR
    start, end = _start(row), _end(row)
    x = x_of(start)
    bar_width = max(x_of(end + timedelta(days=1)) - x, MIN_BAR)
    bar_top = middle - BAR / 2
    classes = "action overdue" if overdue else "action"
    parts = [
        f'<g class="{classes}" data-row="{line.number}">',
        f'<text class="label" x="{PAD + indent}" y="{_n(middle + 4)}" font-size="12"'
        f' fill="{TEXT_COLOUR}">{_text(heading)}</text>',
        f'<rect class="bar" x="{_n(x)}" y="{_n(bar_top)}" width="{_n(bar_width)}"'
        f' height="{BAR}" fill="{OVERDUE_TINT if overdue else BAR_TINT}"/>',
    ]
    if overdue:
        parts.append(
            f'<rect class="hatch" x="{_n(x)}" y="{_n(bar_top)}" width="{_n(bar_width)}"'
            f' height="{BAR}" fill="url(#{chart_id}-overdue)"/>'
        )
    progress = None if row.progress is None else float(row.progress)
    if progress:
        parts.append(
            f'<rect class="progress" x="{_n(x)}" y="{_n(bar_top)}"'
            f' width="{_n(bar_width * progress / 100)}" height="{BAR}" fill="{colour}"/>'
        )
    outline = ' stroke-width="2.5" stroke-dasharray="5 2"' if overdue else ' stroke-width="1"'
    parts.append(
        f'<rect class="outline" x="{_n(x)}" y="{_n(bar_top)}" width="{_n(bar_width)}"'
        f' height="{BAR}" fill="none" stroke="{colour}"{outline}/>'
    )
    value = "no progress" if progress is None else f"{_number(progress)}%"
    words = f"{value}, overdue" if overdue else value
    weight = ' font-weight="bold"' if overdue else ""
    parts.append(
        f'<text class="value" x="{_n(x1 + 8)}" y="{_n(middle + 4)}" font-size="11"{weight}'
        f' fill="{TEXT_COLOUR}">{_text(words)}</text>'
    )
    parts.append("</g>")
    return parts


def _describe(
    drawn: Sequence[tuple[GanttTableRow, GanttRow]],
    undated: int,
    first: date,
    last: date,
    today: date | None,
    show_today: bool,
) -> str:
    """The <desc>: the span, the overdue actions by name, today and the rows not drawn."""
    count = len(drawn)
    noun = "action" if count == 1 else "actions"
    sentences = [
        f"Gantt chart of {count} {noun} from {first.isoformat()} to {last.isoformat()}:"
        " one bar per action from its start to its end date, filled in proportion to its"
        " progress."
    ]
    overdue = [line for line, _row in drawn if line.overdue]
    if overdue:
        names = "; ".join(f"{line.number}. {line.label}" for line in overdue)
        verb = "is" if len(overdue) == 1 else "are"
        sentences.append(
            f"{len(overdue)} {verb} overdue, drawn hatched with a dashed outline: {names}."
        )
    else:
        sentences.append("None is overdue.")
    if today is not None:
        if show_today:
            sentences.append(f"A dashed vertical line marks today, {today.isoformat()}.")
        else:
            sentences.append(f"Today, {today.isoformat()}, is outside the time shown.")
    return " ".join(sentences) + _undated_sentence(undated)


def _undated_sentence(undated: int) -> str:
    if not undated:
        return ""
    if undated == 1:
        return " 1 action has no start or end date and is not drawn; the table lists it."
    return f" {undated} actions have no start or end date and are not drawn; the table lists them."


def _number(value: float) -> str:
    """A progress with at most one decimal: "62.5", "100"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _n(coordinate: float) -> str:
    """A coordinate with at most two decimals."""
    text = f"{coordinate:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(value: str) -> str:
    """Text escaped for XML content and attributes, without characters XML cannot hold."""
    return escape(_NOT_XML.sub("", str(value)), {'"': "&quot;", "'": "&apos;"})


def _truncate(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rstrip() + "\u2026"


def _chart_id(
    title: str,
    rows: Sequence[GanttRow],
    today: date | None,
    width: int,
    month_names: Sequence[str],
    today_label: str,
) -> str:
    content = [
        "gantt",
        title,
        [[r.label, r.level, r.start, r.end, r.progress, r.status, r.overdue] for r in rows],
        today,
        width,
        list(month_names),
        today_label,
    ]
    digest = hashlib.sha256(json.dumps(content, default=str).encode()).hexdigest()
    return f"gantt-{digest[:12]}"


def _svg(chart_id: str, width: float, height: float, title: str, desc: str, body: list[str]) -> str:
    w, h = _n(width), _n(height)
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-gantt" role="img"'
            f' aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {w} {h}"'
            f' width="{w}" height="{h}" font-family="{FONT_FAMILY}">',
            f'<title id="{chart_id}-title">{_text(title)}</title>',
            f'<desc id="{chart_id}-desc">{_text(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )
