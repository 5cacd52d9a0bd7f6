"""The one-page infographic of a pairing, drawn as SVG on the server (issue 14).

A mentor city and an implementing city paired on a theme are summed up on one A4 portrait page
(also printed on A3 as a poster: same aspect ratio). The caller gathers and translates the text
into a Content; this module checks it against the room the page has (check), places every line
(layout) and draws the page (draw). It knows nothing of Django, the database or gettext: every
fixed word comes in Labels.

The page, top to bottom: the notice band (when there is a notice); the header (title, subtitle,
a rule); the two cities side by side in tinted panels, each with up to four key figures, and
between them an arrow with the relation ("mentors"); the key factors worked on beside the
practices transferred; the timeline of visits (filled markers for past visits, hollow ones for
planned visits); strengths, challenges and future actions as three numbered columns; the credits
at the foot. The height a shorter infographic leaves is shared out between the sections (up to
MAX_EXTRA_GAP each), the rest stays above the credits. The fullest content check() accepts fills
the page exactly; so does any content drawn, since each text is cut at its number of lines.

Sizes (pt) and lines: title 18 bold, 2 lines; subtitle 9.5; notice 8.5 bold; city name 14 bold,
2 lines; role 8 bold; country 8.5; figure value 12 bold, label 8 (2 lines), note 7.5 (2 lines);
relation 8.5 bold, 3 lines; section headings 10 bold; key factors 8.5; practices 8.5, 2 lines;
timeline date 8.5 bold and title 8.5; strengths, challenges and actions 8.5, 3 lines each;
credits 7.5. Texts not named here have one line.

The drawing follows the house style of charts.py: presentation attributes only (no <style>
element, no style attribute: Content Security Policy), a <title> and a <desc> that holds all the
text in reading order, escaped text without the characters XML cannot hold, byte-identical output
for the same content. Text is set in DejaVu Sans and wrapped by measured width (textfit): every
line is measured to fit its box, and no text is smaller than 7.5 pt (body text 8.5 pt).

Every text has a box and a number of lines. check() reports each text longer than its character
limit (LIMITS) or too wide for its lines when measured, and each list longer than the page
holds (MAX_ITEMS), with the path of the field, for a form or an API to show. draw() never
overflows, even for content check() refuses: a text too long is cut with "…" in its last line
and the items after the last one a list holds are left out.
"""

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from types import MappingProxyType

from citygrow.publishing import textfit
from citygrow.publishing.charts import FONT_FAMILY, TEXT_COLOUR, _n, _text

PAGE_WIDTH = 595.28  # A4 portrait in points
PAGE_HEIGHT = 841.89

#: Most characters per kind of text (counted after white space is collapsed).
LIMITS: Mapping[str, int] = MappingProxyType(
    {
        "title": 80,
        "subtitle": 90,
        "notice": 80,
        "role": 30,
        "city": 36,
        "country": 40,
        "figure_label": 34,
        "figure_value": 12,
        "figure_note": 36,
        "relation": 24,
        "heading": 24,  # a section heading (labels.strengths, ...)
        "empty": 40,  # labels.none_yet, labels.no_visits
        "legend": 20,  # labels.past, labels.planned
        "key_factor": 44,
        "practice": 90,
        "when": 22,
        "moment": 80,
        "item": 80,  # a strength, a challenge or a future action
        "credit": 120,
    }
)

#: Most items per list; a city shows at most MAX_ITEMS["figures"] figures.
MAX_ITEMS: Mapping[str, int] = MappingProxyType(
    {
        "figures": 4,
        "key_factors": 6,
        "timeline": 8,
        "strengths": 6,
        "challenges": 6,
        "actions": 6,
        "practices": 3,
        "credits": 4,
    }
)

# Colours. Text colours have at least 4.5:1 contrast against the background they are set on
# (white or PANEL); the markers and rules at least 3:1 against white.
INK = TEXT_COLOUR  # 17.4:1 on white
SOFT_INK = "#404040"  # 10.4:1 on white
BLUE = "#0b4f8a"  # 8.6:1 on white
GREEN = "#2f6b2f"  # 6.4:1
RUST = "#a33b00"  # 6.3:1
PURPLE = "#6a3d9a"  # 7.9:1
WHITE = "#ffffff"
PANEL = "#edf2f7"  # the cities' panels: BLUE on it 7.7:1, INK 15.3:1, SOFT_INK 9.1:1
NOTICE_FILL = "#fff3c4"  # INK on it 16.3:1
NOTICE_EDGE = "#7a5a00"
LINE = "#8c8c8c"  # the timeline's line, 3.4:1

# Geometry, in points.
MARGIN_X = 28.0
MARGIN_TOP = 20.0
MARGIN_BOTTOM = 20.0
WIDTH = PAGE_WIDTH - 2 * MARGIN_X
ASCENT = 0.76  # from the top of a line's box to its baseline, in em (DejaVu's cap height is 0.73)
BODY = 8.5  # body text
LEAD = 10.4  # its line height
SMALL = 7.5  # credits, notes of figures
SECTION_GAP = 10.0  # between sections, before extra height is shared out
MAX_EXTRA_GAP = 22.0  # at most this much is added to each gap
COLUMN_GAP = 16.0
#: Lines are wrapped to this share of their box: renderers round the advances of glyphs (Chromium
#: set lines up to 0.2% wider than measured), the 1% left over keeps them in the box.
_ROOM = 0.99


@dataclass(frozen=True)
class Figure:
    """One key figure of a city."""

    label: str  # "Population"
    value: str  # "664,046" (already formatted by the caller)
    note: str  # "2021, Eurostat" (year and source)


@dataclass(frozen=True)
class CityPanel:
    name: str
    country: str
    role: str  # e.g. "Mentor city" (translated by the caller)
    figures: Sequence[Figure]  # 0..4 shown


@dataclass(frozen=True)
class Moment:
    """One line of the visits timeline."""

    when: str  # "Mar 2018" or "12-14 Mar 2018" (formatted by the caller)
    title: str  # "Study visit to Munich"
    past: bool  # drawn filled when past, hollow when planned


@dataclass(frozen=True)
class Labels:
    """Every fixed word of the page, translated by the caller."""

    mentor_to_implementing: str  # e.g. "mentors"
    key_factors: str
    timeline: str
    strengths: str
    challenges: str
    actions: str
    practices: str
    credits: str  # not printed (the credits speak for themselves); starts them in the <desc>
    no_visits: str  # shown when the timeline is empty
    none_yet: str  # shown when another list is empty
    # Optional: the legend of the timeline's markers, e.g. "past visit" and "planned". When both
    # are set, the legend is printed beside the timeline's heading and each moment is marked so
    # in the <desc>.
    past: str = ""
    planned: str = ""


@dataclass(frozen=True)
class Content:
    title: str  # e.g. "Athens learns from Munich"
    subtitle: str  # e.g. "CITIES GROW · Matching buyers and suppliers"
    mentor: CityPanel
    implementing: CityPanel
    key_factors: Sequence[str]  # 0..6
    timeline: Sequence[Moment]  # 0..8
    strengths: Sequence[str]  # 0..6 each (3..6 to publish; the caller enforces 3)
    challenges: Sequence[str]
    actions: Sequence[str]
    practices: Sequence[str]  # 0..3
    credits: Sequence[str]  # 0..4 lines (programme, funder, facilitator, the method's credit)
    labels: Labels
    notice: str = ""  # e.g. "Illustrative content (demo data)", drawn in a band when set


@dataclass(frozen=True)
class Problem:
    """A text or a list that does not fit the page."""

    path: str  # the field: "title", "mentor.figures[1].note", "strengths[2]", "labels.timeline"
    limit: int  # the most characters (or items) the field holds there, as in the message
    message: str  # in plain English


@dataclass(frozen=True)
class Placed:
    """One line of text on the page.

    x is the left edge of the line's box and width its width (a centred line is drawn at its
    middle); y is the baseline. Measured in DejaVu Sans, the text fits the width. The number of
    an item ("1.") has the path of its list ("strengths").
    """

    text: str
    x: float
    y: float
    size: float
    bold: bool
    width: float
    path: str  # the field it comes from, as in Problem.path
    anchor: str = "start"  # "start" or "middle"
    fill: str = INK
    background: str = WHITE  # the colour under it


@dataclass
class _Canvas:
    """What a section draws: lines of text, shapes (SVG elements) and what does not fit."""

    placed: list[Placed] = field(default_factory=list)
    shapes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def text(
        self,
        path: str,
        kind: str,
        text: str,
        *,
        x: float,
        top: float,
        width: float,
        size: float = BODY,
        lead: float = LEAD,
        lines: int = 1,
        bold: bool = False,
        anchor: str = "start",
        fill: str = INK,
        background: str = WHITE,
    ) -> float:
        """Set a text in a box from `top` down; the height of the lines it took."""
        cleaned = textfit.clean(text)
        fitted = textfit.fit(cleaned, width * _ROOM, size, lines, bold=bold)
        limit = LIMITS[kind]
        if len(cleaned) > limit:
            self.problems.append(Problem(path, limit, _too_long(limit, len(cleaned))))
        elif fitted.cut:
            about = min(fitted.kept, limit)
            self.problems.append(Problem(path, about, _too_long(about, len(cleaned), "about ")))
        for i, line in enumerate(fitted.lines):
            baseline = top + i * lead + ASCENT * size
            self.placed.append(
                Placed(line, x, baseline, size, bold, width, path, anchor, fill, background)
            )
        return len(fitted.lines) * lead

    def count(self, path: str, items: Sequence[object], key: str) -> list[int]:
        """The indexes of the items a list shows; a problem when there are more."""
        most = MAX_ITEMS[key]
        if len(items) > most:
            noun = "figures" if key == "figures" else "items"
            self.problems.append(
                Problem(path, most, f"At most {most} {noun} fit here (it has {len(items)}).")
            )
        return list(range(min(len(items), most)))


def _too_long(limit: int, length: int, about: str = "") -> str:
    return (
        f"Too long for the printed page: at most {about}{limit} characters here (it has {length})."
    )


def check(content: Content) -> list[Problem]:
    """Every text and list of the content that does not fit the page, in reading order.

    A text is reported when it has more characters than LIMITS allows, or when, measured, it
    needs more lines than its box has; a list when it has more items than MAX_ITEMS allows.
    """
    problems = _compose(content).problems
    return list(dict.fromkeys(problems))  # labels.none_yet is set in every empty list


def layout(content: Content) -> list[Placed]:
    """Every line of text of the page, placed, in reading order."""
    return _compose(content).placed


def draw(content: Content) -> str:
    """The infographic as an <svg> element (viewBox: A4 portrait in points)."""
    canvas = _compose(content)
    digest = hashlib.sha256(json.dumps(asdict(content), default=list).encode()).hexdigest()
    svg_id = f"infographic-{digest[:12]}"
    w, h = _n(PAGE_WIDTH), _n(PAGE_HEIGHT)
    body = [
        f'<rect class="page" x="0" y="0" width="{w}" height="{h}" fill="{WHITE}"/>',
        *canvas.shapes,
        *(_text_element(line) for line in canvas.placed),
    ]
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="infographic" role="img"'
            f' aria-labelledby="{svg_id}-title {svg_id}-desc" viewBox="0 0 {w} {h}"'
            f' width="{w}pt" height="{h}pt" font-family="{FONT_FAMILY}">',
            f'<title id="{svg_id}-title">{_text(textfit.clean(content.title))}</title>',
            f'<desc id="{svg_id}-desc">{_text(describe(content))}</desc>',
            *body,
            "</svg>",
        ]
    )


def describe(content: Content) -> str:
    """All the text of the page in reading order, in sentences: the <desc> of the drawing."""
    labels = content.labels
    parts: list[str] = []

    def add(*texts: str) -> None:
        for text in texts:
            text = textfit.clean(text)
            if text:
                parts.append(text if text[-1] in ".!?:" else f"{text}.")

    def listed(heading: str, items: Sequence[str], empty: str, numbered: bool = False) -> None:
        shown = [textfit.clean(item) for item in items]
        if numbered:
            shown = [f"{i}. {item}" for i, item in enumerate(shown, start=1)]
        text = "; ".join(shown) if shown else textfit.clean(empty)
        heading = textfit.clean(heading)
        add(f"{heading}: {text}" if heading and text else heading or text)

    add(content.notice, content.title, content.subtitle)
    for city in (content.mentor, content.implementing):
        add(", ".join(filter(None, map(textfit.clean, (city.role, city.name, city.country)))))
        for figure in list(city.figures)[: MAX_ITEMS["figures"]]:
            note = textfit.clean(figure.note)
            add(f"{figure.label}: {figure.value}" + (f" ({note})" if note else ""))
    add(f"{content.mentor.name} {labels.mentor_to_implementing} {content.implementing.name}")
    listed(labels.key_factors, content.key_factors[: MAX_ITEMS["key_factors"]], labels.none_yet)
    listed(labels.practices, content.practices[: MAX_ITEMS["practices"]], labels.none_yet)
    tagged = bool(textfit.clean(labels.past) and textfit.clean(labels.planned))
    moments = [
        " ".join(filter(None, map(textfit.clean, (moment.when, moment.title))))
        + (f" ({textfit.clean(labels.past if moment.past else labels.planned)})" if tagged else "")
        for moment in content.timeline[: MAX_ITEMS["timeline"]]
    ]
    listed(labels.timeline, moments, labels.no_visits)
    for key in ("strengths", "challenges", "actions"):
        items = getattr(content, key)[: MAX_ITEMS[key]]
        listed(getattr(labels, key), items, labels.none_yet, numbered=True)
    if content.credits:
        listed(labels.credits, content.credits[: MAX_ITEMS["credits"]], "")
    return " ".join(parts)


# The page --------------------------------------------------------------------------------------

_Section = Callable[[_Canvas, float], float]  # draws from a top y; returns the height it took


def _compose(content: Content) -> _Canvas:
    """Lay the page out: the header, the sections with the extra height shared out, the foot."""
    sections: list[_Section] = [
        lambda canvas, top: _cities(canvas, top, content),
        lambda canvas, top: _factors_and_practices(canvas, top, content),
        lambda canvas, top: _timeline(canvas, top, content),
        lambda canvas, top: _findings(canvas, top, content),
    ]
    scratch = _Canvas()
    header = _header(scratch, MARGIN_TOP, content)
    foot = _credits(scratch, 0, content)
    heights = [section(scratch, 0) for section in sections]
    foot_top = PAGE_HEIGHT - MARGIN_BOTTOM - foot
    spare = foot_top - SECTION_GAP - (MARGIN_TOP + header + sum(heights))
    gaps = len(sections)  # before each section
    extra = min(max(spare, 0) / gaps - SECTION_GAP, MAX_EXTRA_GAP)
    gap = SECTION_GAP + max(extra, 0)

    canvas = _Canvas()
    y = MARGIN_TOP + _header(canvas, MARGIN_TOP, content)
    for section in sections:
        y += gap
        y += section(canvas, y)
    _credits(canvas, foot_top, content)
    return canvas


def _header(canvas: _Canvas, top: float, content: Content) -> float:
    """The notice band (when there is a notice), the title, the subtitle and a rule."""
    y = top
    if textfit.clean(content.notice):
        height = 19.0
        canvas.shapes.append(
            f'<rect class="notice" x="{_n(MARGIN_X)}" y="{_n(y)}" width="{_n(WIDTH)}"'
            f' height="{_n(height)}" fill="{NOTICE_FILL}" stroke="{NOTICE_EDGE}"'
            f' stroke-width="1" stroke-dasharray="4 2"/>'
        )
        canvas.text(
            "notice",
            "notice",
            content.notice,
            x=MARGIN_X + 8,
            top=y + (height - BODY) / 2,
            width=WIDTH - 16,
            bold=True,
            anchor="middle",
            background=NOTICE_FILL,
        )
        y += height + 7
    y += canvas.text(
        "title",
        "title",
        content.title,
        x=MARGIN_X,
        top=y,
        width=WIDTH,
        size=18,
        lead=21.5,
        lines=2,
        bold=True,
        fill=BLUE,
    )
    y += 2
    y += canvas.text(
        "subtitle",
        "subtitle",
        content.subtitle,
        x=MARGIN_X,
        top=y,
        width=WIDTH,
        size=9.5,
        lead=12.5,
        fill=SOFT_INK,
    )
    y += 5
    canvas.shapes.append(
        f'<rect class="rule" x="{_n(MARGIN_X)}" y="{_n(y)}" width="{_n(WIDTH)}" height="2.5"'
        f' fill="{BLUE}"/>'
    )
    return y + 2.5 - top


_RELATION_WIDTH = 76.0
_PANEL_WIDTH = (WIDTH - _RELATION_WIDTH) / 2
_PANEL_PAD = 10.0
_CELL_GAP = 10.0
_CELL_WIDTH = (_PANEL_WIDTH - 2 * _PANEL_PAD - _CELL_GAP) / 2


def _cities(canvas: _Canvas, top: float, content: Content) -> float:
    """The two cities side by side, in panels of the same height, and the relation between.

    In reading order: the mentor city, the relation, the implementing city ("Munich mentors
    Athens").
    """
    mentor, relation, implementing = _Canvas(), _Canvas(), _Canvas()
    lefts = (MARGIN_X, MARGIN_X + _PANEL_WIDTH + _RELATION_WIDTH)
    heights = [
        _panel(mentor, top, lefts[0], content.mentor, "mentor"),
        _relation(relation, top, content.labels.mentor_to_implementing),
        _panel(implementing, top, lefts[1], content.implementing, "implementing"),
    ]
    height = max(heights)
    for left in lefts:
        canvas.shapes.append(
            f'<rect class="city" x="{_n(left)}" y="{_n(top)}" width="{_n(_PANEL_WIDTH)}"'
            f' height="{_n(height)}" rx="4" fill="{PANEL}"/>'
        )
    for part in (mentor, relation, implementing):
        canvas.shapes.extend(part.shapes)
        canvas.placed.extend(part.placed)
        canvas.problems.extend(part.problems)
    return height


def _relation(canvas: _Canvas, top: float, words: str) -> float:
    """Between the panels: the words of the relation over an arrow to the implementing city."""
    left = MARGIN_X + _PANEL_WIDTH
    label_top = top + 14
    label_height = canvas.text(
        "labels.mentor_to_implementing",
        "relation",
        words,
        x=left + 4,
        top=label_top,
        width=_RELATION_WIDTH - 8,
        lines=3,
        bold=True,
        anchor="middle",
    )
    arrow_y = label_top + max(label_height, LEAD) + 5
    x1, x2 = left + 6, left + _RELATION_WIDTH - 6
    canvas.shapes.append(
        f'<path class="relation" d="M{_n(x1)} {_n(arrow_y)}H{_n(x2 - 7)}" stroke="{BLUE}"'
        f' stroke-width="2" fill="none"/>'
    )
    canvas.shapes.append(
        f'<path class="relation-head" d="M{_n(x2)} {_n(arrow_y)}L{_n(x2 - 9)} {_n(arrow_y - 5)}'
        f'L{_n(x2 - 9)} {_n(arrow_y + 5)}Z" fill="{BLUE}"/>'
    )
    return arrow_y + 14 - top


def _panel(canvas: _Canvas, top: float, left: float, city: CityPanel, path: str) -> float:
    """One city: role, name, country, then its figures two by two. The height it needs."""
    x = left + _PANEL_PAD
    width = _PANEL_WIDTH - 2 * _PANEL_PAD
    y = top + 9
    y += canvas.text(
        f"{path}.role",
        "role",
        city.role,
        x=x,
        top=y,
        width=width,
        size=8,
        lead=10,
        bold=True,
        fill=BLUE,
        background=PANEL,
    )
    y += canvas.text(
        f"{path}.name",
        "city",
        city.name,
        x=x,
        top=y,
        width=width,
        size=14,
        lead=16.5,
        lines=2,
        bold=True,
        background=PANEL,
    )
    y += canvas.text(
        f"{path}.country",
        "country",
        city.country,
        x=x,
        top=y,
        width=width,
        lead=11,
        fill=SOFT_INK,
        background=PANEL,
    )
    shown = canvas.count(f"{path}.figures", city.figures, "figures")
    for row_start in range(0, len(shown), 2):
        y += 5
        row_height = 0.0
        for i in shown[row_start : row_start + 2]:
            figure = city.figures[i]
            where = f"{path}.figures[{i}]"
            cell_x = x + (i % 2) * (_CELL_WIDTH + _CELL_GAP)
            cell_y = y
            cell_y += canvas.text(
                f"{where}.value",
                "figure_value",
                figure.value,
                x=cell_x,
                top=cell_y,
                width=_CELL_WIDTH,
                size=12,
                lead=14.5,
                bold=True,
                fill=BLUE,
                background=PANEL,
            )
            cell_y += canvas.text(
                f"{where}.label",
                "figure_label",
                figure.label,
                x=cell_x,
                top=cell_y,
                width=_CELL_WIDTH,
                size=8,
                lead=9.6,
                lines=2,
                background=PANEL,
            )
            cell_y += canvas.text(
                f"{where}.note",
                "figure_note",
                figure.note,
                x=cell_x,
                top=cell_y,
                width=_CELL_WIDTH,
                size=SMALL,
                lead=9,
                lines=2,
                fill=SOFT_INK,
                background=PANEL,
            )
            row_height = max(row_height, cell_y - y)
        y += row_height
    return y + 9 - top


def _heading(
    canvas: _Canvas, path: str, text: str, x: float, top: float, width: float, colour: str
) -> float:
    """A section heading in words, with a rule of the section's colour under it."""
    canvas.text(path, "heading", text, x=x, top=top, width=width, size=10, bold=True, fill=colour)
    canvas.shapes.append(
        f'<rect class="heading-rule" x="{_n(x)}" y="{_n(top + 12.5)}" width="{_n(width)}"'
        f' height="1.2" fill="{colour}"/>'
    )
    return 19.0


def _empty(canvas: _Canvas, path: str, text: str, x: float, top: float, width: float) -> float:
    return canvas.text(path, "empty", text, x=x, top=top, width=width, lines=2, fill=SOFT_INK)


_HALF_WIDTH = (WIDTH - COLUMN_GAP) / 2
_BULLET_INDENT = 11.0


def _factors_and_practices(canvas: _Canvas, top: float, content: Content) -> float:
    """The key factors worked on and, beside them, the practices transferred: bulleted lists."""
    labels = content.labels
    columns = (
        ("key_factors", labels.key_factors, "key_factor", 1, MARGIN_X, GREEN),
        ("practices", labels.practices, "practice", 2, MARGIN_X + _HALF_WIDTH + COLUMN_GAP, PURPLE),
    )
    heights = []
    for key, heading, kind, lines, x, colour in columns:
        items: Sequence[str] = getattr(content, key)
        y = top + _heading(canvas, f"labels.{key}", heading, x, top, _HALF_WIDTH, colour)
        shown = canvas.count(key, items, key)
        if not shown:
            y += _empty(canvas, "labels.none_yet", labels.none_yet, x, y, _HALF_WIDTH)
        for n, i in enumerate(shown):
            y += 3 if n else 0
            canvas.shapes.append(
                f'<rect class="bullet" x="{_n(x + 1)}" y="{_n(y + 3.6)}" width="3.6"'
                f' height="3.6" fill="{colour}"/>'
            )
            text_height = canvas.text(
                f"{key}[{i}]",
                kind,
                items[i],
                x=x + _BULLET_INDENT,
                top=y,
                width=_HALF_WIDTH - _BULLET_INDENT,
                lines=lines,
            )
            y += max(text_height, LEAD)  # an empty item keeps its bullet's line
        heights.append(y - top)
    return max(heights)


_WHEN_WIDTH = 122.0
_MARKER_COLUMN = 15.0
_LEGEND_WIDTH = 90.0


def _timeline(canvas: _Canvas, top: float, content: Content) -> float:
    """The visits, one a line: a marker (filled: past; hollow: planned), the date, the title."""
    labels = content.labels
    legend = bool(textfit.clean(labels.past) and textfit.clean(labels.planned))
    heading_width = WIDTH - (2 * (_LEGEND_WIDTH + 12) if legend else 0)
    _heading(canvas, "labels.timeline", labels.timeline, MARGIN_X, top, heading_width, BLUE)
    if legend:
        canvas.shapes.append(  # the heading's rule runs under the legend too
            f'<rect class="heading-rule" x="{_n(MARGIN_X + heading_width)}" y="{_n(top + 12.5)}"'
            f' width="{_n(WIDTH - heading_width)}" height="1.2" fill="{BLUE}"/>'
        )
        for n, (key, past) in enumerate((("past", True), ("planned", False))):
            x = MARGIN_X + heading_width + n * (_LEGEND_WIDTH + 12) + 12
            canvas.shapes.append(_moment_marker(x - 6, top + 5.2, past))
            canvas.text(
                f"labels.{key}",
                "legend",
                getattr(labels, key),
                x=x,
                top=top + 1.5,
                width=_LEGEND_WIDTH,
                size=SMALL,
                fill=SOFT_INK,
            )
    y = top + 19
    shown = canvas.count("timeline", content.timeline, "timeline")
    if not shown:
        return y - top + _empty(canvas, "labels.no_visits", labels.no_visits, MARGIN_X, y, WIDTH)
    step = 11.0
    middles = [y + n * step + 3.6 for n in range(len(shown))]
    if len(shown) > 1:
        canvas.shapes.append(
            f'<path class="timeline" d="M{_n(MARGIN_X + 5)} {_n(middles[0])}V{_n(middles[-1])}"'
            f' stroke="{LINE}" stroke-width="1.2"/>'
        )
    title_x = MARGIN_X + _MARKER_COLUMN + _WHEN_WIDTH + 6
    for n, i in enumerate(shown):
        moment = content.timeline[i]
        canvas.shapes.append(_moment_marker(MARGIN_X + 5, middles[n], moment.past))
        row = y + n * step
        canvas.text(
            f"timeline[{i}].when",
            "when",
            moment.when,
            x=MARGIN_X + _MARKER_COLUMN,
            top=row,
            width=_WHEN_WIDTH,
            bold=True,
        )
        canvas.text(
            f"timeline[{i}].title",
            "moment",
            moment.title,
            x=title_x,
            top=row,
            width=MARGIN_X + WIDTH - title_x,
        )
    return y + len(shown) * step - top


def _moment_marker(x: float, y: float, past: bool) -> str:
    """A filled circle for a past visit, a hollow one (white inside) for a planned visit."""
    fill = BLUE if past else WHITE
    state = "past" if past else "planned"
    return (
        f'<circle class="moment {state}" cx="{_n(x)}" cy="{_n(y)}" r="3.6" fill="{fill}"'
        f' stroke="{BLUE}" stroke-width="1.4"/>'
    )


_THIRD_WIDTH = (WIDTH - 2 * 12) / 3
_NUMBER_INDENT = 12.0


def _findings(canvas: _Canvas, top: float, content: Content) -> float:
    """Strengths, challenges and future actions: three columns of numbered items."""
    labels = content.labels
    heights = []
    for column, (key, colour) in enumerate(
        (("strengths", GREEN), ("challenges", RUST), ("actions", BLUE))
    ):
        x = MARGIN_X + column * (_THIRD_WIDTH + 12)
        items: Sequence[str] = getattr(content, key)
        y = top + _heading(
            canvas, f"labels.{key}", getattr(labels, key), x, top, _THIRD_WIDTH, colour
        )
        shown = canvas.count(key, items, key)
        if not shown:
            y += _empty(canvas, "labels.none_yet", labels.none_yet, x, y, _THIRD_WIDTH)
        for n, i in enumerate(shown):
            y += 3.0 if n else 0
            canvas.placed.append(
                Placed(
                    f"{n + 1}.", x, y + ASCENT * BODY, BODY, True, _NUMBER_INDENT, key, fill=colour
                )
            )
            text_height = canvas.text(
                f"{key}[{i}]",
                "item",
                items[i],
                x=x + _NUMBER_INDENT,
                top=y,
                width=_THIRD_WIDTH - _NUMBER_INDENT,
                lines=3,
            )
            y += max(text_height, LEAD)  # an empty item keeps its number's line
        heights.append(y - top)
    return max(heights)


def _credits(canvas: _Canvas, top: float, content: Content) -> float:
    """The credits at the foot of the page, under a thin rule, one line each."""
    shown = canvas.count("credits", content.credits, "credits")
    if not shown:
        return 0.0
    canvas.shapes.append(
        f'<rect class="rule" x="{_n(MARGIN_X)}" y="{_n(top)}" width="{_n(WIDTH)}" height="0.6"'
        f' fill="{LINE}"/>'
    )
    y = top + 5
    for i in shown:
        y += canvas.text(
            f"credits[{i}]",
            "credit",
            content.credits[i],
            x=MARGIN_X,
            top=y,
            width=WIDTH,
            size=SMALL,
            lead=9.2,
            fill=SOFT_INK,
        )
    return y - top


def _text_element(line: Placed) -> str:
    x = line.x + line.width / 2 if line.anchor == "middle" else line.x
    anchor = ' text-anchor="middle"' if line.anchor == "middle" else ""
    weight = ' font-weight="bold"' if line.bold else ""
    return (
        f'<text x="{_n(x)}" y="{_n(line.y)}" font-size="{_n(line.size)}"{weight}{anchor}'
        f' fill="{line.fill}">{_text(line.text)}</text>'
    )
