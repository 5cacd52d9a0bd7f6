"""The Gantt chart of a plan's actions (plans.gantt): geometry from dates, words for everyone.

Checked as parsed XML, by its geometry against the dates, and by printing one with WeasyPrint.
"""

import io
import itertools
import math
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from citygrow.plans.gantt import MIN_BAR, GanttRow, gantt_chart, gantt_table

SVG = "{http://www.w3.org/2000/svg}"

JAN = GanttRow("Map services", 0, date(2026, 1, 1), date(2026, 1, 31), 50, "Ongoing")
FEB = GanttRow("Train staff", 1, date(2026, 2, 1), date(2026, 2, 28), Decimal("25"), "Planned")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def desc_of(svg: str) -> str:
    return parse(svg).find(f"{SVG}desc").text


def with_class(svg: str, tag: str, name: str) -> list[ET.Element]:
    return [e for e in parse(svg).iter(f"{SVG}{tag}") if name in (e.get("class") or "").split()]


def texts_of_class(svg: str, name: str) -> list[str]:
    return [e.text for e in with_class(svg, "text", name)]


def num(element: ET.Element, name: str) -> float:
    return float(element.get(name))


def plot(svg: str) -> tuple[float, float]:
    """The x and the width of the time span."""
    [rect] = with_class(svg, "rect", "plot")
    return num(rect, "x"), num(rect, "width")


def test_the_chart_is_an_svg_image_named_by_its_title_and_description():
    root = parse(gantt_chart([JAN, FEB], title="Athens action plan"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Athens action plan"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    _, _, width, height = root.get("viewBox").split()
    assert (width, height) == (root.get("width"), root.get("height"))  # scales with CSS


def test_the_description_sums_up_the_chart_in_words():
    rows = [JAN, GanttRow("Late one", 0, date(2026, 1, 5), date(2026, 3, 2), 10, overdue=True)]
    desc = desc_of(gantt_chart(rows, title="t", today=date(2026, 2, 10)))
    assert desc.startswith("Gantt chart of 2 actions from 2026-01-01 to 2026-03-02:")
    assert "1 is overdue, drawn hatched with a dashed outline: 2. Late one." in desc
    assert "A dashed vertical line marks today, 2026-02-10." in desc
    assert "no start or end date" not in desc
    assert "None is overdue." in desc_of(gantt_chart([JAN], title="t"))


def test_bars_start_and_end_with_their_dates_and_fill_with_their_progress():
    svg = gantt_chart([JAN, FEB], title="t")
    x0, span = plot(svg)
    per_day = span / 59  # 1 January to 1 March 2026
    jan, feb = with_class(svg, "rect", "bar")
    assert num(jan, "x") == pytest.approx(x0, abs=0.01)
    assert num(jan, "width") == pytest.approx(31 * per_day, abs=0.01)
    assert num(feb, "x") == pytest.approx(x0 + 31 * per_day, abs=0.01)
    assert num(feb, "width") == pytest.approx(28 * per_day, abs=0.01)
    assert num(feb, "x") + num(feb, "width") == pytest.approx(x0 + span, abs=0.01)
    assert num(jan, "y") < num(feb, "y")  # one row each, in input order
    jan_done, feb_done = with_class(svg, "rect", "progress")
    assert num(jan_done, "width") == pytest.approx(num(jan, "width") / 2, abs=0.01)
    assert num(feb_done, "width") == pytest.approx(num(feb, "width") / 4, abs=0.01)
    assert texts_of_class(svg, "value") == ["50%", "25%"]


def test_an_action_without_progress_has_an_empty_bar_and_says_so():
    svg = gantt_chart(
        [GanttRow("x", 0, JAN.start, JAN.end), GanttRow("y", 0, JAN.start, JAN.end, 0)], title="t"
    )
    assert len(with_class(svg, "rect", "bar")) == 2
    assert with_class(svg, "rect", "progress") == []
    assert texts_of_class(svg, "value") == ["no progress", "0%"]


def test_months_are_marked_across_a_year_boundary():
    row = GanttRow("Across", 0, date(2025, 11, 20), date(2026, 2, 3))
    svg = gantt_chart([row], title="t")
    ticks = with_class(svg, "line", "month-tick")
    assert [tick.get("data-month") for tick in ticks] == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    x0, span = plot(svg)
    per_day = span / (30 + 31 + 31 + 28)  # 1 November 2025 to 1 March 2026
    starts = [0, 30, 61, 92]  # days from 1 November to the first of each month
    for tick, days in zip(ticks, starts, strict=True):
        assert num(tick, "x1") == pytest.approx(x0 + days * per_day, abs=0.01)
    assert texts_of_class(svg, "month") == ["Nov", "Dec", "Jan", "Feb"]
    assert texts_of_class(svg, "year") == ["2025", "2026"]
    [year_2026] = [t for t in with_class(svg, "text", "year") if t.text == "2026"]
    assert num(year_2026, "x") == pytest.approx(x0 + 61 * per_day + 3, abs=0.01)


def names_and_xs(svg: str, name: str) -> tuple[list[str], list[float]]:
    found = with_class(svg, "text", name)
    return [t.text for t in found], [num(t, "x") for t in found]


def test_a_long_span_thins_its_month_and_year_names_so_they_do_not_overlap():
    two_years = GanttRow("Two years", 0, date(2025, 3, 1), date(2027, 6, 30))
    svg = gantt_chart([two_years], title="t", width=480)
    months, month_xs = names_and_xs(svg, "month")
    assert months == ["Jul", "Jan", "Jul", "Jan"]  # every 6 months
    years, year_xs = names_and_xs(svg, "year")
    assert years == ["2025", "2026", "2027"]
    for xs in (month_xs, year_xs):
        assert all(b - a >= 25 for a, b in itertools.pairwise(xs))
    ticks = [tick.get("data-month") for tick in with_class(svg, "line", "month-tick")]
    assert ticks == ["2025-07", "2026-01", "2026-07", "2027-01"]

    eleven_years = GanttRow("Eleven years", 0, date(2020, 3, 1), date(2031, 6, 30))
    svg = gantt_chart([eleven_years], title="t", width=480)
    assert names_and_xs(svg, "month")[0] == []  # no room for a month name a year
    years, year_xs = names_and_xs(svg, "year")
    assert years == ["2020", "2025"]  # every 5 years; 2030 has no room before the end
    assert all(b - a >= 30 for a, b in itertools.pairwise(year_xs))
    ticks = [tick.get("data-month") for tick in with_class(svg, "line", "month-tick")]
    assert ticks == ["2025-01", "2030-01"]


def test_a_one_day_action_is_one_day_wide_and_never_thinner_than_min_bar():
    one_day = GanttRow("Launch", 0, date(2026, 1, 10), date(2026, 1, 10), 100)
    svg = gantt_chart([one_day], title="t")
    x0, span = plot(svg)
    [bar] = with_class(svg, "rect", "bar")
    assert num(bar, "x") == pytest.approx(x0 + 9 * span / 31, abs=0.01)
    assert num(bar, "width") == pytest.approx(span / 31, abs=0.01)
    assert gantt_table([one_day])[0].days == 1

    years = GanttRow("Years", 0, date(2020, 1, 1), date(2029, 12, 31))
    svg = gantt_chart([years, one_day], title="t")
    assert num(with_class(svg, "rect", "bar")[1], "width") == MIN_BAR


def test_rows_without_dates_are_in_the_table_but_not_drawn_and_the_description_counts_them():
    rows = [JAN, GanttRow("No dates yet"), GanttRow("No end", 0, date(2026, 1, 3)), FEB]
    svg = gantt_chart(rows, title="t")
    assert len(with_class(svg, "rect", "bar")) == 2
    assert texts_of_class(svg, "label") == ["1. Map services", "4. Train staff"]
    assert "2 actions have no start or end date and are not drawn; the table lists them." in (
        desc_of(svg)
    )
    table = gantt_table(rows)
    assert [(r.number, r.label, r.drawn, r.days) for r in table] == [
        (1, "Map services", True, 31),
        (2, "No dates yet", False, None),
        (3, "No end", False, None),
        (4, "Train staff", True, 28),
    ]
    assert table[3].level == 1 and table[3].status == "Planned" and table[3].progress == 25
    one = desc_of(gantt_chart([JAN, GanttRow("No dates yet")], title="t"))
    assert "1 action has no start or end date and is not drawn; the table lists it." in one


@pytest.mark.parametrize("rows", [[], [GanttRow("Undated"), GanttRow("Also")]])
def test_an_empty_chart_is_still_a_described_image(rows):
    svg = gantt_chart(rows, title="Plan")
    root = parse(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Plan"
    assert with_class(svg, "rect", "bar") == []
    assert "No action has dates to draw." in [t.text for t in root.iter(f"{SVG}text")]
    desc = desc_of(svg)
    assert desc.startswith("Gantt chart with no actions to draw.")
    assert ("2 actions have no start or end date" in desc) == bool(rows)


def test_overdue_bars_are_hatched_outlined_dashed_and_say_overdue_not_only_by_colour():
    late = GanttRow("Late", 0, date(2026, 1, 1), date(2026, 1, 20), 30, overdue=True)
    svg = gantt_chart([late, FEB], title="t")
    root = parse(svg)
    [hatch] = with_class(svg, "rect", "hatch")
    pattern_id = hatch.get("fill").removeprefix("url(#").removesuffix(")")
    assert root.find(f".//{SVG}pattern[@id='{pattern_id}']") is not None
    late_outline, on_time_outline = with_class(svg, "rect", "outline")
    assert late_outline.get("stroke-dasharray") and not on_time_outline.get("stroke-dasharray")
    assert num(late_outline, "stroke-width") > num(on_time_outline, "stroke-width")
    assert texts_of_class(svg, "value") == ["30%, overdue", "25%"]
    assert [g.get("data-row") for g in with_class(svg, "g", "overdue")] == ["1"]


def test_labels_are_numbered_and_indented_by_level():
    svg = gantt_chart([JAN, FEB, GanttRow("Deep", 2, JAN.start, JAN.end)], title="t")
    labels = with_class(svg, "text", "label")
    assert [t.text for t in labels] == ["1. Map services", "2. Train staff", "3. Deep"]
    xs = [num(t, "x") for t in labels]
    assert xs[0] < xs[1] < xs[2] and xs[1] - xs[0] == xs[2] - xs[1]


def test_a_long_label_is_cut_with_an_ellipsis():
    long = "Set up a one-stop shop for newcomers with the chamber of commerce and the job centre"
    svg = gantt_chart([GanttRow(long, 0, JAN.start, JAN.end)], title="t")
    [label] = texts_of_class(svg, "label")
    assert label.endswith("\u2026") and long.startswith(label[3:-1]) and len(label) < len(long)


def test_today_is_marked_in_the_middle_of_its_day_only_inside_the_span():
    svg = gantt_chart([JAN, FEB], title="t", today=date(2026, 1, 11))
    x0, span = plot(svg)
    [line] = with_class(svg, "line", "today")
    assert num(line, "x1") == pytest.approx(x0 + 10.5 * span / 59, abs=0.01)
    assert texts_of_class(svg, "today-label") == ["Today"]

    outside = gantt_chart([JAN, FEB], title="t", today=date(2026, 3, 1))
    assert with_class(outside, "line", "today") == []
    assert "Today, 2026-03-01, is outside the time shown." in desc_of(outside)
    assert "today" not in desc_of(gantt_chart([JAN], title="t")).lower()


def test_month_names_and_the_today_label_can_be_translated():
    names = ["janv.", "févr.", "mars", "avr.", "mai", "juin"] + ["x"] * 6
    svg = gantt_chart(
        [JAN, FEB], title="t", today=date(2026, 1, 2), month_names=names, today_label="Aujourd'hui"
    )
    assert texts_of_class(svg, "month") == ["janv.", "févr."]
    assert texts_of_class(svg, "today-label") == ["Aujourd'hui"]


def test_text_with_markup_ampersands_and_quotes_is_escaped():
    label, title = "<script>'x'</script> & \"j\"", "Plan <b>A</b> & B"
    row = GanttRow(label, 0, JAN.start, JAN.end, overdue=True)
    svg = gantt_chart([row], title=title, today_label="<today>")
    root = parse(svg)  # would fail on anything left unescaped
    assert "<script>" not in svg and "<b>" not in svg and "<today>" not in svg
    assert root.find(f"{SVG}title").text == title
    assert texts_of_class(svg, "label") == [f"1. {label}"]
    assert f"1. {label}." in desc_of(svg)


def test_characters_xml_cannot_hold_are_dropped():
    svg = gantt_chart([GanttRow("bell\x07", 0, JAN.start, JAN.end)], title="form\x0cfeed")
    assert parse(svg).find(f"{SVG}title").text == "formfeed"
    assert texts_of_class(svg, "label") == ["1. bell"]


def test_no_inline_styles_or_scripts():
    svg = gantt_chart([JAN, FEB], title="t", today=date(2026, 1, 5))
    root = parse(svg)
    assert root.find(f".//{SVG}style") is None and root.find(f".//{SVG}script") is None
    assert all("style" not in element.attrib for element in root.iter())
    assert all(not name.startswith("on") for element in root.iter() for name in element.attrib)


def test_the_same_input_gives_byte_identical_output_and_different_charts_get_different_ids():
    assert gantt_chart([JAN, FEB], title="t") == gantt_chart([JAN, FEB], title="t")
    ids = {
        parse(svg).find(f"{SVG}title").get("id")
        for svg in (
            gantt_chart([JAN, FEB], title="t"),
            gantt_chart([JAN], title="t"),
            gantt_chart([JAN, FEB], title="u"),
            gantt_chart([JAN, FEB], title="t", today=date(2026, 1, 5)),
        )
    }
    assert len(ids) == 4


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            GanttRow("Backwards", 0, date(2026, 2, 1), date(2026, 1, 31)),
            r"Row 1 \('Backwards'\): the end date 2026-01-31 is before the start date 2026-02-01",
        ),
        (GanttRow("Too much", 0, JAN.start, JAN.end, 101), r"Row 1 \('Too much'\).*0\.\.100"),
        (GanttRow("Negative", 0, JAN.start, JAN.end, -5), r"Row 1 \('Negative'\).*0\.\.100"),
        (GanttRow("NaN", 0, JAN.start, JAN.end, math.nan), "must be a number"),
        (GanttRow("NaN", 0, JAN.start, JAN.end, Decimal("NaN")), "must be a number"),
        (GanttRow("Level", -1, JAN.start, JAN.end), "level must be 0 or more"),
    ],
)
def test_bad_rows_are_a_value_error_naming_the_row(row, message):
    with pytest.raises(ValueError, match=message):
        gantt_chart([row], title="t")
    with pytest.raises(ValueError, match=message):
        gantt_table([row])


def test_a_too_narrow_chart_or_a_wrong_number_of_month_names_is_a_value_error():
    with pytest.raises(ValueError, match="at least 480"):
        gantt_chart([JAN], title="t", width=300)
    with pytest.raises(ValueError, match="12 month names"):
        gantt_chart([JAN], title="t", month_names=["Jan"])


def test_the_chart_prints_in_a_pdf_made_by_weasyprint():
    from pypdf import PdfReader
    from weasyprint import HTML

    late = GanttRow("Late", 0, date(2026, 1, 1), date(2026, 1, 20), 30, overdue=True)
    svg = gantt_chart([JAN, late], title="t", today=date(2026, 1, 15))
    pdf = HTML(string=f"<html><body><h1>Plan</h1>{svg}</body></html>").write_pdf()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Map services" in text and "30%, overdue" in text and "Jan" in text
