"""The pairing page (issue 14, part 1): /pairings/<pk>/, public, with its private parts for the
pairing's team only, and a query count that does not grow with the data."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from citygrow.mentoring.models import Finding, ProgrammeEvent, Visit, VisitReport
from citygrow.people.models import City, CityFigure, Indicator
from citygrow.practices.models import Practice
from tests.support.budgets import assert_flat, count_queries
from tests.support.plans import add_actions, assess_athens, endorse


def url(pairing) -> str:
    return reverse("front:pairing", args=[pairing.pk])


def visit(pairing, kind="study", day=date(2017, 5, 3), report=None, findings=(), people=()):
    """A visit of `pairing`, with a report of `report` status ("draft"/"published") holding
    `findings` ((kind, text) pairs), and `people` as participants."""
    made = Visit.objects.create(pairing=pairing, kind=kind, starts_on=day, ends_on=day)
    made.participants.set(people)
    if report is not None:
        written = VisitReport.objects.create(visit=made, status=report)
        for position, (finding_kind, text) in enumerate(findings):
            Finding.objects.create(report=written, kind=finding_kind, text=text, position=position)
    return made


def cite(plan, count: int) -> None:
    """The plan's first objective and first action cite `count` more library practices."""
    practices = list(Practice.objects.exclude(citing_objectives__plan=plan)[:count])
    plan.objectives.first().practices.add(*practices)
    plan.actions.first().practices.add(*practices)


@pytest.fixture
def figures(people):
    munich = City.objects.get(name="Munich")
    population = Indicator.objects.get(code=Indicator.POPULATION)
    CityFigure.objects.create(
        city=munich, indicator=population, value=1_400_000, year=2015, source="Old source"
    )
    CityFigure.objects.create(
        city=munich, indicator=population, value=1_488_202, year=2017, source="Amt München"
    )


def test_it_shows_the_pairing_to_anyone(client, pairing, figures):
    response = client.get(url(pairing))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Munich mentors Athens</h1>" in page
    assert 'href="/cities/munich/"' in page and 'href="/cities/athens/"' in page
    assert "1,488,202" in page and "(2017; source: Amt München)" in page
    assert "Old source" not in page  # only the latest figure
    assert "Test programme" in page
    assert "Migration Policy Group" in page
    assert pairing.scheme.get_absolute_url() in page


def test_an_unknown_pairing_is_not_found(client, people):
    assert client.get("/pairings/999999/").status_code == 404


def test_without_visits_or_plan_it_says_what_is_missing(client, pairing):
    page = client.get(url(pairing)).content.decode()
    assert "No visit of this pairing is recorded yet" in page
    assert "No action plan of this pairing is published yet." in page
    assert "Not measured yet" in page
    assert reverse("mentoring:visit_create", args=[pairing.pk]) not in page
    assert reverse("plans:start", args=[pairing.pk]) not in page


def test_it_links_those_who_may_to_where_to_do_it(pairing, facilitator, officer):
    page = facilitator.web.get(url(pairing)).content.decode()
    assert reverse("mentoring:visit_create", args=[pairing.pk]) in page
    page = officer.web.get(url(pairing)).content.decode()
    assert reverse("plans:start", args=[pairing.pk]) in page


def test_the_timeline_has_events_and_visits_past_planned_and_cancelled(client, pairing):
    ProgrammeEvent.objects.create(
        programme=pairing.scheme.programme,
        kind="launch",
        title="Launch in Brussels",
        place="Brussels",
        starts_on=date(2017, 2, 1),
        ends_on=date(2017, 2, 2),
    )
    visit(pairing, "study", date(2017, 5, 3))
    cancelled = visit(pairing, "mentoring", date(2099, 9, 1))
    Visit.objects.filter(pk=cancelled.pk).update(
        cancelled_at="2017-06-01T10:00:00Z", cancel_reason="Strike"
    )
    visit(pairing, "mentoring", date(2099, 10, 1))
    response = client.get(url(pairing))
    moments = response.context["story"].timeline
    assert [(m.title, m.cancelled, m.past) for m in moments] == [
        ("Launch in Brussels", False, True),
        ("Study visit", False, True),
        ("Mentoring visit", True, False),
        ("Mentoring visit", False, False),
    ]
    page = response.content.decode()
    assert "cancelled" in page and "planned" in page
    assert f'href="/visits/{cancelled.pk}/"' in page


def test_findings_are_grouped_and_drafts_shown_only_to_the_team(
    client, pairing, officer, other_officer
):
    visit(
        pairing,
        report="published",
        findings=[("barrier", "No data on suppliers"), ("strength", "A willing mayor")],
    )
    visit(
        pairing, "mentoring", date(2017, 9, 1), report="draft", findings=[("challenge", "Secret")]
    )
    page = client.get(url(pairing)).content.decode()
    assert page.index("A willing mayor") < page.index("No data on suppliers")  # strengths first
    assert 'id="findings-strengths"' in page and 'id="findings-barriers"' in page
    assert "Secret" not in page
    assert "Secret" not in other_officer.web.get(url(pairing)).content.decode()
    page = officer.web.get(url(pairing)).content.decode()
    assert "Secret" in page and "draft report" in page


def test_a_draft_plan_is_shown_only_to_its_team(client, pairing, plan, officer, mentor):
    assert "Athens welcomes" not in client.get(url(pairing)).content.decode()
    page = mentor.web.get(url(pairing)).content.decode()
    assert "Athens welcomes" in page
    assert "not endorsed yet" in page
    assert "63.3%" in page  # the plan fixture's roll-up


def test_an_endorsed_plan_shows_its_status_practices_and_measured_change(client, pairing, plan):
    endorse(plan)
    cite(plan, 1)
    practice = plan.objectives.first().practices.get()
    plan.follow_up = assess_athens({1: "yes", 2: "yes", 3: "partly"}, assessed_on=date(2025, 5, 1))
    plan.save(update_fields=["follow_up"])
    response = client.get(url(pairing))
    page = response.content.decode()
    assert "endorsed (version 1)" in page
    assert practice.get_absolute_url() in page
    story = response.context["story"]
    assert story.measured
    factors = [(f.number, f.before, f.after) for c in story.changes for f in c.factors]
    assert (1, 0.0, 100.0) in factors
    assert "+100.0" in page


def test_people_are_shown_only_to_the_team(client, pairing, people, officer, nobody):
    visit(pairing, people=[people["officer"], people["facilitator"]])
    page = officer.web.get(url(pairing)).content.decode()
    assert "People involved" in page
    assert "Olga" in page and "mia" in page and "fatima" in page
    for reader in (client, nobody.web):
        page = reader.get(url(pairing)).content.decode()
        assert "People involved" not in page and "fatima" not in page


@pytest.mark.parametrize("reader", ["anonymous", "officer"])
def test_the_query_count_does_not_grow_with_the_data(reader, pairing, plan, people, figures):
    client = Client()
    if reader != "anonymous":
        client.force_login(people[reader])
    endorse(plan)
    plan.follow_up = assess_athens({1: "yes"}, assessed_on=date(2025, 5, 1))
    plan.save(update_fields=["follow_up"])

    def more(n: int) -> None:
        for i in range(n):
            visit(
                pairing,
                day=date(2017, 3, 1 + i),
                report="published" if i % 2 else "draft",
                findings=[("strength", f"S{i}"), ("barrier", f"B{i}")],
                people=[people["officer"], people["mentor"]],
            )
        add_actions(plan, n, people["officer"])
        objective = plan.objectives.create(title=f"More {n}", position=9)
        objective.key_factors.add(*plan.objectives.first().key_factors.all())
        cite(plan, n)

    more(1)
    small = count_queries(client, url(pairing))
    more(5)
    large = count_queries(client, url(pairing))
    # Session and user, roles, pairing, figures, visits (+ participants), events, findings,
    # plan (+ actions), practices, measured change (6), people.
    assert_flat(small, large, budget=22)


def test_it_is_linked_from_the_scheme_both_cities_the_plan_and_every_visit(client, pairing, plan):
    endorse(plan)
    link = f'href="{url(pairing)}"'
    made = visit(pairing)
    for page in (
        pairing.scheme.get_absolute_url(),
        "/cities/munich/",
        "/cities/athens/",
        plan.get_absolute_url(),
        made.get_absolute_url(),
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        assert link in response.content.decode(), page
