"""A plan on a theme without a toolkit (issue 12, part 2), through the pages.

Theme B has no published toolkit in the seeded site. Athens is paired with Munich on B in
"Test programme"; the study visit's published report has findings without key factors. Athens's
officer starts the plan from a finding before any assessment and adds an objective of the city's
own without a key factor; later a (made-up, test-only) toolkit for B is published, the
facilitator ties the finding to a key factor, Athens assesses itself against the toolkit, the
officer ties the plan to that assessment and an objective to a key factor, and a follow-up
assessment measures the change.
"""

from datetime import date

import pytest
from django.urls import reverse

from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import KeyFactor
from citygrow.mentoring import services as mentoring
from citygrow.mentoring.models import Finding, Pairing
from citygrow.people.models import City
from citygrow.plans import services
from citygrow.plans.models import ActionPlan, Objective
from tests.support.budgets import assert_flat, count_queries
from tests.support.no_toolkit import FINDING, assess_on, pairing_b, publish_toolkit_b

__all__ = ["pairing_b"]  # the fixture, imported by name


def start_url(pairing: Pairing) -> str:
    return reverse("plans:start", args=[pairing.pk])


def test_the_whole_journey_from_a_finding_to_measured_change(
    pairing_b, officer, facilitator, people
):
    # The start page says there is no toolkit, and offers no assessment to choose.
    page = officer.web.get(start_url(pairing_b))
    assert page.status_code == 200
    assert "has no published toolkit yet" in page.content.decode()
    assert 'name="assessment"' not in page.content.decode()
    response = officer.web.post(start_url(pairing_b), {"title": "Athens on theme B"})
    plan = ActionPlan.objects.get(pairing=pairing_b)
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.assessment is None

    detail = officer.web.get(plan.get_absolute_url()).content.decode()
    assert "No assessment yet: this plan starts from the visits" in detail
    assert "has no published toolkit yet" in detail

    # The barrier and the recommended action are offered; the strength is not.
    new = reverse("plans:objective_create", args=[plan.pk])
    offered = officer.web.get(new).content.decode()
    assert FINDING in offered and "Test strength." not in offered
    assert 'name="key_factors"' not in offered  # no toolkit: nothing to tie to
    picked = officer.web.get(f"{new}?pick=0").content.decode()
    assert f'value="{FINDING}"' in picked and 'value="finding"' in picked
    response = officer.web.post(new, {"title": FINDING, "source": "finding"})
    assert response.status_code == 302
    response = officer.web.post(new, {"title": "Our own: a jobs desk", "source": "own"})
    assert response.status_code == 302
    from_finding, own = plan.objectives.order_by("position")
    assert from_finding.source == Objective.Source.FINDING and own.source == Objective.Source.OWN
    assert not from_finding.key_factors.exists() and not own.key_factors.exists()
    shown = officer.web.get(plan.get_absolute_url()).content.decode()
    assert "none yet" in shown

    # A toolkit for B is published; the facilitator ties the finding to its first key factor.
    toolkit = publish_toolkit_b()
    first = KeyFactor.objects.get(toolkit=toolkit, position=1)
    finding = Finding.objects.get(text=FINDING)
    visit_page = facilitator.web.get(finding.report.visit.get_absolute_url()).content.decode()
    tie_finding = reverse("mentoring:finding_tie", args=[finding.report.visit_id, finding.pk])
    assert tie_finding in visit_page
    response = facilitator.web.post(tie_finding, {"key_factors": [first.pk]})
    assert response.status_code == 302
    assert list(finding.key_factors.all()) == [first]

    # Before any assessment, the plan says objectives can already be tied to the toolkit.
    assert "Objectives can already be tied to the key factors of" in (
        officer.web.get(plan.get_absolute_url()).content.decode()
    )

    # Athens assesses itself; the officer ties the plan to that assessment.
    baseline = assess_on(
        toolkit, people["officer"], answers={1: "no", 2: "partly"}, assessed_on=date(2024, 6, 1)
    )
    detail = officer.web.get(plan.get_absolute_url()).content.decode()
    tie = reverse("plans:tie", args=[plan.pk])
    assert tie in detail and baseline.title in detail
    response = officer.web.post(tie, {"assessment": baseline.pk})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.assessment == baseline
    detail = officer.web.get(plan.get_absolute_url()).content.decode()
    assert "2 objectives are not tied to a key factor yet" in detail

    # Now an objective needs a key factor: the own one is tied to the first.
    edit = reverse("plans:objective_edit", args=[plan.pk, own.pk])
    refused = officer.web.post(edit, {"title": own.title, "source": "own"})
    assert refused.status_code == 400
    assert "Tie the objective to at least one key factor." in refused.content.decode()
    response = officer.web.post(
        edit, {"title": own.title, "source": "own", "key_factors": first.pk}
    )
    assert response.status_code == 302
    assert list(own.key_factors.all()) == [first]
    # The gaps of the assessment are offered now: key factor 2 (key factor 1 is covered).
    offered = officer.web.get(new).content.decode()
    assert "Improve: Test factor 2" in offered and "Improve: Test factor 1" not in offered

    # A follow-up assessment measures the change.
    later = assess_on(
        toolkit, people["officer"], answers={1: "yes", 2: "partly"}, assessed_on=date(2025, 6, 1)
    )
    change = reverse("plans:measured_change", args=[plan.pk])
    response = officer.web.post(change, {"assessment": later.pk})
    assert response.status_code == 302
    page = officer.web.get(change).content.decode()
    assert "Test factor 1" in page and "+100" in page


def test_the_start_page_offers_the_assessment_and_starting_without_one(pairing_b, officer, people):
    toolkit = publish_toolkit_b()
    assessment = assess_on(
        toolkit, people["officer"], answers={1: "no", 2: "no"}, assessed_on=date(2024, 6, 1)
    )
    page = officer.web.get(start_url(pairing_b)).content.decode()
    assert assessment.title in page
    assert "None yet: start from the visits" in page
    response = officer.web.post(
        start_url(pairing_b), {"title": "From the assessment", "assessment": assessment.pk}
    )
    assert response.status_code == 302
    assert ActionPlan.objects.get(pairing=pairing_b).assessment == assessment


def test_with_a_toolkit_but_no_assessment_the_plan_starts_from_the_findings(pairing_b, officer):
    toolkit = publish_toolkit_b()
    page = officer.web.get(start_url(pairing_b)).content.decode()
    assert "has not submitted an assessment on" in page
    officer.web.post(start_url(pairing_b), {"title": "Before assessing"})
    plan = ActionPlan.objects.get(pairing=pairing_b)
    assert plan.assessment is None
    # Objectives may already be tied to the published toolkit's key factors, or not.
    first = KeyFactor.objects.get(toolkit=toolkit, position=1)
    new = reverse("plans:objective_create", args=[plan.pk])
    assert 'name="key_factors"' in officer.web.get(new).content.decode()
    officer.web.post(new, {"title": "Tied early", "source": "own", "key_factors": first.pk})
    officer.web.post(new, {"title": "Not tied", "source": "own"})
    assert [list(o.key_factors.all()) for o in plan.objectives.order_by("position")] == [
        [first],
        [],
    ]


def test_a_key_factor_of_another_toolkit_is_refused(pairing_b, people):
    plan = services.start_plan(pairing=pairing_b, assessment=None, title="B", by=people["officer"])
    other = KeyFactor.objects.filter(toolkit__theme__code="A").first()
    with pytest.raises(services.ServiceError, match="no published toolkit"):
        services.save_objective(plan=plan, title="X", key_factors=[other.pk], by=people["officer"])
    publish_toolkit_b()
    with pytest.raises(services.ServiceError, match="scheme's toolkit"):
        services.save_objective(plan=plan, title="X", key_factors=[other.pk], by=people["officer"])


def test_tying_twice_or_to_another_citys_assessment_is_refused(pairing_b, people):
    officer = people["officer"]
    plan = services.start_plan(pairing=pairing_b, assessment=None, title="B", by=officer)
    toolkit = publish_toolkit_b()
    baseline = assess_on(toolkit, officer, answers={1: "no", 2: "no"}, assessed_on=date(2024, 6, 1))
    helsinki = Assessment.objects.create(
        city=City.objects.get(name="Helsinki"),
        toolkit=toolkit,
        title="Helsinki",
        assessed_on=date(2024, 6, 1),
        status=Assessment.Status.SUBMITTED,
    )
    with pytest.raises(services.ServiceError, match="submitted assessment of Athens"):
        services.tie_to_assessment(plan=plan, assessment=helsinki, by=officer)
    services.tie_to_assessment(plan=plan, assessment=baseline, by=officer)
    with pytest.raises(services.ServiceError, match="already starts from"):
        services.tie_to_assessment(plan=plan, assessment=baseline, by=officer)


def test_a_plan_without_assessment_has_no_change_to_measure(pairing_b, officer, people):
    plan = services.start_plan(pairing=pairing_b, assessment=None, title="B", by=people["officer"])
    page = officer.web.get(reverse("plans:measured_change", args=[plan.pk]))
    assert page.status_code == 200
    assert "This plan has no assessment yet" in page.content.decode()
    timeline = officer.web.get(reverse("plans:timeline", args=[plan.pk])).content.decode()
    assert "Plan started from the visits" in timeline


def test_the_documents_of_a_plan_without_assessment_say_so(pairing_b, officer, people):
    plan = services.start_plan(pairing=pairing_b, assessment=None, title="B", by=people["officer"])
    services.save_objective(plan=plan, title="Own", key_factors=[], by=people["officer"])
    response = officer.web.get(reverse("plans:docx", args=[plan.pk]))
    assert response.status_code == 200


def test_only_the_citys_officers_tie_the_plan(pairing_b, people, coordinator):
    plan = services.start_plan(pairing=pairing_b, assessment=None, title="B", by=people["officer"])
    toolkit = publish_toolkit_b()
    baseline = assess_on(
        toolkit, people["officer"], answers={1: "no", 2: "no"}, assessed_on=date(2024, 6, 1)
    )
    response = coordinator.web.post(
        reverse("plans:tie", args=[plan.pk]), {"assessment": baseline.pk}
    )
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.assessment is None


def test_a_finding_already_tied_on_a_published_report_stays_as_published(pairing_b, facilitator):
    toolkit = publish_toolkit_b()
    first, second = KeyFactor.objects.filter(toolkit=toolkit).order_by("position")
    finding = Finding.objects.get(text=FINDING)
    mentoring.tie_finding(finding=finding, key_factors=[first.pk], by=facilitator.user)
    url = reverse("mentoring:finding_tie", args=[finding.report.visit_id, finding.pk])
    response = facilitator.web.post(url, {"key_factors": [second.pk]})
    assert response.status_code == 400
    assert "only a finding without key factors" in response.content.decode()
    assert list(finding.key_factors.all()) == [first]


def test_only_the_theme_facilitators_and_coordinators_tie_findings(pairing_b, officer, mentor):
    publish_toolkit_b()
    finding = Finding.objects.get(text=FINDING)
    url = reverse("mentoring:finding_tie", args=[finding.report.visit_id, finding.pk])
    assert officer.web.get(url).status_code == 403
    assert mentor.web.get(url).status_code == 403


# Query budgets ---------------------------------------------------------------------------------


def test_the_plan_page_without_assessment_keeps_to_its_budget(pairing_b, officer, people):
    plan = services.start_plan(pairing=pairing_b, assessment=None, title="B", by=people["officer"])
    services.save_objective(plan=plan, title="Own 0", key_factors=[], by=people["officer"])
    url = plan.get_absolute_url()
    small = count_queries(officer.web, url)
    for n in range(1, 8):
        services.save_objective(plan=plan, title=f"Own {n}", key_factors=[], by=people["officer"])
    assert_flat(small, count_queries(officer.web, url), budget=40)


def test_the_finding_page_keeps_to_its_budget(pairing_b, facilitator):
    toolkit = publish_toolkit_b()
    finding = Finding.objects.get(text=FINDING)
    url = reverse("mentoring:finding_tie", args=[finding.report.visit_id, finding.pk])
    small = count_queries(facilitator.web, url)
    KeyFactor.objects.bulk_create(
        KeyFactor(toolkit=toolkit, position=n, heading=f"Test factor {n}", why="Test.")
        for n in range(3, 12)
    )
    assert_flat(small, count_queries(facilitator.web, url), budget=12)
