# ruff: noqa: RUF001 (Greek letters, en dashes: the text of the pages is the point)
"""The infographic of a pairing drawn as SVG (publishing.infographic): fits, is safe, reads.

Every line of text is measured against its box and the page, for the longest texts allowed, for
Greek, Finnish and Latvian, for full and empty pairings, for content the platform refuses (cut
with "…") and for arbitrary text (Hypothesis). The SVG is checked as parsed XML.
"""

import dataclasses
import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citygrow.publishing import infographic
from citygrow.publishing.infographic import (
    LIMITS,
    MAX_ITEMS,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    CityPanel,
    Content,
    Figure,
    Labels,
    Moment,
    Placed,
    Problem,
    check,
    describe,
    draw,
    layout,
)
from citygrow.publishing.textfit import ELLIPSIS, clean, measure

SVG = "{http://www.w3.org/2000/svg}"
LABELS = Labels(
    mentor_to_implementing="mentors",
    key_factors="Key factors worked on",
    timeline="Visits and meetings",
    strengths="Strengths",
    challenges="Challenges",
    actions="Future actions",
    practices="Practices transferred",
    credits="Credits",
    no_visits="No visits yet.",
    none_yet="None yet.",
    past="past visit",
    planned="planned",
)


def english(notice: str = "") -> Content:
    return Content(
        title="Athens learns from Munich",
        subtitle="CITIES GROW · Matching buyers and suppliers",
        mentor=CityPanel(
            "Munich",
            "Germany",
            "Mentor city",
            [
                Figure("Population", "1,488,202", "2021, Destatis"),
                Figure("Foreign-born residents", "28%", "2021, Statistisches Amt München"),
            ],
        ),
        implementing=CityPanel(
            "Athens",
            "Greece",
            "Implementing city",
            [Figure("Population", "664,046", "2021, Eurostat")],
        ),
        key_factors=["Political leadership", "Involving migrant entrepreneurs"],
        timeline=[
            Moment("Mar 2018", "Study visit to Munich", True),
            Moment("12–14 Jun 2018", "Mentor visit to Athens: workshop with buyers", True),
            Moment("Feb 2019", "Final review meeting in Brussels", False),
        ],
        strengths=[
            "Strong backing from the mayor and the city council",
            "A chamber of commerce willing to open its buyer network",
            "Experienced staff in the business support unit",
        ],
        challenges=[
            "Few migrant entrepreneurs know the procurement rules",
            "Language barriers in the registration process",
            "Short funding horizon: the project ends in 2019",
        ],
        actions=[
            "Run two matching events a year with the chamber",
            "Translate the supplier guide into five languages",
            "Train procurement officers on inclusive purchasing",
        ],
        practices=["Munich's supplier matchmaking fair, adapted for Athens' small businesses"],
        credits=[
            "CITIES GROW is a project of EUROCITIES, funded by the European Union.",
            "The Integrating Cities method: EUROCITIES.",
        ],
        labels=LABELS,
        notice=notice,
    )


def greek() -> Content:
    return Content(
        title="Η Αθήνα μαθαίνει από το Μόναχο",
        subtitle="CITIES GROW · Σύνδεση αγοραστών και προμηθευτών",
        mentor=CityPanel(
            "Μόναχο",
            "Γερμανία",
            "Πόλη-μέντορας",
            [Figure("Πληθυσμός", "1.488.202", "2021, Destatis")] * 4,
        ),
        implementing=CityPanel(
            "Αθήνα",
            "Ελλάδα",
            "Πόλη υλοποίησης",
            [Figure("Αλλοδαποί κάτοικοι", "15%", "2021, ΕΛΣΤΑΤ")] * 4,
        ),
        key_factors=["Πολιτική ηγεσία", "Συμμετοχή μεταναστών επιχειρηματιών"] * 3,
        timeline=[Moment("Μάρ 2018", "Επίσκεψη μελέτης στο Μόναχο", True)] * 8,
        strengths=["Η Αθήνα μαθαίνει από το Μόναχο πώς να συνδέει αγοραστές και προμηθευτές."] * 6,
        challenges=["Λίγοι μετανάστες επιχειρηματίες γνωρίζουν τους κανόνες των προμηθειών."] * 6,
        actions=["Δύο εκδηλώσεις σύνδεσης τον χρόνο με το Εμπορικό Επιμελητήριο Αθηνών."] * 6,
        practices=["Η έκθεση αντιστοίχισης προμηθευτών του Μονάχου, προσαρμοσμένη για την Αθήνα"]
        * 3,
        credits=["Το CITIES GROW είναι έργο του δικτύου EUROCITIES με χρηματοδότηση της ΕΕ."] * 4,
        labels=Labels(
            "καθοδηγεί",
            "Βασικοί παράγοντες",
            "Επισκέψεις",
            "Δυνατά σημεία",
            "Προκλήσεις",
            "Μελλοντικές δράσεις",
            "Μεταφερμένες πρακτικές",
            "Συντελεστές",
            "Καμία επίσκεψη ακόμη.",
            "Τίποτα ακόμη.",
            "έγινε",
            "προγραμματισμένη",
        ),
    )


def finnish() -> Content:
    return Content(
        title="Helsinki oppii Münchenistä: työllisyyspalveluiden kehittäminen",
        subtitle="CITIES GROW · Ostajien ja toimittajien yhteensovittaminen",
        mentor=CityPanel(
            "München",
            "Saksa",
            "Mentorikaupunki",
            [Figure("Ulkomailla syntyneet asukkaat", "28 %", "2021, Statistisches Amt")] * 4,
        ),
        implementing=CityPanel(
            "Helsinki",
            "Suomi",
            "Toteuttava kaupunki",
            [Figure("Väkiluku", "664 046", "2021, Tilastokeskus")] * 4,
        ),
        key_factors=["Poliittinen sitoutuminen", "Maahanmuuttajayrittäjien osallistaminen"] * 3,
        timeline=[Moment("12.–14.3.2018", "Opintovierailu Müncheniin ja työpaja", False)] * 8,
        strengths=["Työllisyyspalveluiden kehittäminen yhteistyössä järjestöjen kanssa."] * 6,
        challenges=["Maahanmuuttajayrittäjät eivät tunne julkisten hankintojen sääntöjä."] * 6,
        actions=["Kaksi yhteensovitustapahtumaa vuodessa kauppakamarin kanssa."] * 6,
        practices=["Münchenin toimittajamessut sovitettuna helsinkiläisille pienyrityksille"] * 3,
        credits=["CITIES GROW on EUROCITIES-verkoston hanke, jota rahoittaa Euroopan unioni."] * 4,
        labels=Labels(
            "on mentorina",
            "Keskeiset tekijät",
            "Vierailut",
            "Vahvuudet",
            "Haasteet",
            "Tulevat toimenpiteet",
            "Siirretyt käytännöt",
            "Tekijät",
            "Ei vielä vierailuja.",
            "Ei vielä mitään.",
        ),
    )


def latvian() -> Content:
    return Content(
        title="Rīga mācās no Minhenes",
        subtitle="CITIES GROW · Pircēju un piegādātāju savešana",
        mentor=CityPanel("Minhene", "Vācija", "Mentorpilsēta", []),
        implementing=CityPanel(
            "Rīga",
            "Latvija",
            "Īstenotājpilsēta",
            [Figure("Iedzīvotāju skaits", "605 802", "2022, Centrālā statistikas pārvalde")],
        ),
        key_factors=["Politiskā apņēmība", "Uzņēmēju iesaiste"],
        timeline=[Moment("2018. g. marts", "Rīgas pašvaldības delegācijas vizīte Minhenē", True)],
        strengths=["Rīgas pašvaldība izveidoja konsultāciju centru, kurā palīdz vienuviet."] * 3,
        challenges=["Valodas barjera reģistrācijas procesā un sarežģīti iepirkumu noteikumi."] * 3,
        actions=["Apmācīt iepirkumu speciālistus par iekļaujošiem iepirkumiem."] * 3,
        practices=[],
        credits=["CITIES GROW ir EUROCITIES projekts, ko finansē Eiropas Savienība."],
        labels=Labels(
            "ir mentors",
            "Galvenie faktori",
            "Vizītes",
            "Stiprās puses",
            "Izaicinājumi",
            "Turpmākās darbības",
            "Pārņemtā prakse",
            "Autori",
            "Vizīšu vēl nav.",
            "Vēl nav.",
        ),
    )


def maximal() -> Content:
    """Every list full: 6/6/6 items, 8 moments, 6 key factors, 4 figures each, 3 practices."""
    base = english(notice="Illustrative content (demo data)")
    figures = [
        Figure("Population", "1,488,202", "2021, Destatis"),
        Figure("Foreign-born residents", "28%", "2021, Statistisches Amt München"),
        Figure("Migrant-owned businesses", "21,000", "2019, IHK"),
        Figure("Unemployment rate", "4.6%", "2021, Bundesagentur für Arbeit"),
    ]
    item = "Strong backing from the mayor, the city council and the chamber of commerce"
    return dataclasses.replace(
        base,
        mentor=dataclasses.replace(base.mentor, figures=figures),
        implementing=dataclasses.replace(base.implementing, figures=figures),
        key_factors=[f"Key factor number {n} of the pairing" for n in range(1, 7)],
        timeline=[Moment(f"{n}–{n + 2} Mar 2018", f"Visit number {n}", n < 5) for n in range(8)],
        strengths=[item] * 6,
        challenges=[item] * 6,
        actions=[item] * 6,
        practices=["Munich's supplier matchmaking fair, adapted for Athens' small businesses"] * 3,
        credits=["CITIES GROW is a project of EUROCITIES, funded by the European Union."] * 4,
    )


WORDS = " ".join(
    [
        "the city council set up one-stop shop where newcomers meet employers trainers advisers",
        "place with strong political backing from mayor chamber of commerce willing open its",
        "buyer network migrant entrepreneurs public procurement rules language barriers",
    ]
).split(" ")
#: A word of each length from 1 to 13 letters, to end a text at an exact length.
ENDINGS = {
    len(word): word
    for word in [
        *("a", "of", "the", "shop", "mayor", "policy", "network", "business", "newcomers"),
        *("employment", "procurement", "registration", "entrepreneurs"),
    ]
}


def words(length: int, seed: int = 0) -> str:
    """Realistic English of exactly `length` characters, starting at word `seed`."""
    text = ""
    for word in itertools.islice(itertools.cycle(WORDS), seed, None):
        rest = length - len(text) - (1 if text else 0)
        if rest <= len(ENDINGS):
            return f"{text} {ENDINGS[rest]}".strip().capitalize() if rest else text.capitalize()
        if rest - len(word) - 1 >= 1:
            text = f"{text} {word}".strip()
    raise AssertionError("unreachable")


def at_limits() -> Content:
    """Each text at its character limit, every list full."""
    n = itertools.count()

    def t(kind: str) -> str:
        return words(LIMITS[kind], next(n))

    def city() -> CityPanel:
        figures = [Figure(t("figure_label"), "1,234,567.89", t("figure_note")) for _ in range(4)]
        return CityPanel(t("city"), t("country"), t("role"), figures)

    labels = Labels(*(t("heading") for _ in range(10)), past=t("legend"), planned=t("legend"))
    labels = dataclasses.replace(labels, mentor_to_implementing=t("relation"))
    return Content(
        title=t("title"),
        subtitle=t("subtitle"),
        mentor=city(),
        implementing=city(),
        key_factors=[t("key_factor") for _ in range(6)],
        timeline=[Moment("12 September–2 October", t("moment"), i < 4) for i in range(8)],
        strengths=[t("item") for _ in range(6)],
        challenges=[t("item") for _ in range(6)],
        actions=[t("item") for _ in range(6)],
        practices=[t("practice") for _ in range(3)],
        credits=[t("credit") for _ in range(4)],
        labels=labels,
        notice=t("notice"),
    )


def minimal() -> Content:
    empty = CityPanel("Munich", "Germany", "Mentor city", [])
    return Content(
        "Athens learns from Munich", "", empty, empty, [], [], [], [], [], [], [], LABELS
    )


def refused() -> Content:
    """Far too much: every text too long, every list one too many."""
    long = "Wm " * 120

    def city() -> CityPanel:
        return CityPanel(long, long, long, [Figure(long, long, long)] * 5)

    return Content(
        long,
        long,
        city(),
        city(),
        [long] * 7,
        [Moment(long, long, i % 2 == 0) for i in range(9)],
        [long] * 7,
        [long] * 7,
        [long] * 7,
        [long] * 4,
        [long] * 5,
        Labels(*[long] * 10, past=long, planned=long),
        notice=long,
    )


CONTENTS = {
    "english": english(),
    "greek": greek(),
    "finnish": finnish(),
    "latvian": latvian(),
    "maximal": maximal(),
    "at-limits": at_limits(),
    "minimal": minimal(),
    "refused": refused(),
}
FITTING = ["english", "greek", "finnish", "latvian", "maximal", "at-limits", "minimal"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def resolve(content: Content, path: str) -> object:
    """The value a Problem's or a Placed's path names: "mentor.figures[1].note" etc."""
    value: object = content
    for part in re.findall(r"\w+|\[\d+\]", path):
        value = value[int(part[1:-1])] if part.startswith("[") else getattr(value, part)
    return value


def assert_fits_the_page(placed: list[Placed]) -> None:
    """Each line fits its box, each box is on the page (with the font's ascent and descent)."""
    for line in placed:
        assert measure(line.text, line.size, bold=line.bold) <= line.width, line
        assert line.x >= 0 and line.x + line.width <= PAGE_WIDTH, line
        assert line.y - 0.93 * line.size >= 0 and line.y + 0.24 * line.size <= PAGE_HEIGHT, line
        assert line.text == clean(line.text) and line.text, line


def assert_no_lines_overlap(placed: list[Placed]) -> None:
    def box(line: Placed) -> tuple[float, float, float, float]:
        return line.x, line.y - 0.76 * line.size, line.x + line.width, line.y + 0.24 * line.size

    for a, b in itertools.combinations(map(box, placed), 2):
        apart = a[2] <= b[0] + 0.01 or b[2] <= a[0] + 0.01 or a[3] <= b[1] or b[3] <= a[1]
        assert apart, (a, b)


# The drawing as XML --------------------------------------------------------------------------


def test_the_svg_has_the_house_attributes():
    svg = draw(english(notice="Illustrative content (demo data)"))
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 595.28 841.89"
    assert (root.get("width"), root.get("height")) == ("595.28pt", "841.89pt")
    assert root.get("font-family") == "DejaVu Sans, sans-serif"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Athens learns from Munich"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    for element in root.iter():
        assert element.tag not in (f"{SVG}style", f"{SVG}script", f"{SVG}foreignObject")
        assert "style" not in element.attrib
    assert "<style" not in svg and "style=" not in svg


@pytest.mark.parametrize("name", list(CONTENTS))
def test_the_svg_parses_and_is_deterministic(name):
    content = CONTENTS[name]
    svg = draw(content)
    parse(svg)
    assert svg == draw(content)
    assert svg == draw(dataclasses.replace(content))  # an equal content, another object


def test_different_pairings_get_different_ids():
    ids = {parse(draw(content)).get("aria-labelledby") for content in CONTENTS.values()}
    assert len(ids) == len(CONTENTS)


def test_the_shapes_stay_on_the_page():
    root = parse(draw(refused()))
    for rect in root.iter(f"{SVG}rect"):
        x, y, width, height = (float(rect.get(a)) for a in ("x", "y", "width", "height"))
        assert x >= 0 and y >= 0 and x + width <= PAGE_WIDTH and y + height <= PAGE_HEIGHT
    for circle in root.iter(f"{SVG}circle"):
        cx, cy, r = (float(circle.get(a)) for a in ("cx", "cy", "r"))
        assert r <= cx <= PAGE_WIDTH - r and r <= cy <= PAGE_HEIGHT - r


def test_the_svg_texts_are_the_placed_lines():
    content = maximal()
    texts = [element.text for element in parse(draw(content)).iter(f"{SVG}text")]
    assert texts == [line.text for line in layout(content)]


NASTY = "<script>alert(\"x\")</script> & 'quoted' \x00\ud800 ]]> <!-- -->"


def _everywhere(text: str) -> Content:
    """`text` in every text field of a full content."""

    def swap(value: object) -> object:
        if isinstance(value, str):
            return text
        if isinstance(value, bool):
            return value
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return type(value)(
                **{f.name: swap(getattr(value, f.name)) for f in dataclasses.fields(value)}
            )
        if isinstance(value, list | tuple):
            return [swap(item) for item in value]
        return value

    result = swap(english(notice="notice"))
    assert isinstance(result, Content)
    return result


def test_every_text_is_escaped_and_characters_xml_cannot_hold_are_removed():
    svg = draw(_everywhere(NASTY))
    svg.encode("utf-8")  # no lone surrogate left
    assert "\x00" not in svg and "<script" not in svg and "]]>" not in svg and "<!-- " not in svg
    root = parse(svg)
    assert not list(root.iter(f"{SVG}script"))
    expected = clean(NASTY)
    assert root.find(f"{SVG}title").text == expected
    assert expected in root.find(f"{SVG}desc").text
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert all(text.removesuffix(ELLIPSIS) in expected or text[0].isdigit() for text in texts)
    assert texts.count(expected) > 10  # wide boxes hold it whole, escaped and parsed back


# Fitting the page ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CONTENTS))
def test_every_line_fits_its_box_and_the_page(name):
    placed = layout(CONTENTS[name])
    assert_fits_the_page(placed)
    assert_no_lines_overlap(placed)


@pytest.mark.parametrize("name", FITTING)
def test_realistic_content_passes_the_check_and_is_shown_whole(name):
    content = CONTENTS[name]
    assert check(content) == []
    placed = layout(content)
    assert not any(line.text.endswith(ELLIPSIS) for line in placed)
    for path, lines in itertools.groupby(placed, key=lambda line: line.path):
        value = resolve(content, path)
        if isinstance(value, str):
            shown = "".join(line.text for line in lines).replace(" ", "")
            assert shown in clean(value).replace(" ", "") * 6, path  # none_yet: once per list
            assert clean(value).replace(" ", "") in shown, path


def test_the_longest_allowed_texts_fill_their_boxes():
    # Made of realistic words, every text at its limit fits (so the limits are not too high)...
    assert [len(words(n, 3)) for n in (20, 80)] == [20, 80]
    assert check(at_limits()) == []
    # ... and most lines of the limited texts are at least half full (nor are they too low).
    widths = [
        measure(line.text, line.size, bold=line.bold) / line.width for line in layout(at_limits())
    ]
    assert sum(w > 0.5 for w in widths) > 0.8 * len(widths)


def test_refused_content_is_cut_with_an_ellipsis_and_lists_end_at_their_most():
    placed = layout(refused())
    assert sum(line.text.endswith(ELLIPSIS) for line in placed) > 50
    paths = {line.path for line in placed}
    assert "strengths[5]" in paths and "strengths[6]" not in paths
    assert "timeline[7].title" in paths and "timeline[8].title" not in paths
    assert "mentor.figures[3].value" in paths and "mentor.figures[4].value" not in paths
    assert "credits[3]" in paths and "credits[4]" not in paths
    # The tallest page there can be still keeps the credits clear of the sections above.
    credits_top = min(line.y for line in placed if line.path.startswith("credits"))
    above = max(line.y for line in placed if not line.path.startswith("credits"))
    assert credits_top - above > 15


def test_no_text_is_smaller_than_7_5_pt_and_body_text_is_8_5_pt():
    placed = layout(maximal())
    assert min(line.size for line in placed) >= 7.5
    for line in placed:
        if re.fullmatch(r"(strengths|challenges|actions|practices|key_factors)\[\d\]", line.path):
            assert line.size >= 8.5
        if line.path.startswith(("timeline", "labels")):
            assert line.size >= 7.5


def _contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        def channel(pair: str) -> float:
            c = int(pair, 16) / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_has_at_least_4_5_to_1_contrast_and_graphics_3_to_1():
    for line in layout(maximal()):
        assert _contrast(line.fill, line.background) >= 4.5, line
    svg = draw(maximal())
    for element in parse(svg).iter():
        if element.get("class") in ("page", "city", "notice"):
            continue  # backgrounds
        for attribute in ("fill", "stroke"):
            colour = element.get(attribute)
            if colour and colour.startswith("#") and colour != "#ffffff":
                assert _contrast(colour, "#ffffff") >= 3, (element.tag, element.attrib)


def test_past_visits_are_filled_and_planned_visits_hollow():
    root = parse(draw(english()))
    markers = [e for e in root.iter(f"{SVG}circle") if "moment" in e.get("class", "").split()]
    past = [e for e in markers if "past" in e.get("class").split()]
    planned = [e for e in markers if "planned" in e.get("class").split()]
    # The legend's two markers, then one per moment (2 past, 1 planned).
    assert (len(past), len(planned)) == (3, 2)
    assert {e.get("fill") for e in past} == {infographic.BLUE}
    assert {e.get("fill") for e in planned} == {"#ffffff"}
    assert {e.get("stroke") for e in markers} == {infographic.BLUE}
    desc = root.find(f"{SVG}desc").text
    assert "Mar 2018 Study visit to Munich (past visit)" in desc
    assert "Feb 2019 Final review meeting in Brussels (planned)" in desc


def test_without_legend_words_there_is_no_legend():
    content = dataclasses.replace(
        english(), labels=dataclasses.replace(LABELS, past="", planned="")
    )
    texts = [line.text for line in layout(content)]
    assert "past visit" not in texts and "planned" not in texts
    assert "(planned)" not in describe(content)


def test_empty_lists_say_so():
    texts = [line.text for line in layout(minimal())]
    assert texts.count("None yet.") == 5  # key factors, practices, strengths, challenges, actions
    assert texts.count("No visits yet.") == 1
    assert check(minimal()) == []


def test_the_notice_is_drawn_in_a_band_when_set():
    root = parse(draw(english(notice="Illustrative content (demo data)")))
    assert [e.get("class") for e in root.iter(f"{SVG}rect")].count("notice") == 1
    first = next(root.iter(f"{SVG}text"))
    assert (first.text, first.get("font-weight")) == ("Illustrative content (demo data)", "bold")
    assert "notice" not in [e.get("class") for e in parse(draw(english())).iter(f"{SVG}rect")]


def test_the_desc_holds_all_the_text_in_reading_order():
    content = english(notice="Illustrative content (demo data)")
    desc = parse(draw(content)).find(f"{SVG}desc").text
    expected = [
        "Illustrative content (demo data).",
        "Athens learns from Munich.",
        "CITIES GROW · Matching buyers and suppliers.",
        "Mentor city, Munich, Germany.",
        "Population: 1,488,202 (2021, Destatis).",
        "Implementing city, Athens, Greece.",
        "Munich mentors Athens.",
        "Key factors worked on: Political leadership; Involving migrant entrepreneurs.",
        "Practices transferred: Munich's supplier matchmaking fair",
        "Visits and meetings: Mar 2018 Study visit to Munich (past visit);",
        "Strengths: 1. Strong backing from the mayor and the city council; 2. A chamber",
        "Challenges: 1. Few migrant",
        "Future actions: 1. Run two matching events",
        "Credits: CITIES GROW is a project of EUROCITIES",
    ]
    positions = [desc.index(part) for part in expected]
    assert positions == sorted(positions)
    for line in layout(content):
        assert line.text in desc or re.fullmatch(r"\d\.", line.text)


# The check -----------------------------------------------------------------------------------


def test_a_text_over_its_limit_is_reported_with_its_path():
    item = words(164)
    content = dataclasses.replace(english(), strengths=["One", "Two", item])
    limit = LIMITS["item"]
    message = f"Too long for the printed page: at most {limit} characters here (it has 164)."
    assert check(content) == [Problem("strengths[2]", limit, message)]


def test_a_text_within_its_limit_but_too_wide_is_reported_as_about():
    title = "W" * 70  # within the 80 characters of a title, far too wide for two lines
    [problem] = check(dataclasses.replace(english(), title=title))
    assert problem.path == "title"
    assert problem.limit < 70
    assert problem.message == (
        f"Too long for the printed page: at most about {problem.limit} characters here (it has 70)."
    )


def test_lists_longer_than_the_page_holds_are_reported():
    base = english()
    content = dataclasses.replace(
        base,
        actions=["Act"] * 7,
        timeline=[Moment("2018", "Visit", True)] * 9,
        mentor=dataclasses.replace(base.mentor, figures=[Figure("Population", "1", "")] * 5),
    )
    assert check(content) == [
        Problem("mentor.figures", 4, "At most 4 figures fit here (it has 5)."),
        Problem("timeline", 8, "At most 8 items fit here (it has 9)."),
        Problem("actions", 6, "At most 6 items fit here (it has 7)."),
    ]


def test_every_problem_names_a_field_of_the_content():
    content = refused()
    problems = check(content)
    assert len(problems) > 90
    assert len(set(problems)) == len(problems)
    for problem in problems:
        value = resolve(content, problem.path)
        assert isinstance(value, str | list), problem
        assert problem.message.startswith(("Too long for the printed page", "At most"))
    counted = {p.path for p in problems if p.message.startswith("At most ")}
    assert counted == {f"{key}" for key in MAX_ITEMS if key != "figures"} | {
        "mentor.figures",
        "implementing.figures",
    }


# Any text at all (Hypothesis) ----------------------------------------------------------------


def contents(text: st.SearchStrategy[str], extra: int, value: st.SearchStrategy[str]):
    """Contents with `text` in every field and lists up to `extra` items over their most."""

    def listed(key: str, items: st.SearchStrategy[object]) -> st.SearchStrategy[list[object]]:
        return st.lists(items, max_size=MAX_ITEMS[key] + extra)

    figure = st.builds(Figure, text, value, text)
    city = st.builds(CityPanel, text, text, text, listed("figures", figure))
    labels = st.builds(Labels, *[text] * 10, past=text, planned=text)
    return st.builds(
        Content,
        text,
        text,
        city,
        city,
        listed("key_factors", text),
        listed("timeline", st.builds(Moment, text, text, st.booleans())),
        listed("strengths", text),
        listed("challenges", text),
        listed("actions", text),
        listed("practices", text),
        listed("credits", text),
        labels,
        notice=text,
    )


#: Any text, and now and then only controls, format characters, odd spaces, lone surrogates, marks.
ANY_TEXT = st.text(max_size=200) | st.text(
    st.characters(categories=["Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn"]), max_size=40
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=contents(ANY_TEXT, 2, ANY_TEXT))
def test_any_text_draws_as_xml_with_every_line_in_its_box(content):
    svg = draw(content)
    parse(svg)
    placed = layout(content)
    assert_fits_the_page(placed)
    assert_no_lines_overlap(placed)
    for problem in check(content):
        resolve(content, problem.path)


SHORT = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüāčēīšžαβγδεζηθλμπσω ,.-", max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=contents(SHORT, 0, st.text(alphabet="0123456789,.% ", max_size=10)))
def test_content_that_fits_passes_the_check_and_is_shown_whole(content):
    assert check(content) == []
    placed = layout(content)
    assert_fits_the_page(placed)
    assert not any(line.text.endswith(ELLIPSIS) for line in placed)
    for line in placed:
        value = resolve(content, line.path)
        if isinstance(value, str):
            assert line.text.replace(" ", "") in clean(value).replace(" ", "")
