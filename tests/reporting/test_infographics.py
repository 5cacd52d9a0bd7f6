"""A pairing's infographic (issue 14, parts 2, 3, 5): composed by the facilitator from the visits'
findings and the plan, drawn as SVG, PDF (A4, A3) and PNG, published frozen, versioned, in the
gallery and on the city and pairing pages; the same through the API."""

import io
import json
import xml.etree.ElementTree as ET
from datetime import date

import pypdf
import pytest
from django.urls import reverse
from PIL import Image

from citygrow.mentoring.models import City, Finding, Visit, VisitReport
from citygrow.reporting import infographics, services
from citygrow.reporting.models import Infographic, InfographicItem
from tests.support.budgets import assert_flat, count_queries
from tests.support.pages import form_on, text_of

SVG = "{http://www.w3.org/2000/svg}"

FINDINGS = [
    ("strength", "Migrant organisations reach entrepreneurs"),
    ("strength", "Political support for inclusive procurement"),
    ("strength", "Departments willing to share data"),
    ("barrier", "No common data on immigrant entrepreneurs"),
    ("challenge", "Tender documents are long and complex"),
    ("challenge", "Few migrant-owned firms bid for contracts"),
    ("action", "Hold information events on tendering"),
]


def visit_with_findings(pairing, *, published: bool = True) -> Visit:
    visit = Visit.objects.create(
        pairing=pairing, kind="study", starts_on=date(2017, 5, 16), ends_on=date(2017, 5, 18)
    )
    report = VisitReport.objects.create(
        visit=visit,
        status=VisitReport.Status.PUBLISHED if published else VisitReport.Status.DRAFT,
        summary="Seen",
    )
    for position, (kind, text) in enumerate(FINDINGS, start=1):
        Finding.objects.create(report=report, kind=kind, text=text, position=position)
    return visit


@pytest.fixture
def story(pairing, plan):
    """The pairing with a visit whose published report has FINDINGS, and Athens's `plan`."""
    visit_with_findings(pairing)
    return pairing


@pytest.fixture
def draft(story, facilitator) -> Infographic:
    return services.start_infographic(pairing=story, by=facilitator.user)


def texts(infographic: Infographic, section: str) -> list[str]:
    return list(
        infographic.items.filter(section=section)
        .order_by("position")
        .values_list("text", flat=True)
    )


def test_a_first_draft_is_filled_from_the_findings_and_the_plan(draft, plan):
    assert draft.number == 1 and not draft.is_published
    assert draft.title == "Athens learns from Munich"
    assert texts(draft, "strength") == [text for kind, text in FINDINGS if kind == "strength"]
    assert texts(draft, "challenge") == [
        "No common data on immigrant entrepreneurs",
        "Tender documents are long and complex",
        "Few migrant-owned firms bid for contracts",
    ]
    # The plan's own actions come first, then the recommended actions of the reports.
    actions = texts(draft, "action")
    assert actions[:4] == list(
        plan.actions.order_by("objective__position", "pk").values_list("title", flat=True)
    )
    assert actions[4] == "Hold information events on tendering"
    # The key factors of the plan's objectives.
    assert {factor.position for factor in draft.key_factors.all()} == {1, 2, 3}
    assert "Integrating Cities" in draft.credits


def test_a_facilitator_composes_previews_and_publishes(story, facilitator):
    web = facilitator.web
    page = web.get(reverse("reporting:pairing_infographic", args=[story.pk]))
    assert "Compose the infographic" in text_of(page)
    response = form_on(page, containing="Compose the infographic").submit(web)
    infographic = Infographic.objects.get(pairing=story)
    assert response.url == reverse("reporting:infographic_edit", args=[infographic.pk])

    editor = web.get(response.url)
    form = form_on(editor, containing="Save and preview")
    # A challenge is written by hand, a third is picked from the plan: "Publish a guide".
    pick = [key for key, label in form.choices("pick-challenges")]
    assert pick  # the findings of kind barrier and challenge, not picked twice
    response = form.submit(
        web,
        {
            "title": "Athens learns from Munich",
            "challenges-2": "Little trust between migrant businesses and the city",
            "actions-5": "",
        },
    )
    assert response.status_code == 302, text_of(response)
    page = web.get(response.url)
    assert page.status_code == 200
    assert "Little trust between migrant businesses" in page.content.decode()
    assert "<svg" in page.content.decode()

    response = form_on(page, containing="Publish").submit(web)
    assert response.status_code == 302
    infographic.refresh_from_db()
    assert infographic.is_published and infographic.content["challenges"][2].startswith(
        "Little trust"
    )
    # Public now, with its files.
    anonymous = web.__class__()
    page = anonymous.get(infographic.get_absolute_url())
    assert page.status_code == 200 and "Little trust" in text_of(page)


def test_publishing_needs_three_of_each_and_says_so(draft, facilitator):
    draft.items.filter(section=InfographicItem.Section.CHALLENGE).delete()
    response = facilitator.web.post(reverse("reporting:infographic_publish", args=[draft.pk]))
    assert response.status_code == 400
    assert "Give at least 3 challenges (it has 0)." in text_of(response)
    draft.refresh_from_db()
    assert not draft.is_published


def _edit(client, infographic, changes):
    editor = client.get(reverse("reporting:infographic_edit", args=[infographic.pk]))
    return form_on(editor, containing="Save and preview").submit(client, changes)


def test_a_text_too_wide_for_its_box_is_refused_with_its_limit(draft, facilitator):
    before = texts(draft, "strength")
    wide = "W" * 80  # 80 characters are allowed, but not 80 of the widest letter
    response = _edit(facilitator.web, draft, {"strengths-0": wide})
    assert response.status_code == 400
    assert "Too long for its place on the printed page" in text_of(response)
    assert texts(draft, "strength") == before
    response = _edit(facilitator.web, draft, {"strengths-0": "x" * 81})
    assert response.status_code == 400
    assert "At most 80 characters fit here on the printed page (this has 81)." in text_of(response)


def test_a_stale_save_keeps_what_was_typed(draft, facilitator, coordinator):
    editor = facilitator.web.get(reverse("reporting:infographic_edit", args=[draft.pk]))
    form = form_on(editor, containing="Save and preview")
    assert _edit(coordinator.web, draft, {"title": "Theirs"}).status_code == 302
    response = form.submit(facilitator.web, {"title": "Mine"})
    assert response.status_code == 400
    assert "Someone saved this infographic after you opened it" in text_of(response)
    assert 'value="Mine"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.title == "Theirs"


def test_a_published_infographic_is_frozen_and_a_new_version_starts_from_it(draft, facilitator):
    published = services.publish_infographic(infographic=draft, by=facilitator.user)
    svg = facilitator.web.get(reverse("reporting:infographic_file", args=[draft.pk, "svg"]))
    City.objects.filter(name="Athens").update(name="Athina")
    Finding.objects.update(text="Changed")
    again = facilitator.web.get(reverse("reporting:infographic_file", args=[draft.pk, "svg"]))
    assert again.content == svg.content  # frozen
    edit = reverse("reporting:infographic_edit", args=[published.pk])
    assert facilitator.web.get(edit).status_code == 403

    response = facilitator.web.post(
        reverse("reporting:infographic_new_version", args=[published.pk])
    )
    second = Infographic.objects.get(pairing=published.pairing, number=2)
    assert response.url == reverse("reporting:infographic_edit", args=[second.pk])
    assert texts(second, "strength") == texts(published, "strength")
    # The new draft is drawn from today's data.
    assert (
        b"Athina"
        in facilitator.web.get(
            reverse("reporting:infographic_file", args=[second.pk, "svg"])
        ).content
    )
    # One draft at a time.
    response = facilitator.web.post(
        reverse("reporting:infographic_new_version", args=[published.pk])
    )
    assert response.status_code == 400
    assert "already has a draft" in text_of(response)
    # The draft is discarded; the published version stays.
    facilitator.web.post(reverse("reporting:infographic_discard", args=[second.pk]))
    assert list(Infographic.objects.values_list("number", flat=True)) == [1]


def test_a_draft_is_seen_by_the_pairings_team_and_composed_by_its_facilitators(draft, people):
    from tests.support.clients import client_as

    url = draft.get_absolute_url()
    edit = reverse("reporting:infographic_edit", args=[draft.pk])
    for role, (read, write) in {
        "officer": (200, 403),
        "mentor": (200, 403),
        "facilitator": (200, 200),
        "coordinator": (200, 200),
        "other_officer": (404, 404),
        "other_facilitator": (404, 404),
        "nobody": (404, 404),
    }.items():
        client = client_as(people, role)
        assert client.get(url).status_code == read, role
        assert client.get(edit).status_code == write, role


def test_the_files_are_the_drawing_on_a4_a3_and_as_a_picture(draft, facilitator):
    services.publish_infographic(infographic=draft, by=facilitator.user)
    web = facilitator.web.__class__()  # public

    svg = web.get(reverse("reporting:infographic_file", args=[draft.pk, "svg"]))
    assert svg["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(svg.content)
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title").text == draft.title

    for fmt, size in (("pdf-a4", (595, 842)), ("pdf-a3", (842, 1191))):
        response = web.get(reverse("reporting:infographic_file", args=[draft.pk, fmt]))
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        reader = pypdf.PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == size
        text = reader.pages[0].extract_text()
        assert "Athens learns from Munich" in text
        assert "Migrant organisations" in text

    png = web.get(reverse("reporting:infographic_file", args=[draft.pk, "png"]))
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG" and image.size == (1241, 1754)
    assert web.get(reverse("reporting:infographic_file", args=[draft.pk, "gif"])).status_code == 404


def test_the_text_version_reads_everything_in_order(draft, client):
    services.publish_infographic(infographic=draft, by=draft.created_by)
    page = text_of(client.get(reverse("reporting:infographic_text", args=[draft.pk])))
    assert page.index("Munich") < page.index("Strengths") < page.index("Challenges")
    assert "Migrant organisations reach entrepreneurs" in page


def test_a_pairing_without_visits_or_plan_says_what_is_missing(pairing, facilitator, client):
    page = text_of(client.get(reverse("reporting:pairing_infographic", args=[pairing.pk])))
    assert "No visit has been planned yet" in page
    assert "The implementing city has no action plan yet" in page
    assert "Compose the infographic" not in page  # for its composers only
    infographic = services.start_infographic(pairing=pairing, by=facilitator.user)
    page = text_of(facilitator.web.get(infographic.get_absolute_url()))
    assert "Give at least 3 strengths (it has 0)." in page
    assert "No visit yet." in page  # the drawing's empty timeline


def test_the_gallery_city_and_pairing_pages_show_published_infographics(draft, facilitator, client):
    gallery = reverse("reporting:gallery")
    assert "0 infographics" in text_of(client.get(gallery))
    pairing = reverse("front:pairing", args=[draft.pairing_id])
    assert "Draft" in text_of(facilitator.web.get(pairing))
    assert "No infographic sums up this pairing yet." in text_of(client.get(pairing))
    services.publish_infographic(infographic=draft, by=facilitator.user)
    assert "1 infographic" in text_of(client.get(gallery))
    assert "1 infographic" in text_of(client.get(gallery, {"city": "munich", "theme": "A"}))
    response = client.get(gallery, {"city": "ghent"})  # no infographic of Ghent's yet
    assert "0 infographics" in text_of(response)
    assert "No published infographic is about this city." in text_of(response)
    response = client.get(gallery, {"programme": "nope"})
    assert response.status_code == 200 and "There is no such programme." in text_of(response)
    city = text_of(client.get(reverse("front:city", args=["athens"])))
    assert "Athens learns from Munich" in city
    pairing = client.get(reverse("front:pairing", args=[draft.pairing_id]))
    assert draft.get_absolute_url() in pairing.content.decode()


def test_the_pages_queries_do_not_grow_with_the_data(draft, facilitator, client, people):
    services.publish_infographic(infographic=draft, by=facilitator.user)
    pages = [
        draft.get_absolute_url(),
        reverse("reporting:infographic_text", args=[draft.pk]),
        reverse("reporting:gallery"),
    ]
    small = [count_queries(client, url) for url in pages]
    edit = reverse("reporting:infographic_edit", args=[draft.pk])
    second = services.start_infographic(pairing=draft.pairing, by=facilitator.user)
    small_edit = count_queries(
        facilitator.web, reverse("reporting:infographic_edit", args=[second.pk])
    )
    for _ in range(3):
        visit_with_findings(draft.pairing)
    services.publish_infographic(infographic=second, by=facilitator.user)
    other = services.start_infographic(
        pairing=people["other_mentor"].roles.get().pairing, by=facilitator.user
    )
    assert other
    for url, before in zip(pages, small, strict=True):
        assert_flat(before, count_queries(client, url), budget=25)
    third = services.start_infographic(pairing=draft.pairing, by=facilitator.user)
    assert_flat(
        small_edit,
        count_queries(facilitator.web, reverse("reporting:infographic_edit", args=[third.pk])),
        budget=30,
    )
    assert edit


# The API -------------------------------------------------------------------------------------


def test_the_api_composes_and_publishes(story, facilitator, nobody, client):
    api = facilitator.api
    response = api.post(f"/api/v1/pairings/{story.pk}/infographics")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["drawn"]["mentor"]["name"] == "Munich"
    assert body["missing"] == []  # three of each from the findings and the plan
    url = f"/api/v1/infographics/{body['id']}"
    assert nobody.api.get(url).status_code == 404
    assert client.get(url).status_code == 404

    payload = {
        "revision": body["revision"],
        "title": "Athens learns from Munich",
        "strengths": body["strengths"][:3],
        "challenges": [*body["challenges"], {"text": "Little trust"}],
        "actions": body["actions"][:3],
        "key_factors": body["key_factors"],
        "credits": body["credits"],
    }
    response = api.put(url, json.dumps(payload), content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["missing"] == []

    stale = api.put(url, json.dumps(payload), content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current"]["revision"] == 2

    wide = {**payload, "revision": 2, "strengths": [{"text": "W" * 80}]}
    response = api.put(url, json.dumps(wide), content_type="application/json")
    assert response.status_code == 422
    assert "strengths-0" in response.json()["errors"]

    foreign = {**payload, "revision": 2, "strengths": [{"text": "x", "finding": 999999}]}
    assert api.put(url, json.dumps(foreign), content_type="application/json").status_code == 422

    assert nobody.api.post(f"{url}/publish").status_code == 404
    response = api.post(f"{url}/publish")
    assert response.status_code == 200 and response.json()["status"] == "published"
    assert api.put(url, json.dumps(payload), content_type="application/json").status_code == 422

    assert client.get(url).status_code == 200
    listed = client.get("/api/v1/infographics", {"theme": "A"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    assert client.get("/api/v1/infographics", {"theme": "Z"}).status_code == 422
    pdf = client.get(f"{url}/files/pdf-a4")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(f"{url}/files/doc").status_code == 404

    response = api.post(f"{url}/versions")
    assert response.status_code == 201 and response.json()["number"] == 2
    assert api.post(f"{url}/versions").status_code == 422
    assert api.delete(f"/api/v1/infographics/{response.json()['id']}").status_code == 204
    versions = client.get(f"/api/v1/pairings/{story.pk}/infographics").json()
    assert [v["number"] for v in versions] == [1]


def test_only_composers_start_an_infographic_through_the_api(story, officer, mentor):
    for person in (officer, mentor):
        assert person.api.post(f"/api/v1/pairings/{story.pk}/infographics").status_code == 403
    assert not Infographic.objects.exists()


def test_the_candidates_are_the_pairings_findings_and_plan_actions(story, plan):
    found = infographics.candidates(story)
    assert [c.text for c in found if c.finding][:3] == [t for k, t in FINDINGS if k == "strength"]
    assert {c.text for c in found if c.action} == set(plan.actions.values_list("title", flat=True))
