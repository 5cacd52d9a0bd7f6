"""Charter commitments linked to toolkits (issue 15 part 5): the service, the questionnaire
pages that show the links, the coordinators' form that records them, and the section of a
city's results page that draws on them ("From the Charter to the toolkits").

The seeded toolkits A 2018 (7 key factors) and C 2018 (9) are published. Around the `people`
fixture: Olga (`officer`) answers for Athens, Hugo (`other_officer`) for Helsinki; Cora
(`coordinator`) links the commitments.
"""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import KeyFactor, Toolkit
from citygrow.people.models import AuditEntry, City
from citygrow.survey import services
from citygrow.survey.models import Commitment, CommitmentLink, Cycle
from tests.support.assessments import make
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import web_client
from tests.support.pages import form_on, link_on, text_of
from tests.support.survey import charter_edition, commitment, open_cycle_for, rate, response_of


def toolkit(code: str) -> Toolkit:
    return Toolkit.objects.select_related("theme").get(theme__code=code, year=2018)


def factors(code: str, *numbers: int) -> list[KeyFactor]:
    return list(
        KeyFactor.objects.filter(
            toolkit__theme__code=code, toolkit__year=2018, position__in=numbers
        )
    )


def linked(item: Commitment) -> dict[str, list[int]]:
    """The commitment's links as {"A 2018": [key factor numbers]}."""
    return {
        f"{link.toolkit.theme.code} {link.toolkit.year}": sorted(
            link.key_factors.values_list("position", flat=True)
        )
        for link in CommitmentLink.objects.filter(commitment=item).select_related("toolkit__theme")
    }


def link(code: str, links: dict[str, tuple[int, ...]], by) -> None:
    """Link commitment `code` of the shipped edition: {"A": (1, 3)} links toolkit A 2018 with
    its key factors 1 and 3."""
    services.save_links(
        commitment=Commitment.objects.get(questionnaire=charter_edition(), code=code),
        links=[(toolkit(theme), factors(theme, *numbers)) for theme, numbers in links.items()],
        by=by,
    )


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def section(response) -> str:
    """The text of the results page's section "From the Charter to the toolkits" ('' if none)."""
    html = response.content.decode()
    if 'id="to-toolkits"' not in html:
        return ""
    return words(html.split('id="to-toolkits"', 1)[1].split("</section>", 1)[0])


def block(response, code: str) -> str:
    """The text of one linked commitment's part of that section."""
    html = response.content.decode().split('id="to-toolkits"', 1)[1].split("</section>", 1)[0]
    part = html.split(f'id="linked-{code}"', 1)[1]
    return words(part.split('<div class="commitment-link', 1)[0])


@pytest.fixture
def edition(people):
    return charter_edition()


# -- the service --------------------------------------------------------------------------------


def test_links_are_replaced_and_recorded_in_the_audit_trail(people, edition):
    bu1 = Commitment.objects.get(questionnaire=edition, code="BU1")
    link("BU1", {"A": (3, 1), "C": ()}, by=people["coordinator"])
    assert linked(bu1) == {"A 2018": [1, 3], "C 2018": []}
    link("BU1", {"A": (2,)}, by=people["coordinator"])
    assert linked(bu1) == {"A 2018": [2]}
    link("BU1", {"A": (2,)}, by=people["coordinator"])  # the same again: not recorded
    link("BU1", {}, by=people["coordinator"])
    assert linked(bu1) == {}
    changes = [
        entry.changes["toolkits"]
        for entry in AuditEntry.objects.filter(
            target_type="survey.commitment", target_id=str(bu1.pk)
        ).order_by("pk")
    ]
    assert changes == [
        [None, "A 2018 (1, 3); C 2018"],
        ["A 2018 (1, 3); C 2018", "A 2018 (2)"],
        ["A 2018 (2)", None],
    ]
    assert AuditEntry.objects.filter(target_id=str(bu1.pk)).first().actor == people["coordinator"]


def test_a_link_that_stays_keeps_its_note(people, edition):
    link("BU1", {"A": (1,)}, by=people["coordinator"])
    CommitmentLink.objects.update(note="From the 2019 network meeting.")
    link("BU1", {"A": (1, 2), "C": ()}, by=people["coordinator"])
    assert dict(CommitmentLink.objects.values_list("toolkit__theme__code", "note")) == {
        "A": "From the 2019 network meeting.",
        "C": "",
    }


@pytest.mark.parametrize(
    ("links", "message"),
    [
        (lambda: [(toolkit("A"), factors("C", 2))], "Key factor 2 is not one of the toolkit A"),
        (lambda: [(toolkit("A"), []), (toolkit("A"), [])], "A 2018 is given twice"),
        (lambda: [(toolkit("C"), []), (draft_of("A"), [])], "A 2018 is a draft"),
    ],
)
def test_bad_links_are_refused_and_nothing_changes(people, edition, links, message):
    link("BU1", {"C": (4,)}, by=people["coordinator"])
    bu1 = Commitment.objects.get(questionnaire=edition, code="BU1")
    with pytest.raises(services.SurveyError) as refused:
        services.save_links(commitment=bu1, links=links(), by=people["coordinator"])
    assert message in refused.value.message
    assert linked(bu1) == {"C 2018": [4]}


def draft_of(code: str) -> Toolkit:
    Toolkit.objects.filter(theme__code=code).update(status=Toolkit.Status.DRAFT)
    return toolkit(code)


def test_only_coordinators_and_superusers_link_commitments(people):
    assert people["coordinator"].has_perm("survey.link_commitment")
    for key in ("officer", "mentor", "facilitator", "staff", "nobody"):
        assert not people[key].has_perm("survey.link_commitment"), key


# -- the questionnaire's pages and the form -----------------------------------------------------


def test_the_edition_page_shows_each_commitments_toolkits(people, edition, coordinator, officer):
    link("BU1", {"A": (1, 3)}, by=people["coordinator"])
    link("EM2", {"C": ()}, by=people["coordinator"])
    page = Client().get("/charter/")
    html = page.content.decode()
    bu1 = html.split('id="commitment-BU1"', 1)[1].split("</li>\n", 1)[0]
    a, c = toolkit("A"), toolkit("C")
    assert f'href="/toolkits/A/2018/">A 2018 — {a.title}</a>' in bu1
    for factor in factors("A", 1, 3):
        assert f"{factor.position}. {factor.heading}" in bu1
    assert f"2. {factors('A', 2)[0].heading}" not in bu1
    em2 = html.split('id="commitment-EM2"', 1)[1].split("</li>\n", 1)[0]
    assert f"C 2018 — {c.title}" in em2 and "key factors" not in em2
    assert "Toolkits that serve it" not in html.split('id="commitment-PM1"', 1)[1].split("</li>")[0]
    assert "Link to toolkits" not in html
    assert "Link to toolkits" not in officer.web.get("/charter/").content.decode()
    edition_page = coordinator.web.get(f"/charter/questionnaires/{edition.pk}/")
    assert f"A 2018 — {a.title}" in edition_page.content.decode()
    bu2 = Commitment.objects.get(questionnaire=edition, code="BU2")
    part = edition_page.content.decode().split('id="commitment-BU2"', 1)[1].split("</li>\n")[0]
    assert f'<a href="/charter/commitments/{bu2.pk}/links/">Link to toolkits' in part


def test_the_form_lists_every_published_toolkit_with_its_key_factors(people, edition, coordinator):
    link("BU1", {"A": (1, 3)}, by=people["coordinator"])
    bu1 = Commitment.objects.get(questionnaire=edition, code="BU1")
    url = reverse("survey:commitment_links", args=[bu1.pk])
    page = coordinator.web.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    a, c = toolkit("A"), toolkit("C")
    assert f"<legend>A 2018 — {a.title}</legend>" in html
    assert f"<legend>C 2018 — {c.title}</legend>" in html
    form = form_on(page, containing="Save the links")
    defaults = form.defaults()
    assert defaults[f"t{a.pk}-linked"] == ["on"] and defaults[f"t{c.pk}-linked"] == []
    assert defaults[f"t{a.pk}-key_factors"] == ["1", "3"]
    assert [value for value, _label in form.choices(f"t{c.pk}-key_factors")] == [
        str(n) for n in range(1, 10)
    ]


def test_a_coordinator_links_a_commitment_on_the_form(people, edition, coordinator):
    bu1 = Commitment.objects.get(questionnaire=edition, code="BU1")
    url = reverse("survey:commitment_links", args=[bu1.pk])
    c = toolkit("C")
    form = form_on(coordinator.web.get(url), containing="Save the links")
    response = form.submit(
        coordinator.web,
        {f"t{c.pk}-linked": "on", f"t{c.pk}-key_factors": ["2", "5"]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/charter/questionnaires/{edition.pk}/#commitment-BU1"
    assert linked(bu1) == {"C 2018": [2, 5]}
    followed = coordinator.web.get(response["Location"])
    assert "BU1 is linked to 1 toolkit." in text_of(followed)
    # Unticking "Linked" unlinks it.
    form = form_on(coordinator.web.get(url), containing="Save the links")
    form.submit(coordinator.web, {f"t{c.pk}-linked": None, f"t{c.pk}-key_factors": None})
    assert linked(bu1) == {}


def test_the_form_refuses_bad_input_and_stores_nothing(people, edition, coordinator):
    link("BU1", {"A": (1,)}, by=people["coordinator"])
    bu1 = Commitment.objects.get(questionnaire=edition, code="BU1")
    url = reverse("survey:commitment_links", args=[bu1.pk])
    a, c = toolkit("A"), toolkit("C")
    # Key factors ticked without "Linked".
    form = form_on(coordinator.web.get(url), containing="Save the links")
    response = form.submit(coordinator.web, {f"t{c.pk}-key_factors": ["2"]})
    assert response.status_code == 400
    assert "Tick “Linked” to link this toolkit" in text_of(response)
    assert "Nothing was saved" in text_of(response)
    # A key factor the toolkit does not have (a tampered form).
    response = coordinator.web.post(url, {f"t{a.pk}-linked": "on", f"t{a.pk}-key_factors": "99"})
    assert response.status_code == 400
    assert "99 is not one of the available choices" in text_of(response)
    assert linked(bu1) == {"A 2018": [1]}


def test_only_coordinators_see_the_form(people, edition, officer, facilitator):
    bu1 = Commitment.objects.get(questionnaire=edition, code="BU1")
    url = reverse("survey:commitment_links", args=[bu1.pk])
    a = toolkit("A")
    assert officer.web.get(url).status_code == 403
    assert facilitator.web.post(url, {f"t{a.pk}-linked": "on"}).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/")
    assert (
        web_client(people["coordinator"]).get("/charter/commitments/999999/links/").status_code
        == 404
    )
    assert linked(bu1) == {}


def test_the_edition_pages_queries_do_not_grow_with_the_links(people, edition, client):
    link("BU1", {"A": (1,)}, by=people["coordinator"])
    urls = ["/charter/", f"/charter/questionnaires/{edition.pk}/"]
    small = [count_queries(client, url) for url in urls]
    for code in ["PM1", "PM2", "PM3", "SP1", "SP2", "EM1", "EM2", "EM3", "BU2", "BU3"]:
        link(code, {"A": (1, 2, 3), "C": (4, 5)}, by=people["coordinator"])
    large = [count_queries(client, url) for url in urls]
    for few, many in zip(small, large, strict=True):
        assert_flat(few, many)
    assert large[0].response.content.decode().count("Toolkits that serve it") == 11
    assert large[0] <= 8 and large[1] <= 7


def test_the_links_form_keeps_to_its_budget(people, edition, coordinator):
    bu1 = Commitment.objects.get(questionnaire=edition, code="BU1")
    url = reverse("survey:commitment_links", args=[bu1.pk])
    link("BU1", {"A": (1,)}, by=people["coordinator"])
    small = count_queries(coordinator.web, url)
    link("BU1", {"A": (1, 2, 3, 4), "C": (1, 2, 3)}, by=people["coordinator"])
    # The session (read, and saved: 3), the person and their roles, the commitment, its links
    # and their key factors, the toolkits and their key factors.
    assert_flat(small, count_queries(coordinator.web, url), budget=11)


def test_the_demo_links_the_buyers_commitments_to_toolkit_a_and_says_so(db):
    call_command("seed", "--demo", stdout=StringIO())
    links = CommitmentLink.objects.select_related("commitment", "toolkit__theme")
    assert sorted((x.commitment.code, x.toolkit.theme.code) for x in links) == [
        ("BU1", "A"),
        ("BU2", "A"),
        ("BU3", "A"),
    ]
    assert {x.note for x in links} == {"Illustrative: linked by the demo, not from the sources."}
    assert "Illustrative: linked by the demo" in Client().get("/charter/").content.decode()
    call_command("seed", "--demo", stdout=StringIO())  # again: nothing more
    assert CommitmentLink.objects.count() == 3


# -- the city's results page: "From the Charter to the toolkits" ---------------------------------


@pytest.fixture
def survey(people):
    """Cycle "2019" open, Athens and Helsinki invited. Athens rates BU1 partly, BU2 not at all,
    BU3 fully, PM1 fully; Helsinki rates BU1 and BU2 fully and submits. BU1 is linked to
    toolkit A (key factor 1), BU2 to C, BU3 to A; PM1 to nothing. Athens has a published
    assessment on A and a draft on A; none on C."""
    cycle = open_cycle_for(people)
    athens, helsinki = response_of(cycle, "Athens"), response_of(cycle, "Helsinki")
    rate(
        athens,
        {"BU1": "partly", "BU2": "not_at_all", "BU3": "fully", "PM1": "fully"},
        by=people["officer"],
    )
    rate(helsinki, {"BU1": "fully", "BU2": "fully"}, by=people["other_officer"])
    services.submit_response(response=helsinki, by=people["other_officer"])
    link("BU1", {"A": (1,)}, by=people["coordinator"])
    link("BU2", {"C": ()}, by=people["coordinator"])
    link("BU3", {"A": ()}, by=people["coordinator"])
    city = City.objects.get(name="Athens")
    published = make(city, toolkit("A"), values=[], assessed_on=datetime.date(2024, 3, 1))
    published.title = "Athens on A, published"
    published.save(update_fields=["title"])
    draft = make(
        city, toolkit("A"), values=[], assessed_on=datetime.date(2025, 3, 1), published=False
    )
    draft.title = "Athens on A, draft"
    draft.save(update_fields=["title"])
    return {"cycle": cycle, "athens": athens, "helsinki": helsinki}


def results_url(response) -> str:
    return reverse("survey:response_results", args=[response.pk])


def test_the_citys_results_page_suggests_toolkits_and_names_cities_rating_fully(
    survey, coordinator
):
    page = coordinator.web.get(results_url(survey["athens"]))
    assert page.status_code == 200
    assert "From the Charter to the toolkits" in text_of(page)
    a, c = toolkit("A"), toolkit("C")
    bu1 = block(page, "BU1")
    assert "Rated: Partly" in bu1
    assert f"A 2018 — {a.title}" in bu1
    assert f"1. {factors('A', 1)[0].heading}" in bu1
    assert "Athens on A, published" in bu1 and "Published" in bu1
    assert "Athens on A, draft" in bu1 and "Draft" in bu1  # coordinators see drafts
    assert "Rated “fully” in this cycle by: Helsinki" in bu1
    bu2 = block(page, "BU2")
    assert "Rated: Not at all" in bu2 and f"C 2018 — {c.title}" in bu2
    assert "No assessment of Athens on this theme that you may see." in bu2
    assert "Assess against this toolkit" in bu2
    assert "Rated “fully” in this cycle by: Helsinki" in bu2
    bu3 = block(page, "BU3")  # rated fully: its assessments, no suggestion
    assert "Rated: Fully" in bu3 and "Athens on A, published" in bu3
    assert "Rated “fully” in this cycle" not in bu3 and "Assess against" not in bu3
    assert 'id="linked-PM1"' not in page.content.decode()  # not linked
    html = page.content.decode()
    assert f'href="{a.get_absolute_url()}"' in html
    assert f'href="{survey["helsinki"].get_absolute_url()}"' in html
    assert 'href="/assessments/new/"' not in html  # a coordinator does not start Athens's


def test_the_officer_sees_only_the_cities_whose_answers_they_may_see(people, survey, officer):
    url = results_url(survey["athens"])
    bu1 = block(officer.web.get(url), "BU1")
    assert "Helsinki" not in bu1  # Helsinki's answers are not public
    assert "No city whose answers you may see rated it “fully” in this cycle." in bu1
    assert "Athens on A, draft" in bu1  # the officer's own city's draft
    page = officer.web.get(url)
    assert link_on(page, "Assess against this toolkit") == "/assessments/new/"
    helsinki = survey["helsinki"]
    services.accept_response(response=helsinki, by=people["coordinator"])
    services.set_answers_public(response=helsinki, public=True, by=people["other_officer"])
    assert "Rated “fully” in this cycle by: Helsinki" in block(officer.web.get(url), "BU1")


def test_a_reader_never_sees_an_assessment_they_may_not_see(people, survey, other_officer):
    athens = survey["athens"]
    services.submit_response(response=athens, by=people["officer"])
    services.accept_response(response=athens, by=people["coordinator"])
    services.set_answers_public(response=athens, public=True, by=people["officer"])
    # Helsinki's answers (submitted, not public) are seen by its own officer only.
    for client, sees_helsinki in [(Client(), False), (other_officer.web, True)]:
        page = client.get(results_url(athens))
        assert page.status_code == 200
        bu1 = block(page, "BU1")
        assert "Athens on A, published" in bu1
        assert "Athens on A, draft" not in bu1
        assert ("Rated “fully” in this cycle by: Helsinki" in bu1) is sees_helsinki
        assert "Assess against this toolkit" in block(page, "BU2")
        assert "/assessments/new/" not in page.content.decode()
    assert Assessment.objects.filter(title="Athens on A, draft").exists()


def test_the_section_is_left_out_when_nothing_is_linked(people, officer):
    cycle = open_cycle_for(people)
    athens = response_of(cycle, "Athens")
    rate(athens, {"BU1": "partly"}, by=people["officer"])
    page = officer.web.get(results_url(athens))
    assert page.status_code == 200 and section(page) == ""


def test_the_results_pages_queries_do_not_grow_with_cities_links_or_assessments(
    people, survey, coordinator
):
    url = results_url(survey["athens"])
    small = count_queries(coordinator.web, url)
    names = ["Munich", "Ghent", "Vienna", "Lisbon"]
    City.objects.filter(name__in=names).update(charter_signatory=True)
    cycle: Cycle = survey["cycle"]
    services.invite(
        cycle=cycle, cities=City.objects.filter(name__in=names), by=people["coordinator"]
    )
    for name in names:
        response = response_of(cycle, name)
        rate(response, {"BU1": "fully", "BU2": "fully", "PM2": "fully"}, by=people["coordinator"])
        services.submit_response(response=response, by=people["coordinator"])
    rate(survey["athens"], {"PM2": "partly", "SP1": "not_at_all"}, by=people["officer"])
    link("PM2", {"A": (1, 2), "C": (3, 4)}, by=people["coordinator"])
    link("SP1", {"C": (1,)}, by=people["coordinator"])
    link("BU2", {"C": (5, 6, 7), "A": ()}, by=people["coordinator"])
    city = City.objects.get(name="Athens")
    for year in (2019, 2020, 2021):
        make(city, toolkit("C"), values=[], assessed_on=datetime.date(year, 1, 1))
    large = count_queries(coordinator.web, url)
    assert "Munich" in block(large.response, "PM2") and "Vienna" in block(large.response, "BU2")
    assert_flat(small, large)
    assert commitment(cycle, "PM2").links.count() == 2
