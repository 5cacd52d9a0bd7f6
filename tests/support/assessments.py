"""Assessments made directly, as generate_data stores them, and what their reports should show.

`start_athens`: Athens's draft "Athens 2024" started by its officer, as the pages start one;
`make` an assessment with the given answers; `network`: published rounds of other cities;
`same_insights`: two reports' insights agree.
"""

from datetime import date

from django.utils import timezone

from citygrow.assessments import insights, services
from citygrow.assessments.models import Answer, Assessment, FactorNote
from citygrow.catalogue.models import GuideQuestion
from citygrow.people.models import City


def start_athens(people: dict, toolkit) -> Assessment:
    """Athens's draft assessment "Athens 2024" on `toolkit`, started by its officer."""
    return services.start_assessment(
        city=City.objects.get(name="Athens"),
        toolkit=toolkit,
        title="Athens 2024",
        assessed_on=date(2024, 5, 1),
        by=people["officer"],
    )


def questions_of(toolkit) -> list[GuideQuestion]:
    return list(
        GuideQuestion.objects.filter(key_factor__toolkit=toolkit)
        .select_related("key_factor")
        .order_by("key_factor__position", "position")
    )


def make(city, toolkit, *, values, assessed_on, published=True, targets=None) -> Assessment:
    """An assessment with the given answer values (None: unanswered), in question order, stored
    the way generate_data stores published ones (scores in the same transaction)."""
    assessment = Assessment.objects.create(
        city=city,
        toolkit=toolkit,
        title=f"{city.name} {assessed_on}",
        assessed_on=assessed_on,
        status=Assessment.Status.PUBLISHED if published else Assessment.Status.DRAFT,
        published_at=timezone.now() if published else None,
    )
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=q, value=value)
        for q, value in zip(questions_of(toolkit), values, strict=False)
        if value is not None
    )
    for key_factor, target in (targets or {}).items():
        FactorNote.objects.create(assessment=assessment, key_factor=key_factor, target=target)
    if published:
        services.store_published_scores(assessments=[assessment])
    return assessment


def network(toolkit, cities: int, rounds: int) -> None:
    """`rounds` published assessments for each of `cities` cities other than Athens, mostly
    "yes" (so that they are suggested as mentors), each round better than the one before."""
    others = City.objects.exclude(name="Athens").order_by("name")[:cities]
    count = len(questions_of(toolkit))
    for number, city in enumerate(others):
        for r in range(rounds):
            values = [("yes", "partly", "no")[(i + number + r) % 3] for i in range(count)]
            values = ["yes"] * (r + number % 4) * 3 + values
            make(city, toolkit, values=values[:count], assessed_on=date(2020 + r, 1, 1))


def same_insights(a: insights.Insights, b: insights.Insights) -> None:
    for name in (
        "previous",
        "previous_scores",
        "change",
        "network_mean",
        "network_count",
        "similar_mean",
        "similar_count",
        "similar_bands",
        "practices",
    ):
        assert getattr(a, name) == getattr(b, name), name
    assert {k: [(m.city, m.score, m.assessment) for m in v] for k, v in a.mentors.items()} == {
        k: [(m.city, m.score, m.assessment) for m in v] for k, v in b.mentors.items()
    }
