"""The Charter survey in tests: the shipped questionnaire edition and a cycle open today.

`open_cycle_for(people)` opens cycle "2019" on the shipped edition, from a month ago to a month
from now, inviting Athens (the `people` fixture's officer's city) and Helsinki (the other
officer's), after recording them as Charter signatories. Use it after the `people` fixture
(tests/survey's conftest deletes the seeded edition first; this loads it again)."""

import datetime
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from citygrow.people.models import City
from citygrow.survey import services
from citygrow.survey.models import Commitment, Cycle, Questionnaire, Response

SHIPPED = settings.DATA_DIR / "surveys" / "charter-2010.yaml"


def charter_edition() -> Questionnaire:
    """The shipped edition (data/surveys/charter-2010.yaml), loaded if it is not."""
    found = Questionnaire.objects.filter(label="charter-2010").first()
    if found is None:
        call_command("load_questionnaire", SHIPPED, stdout=StringIO())
        found = Questionnaire.objects.get(label="charter-2010")
    return found


def open_cycle_for(
    people: dict,
    *,
    label: str = "2019",
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    cities: tuple[str, ...] = ("Athens", "Helsinki"),
) -> Cycle:
    today = timezone.localdate()
    City.objects.filter(name__in=cities).update(charter_signatory=True)
    opens_on = opens_on or today - datetime.timedelta(days=30)
    closes_on = closes_on or today + datetime.timedelta(days=30)
    cycle = services.open_cycle(
        questionnaire=charter_edition(),
        label=label,
        title=f"Integrating Cities survey {label}",
        opens_on=opens_on,
        closes_on=max(closes_on, today),
        cities=City.objects.filter(name__in=cities),
        by=people["coordinator"],
    )
    if closes_on < today:  # a cycle in the past: opened, then closed
        Cycle.objects.filter(pk=cycle.pk).update(closes_on=closes_on)
        cycle.closes_on = closes_on
    return cycle


def response_of(cycle: Cycle, city: str = "Athens") -> Response:
    return Response.objects.select_related("cycle", "city").get(cycle=cycle, city__name=city)


def commitment(cycle: Cycle, code: str) -> Commitment:
    return Commitment.objects.get(questionnaire=cycle.questionnaire_id, code=code)


def rate(response: Response, ratings: dict[str, str], by) -> None:
    """Rate commitments by code (first ratings, no evidence)."""
    for code, rating in ratings.items():
        services.save_rating(
            response=response,
            commitment=commitment(response.cycle, code),
            rating=rating,
            evidence="",
            links=[],
            extra={},
            seen_version=None,
            by=by,
        )
