"""What changes mentoring data: programmes, their events and schemes, scheme membership,
pairings, visits, visit reports, work logs and a partner city's rates.

Views and the API call these functions (never a model's save); each is keyword-only, checks its
input, raises `ServiceError` with a message for the person (never a server error), writes in one
transaction and records the change in the audit trail. Permissions are checked by the callers
(mentoring.rules). A programme, an event and a scheme come as a valid form of the pages
(mentoring.forms), which both the pages and the API validate with, so that they refuse and
store the same things.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from citygrow.assessments.insights import results_of
from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import KeyFactor, Toolkit
from citygrow.core import history
from citygrow.core.errors import ServiceError
from citygrow.mentoring import pairing as solver
from citygrow.mentoring.forms import EventForm, ProgrammeForm, SchemeForm
from citygrow.mentoring.models import (
    EventAttendance,
    Finding,
    Pairing,
    Programme,
    ProgrammeCity,
    ProgrammeEvent,
    Scheme,
    SchemeCity,
    Visit,
    VisitReport,
    WorkLog,
)
from citygrow.people import audit
from citygrow.people.models import AuditEntry, City, Invitation, Organisation, Role, User

# Programmes, events and schemes ------------------------------------------------------------


def programme_values(programme: Programme) -> dict[str, Any]:
    """The programme's values as the audit trail compares them: its fields, and its expert
    organisations by name. Take them before a form is validated on the programme (validating
    changes the instance)."""
    values = audit.field_values(programme)
    values["organisations"] = ", ".join(
        sorted(programme.organisations.values_list("name", flat=True))
    )
    return values


@transaction.atomic
def save_programme(
    *, form: ProgrammeForm, by: User, before: dict[str, Any] | None = None
) -> Programme:
    """Save a valid programme form, with its audit record. `before`: `programme_values` of the
    programme being changed; None for a new programme."""
    programme: Programme = form.save()
    if before is None:
        audit.record(actor=by, action=AuditEntry.Action.CREATE, target=programme)
    elif changes := audit.changes_between(before, programme_values(programme)):
        audit.record(actor=by, action=AuditEntry.Action.CHANGE, target=programme, changes=changes)
    return programme


@transaction.atomic
def save_event(*, form: EventForm, programme: Programme, by: User) -> ProgrammeEvent:
    """Add a valid event form's meeting to `programme`, with its audit record."""
    form.instance.programme = programme
    event: ProgrammeEvent = form.save()
    audit.record(actor=by, action=AuditEntry.Action.CREATE, target=event)
    return event


def scheme_values(scheme: Scheme) -> dict[str, Any]:
    """The scheme's values as the audit trail compares them. Take them before a form is
    validated on the scheme."""
    return audit.field_values(scheme)


def save_scheme(*, form: SchemeForm, by: User, before: dict[str, Any] | None = None) -> Scheme:
    """Save a valid scheme form and give its facilitating organisation the theme, with the
    audit records, in one transaction. `before`: `scheme_values` of the scheme being changed;
    None for a new scheme.

    Refused (about no one field) when another coordinator made a scheme on the theme
    meanwhile."""
    try:
        with transaction.atomic():
            scheme: Scheme = form.save()
            if before is None:
                audit.record(actor=by, action=AuditEntry.Action.CREATE, target=scheme)
            elif changes := audit.changes_between(before, scheme_values(scheme)):
                audit.record(
                    actor=by, action=AuditEntry.Action.CHANGE, target=scheme, changes=changes
                )
            if scheme.facilitator is not None:
                _give_theme(scheme.facilitator, scheme, by)
    except IntegrityError:
        raise ServiceError(
            _("This programme already has a scheme on this theme."), NON_FIELD_ERRORS
        ) from None
    return scheme


def _give_theme(organisation: Organisation, scheme: Scheme, by: User) -> None:
    """List the scheme's theme among those the organisation facilitates: that is what gives its
    members the facilitator's access to the theme (people.access)."""
    themes = sorted(organisation.themes.values_list("code", flat=True))
    if scheme.theme.code in themes:
        return
    organisation.themes.add(scheme.theme)
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=organisation,
        changes={"themes": [", ".join(themes), ", ".join(sorted([*themes, scheme.theme.code]))]},
    )


# Scheme membership -------------------------------------------------------------------------


def toolkit_of(scheme: Scheme) -> Toolkit | None:
    """The benchmark a scheme's cities are assessed against: the scheme's edition, else the
    theme's newest published edition; None when the theme has none."""
    if scheme.toolkit_id:
        return scheme.toolkit
    return (
        Toolkit.objects.published().filter(theme=scheme.theme_id).order_by("-year", "-pk").first()
    )


@transaction.atomic
def add_member(*, scheme: Scheme, city: City, role: str, by: Any) -> SchemeCity:
    """Put `city` into `scheme` as a mentor or implementing city; it becomes a partner of the
    programme if it was not one."""
    if role not in SchemeCity.Role.values:
        raise ServiceError(_("Choose the city's role: mentor or implementing city."), "role")
    existing = SchemeCity.objects.filter(scheme=scheme, city=city).first()
    if existing is not None:
        raise ServiceError(
            _("%(city)s is already in this scheme as %(role)s.")
            % {"city": city, "role": existing.get_role_display().lower()},
            "city",
        )
    member = SchemeCity.objects.create(scheme=scheme, city=city, role=role)
    ProgrammeCity.objects.get_or_create(programme_id=scheme.programme_id, city=city)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, target=member, city=city)
    return member


@transaction.atomic
def remove_member(*, member: SchemeCity, by: Any) -> None:
    """Take a city out of a scheme; refused while it is in one of the scheme's pairings."""
    if Pairing.objects.filter(scheme=member.scheme_id).involving(member.city_id).exists():
        raise ServiceError(
            _("%(city)s is in a pairing of this scheme. Remove the pairing first.")
            % {"city": member.city}
        )
    audit.record(actor=by, action=AuditEntry.Action.DELETE, target=member, city=member.city)
    member.delete()


# The recommender ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemeProposal:
    """A proposal for the implementing cities of a scheme that have no mentor yet."""

    scheme: Scheme
    toolkit: Toolkit | None
    proposal: solver.Proposal | None
    """None when the scheme has no toolkit to compare the cities on."""
    cities: dict[int, City]
    """The scheme's cities, by id."""
    assessments: dict[int, Assessment] = field(default_factory=dict)
    """The assessment each city's scores come from, by city id."""
    paired: tuple[Pairing, ...] = ()
    """The scheme's pairings made earlier; their implementing cities are not proposed again."""

    def city(self, city_id: int) -> City:
        return self.cities[city_id]


def latest_assessments(toolkit: Toolkit, city_ids: Iterable[int]) -> dict[int, Assessment]:
    """Each city's latest assessment on `toolkit` that was submitted (a draft is unfinished)."""
    latest: dict[int, Assessment] = {}
    found = (
        Assessment.objects.filter(toolkit=toolkit, city__in=list(city_ids))
        .exclude(status=Assessment.Status.DRAFT)
        .order_by("city", "-assessed_on", "-pk")
    )
    for assessment in found:
        latest.setdefault(assessment.city_id, assessment)
    return latest


def propose(scheme: Scheme) -> SchemeProposal:
    """The recommender's proposal for `scheme` (nothing is stored)."""
    members = list(scheme.members.select_related("city__country"))
    cities = {member.city_id: member.city for member in members}
    paired = tuple(
        scheme.pairings.select_related("mentor_city", "implementing_city", "theme").order_by("pk")
    )
    toolkit = toolkit_of(scheme)
    if toolkit is None:
        return SchemeProposal(scheme, None, None, cities, paired=paired)
    assessments = latest_assessments(toolkit, cities)
    results = results_of(assessments.values(), toolkit.pk)
    scores = {
        city_id: {factor.key: factor.score for factor in results[assessment.pk].factors}
        for city_id, assessment in assessments.items()
    }
    already = {pairing.implementing_city_id for pairing in paired}
    candidates = [
        solver.Candidate(
            id=member.city_id,
            name=member.city.name,
            country=member.city.country.code,
            languages=member.city.language_codes,
            role=solver.Role(member.role),
            scores=scores.get(member.city_id, {}),
        )
        for member in members
        if not (member.role == SchemeCity.Role.IMPLEMENTING and member.city_id in already)
    ]
    headings = dict(toolkit.key_factors.values_list("position", "heading"))
    options = solver.Options(
        capacity=scheme.capacity,
        forbid_same_country=scheme.forbid_same_country,
        require_shared_language=scheme.require_shared_language,
        taken=Counter(pairing.mentor_city_id for pairing in paired),
    )
    return SchemeProposal(
        scheme,
        toolkit,
        solver.propose(candidates, headings, options),
        cities,
        assessments,
        paired,
    )


# Pairings -----------------------------------------------------------------------------------


def _check_pair(
    scheme: Scheme,
    roles: dict[int, str],
    cities: dict[int, City],
    mentor_id: int,
    implementing_id: int,
) -> None:
    if mentor_id == implementing_id:
        raise ServiceError(_("A city cannot be paired with itself."))
    for city_id, role in ((mentor_id, "mentor"), (implementing_id, "implementing")):
        if city_id not in roles:
            raise ServiceError(
                _("%(city)s is not a city of this scheme; add it to the scheme first.")
                % {"city": cities.get(city_id) or _("City %(id)s") % {"id": city_id}}
            )
        if roles[city_id] != role:
            raise ServiceError(
                _("%(city)s is not a %(role)s city in this scheme.")
                % {
                    "city": cities[city_id],
                    "role": _("mentor") if role == "mentor" else _("implementing"),
                }
            )
    mentor, implementing = cities[mentor_id], cities[implementing_id]
    if scheme.forbid_same_country and mentor.country_id == implementing.country_id:
        raise ServiceError(
            _("%(mentor)s and %(city)s are in the same country, which this scheme rules out.")
            % {"mentor": mentor, "city": implementing}
        )
    if scheme.require_shared_language and not (mentor.language_codes & implementing.language_codes):
        raise ServiceError(
            _(
                "%(mentor)s and %(city)s share no working language, which this scheme requires. "
                "Record the cities' working languages if they do."
            )
            % {"mentor": mentor, "city": implementing}
        )


@transaction.atomic
def make_pairings(*, scheme: Scheme, pairs: Sequence[tuple[int, int]], by: Any) -> list[Pairing]:
    """Pair each (mentor city id, implementing city id) of `pairs` in `scheme`: all or nothing.

    Checks every pair against the scheme's cities, roles, constraints and capacity, together
    with the pairings the scheme already has.
    """
    members = {m.city_id: m for m in scheme.members.select_related("city")}
    roles = {city_id: member.role for city_id, member in members.items()}
    cities = {city_id: member.city for city_id, member in members.items()}
    outside = {c for pair in pairs for c in pair} - set(cities)
    if outside:
        cities.update(City.objects.in_bulk(outside))
    existing = list(scheme.pairings.all())
    has_mentor = {p.implementing_city_id: p for p in existing}
    load = Counter(p.mentor_city_id for p in existing)
    created = []
    for mentor_id, implementing_id in pairs:
        _check_pair(scheme, roles, cities, mentor_id, implementing_id)
        if implementing_id in has_mentor:
            raise ServiceError(
                _("%(city)s already has a mentor in this scheme: %(mentor)s.")
                % {
                    "city": cities[implementing_id],
                    "mentor": cities.get(has_mentor[implementing_id].mentor_city_id),
                }
            )
        load[mentor_id] += 1
        if load[mentor_id] > scheme.capacity:
            raise ServiceError(
                _(
                    "%(mentor)s would mentor %(count)s implementing cities; this scheme allows "
                    "%(capacity)s per mentor."
                )
                % {
                    "mentor": cities[mentor_id],
                    "count": load[mentor_id],
                    "capacity": scheme.capacity,
                }
            )
        pairing = Pairing(
            scheme=scheme, mentor_city_id=mentor_id, implementing_city_id=implementing_id
        )
        pairing.save()
        has_mentor[implementing_id] = pairing
        audit.record(
            actor=by, action=AuditEntry.Action.CREATE, target=pairing, city=cities[implementing_id]
        )
        created.append(pairing)
    return created


def why_pairing_stays(pairing: Pairing) -> str | None:
    """Why `pairing` cannot be removed, None when it can: its visits and its action plan belong
    to it and would be lost with it."""
    visits = pairing.visits.count()
    has_plan = Pairing.objects.filter(pk=pairing.pk, plan__isnull=False).exists()
    if visits and has_plan:
        return ngettext(
            "This pairing has %(count)d visit and an action plan, which would be lost with it. "
            "It can be removed only when it has neither.",
            "This pairing has %(count)d visits and an action plan, which would be lost with it. "
            "It can be removed only when it has neither.",
            visits,
        ) % {"count": visits}
    if visits:
        return ngettext(
            "This pairing has %(count)d visit, which would be lost with it. It can be removed "
            "only when it has no visit.",
            "This pairing has %(count)d visits, which would be lost with it. It can be removed "
            "only when it has no visit.",
            visits,
        ) % {"count": visits}
    if has_plan:
        return _(
            "This pairing has an action plan, which would be lost with it. It can be removed "
            "only when it has none."
        )
    return None


@transaction.atomic
def remove_pairing(*, pairing: Pairing, by: Any) -> None:
    """Undo a pairing: refused (with the reason) while it has visits or an action plan.

    What gave people access through it goes with it, each recorded in the audit trail: the
    roles of the mentors invited into it and the invitations still open (Role.pairing and
    Invitation.pairing cascade); its mentor city's officers stop being mentors of its
    implementing city (people.access)."""
    reason = why_pairing_stays(pairing)
    if reason is not None:
        raise ServiceError(reason)
    city = pairing.implementing_city
    for role in Role.objects.filter(pairing=pairing).select_related("user"):
        audit.record(actor=by, action=AuditEntry.Action.DELETE, target=role, city=city)
    for invitation in Invitation.objects.filter(pairing=pairing, accepted_at__isnull=True):
        audit.record(actor=by, action=AuditEntry.Action.DELETE, target=invitation, city=city)
    audit.record(actor=by, action=AuditEntry.Action.DELETE, target=pairing, city=city)
    try:
        with transaction.atomic():
            pairing.delete()
    except (ProtectedError, IntegrityError):  # a visit, a plan or an infographic refers to it
        raise ServiceError(
            _(
                "This pairing has a visit, an action plan or an infographic (perhaps just "
                "added), so it stays."
            )
        ) from None


# Visits -------------------------------------------------------------------------------------


def eligible_participants(pairing: Pairing) -> QuerySet[User]:
    """Who can take part in a pairing's visits: the officers of its two cities, the members of
    the organisation facilitating its scheme (or its theme) and the coordinators."""
    scheme = pairing.scheme
    organisations = Q(
        roles__kind=Role.Kind.FACILITATOR, roles__organisation__themes=pairing.theme_id
    )
    if scheme.facilitator_id:
        organisations |= Q(
            roles__kind=Role.Kind.FACILITATOR, roles__organisation=scheme.facilitator_id
        )
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                roles__kind=Role.Kind.OFFICER,
                roles__city__in=[pairing.mentor_city_id, pairing.implementing_city_id],
            )
            | organisations
            | Q(roles__kind=Role.Kind.COORDINATOR)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _span(starts_on: datetime.date, ends_on: datetime.date) -> str:
    if starts_on == ends_on:
        return date_format(starts_on)
    return f"{date_format(starts_on)} \N{EN DASH} {date_format(ends_on)}"


def _check_within_programme(
    programme: Programme, starts_on: datetime.date, ends_on: datetime.date
) -> None:
    """Refuse a visit whose days are not all within its programme's dates."""
    if programme.starts_on <= starts_on and ends_on <= programme.ends_on:
        return
    raise ServiceError(
        _(
            "A visit must lie within its programme's dates: %(programme)s runs %(days)s. "
            "Check the dates, or the programme's, if they are wrong."
        )
        % {"programme": programme, "days": _span(programme.starts_on, programme.ends_on)},
        # The field to correct: the first day when it is outside, else the last day.
        "ends_on" if programme.starts_on <= starts_on <= programme.ends_on else "starts_on",
    )


@transaction.atomic
def save_visit(
    *,
    pairing: Pairing,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    agenda: str,
    participants: Sequence[User],
    by: Any,
    visit: Visit | None = None,
) -> Visit:
    """Plan a visit of `pairing`, or change `visit`.

    Refuses a change to a cancelled visit, a visit that ends before it starts or lies outside
    its programme's dates, a second visit of the same kind for the pairing on overlapping
    days, participants who may not take part, and participants who are already on another
    visit on any of the same days. Cancelled visits clash with nothing.
    """
    if visit is not None and visit.is_cancelled:
        raise ServiceError(
            _(
                "This visit was cancelled, so it can no longer be changed. Plan a new visit "
                "instead, or delete this one if it was entered by mistake."
            )
        )
    if kind not in Visit.Kind.values:
        raise ServiceError(_("Choose a study visit or a mentoring visit."), "kind")
    if ends_on < starts_on:
        raise ServiceError(_("The last day cannot be before the first day."), "ends_on")
    _check_within_programme(pairing.scheme.programme, starts_on, ends_on)
    same = Visit.objects.standing().filter(
        pairing=pairing, kind=kind, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    if visit is not None:
        same = same.exclude(pk=visit.pk)
    if (twin := same.first()) is not None:
        raise ServiceError(
            _(
                "This pairing already has a %(kind)s on overlapping days (%(days)s). Change "
                "that visit instead, or cancel it first."
            )
            % {
                "kind": twin.get_kind_display().lower(),
                "days": _span(twin.starts_on, twin.ends_on),
            },
            "starts_on",
        )
    allowed = set(eligible_participants(pairing).values_list("pk", flat=True))
    for person in participants:
        if person.pk not in allowed:
            raise ServiceError(
                _(
                    "%(person)s cannot take part: participants are officers of the two cities, "
                    "the scheme's facilitators and coordinators."
                )
                % {"person": person.get_full_name() or person.username},
                "participants",
            )
    clashes = (
        Visit.objects.standing()
        .filter(participants__in=participants, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .select_related("pairing__mentor_city", "pairing__implementing_city")
        .prefetch_related("participants")
        .distinct()
    )
    if visit is not None:
        clashes = clashes.exclude(pk=visit.pk)
    wanted = {person.pk for person in participants}
    for clash in clashes:
        people = [p for p in clash.participants.all() if p.pk in wanted]
        raise ServiceError(
            _("%(people)s %(verb)s already on the %(visit)s (%(days)s).")
            % {
                "people": ", ".join(p.get_full_name() or p.username for p in people),
                "verb": _("is") if len(people) == 1 else _("are"),
                "visit": clash.get_kind_display().lower()
                + " "
                + _("to %(city)s") % {"city": clash.host_city},
                "days": _span(clash.starts_on, clash.ends_on),
            },
            "participants",
        )
    creating = visit is None
    if visit is None:
        visit = Visit(pairing=pairing)
    else:
        visit.sequence += 1
    visit.kind, visit.starts_on, visit.ends_on, visit.agenda = kind, starts_on, ends_on, agenda
    visit.save()
    visit.participants.set(participants)
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE if creating else AuditEntry.Action.CHANGE,
        target=visit,
        city=pairing.implementing_city,
    )
    return visit


CANCEL_REASON_LENGTH = 1_000


@transaction.atomic
def cancel_visit(
    *, visit: Visit, reason: str, by: Any, at: datetime.datetime | None = None
) -> Visit:
    """Call off `visit`: it is kept, marked cancelled (at `at`, now by default) with the
    reason, and its calendar event becomes CANCELLED in a new version. Its participants are
    free on those days again, and the pairing may plan another visit of the kind on them.

    Refused without a reason and for a visit already cancelled."""
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            _("Say why the visit is cancelled: the reason is shown with the visit."), "reason"
        )
    if len(reason) > CANCEL_REASON_LENGTH:
        raise ServiceError(
            _("Keep the reason to %(count)d characters.") % {"count": CANCEL_REASON_LENGTH},
            "reason",
        )
    stored = Visit.objects.select_for_update().only("sequence", "cancelled_at").get(pk=visit.pk)
    if stored.is_cancelled:
        raise ServiceError(_("This visit is already cancelled."))
    visit.cancelled_at = at or timezone.now()
    visit.cancel_reason = reason
    visit.sequence = stored.sequence + 1
    visit.save(update_fields=["cancelled_at", "cancel_reason", "sequence", "updated_at"])
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=visit,
        city=visit.pairing.implementing_city,
        changes={"status": ["planned", "cancelled"], "cancel_reason": ["", reason]},
        at=at,
    )
    return visit


def why_visit_stays(visit: Visit) -> str | None:
    """Why `visit` cannot be deleted, None when it can: its report is published, the public
    record that the visit took place. (Read `visit.existing_report()`: no query when the
    report was selected with the visit.)"""
    report = visit.existing_report()
    if report is None or not report.is_published:
        return None
    if visit.is_cancelled:
        return _(
            "Its report is published, so the visit is part of the public record and cannot be "
            "deleted. It is already marked cancelled, with the reason."
        )
    return _(
        "Its report is published, so the visit is part of the public record and cannot be "
        "deleted. If the visit did not take place as planned, cancel it instead: it stays on "
        "record, marked cancelled, with the reason."
    )


@transaction.atomic
def delete_visit(*, visit: Visit, by: Any) -> None:
    """Delete `visit` entered by mistake, with its report while that is a draft (and the
    report's findings): each recorded in the audit trail. Refused (with the reason and what
    to do instead) while its report is published."""
    report = VisitReport.objects.select_for_update().filter(visit=visit).first()
    if report is not None:
        visit.report = report
    reason = why_visit_stays(visit)
    if reason is not None:
        raise ServiceError(reason)
    city = visit.pairing.implementing_city
    if report is not None:
        audit.record(
            actor=by,
            action=AuditEntry.Action.DELETE,
            target=report,
            city=city,
            changes={"findings": [report.findings.count(), 0]},
        )
    audit.record(actor=by, action=AuditEntry.Action.DELETE, target=visit, city=city)
    visit.delete()


# Visit reports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingIn:
    kind: str
    text: str
    key_factors: Sequence[int] = ()
    """Key factor ids, of the scheme's toolkit."""


@transaction.atomic
def save_report(
    *, visit: Visit, summary: str, findings: Sequence[FindingIn], by: Any
) -> VisitReport:
    """Write the report of `visit` (its findings replace the earlier ones).

    A published report is final: refused; so is a report of a cancelled visit."""
    if visit.is_cancelled:
        raise ServiceError(_("This visit was cancelled, so it has no report to write."))
    report, created = VisitReport.objects.select_for_update().get_or_create(
        visit=visit, defaults={"author": by if getattr(by, "is_authenticated", False) else None}
    )
    if report.is_published:
        raise ServiceError(_("This report is published and can no longer be changed."))
    toolkit = toolkit_of(visit.pairing.scheme)
    known = set(
        KeyFactor.objects.filter(toolkit=toolkit).values_list("pk", flat=True) if toolkit else []
    )
    for number, finding in enumerate(findings, start=1):
        if finding.kind not in Finding.Kind.values:
            raise ServiceError(
                _("Finding %(number)s: choose strength, barrier, challenge or recommended action.")
                % {"number": number},
                "findings",
            )
        if not finding.text.strip():
            raise ServiceError(
                _("Finding %(number)s has no text.") % {"number": number}, "findings"
            )
        unknown = set(finding.key_factors) - known
        if unknown:
            raise ServiceError(
                _("Finding %(number)s names a key factor that is not in the scheme's toolkit.")
                % {"number": number},
                "findings",
            )
    report.summary = summary
    report.save()
    report.findings.all().delete()
    for position, finding in enumerate(findings):
        made = Finding.objects.create(
            report=report, kind=finding.kind, text=finding.text.strip(), position=position
        )
        made.key_factors.set(finding.key_factors)
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
        target=report,
        city=visit.pairing.implementing_city,
    )
    return report


@transaction.atomic
def tie_finding(*, finding: Finding, key_factors: Sequence[int], by: Any) -> Finding:
    """Tie a finding to the key factors it is about, after it was written: a finding kept
    without key factors because the scheme's theme had no published toolkit then. Refused
    while the theme still has none, for key factors of another toolkit, and, on a published
    report (final), for a finding that has key factors already: only its missing key factors
    are added, never its text."""
    report = finding.report
    toolkit = toolkit_of(report.visit.pairing.scheme)
    if toolkit is None:
        raise ServiceError(
            _("The scheme's theme has no published toolkit yet, so there are no key factors."),
            "key_factors",
        )
    ids = list(dict.fromkeys(key_factors))
    if not ids:
        raise ServiceError(_("Choose at least one key factor."), "key_factors")
    found = list(KeyFactor.objects.filter(pk__in=ids, toolkit=toolkit))
    if len(found) != len(ids):
        raise ServiceError(
            _("Choose key factors of the scheme's toolkit (%(toolkit)s).") % {"toolkit": toolkit},
            "key_factors",
        )
    before = sorted(finding.key_factors.values_list("position", flat=True))
    if report.is_published and before:
        raise ServiceError(
            _(
                "This report is published and final: only a finding without key factors can "
                "be tied to them."
            ),
            "key_factors",
        )
    finding.key_factors.set(found)
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=report,
        city=report.visit.pairing.implementing_city,
        changes={
            f"finding {finding.position + 1} key factors": [
                before,
                sorted(factor.position for factor in found),
            ]
        },
    )
    return finding


@transaction.atomic
def publish_report(
    *, report: VisitReport, by: Any, published_on: history.PastDate | None = None
) -> None:
    """Publish a visit's report: it becomes public and final. `published_on` is for a report
    of the past that a coordinator enters: the day (or the month) it was published, not in the
    future and not before the visit began; today by default."""
    if report.is_published:
        raise ServiceError(_("This report is already published."))
    if report.visit.is_cancelled:
        raise ServiceError(_("This visit was cancelled, so its report is not published."))
    if not report.findings.exists():
        raise ServiceError(_("Record at least one finding before publishing the report."))
    today = timezone.localdate()
    if published_on is None:
        published_on = history.PastDate(today)
    if published_on.is_future(today):
        raise ServiceError(
            _("The report cannot be published on a date to come: leave the date empty for today."),
            "published_on",
        )
    if published_on.is_before_day(report.visit.starts_on):
        raise ServiceError(
            _("A report cannot be published before its visit began (%(day)s).")
            % {"day": report.visit.starts_on.isoformat()},
            "published_on",
        )
    report.status = VisitReport.Status.PUBLISHED
    report.published_at = timezone.now()
    report.published_on = published_on.day
    report.published_on_precision = published_on.precision.value
    report.save(
        update_fields=[
            "status",
            "published_at",
            "published_on",
            "published_on_precision",
            "updated_at",
        ]
    )
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=report,
        city=report.visit.pairing.implementing_city,
        changes={
            "status": ["draft", "published"],
            "published_on": [None, history.iso(published_on)],
        },
    )


# Workload -----------------------------------------------------------------------------------


@transaction.atomic
def log_work(
    *,
    programme: Programme,
    city: City,
    activity: str,
    worked_on: datetime.date,
    days: Decimal,
    note: str = "",
    by: Any,
) -> WorkLog:
    """Record days an officer of `city` spent on `programme`."""
    if activity not in WorkLog.Activity.values:
        raise ServiceError(_("Choose an activity."), "activity")
    if days is None or not days.is_finite() or days <= 0:
        raise ServiceError(_("Days must be more than 0, e.g. 0.5 for half a day."), "days")
    if days > 366:
        raise ServiceError(_("One entry cannot have more than 366 days."), "days")
    if not ProgrammeCity.objects.filter(programme=programme, city=city).exists():
        raise ServiceError(
            _("%(city)s is not a partner city of %(programme)s.")
            % {"city": city, "programme": programme}
        )
    try:
        entry = WorkLog.objects.create(
            programme=programme,
            city=city,
            officer=by,
            activity=activity,
            worked_on=worked_on,
            days=days,
            note=note,
        )
    except IntegrityError:  # pragma: no cover - the checks above keep to the constraints
        raise ServiceError(_("These days could not be recorded.")) from None
    audit.record(actor=by, action=AuditEntry.Action.CREATE, target=entry, city=city)
    return entry


@transaction.atomic
def save_rates(
    *, partner: ProgrammeCity, day_rate: Decimal | None, co_financing: Decimal | None, by: User
) -> dict[str, list[Any]]:
    """Set a partner city's staff day rate and co-financing (None: not set), with an audit
    record of what changed; the changes, empty when there were none (nothing is written)."""
    fields = ["day_rate", "co_financing"]
    before = audit.field_values(partner, fields)
    partner.day_rate = day_rate
    partner.co_financing = co_financing
    changes = audit.changes_between(before, audit.field_values(partner, fields))
    if changes:
        partner.save(update_fields=fields)
        audit.record(
            actor=by,
            action=AuditEntry.Action.CHANGE,
            target=partner,
            city=partner.city,
            changes=changes,
        )
    return changes


def workload_of(programme: Programme, city: City) -> tuple[Any, list[WorkLog]]:
    """The workload of `city` in `programme` (mentoring.workload.Workload) and its work log
    entries, newest first with their officers, in two queries.

    Raises ProgrammeCity.DoesNotExist when the city is not a partner of the programme.
    """
    from citygrow.mentoring import workload

    partner = ProgrammeCity.objects.only("day_rate", "co_financing").get(
        programme=programme, city=city
    )
    entries = list(
        WorkLog.objects.filter(programme=programme, city=city)
        .select_related("officer")
        .order_by("-worked_on", "-pk")
    )
    result = workload.compute(
        planned_days=programme.planned_days,
        day_rate=partner.day_rate,
        co_financing=partner.co_financing,
        budget=programme.budget,
        entries=[workload.Entry(entry.activity, entry.days) for entry in entries],
        activities=WorkLog.Activity.values,
    )
    return result, entries


# Partner cities, co-financing and attendance at events (issue 14) -------------------------


@dataclass(frozen=True)
class CoFinancing:
    """A programme's co-financing target against what its partner cities pledged.

    `pledged`: the sum of the pledges set; `pledging` of the `partners` cities have set one.
    `gap`: what is still to be pledged (0 once the target is met); None without a target.
    """

    target: Decimal | None
    pledged: Decimal
    pledging: int
    partners: int

    @property
    def gap(self) -> Decimal | None:
        if self.target is None:
            return None
        return max(self.target - self.pledged, Decimal("0"))

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.pledged >= self.target


def co_financing_of(programme: Programme, partners: Sequence[ProgrammeCity]) -> CoFinancing:
    """The programme's co-financing target against the pledges of `partners` (its partner
    cities, already loaded: no query)."""
    pledges = [p.co_financing for p in partners if p.co_financing is not None]
    return CoFinancing(
        target=programme.co_financing_target,
        pledged=sum(pledges, Decimal("0")),
        pledging=len(pledges),
        partners=len(partners),
    )


def attendance_total(event: ProgrammeEvent, attendances: Iterable[EventAttendance]) -> int | None:
    """The event's total attendance: the total recorded, else the sum of the cities' figures,
    else None (not known)."""
    if event.attendance is not None:
        return event.attendance
    counts = [a.people for a in attendances]
    return sum(counts) if counts else None


@transaction.atomic
def save_attendance(
    *,
    event: ProgrammeEvent,
    counts: Mapping[int, int | None],
    total: int | None,
    by: Any,
) -> dict[str, list[Any]]:
    """Record an event's attendance: `total` (everyone, the experts included; None: the sum of
    the cities' figures) and each partner city's people by city id (None, or a city left out:
    not known). Replaces the figures stored before; one audit record of what changed, whose
    changes are returned (empty: nothing changed, nothing written).

    Refused: a city that is not a partner of the event's programme, a negative count, a total
    smaller than the cities' figures add up to.
    """
    for value in (total, *counts.values()):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise ServiceError(_("Enter a whole number of people, 0 or more, or leave it empty."))
    if total is not None and total < 0:
        raise ServiceError(
            _("A number of people cannot be negative: enter 0 or more, or leave it empty."),
            "total",
        )
    partners = {
        partner.city_id: partner.city
        for partner in ProgrammeCity.objects.filter(programme_id=event.programme_id).select_related(
            "city"
        )
    }
    for city_id, count in counts.items():
        if city_id not in partners:
            raise ServiceError(
                _("Only the programme's partner cities have attendance figures."), "cities"
            )
        if count is not None and count < 0:
            raise ServiceError(
                _(
                    "%(city)s: a number of people cannot be negative: enter 0 or more, or leave "
                    "it empty."
                )
                % {"city": partners[city_id].name},
                f"city_{city_id}",
            )
    wanted = {city_id: count for city_id, count in counts.items() if count is not None}
    if total is not None and sum(wanted.values()) > total:
        raise ServiceError(
            _(
                "The cities' figures add up to %(sum)d people, more than the total of %(total)d. "
                "Correct the total or leave it empty."
            )
            % {"sum": sum(wanted.values()), "total": total},
            "total",
        )
    event = ProgrammeEvent.objects.select_for_update().get(pk=event.pk)
    stored = {a.city_id: a for a in EventAttendance.objects.filter(event=event)}
    changes: dict[str, list[Any]] = {}
    if event.attendance != total:
        changes["attendance"] = [event.attendance, total]
        event.attendance = total
        event.save(update_fields=["attendance"])
    gone = [city_id for city_id in stored if city_id not in wanted]
    if gone:
        EventAttendance.objects.filter(event=event, city_id__in=gone).delete()
    new, changed = [], []
    for city_id, people in wanted.items():
        row = stored.get(city_id)
        if row is None:
            new.append(EventAttendance(event=event, city_id=city_id, people=people))
        elif row.people != people:
            row.people = people
            changed.append(row)
    EventAttendance.objects.bulk_create(new)
    EventAttendance.objects.bulk_update(changed, ["people"])
    for city_id in sorted(set(stored) | set(wanted), key=lambda pk: partners[pk].name):
        old = stored[city_id].people if city_id in stored else None
        if old != wanted.get(city_id):
            name = _("attendance of %(city)s") % {"city": partners[city_id].name}
            changes[name] = [old, wanted.get(city_id)]
    if changes:
        audit.record(
            actor=by,
            action=AuditEntry.Action.CHANGE,
            target=event,
            changes={name: [_text(old), _text(new)] for name, (old, new) in changes.items()},
        )
    return changes


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
