"""What a programme promised to deliver, against what exists in the platform (issue 14, part 4).

`track(programme)` gives one `Tracked` per promise (`reporting.models.Deliverable`), in the order
the coordinator recorded them: how many exist, whether that meets the promise, and the items
counted, each with its link where it has one. The rules, by kind:

- action plans: the action plans of the programme's pairings that have a version endorsed at
  both levels (administrative and political; `ActionPlan.endorsed_version`);
- toolkits: the published editions (`Toolkit.Status.PUBLISHED`) of the themes of the programme's
  schemes. An edition published through the platform counts when it was published between the
  programme's first and last day; an edition loaded from a file has no publication moment
  (`published_at` is empty) and counts whatever its year. **One per theme**: the promise is
  about toolkits (one per theme), not editions, so a theme with two editions published during
  the programme counts once, and its newest such edition is the item listed;
- infographics: the pairings of the programme with a published infographic (the newest published
  version of each is the item listed);
- videos and other outputs: the links recorded with the promise;
- conferences: the programme's events of kind conference that have ended before `on`;
- events: all the programme's events that have ended before `on` (conferences included).

`track` reads the promises in one query and then at most one query per kind of data (plans,
toolkits, infographics, events), only for the kinds promised: a fixed number, whatever the size
of the data.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from citygrow.catalogue.models import Toolkit
from citygrow.mentoring.models import Programme, ProgrammeEvent, Scheme
from citygrow.plans.models import ActionPlan
from citygrow.reporting.models import Deliverable, Infographic

Kind = Deliverable.Kind


@dataclass(frozen=True)
class Counted:
    """One item counted towards a promise: what it is called, and its address (a path of this
    site, or a web address for the links recorded; empty when it has no page)."""

    label: str
    url: str = ""


@dataclass(frozen=True)
class Tracked:
    """One promise of the programme against what exists."""

    deliverable: Deliverable
    existing: int
    met: bool
    counts: str  #: what is counted, in words
    items: list[Counted] = field(default_factory=list)

    @property
    def promised(self) -> int:
        return self.deliverable.promised

    @property
    def missing(self) -> int:
        """How many more are needed to meet the promise (0 once it is met)."""
        return max(0, self.promised - self.existing)

    @property
    def percent(self) -> int:
        """How much of the promise exists, in percent (at most 100; 100 when nothing was
        promised)."""
        if self.promised <= 0:
            return 100
        return min(100, round(100 * self.existing / self.promised))


def what_is_counted(kind: str) -> str:
    """The rule of a kind, in words, as the programme page and the API say it."""
    rules: dict[str, str] = {
        Kind.ACTION_PLANS: _(
            "Action plans of the programme's pairings endorsed at both levels (administrative "
            "and political)."
        ),
        Kind.TOOLKITS: _(
            "Toolkits of the programme's themes with an edition published during the programme "
            "(or loaded as published), one per theme."
        ),
        Kind.INFOGRAPHICS: _("Pairings of the programme with a published infographic."),
        Kind.VIDEOS: _("The links recorded, one per video."),
        Kind.CONFERENCES: _("The programme's conferences that have ended."),
        Kind.EVENTS: _("The programme's events that have ended, conferences included."),
        Kind.OTHER: _("The links recorded, one per output."),
    }
    return rules.get(kind, "")


def track(programme: Programme, on: datetime.date | None = None) -> list[Tracked]:
    """Each promise of `programme` against what exists on the day `on` (today by default: an
    event counts as held once its last day is before `on`)."""
    on = on or timezone.localdate()
    deliverables = list(Deliverable.objects.filter(programme=programme))
    kinds = {deliverable.kind for deliverable in deliverables}
    found: dict[str, list[Counted]] = {}
    if Kind.ACTION_PLANS in kinds:
        found[Kind.ACTION_PLANS] = endorsed_plans(programme)
    if Kind.TOOLKITS in kinds:
        found[Kind.TOOLKITS] = published_toolkits(programme)
    if Kind.INFOGRAPHICS in kinds:
        found[Kind.INFOGRAPHICS] = published_infographics(programme)
    if kinds & {Kind.CONFERENCES, Kind.EVENTS}:
        held = held_events(programme, on)
        found[Kind.EVENTS] = [_event(event) for event in held]
        found[Kind.CONFERENCES] = [
            _event(event) for event in held if event.kind == ProgrammeEvent.Kind.CONFERENCE
        ]
    result = []
    for deliverable in deliverables:
        if deliverable.is_linked:
            items = [Counted(link, link) for link in deliverable.links]
        else:
            items = found.get(deliverable.kind, [])
        result.append(
            Tracked(
                deliverable=deliverable,
                existing=len(items),
                met=len(items) >= deliverable.promised,
                counts=what_is_counted(deliverable.kind),
                items=items,
            )
        )
    return result


def endorsed_plans(programme: Programme) -> list[Counted]:
    """The programme's action plans with a version endorsed at both levels (public: endorsed
    plans are), by implementing city."""
    plans = (
        ActionPlan.objects.filter(
            pairing__scheme__programme=programme, endorsed_version__isnull=False
        )
        .select_related("pairing__implementing_city", "pairing__theme")
        .only(
            "pk",
            "title",
            "pairing__theme__code",
            "pairing__implementing_city__name",
        )
        .order_by("pairing__implementing_city__name", "pairing__theme__code", "pk")
    )
    return [
        Counted(
            _("%(title)s (%(city)s, theme %(theme)s)")
            % {
                "title": plan.title,
                "city": plan.pairing.implementing_city.name,
                "theme": plan.pairing.theme.code,
            },
            plan.get_absolute_url(),
        )
        for plan in plans
    ]


def published_toolkits(programme: Programme) -> list[Counted]:
    """One published edition per theme of the programme's schemes: the newest published during
    the programme, or loaded as published (no publication moment). See the module's docstring."""
    themes = Scheme.objects.filter(programme=programme).values("theme")
    during = Q(
        published_at__date__gte=programme.starts_on,
        published_at__date__lte=programme.ends_on,
    )
    editions = (
        Toolkit.objects.filter(theme__in=themes, status=Toolkit.Status.PUBLISHED)
        .filter(Q(published_at__isnull=True) | during)
        .select_related("theme")
        .only("pk", "title", "year", "theme__code")
        .order_by("theme__code", "-year")
    )
    return [
        Counted(
            _("%(code)s. %(title)s (%(year)s edition)")
            % {"code": edition.theme.code, "title": edition.title, "year": edition.year},
            edition.get_absolute_url(),
        )
        for edition in _first_of_each_theme(editions)
    ]


def _first_of_each_theme(editions: Iterable[Toolkit]) -> list[Toolkit]:
    seen: set[int] = set()
    first = []
    for edition in editions:
        if edition.theme_id not in seen:
            seen.add(edition.theme_id)
            first.append(edition)
    return first


def published_infographics(programme: Programme) -> list[Counted]:
    """The newest published infographic of each of the programme's pairings that has one."""
    infographics = (
        Infographic.objects.latest_published()
        .filter(pairing__scheme__programme=programme)
        .select_related("pairing__mentor_city", "pairing__implementing_city", "pairing__theme")
        .only(
            "pk",
            "title",
            "pairing__theme__code",
            "pairing__mentor_city__name",
            "pairing__implementing_city__name",
        )
        .order_by("pairing__theme__code", "pairing__implementing_city__name", "pk")
    )
    return [
        Counted(
            _("%(mentor)s → %(city)s (theme %(theme)s): %(title)s")
            % {
                "mentor": infographic.pairing.mentor_city.name,
                "city": infographic.pairing.implementing_city.name,
                "theme": infographic.pairing.theme.code,
                "title": infographic.title,
            },
            infographic.get_absolute_url(),
        )
        for infographic in infographics
    ]


def held_events(programme: Programme, on: datetime.date) -> list[ProgrammeEvent]:
    """The programme's events whose last day is before `on`, in the order they were held."""
    return list(
        ProgrammeEvent.objects.filter(programme=programme, ends_on__lt=on).order_by(
            "starts_on", "pk"
        )
    )


def _event(event: ProgrammeEvent) -> Counted:
    """An event has no page of its own (it is listed on the programme's page): no address."""
    return Counted(
        _("%(title)s, %(place)s, %(date)s")
        % {
            "title": event.title,
            "place": event.place,
            "date": date_format(event.starts_on, "DATE_FORMAT"),
        },
    )
