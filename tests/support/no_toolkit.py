"""A pairing on a theme without a toolkit, and a made-up toolkit to publish for it later
(issue 12, part 2: a plan without a toolkit). Import the fixture `pairing_b` by name into a test
module to use it; the helpers are imported by name too.

- `pairing_b`: Munich → Athens on theme B (which has no published toolkit in the seeded site)
  in "Test programme" of the `people` fixture, facilitated by MPG (the `facilitator`), with a
  study visit whose published report has three findings without key factors: a strength, the
  barrier `FINDING` and a recommended action.
- `publish_toolkit_b(code="B")`: loads `made_up_toolkit` (two key factors of one question each,
  test text only) as a published 2030 edition of theme B (or of the theme `code`).
- `assess_on(toolkit, by, answers=..., assessed_on=..., city="Athens")`: the city's submitted
  assessment on it.
"""

from datetime import date

import pytest

from citygrow.assessments import services as assessments
from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import KeyFactor, Theme, Toolkit
from citygrow.catalogue.services import load_toolkit, read_toolkit_text
from citygrow.mentoring import services as mentoring
from citygrow.mentoring.models import Pairing, Scheme, SchemeCity, Visit
from citygrow.people.models import City, Organisation
from tests.support.toolkits import made_up_toolkit

FINDING = "Test finding: the city has no common data on the jobs of newcomers."


def publish_toolkit_b(code: str = "B") -> Toolkit:
    """Publish the made-up test toolkit, for theme B (or the theme `code`)."""
    text = made_up_toolkit(code, 2030, status="published")
    document = read_toolkit_text(text, source=f"test-{code}.yaml")
    toolkit = load_toolkit(document=document, source=f"test-{code}.yaml").toolkit
    assert toolkit.status == Toolkit.Status.PUBLISHED
    return toolkit


def assess_on(
    toolkit: Toolkit, by, *, answers: dict[int, str], assessed_on: date, city: str = "Athens"
) -> Assessment:
    """`city`'s submitted assessment on `toolkit`: each question of key factor N answered
    `answers[N]`."""
    assessment = assessments.start_assessment(
        city=City.objects.get(name=city),
        toolkit=toolkit,
        title=f"{city} on {toolkit.theme.code} {assessed_on.year}",
        assessed_on=assessed_on,
        by=by,
    )
    for factor in KeyFactor.objects.filter(toolkit=toolkit).prefetch_related("guide_questions"):
        for question in factor.guide_questions.all():
            assessments.save_answer(
                assessment=assessment,
                question=question,
                value=answers[factor.position],
                evidence="Test evidence.",
                links=[],
                seen_version=None,
                by=by,
            )
    assessments.submit(assessment=assessment, by=by)
    return assessment


@pytest.fixture
def pairing_b(people) -> Pairing:
    """Munich → Athens on theme B in "Test programme" (facilitated by MPG, whose facilitator is
    `facilitator`), with a study visit whose published report has three findings without key
    factors."""
    theme = Theme.objects.get(code="B")
    mpg = Organisation.objects.get(name="Migration Policy Group")
    mpg.themes.add(theme)
    scheme = Scheme.objects.create(
        programme=Scheme.objects.get(theme__code="A").programme, theme=theme, facilitator=mpg
    )
    for name, role in (("Munich", "mentor"), ("Athens", "implementing")):
        SchemeCity.objects.create(scheme=scheme, city=City.objects.get(name=name), role=role)
    pairing = Pairing.objects.create(
        scheme=scheme,
        mentor_city=City.objects.get(name="Munich"),
        implementing_city=City.objects.get(name="Athens"),
    )
    assert mentoring.toolkit_of(scheme) is None
    visit = Visit.objects.create(
        pairing=pairing, kind="study", starts_on=date(2024, 3, 4), ends_on=date(2024, 3, 6)
    )
    report = mentoring.save_report(
        visit=visit,
        summary="Test summary.",
        findings=[
            mentoring.FindingIn(kind="strength", text="Test strength."),
            mentoring.FindingIn(kind="barrier", text=FINDING),
            mentoring.FindingIn(kind="action", text="Test action: share one dataset."),
        ],
        by=people["facilitator"],
    )
    mentoring.publish_report(report=report, by=people["facilitator"])
    return pairing
