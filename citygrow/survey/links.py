"""The Charter's commitments linked to the toolkits (issue 15 part 5), as they are read: the
links shown under each commitment of a questionnaire edition, and what a city's results page
draws from them.

For a city's response, every linked commitment is listed with the city's rating and, per linked
toolkit, the theme's current published edition and the city's assessments on that theme that
the reader may see. A commitment rated "partly" or "not at all" also suggests the toolkit to
assess against and the cities that rated it "fully" in the same cycle, among the responses the
reader may see (submitted or accepted). A fixed number of queries whatever the number of
commitments, links, assessments or cities.

The links are written by `services.save_links`; who may see what is in `survey.rules`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import KeyFactor, Toolkit
from citygrow.people.rules import roles_of
from citygrow.survey.models import Commitment, CommitmentAnswer, CommitmentLink, Response

#: The ratings that suggest a toolkit to assess against.
NEEDS_WORK = (CommitmentAnswer.Rating.PARTLY.value, CommitmentAnswer.Rating.NOT_AT_ALL.value)


def link_queryset() -> Any:
    """Links with their toolkit, its theme and the linked key factors (in order), by theme."""
    return (
        CommitmentLink.objects.select_related("toolkit__theme")
        .prefetch_related(Prefetch("key_factors", queryset=KeyFactor.objects.order_by("position")))
        .order_by("toolkit__theme__code", "-toolkit__year", "pk")
    )


def with_links(commitments: Iterable[Commitment]) -> None:
    """Prefetch every commitment's `links` (see `link_queryset`): two queries whatever the
    number of commitments and links (none when there are no commitments)."""
    prefetch_related_objects(list(commitments), Prefetch("links", queryset=link_queryset()))


@dataclass
class LinkedToolkit:
    """One toolkit linked to a commitment, as a city's results page shows it."""

    link: CommitmentLink
    current: Toolkit
    """The theme's current published edition (the linked one when no edition is published)."""
    assessments: list[Assessment]
    """The city's assessments on the theme that the reader may see, newest first."""

    @property
    def toolkit(self) -> Toolkit:
        return self.link.toolkit

    @property
    def key_factors(self) -> list[KeyFactor]:
        return list(self.link.key_factors.all())


@dataclass
class CommitmentSuggestion:
    """A linked commitment in a city's response: its rating, its toolkits and, when the city
    rated it partly or not at all, the cities that rated it fully."""

    commitment: Commitment
    rating: str | None
    rating_label: str | None
    toolkits: list[LinkedToolkit]
    fully: list[Response] = field(default_factory=list)
    """Responses of the same cycle rating it fully that the reader may see (with their city);
    only for a commitment that needs work."""

    @property
    def needs_work(self) -> bool:
        return self.rating in NEEDS_WORK


@dataclass
class CitySuggestions:
    commitments: list[CommitmentSuggestion]
    may_assess: bool
    """Whether the reader is one of the city's officers (who start its assessments)."""

    @property
    def needing_work(self) -> int:
        return sum(1 for item in self.commitments if item.needs_work)


def city_suggestions(response: Response, *, user: Any) -> CitySuggestions:
    """The linked commitments of `response` (needs its cycle) as `user` may read them, in the
    questionnaire's order. Two queries when the edition has no links; seven at most."""
    links = list(
        link_queryset()
        .filter(commitment__questionnaire=response.cycle.questionnaire_id)
        .select_related("commitment")
        .order_by("commitment__position", "toolkit__theme__code", "-toolkit__year", "pk")
    )
    may_assess = roles_of(user).is_officer_of(response.city_id)
    if not links:
        return CitySuggestions([], may_assess)
    by_commitment: dict[int, list[CommitmentLink]] = defaultdict(list)
    for link in links:
        by_commitment[link.commitment_id].append(link)
    labels = dict(CommitmentAnswer.Rating.choices)
    ratings = dict(
        CommitmentAnswer.objects.filter(
            response=response, commitment__in=list(by_commitment)
        ).values_list("commitment_id", "rating")
    )
    themes = {link.toolkit.theme_id for link in links}
    current: dict[int, Toolkit] = {}
    for toolkit in (
        Toolkit.objects.published()
        .filter(theme__in=themes)
        .select_related("theme")
        .order_by("theme_id", "-year")
    ):
        current.setdefault(toolkit.theme_id, toolkit)
    assessments: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in (
        Assessment.objects.visible_to(user)
        .filter(city=response.city_id, toolkit__theme__in=themes)
        .select_related("toolkit__theme")
        .order_by("-assessed_on", "-pk")
    ):
        assessments[assessment.toolkit.theme_id].append(assessment)
    needing = [pk for pk, rating in ratings.items() if rating in NEEDS_WORK]
    fully: dict[int, list[Response]] = defaultdict(list)
    if needing:
        for answer in (
            CommitmentAnswer.objects.filter(
                commitment__in=needing,
                rating=CommitmentAnswer.Rating.FULLY,
                response__in=Response.objects.visible_to(user).filter(
                    cycle=response.cycle_id, status__in=Response.SUBMITTED_STATES
                ),
            )
            .exclude(response=response.pk)
            .select_related("response__city")
            .order_by("response__city__name")
        ):
            fully[answer.commitment_id].append(answer.response)
    result = []
    for links_of in by_commitment.values():
        commitment = links_of[0].commitment
        rating = ratings.get(commitment.pk)
        result.append(
            CommitmentSuggestion(
                commitment=commitment,
                rating=rating,
                rating_label=str(labels[rating]) if rating else None,
                toolkits=[
                    LinkedToolkit(
                        link=link,
                        current=current.get(link.toolkit.theme_id, link.toolkit),
                        assessments=assessments[link.toolkit.theme_id],
                    )
                    for link in links_of
                ],
                fully=fully[commitment.pk],
            )
        )
    return CitySuggestions(result, may_assess)
