"""Charter survey cycles with made-up answers: the demo's (`seed --demo`, issue 15 part 7) and a
generated network's (`generate_data --survey-cycles`).

Made up, and marked so: the cycles' titles say "illustrative" (demo) or "generated", and every
answer's evidence says where it came from. The ratings are drawn from a random generator seeded
by the cycle's label and the city's name, so the same call gives the same answers. A city has a
level (its chance of a "fully"), which rises a little from one cycle to the next.

Cycles in the past are made directly in the database (the services refuse a cycle that has
closed, and answers outside a cycle's dates), as an import of an earlier survey would be.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from citygrow.catalogue.models import Toolkit
from citygrow.people.models import City, User
from citygrow.survey import services
from citygrow.survey.models import (
    Commitment,
    CommitmentAnswer,
    CommitmentLink,
    Cycle,
    Questionnaire,
    Response,
)

DEMO_EVIDENCE = "Illustrative: made up for the demo."
GENERATED_EVIDENCE = "Generated data (manage.py generate_data)."


def draw_rating(rng: random.Random, level: float) -> str:
    """One rating for a city at `level` (0 to 1, the chance of "fully")."""
    u = rng.random()
    if u < 0.04:
        return CommitmentAnswer.Rating.DONT_KNOW
    if u < 0.08:
        return CommitmentAnswer.Rating.NOT_APPLICABLE
    v = rng.random()
    if v < level:
        return CommitmentAnswer.Rating.FULLY
    return (
        CommitmentAnswer.Rating.PARTLY
        if v < level + (1 - level) / 2
        else CommitmentAnswer.Rating.NOT_AT_ALL
    )


def city_level(city: City, step: int, seed: int | str) -> float:
    """A city's chance of "fully" in its `step`-th cycle (0 for the first)."""
    base = random.Random(f"{seed}/charter-level/{city.name}").uniform(0.2, 0.7)
    return min(base + 0.08 * step, 0.95)


@transaction.atomic
def make_cycle(
    *,
    questionnaire: Questionnaire,
    label: str,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    cities: Sequence[City],
    status_of: Callable[[City], str],
    step: int,
    seed: int | str,
    evidence: str,
    results_published: bool,
    by: User | None = None,
) -> Cycle | None:
    """A cycle with every city's response in the status `status_of(city)` gives; a response
    past "invited" gets a rating for every commitment (an "invited" one gets none). Does
    nothing (returns None) when a cycle `label` exists."""
    if Cycle.objects.filter(label=label).exists():
        return None
    now = timezone.now()
    cycle = Cycle.objects.create(
        questionnaire=questionnaire,
        label=label,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        results_published_at=now if results_published else None,
        created_by=by,
    )
    moment = datetime.datetime.combine(
        min(closes_on, timezone.localdate()), datetime.time(12), tzinfo=datetime.UTC
    )
    responses = []
    for city in cities:
        status = status_of(city)
        done = status in Response.SUBMITTED_STATES
        responses.append(
            Response(
                cycle=cycle,
                city=city,
                status=status,
                submitted_at=moment if done else None,
                decided_at=moment if status == Response.Status.ACCEPTED else None,
                decided_by=by if status == Response.Status.ACCEPTED else None,
                answers_public=False,
            )
        )
    Response.objects.bulk_create(responses, batch_size=500)
    commitments = list(Commitment.objects.filter(questionnaire=questionnaire).order_by("position"))
    answers = []
    for response in responses:
        if response.status == Response.Status.INVITED:
            continue
        level = city_level(response.city, step, seed)
        rng = random.Random(f"{seed}/charter/{label}/{response.city.name}")
        answers.extend(
            CommitmentAnswer(
                response=response,
                commitment=commitment,
                rating=draw_rating(rng, level),
                evidence=evidence,
                updated_by=by,
            )
            for commitment in commitments
        )
    CommitmentAnswer.objects.bulk_create(answers, batch_size=2000)
    return cycle


def create_demo_survey(people: Mapping[str, User]) -> None:
    """The demo's Charter survey: the demo cities recorded as signatories (when not known),
    a cycle two years ago whose results are published, and this year's cycle, open: Munich's
    response accepted, Helsinki's submitted, Athens's in progress (three commitments rated,
    for olga to continue) and Nicosia's not started. Does nothing when the cycles exist. Also
    the demo's link of the buyer's commitments (BU1-BU3) to toolkit A, marked as the demo's,
    unless one of them is linked already."""
    questionnaire = Questionnaire.objects.current()
    if questionnaire is None:
        return
    names = ["Athens", "Helsinki", "Munich", "Nicosia"]
    City.objects.filter(name__in=names, charter_signatory__isnull=True).update(
        charter_signatory=True
    )
    cities = list(City.objects.filter(name__in=names, charter_signatory=True).order_by("name"))
    today = timezone.localdate()
    year = today.year
    coordinator = people.get("cora")
    make_cycle(
        questionnaire=questionnaire,
        label=f"{year - 2}",
        title=f"Integrating Cities survey {year - 2} (illustrative demo)",
        opens_on=datetime.date(year - 2, 3, 1),
        closes_on=datetime.date(year - 2, 5, 31),
        cities=cities,
        status_of=lambda city: Response.Status.ACCEPTED,
        step=0,
        seed="demo",
        evidence=DEMO_EVIDENCE,
        results_published=True,
        by=coordinator,
    )
    status = {
        "Munich": Response.Status.ACCEPTED,
        "Helsinki": Response.Status.SUBMITTED,
        "Athens": Response.Status.INVITED,
        "Nicosia": Response.Status.INVITED,
    }
    current = make_cycle(
        questionnaire=questionnaire,
        label=f"{year}",
        title=f"Integrating Cities survey {year} (illustrative demo)",
        opens_on=today - datetime.timedelta(days=20),
        closes_on=today + datetime.timedelta(days=40),
        cities=cities,
        status_of=lambda city: status.get(city.name, Response.Status.INVITED),
        step=1,
        seed="demo",
        evidence=DEMO_EVIDENCE,
        results_published=False,
        by=coordinator,
    )
    athens = current and current.responses.filter(city__name="Athens").first()
    if athens is not None and "olga" in people:
        for code, rating in [("PM1", "fully"), ("PM2", "partly"), ("SP1", "partly")]:
            commitment = Commitment.objects.filter(questionnaire=questionnaire, code=code).first()
            if commitment is not None:
                services.save_rating(
                    response=athens,
                    commitment=commitment,
                    rating=rating,
                    evidence=DEMO_EVIDENCE,
                    links=[],
                    extra={},
                    seen_version=None,
                    by=people["olga"],
                )
    # The demo's one link (marked as such; the sources do not say which commitments a toolkit
    # serves): the buyer's commitments to theme A's current toolkit, on public contracts.
    buyer = list(
        Commitment.objects.filter(questionnaire=questionnaire, code__in=["BU1", "BU2", "BU3"])
    )
    toolkit = (
        Toolkit.objects.published()
        .filter(theme__code="A")
        .select_related("theme")
        .order_by("-year")
    ).first()
    if toolkit is not None and not CommitmentLink.objects.filter(commitment__in=buyer).exists():
        for commitment in buyer:
            services.save_links(commitment=commitment, links=[(toolkit, [])], by=coordinator)
        CommitmentLink.objects.filter(commitment__in=buyer).update(
            note="Illustrative: linked by the demo, not from the sources."
        )
