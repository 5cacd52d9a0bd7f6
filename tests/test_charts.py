"""Charts drawn on the server (publishing.charts): readable by screen readers, exact, safe."""

import math
import xml.etree.ElementTree as ET

import pytest

from citygrow.publishing.charts import Series, bar_chart, radar_chart

SVG = "{http://www.w3.org/2000/svg}"
LABELS = ["1. Mapping", "2. Engagement", "3. Leadership", "4. Policy"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_a_radar_is_an_image_with_a_title_and_a_description_of_every_value():
    svg = radar_chart(LABELS, [Series("Athens 2026", [62.5, None, 100, 0])], title="Athens scores")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Athens scores"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "Athens 2026" in desc.text and "62.5" in desc.text and "no score" in desc.text


def test_a_radar_draws_one_polygon_per_series_at_the_right_distance():
    svg = radar_chart(
        LABELS,
        [Series("This", [62.5, 50, 50, 50]), Series("Network", [100, 100, 100, 100])],
        title="t",
    )
    polygons = parse(svg).findall(f".//{SVG}polygon")
    assert len(polygons) == 2
    rings = [
        float(c.get("r"))
        for c in parse(svg).iter(f"{SVG}circle")
        if "grid-ring" in (c.get("class") or "")
    ]
    full = max(rings)
    first = [tuple(map(float, p.split(","))) for p in polygons[0].get("points").split()]
    second = [tuple(map(float, p.split(","))) for p in polygons[1].get("points").split()]
    # The network's polygon touches the rim; its centre is the mean of its 4 symmetric points.
    cx = sum(x for x, _ in second) / 4
    cy = sum(y for _, y in second) / 4
    assert math.dist((cx, cy), second[0]) == pytest.approx(full, abs=0.5)
    assert math.dist((cx, cy), first[0]) == pytest.approx(full * 0.625, abs=0.5)


def test_values_outside_0_to_100_are_clamped():
    svg = radar_chart(LABELS, [Series("x", [150, -20, 50, 50])], title="t")
    assert "100" in parse(svg).find(f"{SVG}desc").text


def test_text_is_escaped():
    svg = bar_chart(["<b>&\"'"], [Series("<script>", [10])], title="A & B <c>")
    root = parse(svg)  # parses: nothing unescaped
    assert "<script>" not in svg
    assert root.find(f"{SVG}title").text == "A & B <c>"


def test_the_same_input_draws_the_same_chart():
    series = [Series("x", [10, 20, 30, 40])]
    assert radar_chart(LABELS, series, title="t") == radar_chart(LABELS, series, title="t")
    assert radar_chart(LABELS, series, title="t") != radar_chart(LABELS, series, title="u")


def test_bars_are_as_long_as_their_values():
    svg = bar_chart(["1", "2"], [Series("x", [25, 100])], title="t")
    bars = [r for r in parse(svg).iter(f"{SVG}rect") if r.get("class") == "bar"]
    widths = [float(r.get("width")) for r in bars]
    assert len(widths) == 2
    assert widths[0] * 4 == pytest.approx(widths[1], rel=0.01)


def test_fewer_than_three_labels_give_a_bar_chart():
    svg = radar_chart(["1", "2"], [Series("x", [25, 100])], title="t")
    assert parse(svg).find(f".//{SVG}polygon") is None


@pytest.mark.parametrize(
    ("labels", "series"),
    [
        ([], [Series("x", [])]),
        (["1", "2", "3"], [Series("x", [1, 2])]),
        (["1", "2", "3"], [Series(str(n), [1, 2, 3]) for n in range(5)]),
    ],
)
def test_bad_input_is_a_value_error(labels, series):
    with pytest.raises(ValueError):
        radar_chart(labels, series, title="t")


def test_a_chart_prints_in_a_pdf():
    from weasyprint import HTML

    svg = radar_chart(LABELS, [Series("x", [10, 20, 30, 40])], title="t")
    assert HTML(string=f"<html><body>{svg}</body></html>").write_pdf().startswith(b"%PDF")
