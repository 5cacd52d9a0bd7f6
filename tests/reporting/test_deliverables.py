"""A programme's deliverables (issue 14, part 4): what it promised, tracked against what exists.

Around the `people` fixture's "Test programme" (2017-01-01 to 2018-12-31; scheme A with the
pairings Munich → Athens and Ghent → Helsinki). The seeded site has toolkits A and C (2018),
loaded from their files as published, so with no publication moment. "Other programme" has a
scheme A of its own, with a Munich → Athens pairing: what it has never counts for Test programme.
"""

import datetime
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from citygrow.catalogue.models import Theme, Toolkit
from citygrow.mentoring.models import Pairing, Programme, ProgrammeEvent, Scheme
from citygrow.people.models import AuditEntry, City
from citygrow.plans import services as plan_services
from citygrow.plans.models import ActionPlan
from citygrow.reporting import services
from citygrow.reporting.deliverables import track
from citygrow.reporting.forms_deliverables import KINDS
from citygrow.reporting.models import Deliverable, Infographic
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import bearer, client_as
from tests.support.plans import endorse
from tests.support.roles import ROLES

PROGRAMME_PAGE = reverse("front:programme", args=["test-programme"])
EDIT = reverse("reporting:deliverables", args=["test-programme"])
API = "/api/v1/programmes/test-programme/deliverables"
ON = date(2019, 6, 1)  # after the programme


def programme() -> Programme:
    return Programme.objects.get(slug="test-programme")


def pairing(mentor: str, city: str, slug: str = "test-programme") -> Pairing:
    return Pairing.objects.get(
        scheme__programme__slug=slug, mentor_city__name=mentor, implementing_city__name=city
    )


def promise(people, **counts) -> list[Deliverable]:
    """Record `counts` (kind -> promised, or (promised, links)) for Test programme."""
    rows = []
    for kind, value in counts.items():
        promised, links = value if isinstance(value, tuple) else (value, [])
        rows.append(services.DeliverableIn(kind=kind, promised=promised, links=links))
    return services.save_deliverables(programme=programme(), rows=rows, by=people["coordinator"])


def tracked(kind: str, on: date = ON):
    (row,) = [row for row in track(programme(), on=on) if row.deliverable.kind == kind]
    return row


def endorsed_plan_of(a_pairing: Pairing, title: str = "A plan") -> ActionPlan:
    """A plan of `a_pairing` marked endorsed at both levels at once."""
    plan = ActionPlan.objects.create(pairing=a_pairing, title=title)
    endorse(plan)
    return plan


def infographic(a_pairing: Pairing, people, number: int = 1, status: str = "published"):
    return Infographic.objects.create(
        pairing=a_pairing,
        number=number,
        status=status,
        title=f"{a_pairing.implementing_city.name} v{number}",
        created_by=people["facilitator"],
        published_at=timezone.now() if status == "published" else None,
    )


def event(kind: str, ends_on: date, title: str = "Meeting") -> ProgrammeEvent:
    return ProgrammeEvent.objects.create(
        programme=programme(),
        kind=kind,
        title=title,
        place="Brussels",
        starts_on=ends_on - datetime.timedelta(days=1),
        ends_on=ends_on,
    )


@pytest.fixture
def other_programme(people) -> Programme:
    """ "Other programme", with a scheme A and a pairing Munich → Athens."""
    other = Programme.objects.create(
        name="Other programme",
        slug="other-programme",
        starts_on=date(2017, 1, 1),
        ends_on=date(2018, 12, 31),
    )
    scheme = Scheme.objects.create(programme=other, theme=Theme.objects.get(code="A"))
    Pairing.objects.create(
        scheme=scheme,
        mentor_city=City.objects.get(name="Munich"),
        implementing_city=City.objects.get(name="Athens"),
    )
    return other


def form_data(rows: dict[int, dict[str, str]], others: int = 2) -> dict[str, str]:
    """The edit page's POST: `rows` by row number (0..5: KINDS, then the other outputs)."""
    total = len(KINDS) + others
    data = {
        "rows-TOTAL_FORMS": str(total),
        "rows-INITIAL_FORMS": str(len(KINDS)),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for number in range(total):
        for name in ("promised", "note", "links"):
            data[f"rows-{number}-{name}"] = rows.get(number, {}).get(name, "")
    return data


def row_of(kind: str) -> int:
    return KINDS.index(kind)


def stored() -> list[tuple[str, int, str, list[str]]]:
    return list(
        Deliverable.objects.filter(programme=programme()).values_list(
            "kind", "promised", "note", "links"
        )
    )


# Tracking: what is counted, kind by kind ---------------------------------------------------


def test_action_plans_count_when_endorsed_at_both_levels(people, plan, other_programme):
    promise(people, action_plans=8)
    assert tracked("action_plans").existing == 0  # a draft
    officer = people["officer"]
    plan_services.freeze(plan=plan, by=officer)
    endorse(plan, "administrative", user=officer)
    assert tracked("action_plans").existing == 0  # one level only
    endorse(plan, "political", by="Mayor of Athens", role="Mayor", user=officer)
    endorsed_plan_of(pairing("Munich", "Athens", "other-programme"))  # another programme's
    row = tracked("action_plans")
    assert (row.existing, row.promised, row.met, row.missing) == (1, 8, False, 7)
    (item,) = row.items
    assert item.label == "Athens welcomes (Athens, theme A)"
    assert item.url == plan.get_absolute_url()


def test_toolkits_count_one_per_theme_of_the_programme_published_during_it(people):
    promise(people, toolkits=4)
    a_2018 = Toolkit.objects.get(theme__code="A", year=2018)
    # Loaded from its file as published: no publication moment, so it counts. Toolkit C is
    # published too, but the programme has no scheme on theme C.
    assert a_2018.published_at is None
    row = tracked("toolkits")
    assert row.existing == 1
    assert [item.url for item in row.items] == [a_2018.get_absolute_url()]
    assert row.items[0].label.startswith("A. ") and "(2018 edition)" in row.items[0].label

    # Published through the platform after the programme ended: it does not count.
    after = datetime.datetime(2019, 3, 1, 12, tzinfo=datetime.UTC)
    Toolkit.objects.filter(pk=a_2018.pk).update(published_at=after)
    assert tracked("toolkits").existing == 0
    # Before it started: neither.
    before = datetime.datetime(2016, 12, 1, 12, tzinfo=datetime.UTC)
    Toolkit.objects.filter(pk=a_2018.pk).update(published_at=before)
    assert tracked("toolkits").existing == 0
    # During it: it counts; a second edition of the same theme does not count again.
    during = datetime.datetime(2018, 3, 1, 12, tzinfo=datetime.UTC)
    Toolkit.objects.filter(pk=a_2018.pk).update(published_at=during)
    second = Toolkit.objects.get(pk=a_2018.pk)
    second.pk, second.year, second.published_at = None, 2017, during
    second.save()
    row = tracked("toolkits")
    assert row.existing == 1
    assert [item.url for item in row.items] == [a_2018.get_absolute_url()]  # the newest
    # A draft or withdrawn edition does not count.
    Toolkit.objects.filter(theme__code="A").update(status=Toolkit.Status.WITHDRAWN)
    assert tracked("toolkits").existing == 0


def test_infographics_count_the_pairings_with_a_published_one(people, other_programme):
    promise(people, infographics=2)
    athens, helsinki = pairing("Munich", "Athens"), pairing("Ghent", "Helsinki")
    infographic(athens, people, 1)
    infographic(athens, people, 2)  # a newer version of the same pairing's: counted once
    infographic(helsinki, people, 1, status="draft")  # a draft: not counted
    infographic(pairing("Munich", "Athens", "other-programme"), people)  # another programme's
    row = tracked("infographics")
    assert (row.existing, row.met) == (1, False)
    (item,) = row.items
    assert item.label == "Munich → Athens (theme A): Athens v2"
    infographic(helsinki, people, 2)
    assert tracked("infographics").met


def test_videos_and_other_outputs_count_their_links(people):
    links = ["https://example.org/video-1", "https://example.org/video-2"]
    promise(people, videos=(4, links), other=(1, ["https://example.org/guide.pdf"]))
    videos = tracked("videos")
    assert (videos.existing, videos.promised, videos.met, videos.percent) == (2, 4, False, 50)
    assert [(item.label, item.url) for item in videos.items] == [(link, link) for link in links]
    assert tracked("other").met


def test_conferences_and_events_count_once_they_have_ended(people):
    promise(people, conferences=1, events=3)
    event("launch", date(2017, 2, 2), "Launch")
    event("conference", date(2018, 11, 8), "Conference VIII")
    event("final", date(2019, 1, 20), "Final meeting")
    on_the_last_day = date(2018, 11, 8)
    assert tracked("conferences", on_the_last_day).existing == 0  # not ended yet
    assert tracked("events", on_the_last_day).existing == 1
    the_day_after = date(2018, 11, 9)
    conferences = tracked("conferences", the_day_after)
    assert conferences.existing == 1 and conferences.met
    assert conferences.items[0].label.startswith("Conference VIII, Brussels, ")
    assert conferences.items[0].url == ""  # an event has no page of its own
    events = tracked("events", the_day_after)
    assert [item.label.split(",")[0] for item in events.items] == ["Launch", "Conference VIII"]
    assert tracked("events", ON).met


def test_tracking_keeps_the_order_recorded_and_a_count_of_zero_is_met(people):
    promise(people, videos=0, action_plans=2)
    rows = track(programme(), on=ON)
    assert [row.deliverable.kind for row in rows] == ["videos", "action_plans"]
    assert rows[0].met and rows[0].percent == 100
    empty = Programme.objects.create(
        name="Empty", slug="empty", starts_on=date(2020, 1, 1), ends_on=date(2020, 2, 1)
    )
    assert track(empty) == []


def grow(people, size: int) -> None:
    """`size` more of everything that is counted, in Test programme."""
    a_pairing = pairing("Munich", "Athens")
    for number in range(size):
        event("conference", date(2017, 3, 1 + number), f"Conference {number}")
        infographic(a_pairing, people, number=Infographic.objects.count() + 1)
    for a_pairing in Pairing.objects.filter(scheme__programme=programme()):
        if not ActionPlan.objects.filter(pairing=a_pairing).exists():
            endorsed_plan_of(a_pairing)
    theme = Theme.objects.get(code="A")
    a_2018 = Toolkit.objects.get(theme=theme, year=2018)
    for year in range(2000, 2000 + size):
        edition = Toolkit.objects.get(pk=a_2018.pk)
        edition.pk, edition.year = None, year
        edition.save()


def every_kind(people, links: int = 1) -> None:
    promise(
        people,
        action_plans=8,
        toolkits=4,
        infographics=8,
        videos=(4, [f"https://example.org/v{n}" for n in range(links)]),
        conferences=1,
        events=4,
        other=(2, [f"https://example.org/o{n}" for n in range(links)]),
    )


def test_tracking_takes_a_fixed_number_of_queries(people):
    every_kind(people)
    test_programme = programme()
    with CaptureQueriesContext(connection) as small:
        track(test_programme, on=ON)
    grow(people, 5)
    every_kind(people, links=10)
    with CaptureQueriesContext(connection) as large:
        rows = track(test_programme, on=ON)
    assert len(small) == len(large) == 5  # the promises, plans, toolkits, infographics, events
    assert {row.deliverable.kind: row.existing for row in rows}["events"] == 5


# The programme page ------------------------------------------------------------------------


def test_the_programme_page_shows_each_promise_against_what_exists(people, client):
    promise(people, videos=(4, ["https://example.org/v1", "https://example.org/v2"]))
    Deliverable.objects.filter(kind="videos").update(note="4 short films")
    page = client.get(PROGRAMME_PAGE).content.decode()
    assert 'id="deliverables"' in page
    assert "2 of 4" in page
    assert "2 to go" in page
    assert "“4 short films”" in page
    assert '<meter min="0" max="4" value="2"' in page
    assert '<a href="https://example.org/v1" rel="noopener nofollow">' in page
    assert "Record what the programme promised" not in page  # an anonymous visitor


def test_the_programme_page_says_when_nothing_was_promised(people, client):
    page = client.get(PROGRAMME_PAGE).content.decode()
    assert "None recorded yet" in page


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_see_the_link_to_record_the_promises(people, role):
    page = client_as(people, role).get(PROGRAMME_PAGE).content.decode()
    assert ("Record what the programme promised" in page) == (role == "coordinator")
    assert (EDIT in page) == (role == "coordinator")


def test_the_programme_page_links_what_is_counted(people, client, endorsed_plan):
    promise(people, action_plans=1, toolkits=4)
    page = client.get(PROGRAMME_PAGE).content.decode()
    assert "1 of 1</strong>" in page and "<br>met</td>" in page
    assert f'<a href="{endorsed_plan.get_absolute_url()}">' in page
    assert "1 of 4" in page
    assert f'<a href="{Toolkit.objects.get(theme__code="A").get_absolute_url()}">' in page


def test_a_promise_with_nothing_yet_says_so(people, client):
    promise(people, infographics=8)
    page = client.get(PROGRAMME_PAGE).content.decode()
    assert "0 of 8" in page and "None yet." in page


# The edit page -----------------------------------------------------------------------------


def test_the_coordinator_records_what_the_programme_promised(people):
    coordinator = client_as(people, "coordinator")
    page = coordinator.get(EDIT)
    assert page.status_code == 200
    text = page.content.decode()
    for kind in KINDS:
        assert str(Deliverable.Kind(kind).label) in text
    rows = {
        row_of("action_plans"): {"promised": "8", "note": "8 local implementation strategies"},
        row_of("videos"): {"promised": "4", "links": "https://example.org/v1\n"},
        row_of("conferences"): {"promised": "1"},
        len(KINDS): {"promised": "1", "note": "A guide", "links": "https://example.org/guide"},
    }
    response = coordinator.post(EDIT, form_data(rows))
    assert response.status_code == 302
    assert response["Location"] == f"{PROGRAMME_PAGE}#deliverables"
    assert stored() == [
        ("action_plans", 8, "8 local implementation strategies", []),
        ("videos", 4, "", ["https://example.org/v1"]),
        ("conferences", 1, "", []),
        ("other", 1, "A guide", ["https://example.org/guide"]),
    ]
    assert AuditEntry.objects.filter(target_id=str(programme().pk), action="change").exists()
    shown = coordinator.get(PROGRAMME_PAGE).content.decode()
    assert "0 of 8" in shown and "1 of 4" in shown

    # The page shows what is stored, with two empty rows after the other outputs.
    again = coordinator.get(EDIT).context["formset"]
    assert again.total_form_count() == len(KINDS) + 3
    assert again.forms[row_of("action_plans")]["promised"].value() == 8
    assert again.forms[len(KINDS)]["note"].value() == "A guide"


def test_an_empty_count_is_not_promised(people):
    promise(people, action_plans=8, events=3)
    coordinator = client_as(people, "coordinator")
    response = coordinator.post(EDIT, form_data({row_of("events"): {"promised": "3"}}))
    assert response.status_code == 302
    assert stored() == [("events", 3, "", [])]


@pytest.mark.parametrize(
    "value,message",
    [
        ("-1", "A promised count cannot be negative"),
        ("abc", "Enter a whole number, 0 or more"),
        ("10.5", "Enter a whole number, 0 or more"),
        ("100000", "A promised count is at most 10000"),
    ],
)
def test_a_bad_count_is_refused_beside_its_field_and_nothing_is_stored(people, value, message):
    promise(people, toolkits=4)
    coordinator = client_as(people, "coordinator")
    rows = {row_of("action_plans"): {"promised": value}, row_of("events"): {"promised": "5"}}
    response = coordinator.post(EDIT, form_data(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    field = f"id_rows-{row_of('action_plans')}-promised"
    assert f'<a href="#{field}">Action plans endorsed at both levels, promised: ' in page
    assert 'aria-invalid="true"' in page
    typed = response.context["formset"].forms[row_of("events")]["promised"].value()
    assert typed == "5"  # what was typed stays
    assert stored() == [("toolkits", 4, "", [])]


def test_words_or_links_without_a_count_are_refused(people):
    coordinator = client_as(people, "coordinator")
    rows = {len(KINDS): {"note": "A training course"}}
    response = coordinator.post(EDIT, form_data(rows))
    assert response.status_code == 400
    assert "Give how many were promised" in response.content.decode()
    assert "Other output 1, promised" in response.content.decode()
    assert stored() == []


def test_a_link_that_is_not_a_web_address_is_refused(people):
    coordinator = client_as(people, "coordinator")
    rows = {row_of("videos"): {"promised": "2", "links": "youtube dot com"}}
    response = coordinator.post(EDIT, form_data(rows))
    assert response.status_code == 400
    assert "is not a web address" in response.content.decode()
    assert stored() == []


def test_a_form_with_its_rows_missing_is_refused(people):
    coordinator = client_as(people, "coordinator")
    data = form_data({0: {"promised": "2"}}, others=0)
    data["rows-TOTAL_FORMS"] = "2"
    response = coordinator.post(EDIT, data)
    assert response.status_code == 400
    assert "reload the page" in response.content.decode()
    assert coordinator.post(EDIT, {}).status_code == 400
    assert stored() == []


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_record_the_promises(people, role):
    client = client_as(people, role)
    data = form_data({0: {"promised": "2"}})
    expected = {"anonymous": 302, "coordinator": 200}.get(role, 403)
    response = client.get(EDIT)
    assert response.status_code == expected
    if role == "anonymous":
        assert response["Location"].startswith(reverse("people:login"))
    posted = client.post(EDIT, data)
    assert posted.status_code == (302 if role in {"anonymous", "coordinator"} else 403)
    assert bool(stored()) == (role == "coordinator")


def test_an_unknown_programme_is_not_found(people):
    coordinator = client_as(people, "coordinator")
    address = reverse("reporting:deliverables", args=["no-such-programme"])
    assert coordinator.get(address).status_code == 404


# The API -----------------------------------------------------------------------------------


def test_anyone_reads_the_deliverables(people, client, endorsed_plan):
    promise(people, action_plans=8, videos=(2, ["https://example.org/v1"]))
    response = client.get(API)
    assert response.status_code == 200
    body = response.json()
    assert body["programme"] == "test-programme"
    assert body["url"].endswith(f"{PROGRAMME_PAGE}#deliverables")
    plans, videos = body["deliverables"]
    assert plans["kind"] == "action_plans"
    assert (plans["promised"], plans["existing"], plans["met"]) == (8, 1, False)
    assert plans["items"] == [
        {
            "label": "Athens welcomes (Athens, theme A)",
            "url": f"http://testserver{endorsed_plan.get_absolute_url()}",
        }
    ]
    assert plans["counts"].startswith("Action plans of the programme's pairings")
    assert videos["links"] == ["https://example.org/v1"]
    assert videos["items"] == [{"label": "https://example.org/v1", "url": "https://example.org/v1"}]
    assert client.get("/api/v1/programmes/no-such/deliverables").status_code == 404


def test_a_coordinator_puts_the_deliverables(people):
    promise(people, toolkits=4)
    coordinator = client_as(people, "coordinator")
    rows = [
        {"kind": "infographics", "promised": 8, "note": "8 infographics"},
        {"kind": "other", "promised": 1, "links": ["https://example.org/guide"]},
    ]
    response = coordinator.put(API, rows, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert [row["kind"] for row in response.json()["deliverables"]] == ["infographics", "other"]
    assert stored() == [
        ("infographics", 8, "8 infographics", []),
        ("other", 1, "", ["https://example.org/guide"]),
    ]
    assert coordinator.put(API, [], content_type="application/json").status_code == 200
    assert stored() == []


@pytest.mark.parametrize(
    "promised,message",
    [
        (-1, "A promised count is a whole number, 0 or more."),
        (20_000, "A promised count is at most 10,000."),
        ("abc", None),
        (10.5, None),
    ],
)
def test_a_bad_count_in_the_api_is_422_and_nothing_is_stored(people, promised, message):
    promise(people, toolkits=4)
    coordinator = client_as(people, "coordinator")
    rows = [{"kind": "videos", "promised": 2}, {"kind": "action_plans", "promised": promised}]
    response = coordinator.put(API, rows, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    if message is not None:  # the service's message, under its field
        assert body == {"detail": message, "errors": {"promised": [message]}}
    else:  # not a whole number: refused before the service, by the field's place
        assert any("promised" in key for key in body["errors"]), body
    assert stored() == [("toolkits", 4, "", [])]


def test_the_api_refuses_a_kind_twice_and_an_unknown_kind(people):
    coordinator = client_as(people, "coordinator")
    twice = [{"kind": "videos", "promised": 2}, {"kind": "videos", "promised": 3}]
    response = coordinator.put(API, twice, content_type="application/json")
    assert response.status_code == 422
    assert "listed twice" in response.json()["detail"]
    unknown = [{"kind": "podcasts", "promised": 2}]
    response = coordinator.put(API, unknown, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"kind": ["Unknown kind of deliverable: podcasts."]}
    assert stored() == []


@pytest.mark.parametrize("role", ROLES)
def test_only_coordinators_put_the_deliverables(people, role):
    rows = [{"kind": "videos", "promised": 2}]
    response = client_as(people, role).put(API, rows, content_type="application/json")
    expected = {"anonymous": 401, "coordinator": 200}.get(role, 403)
    assert response.status_code == expected
    assert bool(stored()) == (role == "coordinator")


def test_a_read_only_token_cannot_put_and_an_unknown_programme_is_404(people, client):
    rows = [{"kind": "videos", "promised": 2}]
    read_only = bearer(people["coordinator"], scope="read")
    response = client.put(API, rows, content_type="application/json", headers=read_only)
    assert response.status_code == 403
    writer = bearer(people["coordinator"])
    unknown = "/api/v1/programmes/no-such/deliverables"
    response = client.put(unknown, rows, content_type="application/json", headers=writer)
    assert response.status_code == 404
    assert stored() == []


# Query budgets -----------------------------------------------------------------------------


def test_the_pages_and_the_api_keep_to_a_query_budget_as_the_data_grows(people):
    every_kind(people)
    event("launch", date(2017, 2, 2), "Launch")  # the page reads the events' attendance
    coordinator = client_as(people, "coordinator")
    addresses = [(PROGRAMME_PAGE, 18), (EDIT, 8), (API, 11)]
    before = [count_queries(coordinator, address) for address, _budget in addresses]
    grow(people, 6)
    every_kind(people, links=10)
    after = [count_queries(coordinator, address) for address, _budget in addresses]
    for small, large, (_address, budget) in zip(before, after, addresses, strict=True):
        assert_flat(small, large, budget)
