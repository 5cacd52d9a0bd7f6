"""The demo's contributed practices (issue 13, part 4): a city's own good practice, written by
its officer, reviewed and published by the theme's facilitator, then adapted in the demo plan.

- Munich's officer (mia) contributes a practice on theme A, which the theme's facilitator
  (fatima) publishes; the demo plan's survey of Athens cites it (citygrow.demo.plan), beside the
  Munich example of toolkit A that its mapping objective adapts.
- Helsinki's officer (hugo) contributes one on theme C and submits it: it waits in the review
  list of theme C's reviewers (the coordinator, cora, in the demo).

Both are illustrative, made up to show how the platform works, not the practice of Munich or
Helsinki, and say so in their titles and texts.

Running it again changes nothing: a practice of that title is not written twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from citygrow.catalogue.models import KeyFactor, Theme, Toolkit
from citygrow.people.models import City, User
from citygrow.practices import services
from citygrow.practices.models import Practice


@dataclass(frozen=True)
class DemoPractice:
    city: str
    author: str
    theme: str
    key_factor: int
    """Position of the key factor it serves, in the theme's published toolkit."""
    name: str
    summary: str
    text: str
    results: str
    outcomes: tuple[services.OutcomeIn, ...]
    reviewer: str | None
    """Who publishes it; None leaves it submitted, waiting for review."""


MUNICH = DemoPractice(
    city="Munich",
    author="mia",
    theme="A",
    key_factor=1,
    name="Surveying migrant-owned businesses with migrant associations (illustrative)",
    summary=(
        "Illustrative: a practice made up for the CITIES GROW demo, not Munich's. A yearly "
        "survey of migrant-owned businesses, designed and sent out with migrant associations."
    ),
    text=(
        "Illustrative: made up for the demo.\n\n"
        "The city's start-up office asks migrant associations to help design a short survey "
        "of the businesses their members run: what they sell, to whom, and what stops them "
        "from selling to the city. The associations send it out in their own languages and "
        "bring the answers back; the office publishes the findings each year and uses them "
        "to plan its advice and its tenders."
    ),
    results=(
        "Illustrative: more businesses answer when the survey comes from an association they "
        "know, and the findings show which contracts they could bid for."
    ),
    outcomes=(
        services.OutcomeIn(
            description="Businesses answering the survey (illustrative)",
            value=Decimal("420"),
            unit="businesses",
            year=2017,
        ),
        services.OutcomeIn(
            description="Answers received through migrant associations (illustrative)",
            value=Decimal("65"),
            unit="%",
            year=2017,
        ),
    ),
    reviewer="fatima",
)

HELSINKI = DemoPractice(
    city="Helsinki",
    author="hugo",
    theme="C",
    key_factor=1,
    name="Business advice in the client's own language (illustrative)",
    summary=(
        "Illustrative: a practice made up for the CITIES GROW demo, not Helsinki's. Start-up "
        "advice offered in the languages of the city's largest migrant groups."
    ),
    text=(
        "Illustrative: made up for the demo.\n\n"
        "The city's business advice service books advisers who speak the languages of the "
        "largest migrant groups, and says so on its pages and in its leaflets."
    ),
    results="Illustrative: more clients with a migrant background come to the service.",
    outcomes=(),
    reviewer=None,
)

DEMO_PRACTICES = (MUNICH, HELSINKI)


@transaction.atomic
def create_demo_practices(people: Mapping[str, User]) -> dict[str, Practice]:
    """The demo's contributed practices by city name (those already there are returned as
    they are); a practice whose city, people or toolkit are missing is left out."""
    made: dict[str, Practice] = {}
    for spec in DEMO_PRACTICES:
        existing = Practice.objects.filter(
            origin=Practice.Origin.CONTRIBUTED, name=spec.name
        ).first()
        if existing is not None:
            made[spec.city] = existing
            continue
        practice = _contribute(spec, people)
        if practice is not None:
            made[spec.city] = practice
    return made


def _contribute(spec: DemoPractice, people: Mapping[str, User]) -> Practice | None:
    city = City.objects.filter(name=spec.city).first()
    theme = Theme.objects.filter(code=spec.theme).first()
    author = people.get(spec.author)
    reviewer = people.get(spec.reviewer) if spec.reviewer else None
    if city is None or theme is None or author is None:
        return None
    if spec.reviewer and reviewer is None:
        return None
    factor = KeyFactor.objects.filter(
        toolkit__theme=theme,
        toolkit__status=Toolkit.Status.PUBLISHED,
        position=spec.key_factor,
    ).first()
    practice = services.save_contribution(
        city=city,
        data=services.ContributionIn(
            name=spec.name,
            summary=spec.summary,
            text=spec.text,
            results=spec.results,
            themes=[theme.pk],
            key_factors=[factor.pk] if factor is not None else [],
            year=2017,
            outcomes=list(spec.outcomes),
        ),
        by=author,
    )
    practice = services.submit_practice(practice=practice, by=author)
    if reviewer is not None:
        services.comment_on_practice(
            practice=practice,
            by=reviewer,
            text="Illustrative review comment: clear and useful; published.",
        )
        practice = services.publish_practice(practice=practice, by=reviewer)
    return practice
