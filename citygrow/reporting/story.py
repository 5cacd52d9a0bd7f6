"""The pairing's story (issue 14, parts 1 and 5): what the pairing page and its API route show of
one mentor city → implementing city pairing, composed from people, mentoring and plans.

A pairing is public (the programme publishes who mentors whom). What is private follows the
existing rules, read once for the pairing's implementing city and theme (people.access):
- a visit report's findings: published reports for everyone; drafts for those who may see the
  implementing city's private items on the theme (`mentoring.view_report`);
- the action plan: `ActionPlan.objects.visible_to` (endorsed plans are public);
- the people involved (the visits' participants and the pairing's roles): only for those who may
  see the implementing city's private items on the theme.

`pairing_story` reads it all in a fixed number of queries, however many visits, findings,
objectives or cited practices there are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from citygrow.mentoring.models import Finding, Pairing, Visit
from citygrow.people.models import City, CityFigure, Role, latest_figures
from citygrow.people.rules import roles_of
from citygrow.plans.followup import ObjectiveChange, measured_change
from citygrow.plans.models import ActionPlan
from citygrow.practices.models import Practice
from citygrow.reporting.models import Infographic

#: The kinds of finding in the order a report reads them, with their anchor on the page.
FINDING_KINDS = (
    (Finding.Kind.STRENGTH, "strengths"),
    (Finding.Kind.BARRIER, "barriers"),
    (Finding.Kind.CHALLENGE, "challenges"),
    (Finding.Kind.ACTION, "actions"),
)


@dataclass
class CityFacts:
    """One city of the pairing, with its latest key figure of each indicator."""

    city: City
    role: str
    figures: list[CityFigure]


@dataclass
class Moment:
    """One line of the timeline: a programme event or one of the pairing's visits."""

    kind: str  # "event" or "visit"
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    place: str
    url: str
    cancelled: bool
    past: bool
    visit: Visit | None = None


@dataclass
class FindingGroup:
    """The findings of one kind, from every report the reader may see, oldest visit first."""

    kind: str
    slug: str
    title: str
    findings: list[Finding]


@dataclass
class Person:
    """Someone involved in the pairing, and how."""

    name: str
    roles: list[str]


@dataclass
class PairingStory:
    """What the pairing page shows to one reader (see the module's docstring for who sees what).

    `plan` is None when there is no plan or the reader may not see it; `people` is None when the
    reader may not see who is involved; `changes` is empty until the plan has a follow-up
    assessment."""

    pairing: Pairing
    mentor: CityFacts
    implementing: CityFacts
    timeline: list[Moment]
    visits: list[Visit]
    findings: list[FindingGroup]
    draft_findings_shown: bool
    plan: ActionPlan | None
    progress: Decimal | None
    practices: list[Practice]
    changes: list[ObjectiveChange] = field(default_factory=list)
    people: list[Person] | None = None
    infographic: Infographic | None = None
    may_compose: bool = False
    may_plan_visit: bool = False
    may_start_plan: bool = False

    @property
    def cities(self) -> list[CityFacts]:
        return [self.mentor, self.implementing]

    @property
    def has_visits(self) -> bool:
        return bool(self.visits)

    @property
    def measured(self) -> bool:
        return any(change.factors for change in self.changes)


def pairings() -> QuerySet[Pairing]:
    """Pairings with what their story shows of them in the same query."""
    return Pairing.objects.select_related(
        "scheme__programme",
        "scheme__theme",
        "scheme__facilitator",
        "mentor_city__country",
        "implementing_city__country",
        "theme",
    )


def get_pairing(pk: int) -> Pairing:
    """The pairing `pk` (404 when there is none); pairings are public."""
    return get_object_or_404(pairings(), pk=pk)


def _person_name(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def pairing_story(pairing: Pairing, user: Any, on: datetime.date | None = None) -> PairingStory:
    """The story of `pairing` (loaded with `pairings()`) as `user` may read it, on the day `on`
    (today by default: a visit or event ending before it is past)."""
    on = on or timezone.localdate()
    roles = roles_of(user)
    private = roles.may_see_private(pairing.implementing_city_id, pairing.theme_id)
    programme = pairing.scheme.programme

    figures = CityFigure.objects.latest_by_city(
        [pairing.mentor_city_id, pairing.implementing_city_id]
    )
    mentor = CityFacts(
        pairing.mentor_city,
        _("Mentor city"),
        latest_figures(figures.get(pairing.mentor_city_id, {}).values()),
    )
    implementing = CityFacts(
        pairing.implementing_city,
        _("Implementing city"),
        latest_figures(figures.get(pairing.implementing_city_id, {}).values()),
    )

    visits_qs = Visit.objects.filter(pairing=pairing).select_related("report")
    if private:
        visits_qs = visits_qs.prefetch_related(Prefetch("participants", queryset=_people_ordered()))
    visits = list(visits_qs.order_by("starts_on", "pk"))
    for visit in visits:
        visit.pairing = pairing  # host and visiting city without a query
    timeline = [
        Moment(
            kind="event",
            title=event.title,
            starts_on=event.starts_on,
            ends_on=event.ends_on,
            place=event.place,
            url=programme.get_absolute_url(),
            cancelled=False,
            past=event.ends_on < on,
        )
        for event in programme.events.all()
    ] + [
        Moment(
            kind="visit",
            title=str(visit.get_kind_display()),
            starts_on=visit.starts_on,
            ends_on=visit.ends_on,
            place=visit.host_city.name,
            url=visit.get_absolute_url(),
            cancelled=visit.is_cancelled,
            past=visit.ends_on < on,
            visit=visit,
        )
        for visit in visits
    ]
    timeline.sort(key=lambda moment: (moment.starts_on, moment.kind != "event"))

    findings = Finding.objects.filter(report__visit__pairing=pairing).select_related(
        "report__visit"
    )
    if not private:
        findings = findings.filter(report__status="published")
    by_kind: dict[str, list[Finding]] = {kind: [] for kind, _slug in FINDING_KINDS}
    for finding in findings.order_by("report__visit__starts_on", "position", "pk"):
        by_kind.setdefault(finding.kind, []).append(finding)
    titles = {
        Finding.Kind.STRENGTH: _("Strengths"),
        Finding.Kind.BARRIER: _("Barriers"),
        Finding.Kind.CHALLENGE: _("Challenges"),
        Finding.Kind.ACTION: _("Recommended actions"),
    }
    groups = [
        FindingGroup(kind, slug, str(titles[kind]), by_kind[kind])
        for kind, slug in FINDING_KINDS
        if by_kind[kind]
    ]
    draft_shown = private and any(
        not finding.report.is_published for group in groups for finding in group.findings
    )

    plan = (
        ActionPlan.objects.visible_to(user)
        .with_progress()
        .select_related("endorsed_version", "assessment", "follow_up")
        .filter(pairing=pairing)
        .first()
    )
    practices: list[Practice] = []
    changes: list[ObjectiveChange] = []
    progress = None
    if plan is not None:
        plan.pairing = pairing
        progress = plan.overall_progress()
        practices = list(
            Practice.objects.filter(Q(citing_objectives__plan=plan) | Q(citing_actions__plan=plan))
            .select_related("city", "key_factor", "toolkit__theme")
            .distinct()
            .order_by("city__name", "pk")
        )
        if plan.assessment_id is not None and plan.follow_up_id is not None:
            changes = measured_change(plan)

    people = _people(pairing, visits) if private else None
    infographic = Infographic.objects.to_show(user, pairing)
    return PairingStory(
        pairing=pairing,
        mentor=mentor,
        implementing=implementing,
        timeline=timeline,
        visits=visits,
        findings=groups,
        draft_findings_shown=draft_shown,
        plan=plan,
        progress=progress,
        practices=practices,
        changes=changes,
        people=people,
        infographic=infographic,
        may_compose=roles.coordinator or roles.facilitates(pairing.theme_id),
        may_plan_visit=roles.coordinator or roles.facilitates(pairing.theme_id),
        may_start_plan=plan is None and roles.is_officer_of(pairing.implementing_city_id),
    )


def _people_ordered() -> QuerySet[Any]:
    return get_user_model().objects.order_by("first_name", "last_name", "username")


def _people(pairing: Pairing, visits: list[Visit]) -> list[Person]:
    """The pairing's mentors, the officers of its two cities, and every visit's participants,
    each once with what they are in the pairing. One query (the participants are prefetched)."""
    found: dict[int, Person] = {}

    def add(user: Any, role: str) -> None:
        person = found.setdefault(user.pk, Person(_person_name(user), []))
        if role not in person.roles:
            person.roles.append(role)

    pairing_roles = (
        Role.objects.current()
        .filter(
            Q(kind=Role.Kind.MENTOR, pairing=pairing)
            | Q(
                kind=Role.Kind.OFFICER,
                city__in=[pairing.mentor_city_id, pairing.implementing_city_id],
            )
        )
        .select_related("user")
        .order_by("kind", "user__first_name", "user__last_name", "user__username")
    )
    for role in pairing_roles:
        if role.kind == Role.Kind.MENTOR:
            add(role.user, _("Mentor"))
        elif role.city_id == pairing.implementing_city_id:
            add(role.user, _("Officer of %(city)s") % {"city": pairing.implementing_city.name})
        else:
            add(role.user, _("Officer of %(city)s") % {"city": pairing.mentor_city.name})
    for visit in visits:
        for user in visit.participants.all():
            add(
                user,
                _("Took part in the %(kind)s of %(date)s")
                % {"kind": visit.get_kind_display().lower(), "date": visit.starts_on.isoformat()},
            )
    return sorted(found.values(), key=lambda person: person.name.lower())
