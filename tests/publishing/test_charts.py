"""Charts drawn on the server (publishing.charts): readable by screen readers, exact, safe.

The charts go into web pages under a strict Content Security Policy and into PDFs made by
WeasyPrint, so they are checked as parsed XML, by their geometry, and by printing one.
"""

import io
import math
import xml.etree.ElementTree as ET

import pytest

from citygrow.publishing.charts import Series, bar_chart, radar_chart

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["Mapping", "Engagement", "Leadership", "Policy", "Funding"]
ATHENS = Series("Athens 2026", [62.5, None, 100, 0, 33.333])
NETWORK = Series("Network mean", [50, 45.25, 70, 12, 80])


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def desc_of(svg: str) -> str:
    return parse(svg).find(f"{SVG}desc").text


def texts(svg: str) -> list[str]:
    return [t.text for t in parse(svg).iter(f"{SVG}text")]


def with_class(svg: str, tag: str, name: str) -> list[ET.Element]:
    return [e for e in parse(svg).iter(f"{SVG}{tag}") if name in (e.get("class") or "").split()]


def points(polygon: ET.Element) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in (p.split(",") for p in polygon.get("points").split())]


def geometry(svg: str) -> tuple[tuple[float, float], float]:
    """The radar's centre and its radius (the ring at 100)."""
    rings = with_class(svg, "circle", "grid-ring")
    rim = max(rings, key=lambda ring: float(ring.get("r")))
    return (float(rim.get("cx")), float(rim.get("cy"))), float(rim.get("r"))


def bar_widths(svg: str) -> list[float]:
    return [float(bar.get("width")) for bar in with_class(svg, "rect", "bar")]


def contrast_with_white(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


@pytest.mark.parametrize("chart", [radar_chart, bar_chart])
def test_a_chart_is_an_svg_image_named_by_its_title_and_description(chart):
    root = parse(chart(LABELS, [ATHENS], title="Athens scores"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Athens scores"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert root.get("viewBox").startswith("0 0 ")


@pytest.mark.parametrize("chart", [radar_chart, bar_chart])
def test_the_description_lists_every_series_and_value(chart):
    desc = desc_of(chart(LABELS, [ATHENS, NETWORK], title="t"))
    assert "1. Mapping; 2. Engagement; 3. Leadership; 4. Policy; 5. Funding." in desc
    assert "Athens 2026: 1. 62.5; 2. no score; 3. 100; 4. 0; 5. 33.3." in desc
    assert "Network mean: 1. 50; 2. 45.2; 3. 70; 4. 12; 5. 80." in desc


def test_a_radar_explains_missing_scores_only_when_there_are_some():
    assert "hollow circle" in desc_of(radar_chart(LABELS, [ATHENS], title="t"))
    assert "hollow circle" not in desc_of(radar_chart(LABELS, [NETWORK], title="t"))


@pytest.mark.parametrize("count", [1, 2, 3, 4])
def test_a_radar_draws_one_closed_polygon_per_series(count):
    series = [Series(f"City {n}", [10 * n, 20, 30, 40, 50]) for n in range(count)]
    polygons = parse(radar_chart(LABELS, series, title="t")).findall(f".//{SVG}polygon")
    assert len(polygons) == count
    assert all(len(points(polygon)) == len(LABELS) for polygon in polygons)


def test_a_radar_numbers_its_axes_and_prints_its_ring_values():
    svg = radar_chart(LABELS, [ATHENS], title="t")
    assert {"1", "2", "3", "4", "5", "25", "50", "75", "100"} <= set(texts(svg))
    assert "Mapping" not in texts(svg)  # the headings are in the table beside the chart
    assert len(with_class(svg, "circle", "grid-ring")) == 4


def test_a_value_of_62_5_is_drawn_at_62_5_percent_of_the_radius_along_its_axis():
    svg = radar_chart(LABELS, [Series("x", [10, 62.5, 10, 10, 10])], title="t")
    (cx, cy), radius = geometry(svg)
    x, y = points(parse(svg).find(f".//{SVG}polygon"))[1]
    assert math.dist((cx, cy), (x, y)) == pytest.approx(radius * 0.625, abs=0.5)
    # Axis 2 of 5, clockwise from the top: 72 degrees right of 12 o'clock.
    axis = -math.pi / 2 + 2 * math.pi / 5
    assert x == pytest.approx(cx + radius * 0.625 * math.cos(axis), abs=0.5)
    assert y == pytest.approx(cy + radius * 0.625 * math.sin(axis), abs=0.5)


def test_a_missing_score_is_drawn_at_0_and_marked_with_a_hollow_circle():
    svg = radar_chart(LABELS, [ATHENS], title="t")
    centre, _ = geometry(svg)
    vertex = points(parse(svg).find(f".//{SVG}polygon"))[1]
    assert math.dist(centre, vertex) == pytest.approx(0, abs=0.01)
    [mark] = with_class(svg, "circle", "no-score")
    assert (float(mark.get("cx")), float(mark.get("cy"))) == pytest.approx(centre, abs=0.01)
    assert mark.get("fill") == "none"
    assert mark.get("stroke") == parse(svg).find(f".//{SVG}polygon").get("stroke")


def test_values_outside_0_to_100_are_clamped():
    series = [Series("x", [150, -20, 50, 50, 50])]
    svg = radar_chart(LABELS, series, title="t")
    centre, radius = geometry(svg)
    vertices = points(parse(svg).find(f".//{SVG}polygon"))
    assert math.dist(centre, vertices[0]) == pytest.approx(radius, abs=0.5)
    assert math.dist(centre, vertices[1]) == pytest.approx(0, abs=0.5)
    assert "x: 1. 100; 2. 0; 3. 50" in desc_of(svg)

    bars = bar_widths(bar_chart(["a", "b"], [Series("x", [1000, 100])], title="t"))
    assert bars[0] == bars[1]


def test_text_with_markup_ampersands_and_quotes_is_escaped():
    label, name, title = '<b>Jobs & "skills"</b>', "<script>alert('x')</script>", "A & B <c>"
    for chart in (radar_chart, bar_chart):
        svg = chart([label, "two", "three"], [Series(name, [1, 2, 3])], title=title)
        root = parse(svg)  # would fail on anything left unescaped
        assert "<script>" not in svg and "<b>" not in svg
        assert root.find(f"{SVG}title").text == title
        desc = root.find(f"{SVG}desc").text
        assert f"1. {label};" in desc and f"{name}: 1. 1;" in desc
    assert f"1. {label}" in texts(bar_chart([label], [Series(name, [1])], title=title))


def test_characters_xml_cannot_hold_are_dropped():
    svg = bar_chart(["tab\there, bell\x07"], [Series("null\x00", [1])], title="form\x0cfeed")
    assert parse(svg).find(f"{SVG}title").text == "formfeed"


def test_the_same_input_gives_byte_identical_output():
    for chart in (radar_chart, bar_chart):
        assert chart(LABELS, [ATHENS, NETWORK], title="t") == chart(
            LABELS, [ATHENS, NETWORK], title="t"
        )


def test_different_charts_get_different_ids():
    ids = {
        parse(svg).find(f"{SVG}title").get("id")
        for svg in (
            radar_chart(LABELS, [ATHENS], title="t"),
            radar_chart(LABELS, [ATHENS], title="u"),
            radar_chart(LABELS, [NETWORK], title="t"),
            bar_chart(LABELS, [ATHENS], title="t"),
        )
    }
    assert len(ids) == 4


def test_bar_widths_are_proportional_to_values():
    svg = bar_chart(["a", "b", "c"], [Series("x", [25, 100, 62.5])], title="t")
    quarter, full, part = bar_widths(svg)
    ticks = sorted(float(tick.get("x1")) for tick in with_class(svg, "line", "tick"))
    assert full == pytest.approx(ticks[-1] - ticks[0], abs=0.01)  # 100 reaches the 100 tick
    assert quarter == pytest.approx(full / 4, abs=0.01)
    assert part == pytest.approx(full * 0.625, abs=0.01)
    [bar] = [bar for bar in with_class(svg, "rect", "bar") if float(bar.get("width")) == full]
    width = float(parse(svg).get("viewBox").split()[2])
    assert float(bar.get("x")) + full + 30 < width  # room for the value after the longest bar


def test_a_bar_chart_has_an_axis_from_0_to_100_and_prints_each_value():
    svg = bar_chart(LABELS, [ATHENS], title="t")
    assert len(with_class(svg, "line", "tick")) == 5
    assert {"0", "25", "50", "75", "100"} <= set(texts(svg))
    values = [t.text for t in with_class(svg, "text", "value")]
    assert values == ["62.5", "no score", "100", "0", "33.3"]
    assert len(bar_widths(svg)) == 4  # no bar where there is no score


def test_a_bar_chart_heads_each_group_with_its_number_and_cuts_long_labels():
    long = "Strategic commitment to diversity in public procurement"
    svg = bar_chart(["Short", long], [Series("x", [1, 2])], title="t")
    headings = texts(svg)
    assert "1. Short" in headings
    [cut] = [text for text in headings if text.startswith("2. ")]
    assert cut.endswith("\u2026") and len(cut) <= 40 and long.startswith(cut[3:-1])


def test_fewer_than_three_labels_give_a_bar_chart():
    series = [Series("x", [25, 100])]
    svg = radar_chart(["one", "two"], series, title="t")
    assert svg == bar_chart(["one", "two"], series, title="t")
    assert parse(svg).find(f".//{SVG}polygon") is None


@pytest.mark.parametrize("chart", [radar_chart, bar_chart])
@pytest.mark.parametrize(
    ("labels", "series", "message"),
    [
        ([], [], "at least one label"),
        ([], [Series("x", [])], "at least one label"),
        (["a", "b", "c"], [Series("x", [1, 2])], "has 2 values for 3 labels"),
        (["a", "b", "c"], [Series("x", [1, 2, 3, 4])], "has 4 values for 3 labels"),
        (["a", "b", "c"], [Series(str(n), [1, 2, 3]) for n in range(5)], "at most 4 series"),
        (["a", "b", "c"], [Series("x", [1, math.nan, 3])], "not a number"),
    ],
)
def test_bad_input_is_a_value_error(chart, labels, series, message):
    with pytest.raises(ValueError, match=message):
        chart(labels, series, title="t")


def test_four_series_differ_in_colour_dash_and_marker_and_each_colour_stands_out_on_white():
    series = [Series(f"City {n}", [20 * n + 10] * 5) for n in range(4)]
    root = parse(radar_chart(LABELS, series, title="t"))
    polygons = root.findall(f".//{SVG}polygon")
    colours = [polygon.get("stroke") for polygon in polygons]
    dashes = [polygon.get("stroke-dasharray") for polygon in polygons]
    assert len(set(colours)) == 4 and len(set(dashes)) == 4
    assert all(contrast_with_white(colour) >= 3 for colour in colours)
    shapes = {
        colour: {
            "".join(ch for ch in marker.get("d") if ch.isalpha())
            for marker in root.iter(f"{SVG}path")
            if marker.get("fill") == colour
        }
        for colour in colours
    }
    assert all(len(kinds) == 1 for kinds in shapes.values())  # one shape per series
    assert len({kinds.pop() for kinds in shapes.values()}) == 4


@pytest.mark.parametrize("chart", [radar_chart, bar_chart])
def test_a_chart_needs_no_script_stylesheet_or_outside_resource(chart):
    svg = chart(LABELS, [ATHENS, NETWORK], title="t")
    root = parse(svg)
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert not tags & {"script", "style", "image", "use", "foreignObject", "a"}
    assert not any(
        name == "style" or name.startswith("on") or "href" in name
        for element in root.iter()
        for name in element.attrib
    )
    assert root.get("font-family") == "DejaVu Sans, sans-serif"
    assert {t.get("fill") for t in root.iter(f"{SVG}text")} <= {"#1a1a1a", None}


def test_a_chart_prints_in_a_pdf_made_by_weasyprint():
    from pypdf import PdfReader
    from weasyprint import HTML

    charts = radar_chart(LABELS, [ATHENS], title="t") + bar_chart(LABELS, [ATHENS], title="t")
    pdf = HTML(string=f"<html><body><h1>Scores</h1>{charts}</body></html>").write_pdf()
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "62.5" in text and "no score" in text  # the chart's text was drawn, not dropped
