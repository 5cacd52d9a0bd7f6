"""The shapes of the mentoring API's requests and answers (citygrow.api.mentoring).

The answers read the models' attributes (the routes return the objects): what is not an
attribute of the same name is a `resolve_<field>` method here, and the permission-dependent
parts of a visit are resolved for the caller (`context["request"]`).
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.urls import reverse
from ninja import Field, Path, Schema

from citygrow.api.common import absolute
from citygrow.api.schemas import NO_NUL, KeyFactorRef
from citygrow.mentoring.models import (
    PLANNED_DAYS,
    EventAttendance,
    Finding,
    Pairing,
    Programme,
    ProgrammeCity,
    ProgrammeEvent,
    Scheme,
    Visit,
    VisitReport,
    WorkLog,
)
from citygrow.people.models import City, User

#: A programme's short name in addresses (Programme.slug); anything else gets 422 before a query.
ProgrammeSlug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]+$", max_length=100)]

SlugIn = Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=100)]
UsernameIn = Annotated[str, Field(pattern=NO_NUL, max_length=150)]
OrganisationName = Annotated[str, Field(pattern=NO_NUL, max_length=200)]


def text(max_length: int, description: str = "") -> Any:
    """A text field that may be left out (empty), within `max_length`, without NUL."""
    return Field("", pattern=NO_NUL, max_length=max_length, description=description)


# -- answers ------------------------------------------------------------------------------------

HUNDREDTH = Decimal("0.01")


def _url(obj: Any, context: dict[str, Any]) -> str:
    """The object's page, as a full address on the host the caller used."""
    return absolute(context["request"], obj.get_absolute_url())


class CityRef(Schema):
    slug: str
    name: str


class PersonOut(Schema):
    username: str
    name: str

    @staticmethod
    def resolve_name(person: User) -> str:
        return person.get_full_name()


class ProgrammeSummary(Schema):
    slug: str
    name: str
    starts_on: date
    ends_on: date
    is_demo: bool = Field(description="Demo data: some roles, pairs, visits or figures are made up")
    cities: int = Field(description="How many partner cities")
    schemes: int
    pairings: int
    url: str

    # The counts are annotations of the route's query.
    @staticmethod
    def resolve_cities(programme: Any) -> int:
        return int(programme.city_count)

    @staticmethod
    def resolve_schemes(programme: Any) -> int:
        return int(programme.scheme_count)

    @staticmethod
    def resolve_pairings(programme: Any) -> int:
        return int(programme.pairing_count)

    resolve_url = staticmethod(_url)


class AttendanceOut(Schema):
    city: CityRef
    count: int = Field(description="How many of the city's people took part; 0: none")

    @staticmethod
    def resolve_count(attendance: EventAttendance) -> int:
        return attendance.people


def _attendances(event: ProgrammeEvent) -> list[EventAttendance]:
    """The event's attendance by city: as the route loaded it, else from its relation."""
    loaded: list[EventAttendance] | None = getattr(event, "city_attendances", None)
    return loaded if loaded is not None else list(event.attendances.all())


class EventOut(Schema):
    id: int
    kind: str = Field(description="launch, conference, final or other")
    title: str
    place: str
    starts_on: date
    ends_on: date
    attendance: int | None = Field(
        description="The total recorded (the experts included); None: not recorded"
    )
    total: int | None = Field(
        description="The total recorded, else the sum of the cities' figures; None: not known"
    )
    cities: list[AttendanceOut] = Field(
        description="The people of each partner city whose figure is known, by city name"
    )

    @staticmethod
    def resolve_total(event: ProgrammeEvent) -> int | None:
        if event.attendance is not None:
            return event.attendance
        counts = [attendance.people for attendance in _attendances(event)]
        return sum(counts) if counts else None

    @staticmethod
    def resolve_cities(event: ProgrammeEvent) -> list[EventAttendance]:
        return _attendances(event)


class MemberOut(Schema):
    city: CityRef
    role: str = Field(description="mentor or implementing")


class PairingOut(Schema):
    id: int
    theme: str = Field(description="Theme code, e.g. A")
    mentor: CityRef
    implementing: CityRef

    @staticmethod
    def resolve_theme(pairing: Pairing) -> str:
        return pairing.theme.code

    @staticmethod
    def resolve_mentor(pairing: Pairing) -> City:
        return pairing.mentor_city

    @staticmethod
    def resolve_implementing(pairing: Pairing) -> City:
        return pairing.implementing_city


class VisitRef(Schema):
    id: int
    kind: str = Field(description="study or mentoring")
    starts_on: date
    ends_on: date
    cancelled: bool = Field(description="Called off: kept on record, marked cancelled")

    @staticmethod
    def resolve_cancelled(visit: Visit) -> bool:
        return visit.is_cancelled


class PairingWithVisits(PairingOut):
    visits: list[VisitRef]


class ConstraintsOut(Schema):
    capacity: int = Field(description="The most implementing cities one mentor takes on")
    forbid_same_country: bool
    require_shared_language: bool


class SchemeSummary(Schema):
    theme: str = Field(description="Theme code, e.g. A")
    theme_title: str
    toolkit_year: int | None = Field(
        description="The toolkit edition the cities are assessed against; None: the theme's "
        "current published edition"
    )
    facilitator: str | None = Field(description="The facilitating organisation")
    constraints: ConstraintsOut
    members: list[MemberOut]
    pairings: list[PairingOut]
    url: str

    @staticmethod
    def resolve_theme(scheme: Scheme) -> str:
        return scheme.theme.code

    @staticmethod
    def resolve_theme_title(scheme: Scheme) -> str:
        return scheme.theme.title

    @staticmethod
    def resolve_toolkit_year(scheme: Scheme) -> int | None:
        return scheme.toolkit.year if scheme.toolkit else None

    @staticmethod
    def resolve_facilitator(scheme: Scheme) -> str | None:
        return scheme.facilitator.name if scheme.facilitator else None

    @staticmethod
    def resolve_constraints(scheme: Scheme) -> Scheme:
        return scheme  # ConstraintsOut reads its fields

    resolve_url = staticmethod(_url)


class SchemeOut(SchemeSummary):
    programme: str = Field(description="The programme's slug")
    pairings: list[PairingWithVisits]  # type: ignore[assignment]

    @staticmethod
    def resolve_programme(scheme: Scheme) -> str:
        return scheme.programme.slug


class RoleOut(Schema):
    scheme: str = Field(description="The scheme's theme code, e.g. A")
    role: str = Field(description="mentor or implementing")


class PartnerOut(Schema):
    city: CityRef
    schemes: list[RoleOut] = Field(description="Empty: not in a scheme yet")
    co_financing: Decimal | None = Field(
        description="What the city pledged, EUR; None: not set, or not shown to the caller (its "
        "officers and coordinators see it)"
    )


class CoFinancingOut(Schema):
    target: Decimal | None = Field(description="EUR; None: not set")
    pledged: Decimal | None = Field(
        description="The sum of the partner cities' pledges, EUR; shown to coordinators only"
    )
    pledging: int | None = Field(description="How many partner cities pledged (coordinators)")
    gap: Decimal | None = Field(
        description="Still to be pledged, EUR (0 once met); None: no target, or not shown"
    )


class ProgrammeOut(Schema):
    slug: str
    name: str
    summary: str
    starts_on: date
    ends_on: date
    is_demo: bool
    budget: Decimal | None = Field(description="EUR")
    funder: str
    coordinator: str | None = Field(description="The coordinating organisation")
    planned_days: int = Field(description="Planned workload per city, in days")
    organisations: list[str] = Field(description="The expert organisations")
    events: list[EventOut]
    cities: list[CityRef] = Field(description="The partner cities")
    partners: list[PartnerOut] = Field(
        description="The partner cities, whether or not in a scheme, with their roles"
    )
    co_financing_target: Decimal | None = Field(description="EUR; None: not set")
    co_financing: CoFinancingOut = Field(description="The target against what the cities pledged")
    schemes: list[SchemeSummary]
    url: str

    @staticmethod
    def resolve_partners(programme: Programme, context: dict[str, Any]) -> list[dict[str, Any]]:
        user = context["request"].user
        roles: dict[int, list[dict[str, str]]] = {}
        for scheme in programme.schemes.all():
            for member in scheme.members.all():
                roles.setdefault(member.city_id, []).append(
                    {"scheme": scheme.theme.code, "role": member.role}
                )
        return [
            {
                "city": partner.city,
                "schemes": roles.get(partner.city_id, []),
                "co_financing": partner.co_financing
                if user.has_perm("mentoring.view_workload", partner.city)
                else None,
            }
            for partner in programme.partners.all()
        ]

    @staticmethod
    def resolve_co_financing(programme: Programme, context: dict[str, Any]) -> dict[str, Any]:
        partners: list[ProgrammeCity] = list(programme.partners.all())
        pledges = [p.co_financing for p in partners if p.co_financing is not None]
        target = programme.co_financing_target
        if not context["request"].user.has_perm("mentoring.manage_programme"):
            return {"target": target, "pledged": None, "pledging": None, "gap": None}
        pledged = sum(pledges, Decimal("0"))
        return {
            "target": target,
            "pledged": pledged,
            "pledging": len(pledges),
            "gap": None if target is None else max(target - pledged, Decimal("0")),
        }

    @staticmethod
    def resolve_coordinator(programme: Programme) -> str | None:
        return programme.coordinator.name if programme.coordinator else None

    @staticmethod
    def resolve_organisations(programme: Programme) -> list[str]:
        return [organisation.name for organisation in programme.organisations.all()]

    @staticmethod
    def resolve_cities(programme: Programme) -> list[City]:
        return [partner.city for partner in programme.partners.all()]

    resolve_url = staticmethod(_url)


class StrengthOut(Schema):
    key_factor: KeyFactorRef
    mentor_score: float
    implementing_score: float
    benefit: float


class ProposedPair(Schema):
    mentor: str = Field(description="The mentor city's slug")
    implementing: str = Field(description="The implementing city's slug")
    benefit: float = Field(description="Benefit points: how far the mentor is ahead where the "
                           "implementing city is weak")  # fmt: skip
    explanation: str
    strengths: list[StrengthOut]


class UnpairedOut(Schema):
    city: str = Field(description="The city's slug")
    role: str
    reason: str


class AssessmentUsed(Schema):
    city: str = Field(description="The city's slug")
    assessment_id: int
    title: str
    assessed_on: date


class ProposalOut(Schema):
    toolkit_year: int | None = Field(description="The toolkit compared on; None: there is none")
    detail: str = Field(description="What the proposal is, or why there is none")
    pairs: list[ProposedPair]
    unpaired: list[UnpairedOut]
    total_benefit: float
    assessments: list[AssessmentUsed] = Field(description="The assessment used for each city")
    already_paired: list[PairingOut] = Field(description="Pairings made earlier; not proposed")


class VisitOut(Schema):
    id: int
    pairing_id: int
    programme: str = Field(description="The programme's slug")
    theme: str
    kind: str = Field(description="study (to the mentor city) or mentoring (to the implementing)")
    host_city: CityRef
    visiting_city: CityRef
    starts_on: date
    ends_on: date
    agenda: str
    participants: list[PersonOut] | None = Field(
        description="None: not shown to you (the participants are shown to the pairing's team)"
    )
    report_status: str | None = Field(
        description="draft or published; None: no report, or one you may not see"
    )
    cancelled: bool = Field(description="Called off: kept on record, marked cancelled")
    cancelled_at: datetime | None = Field(description="When it was cancelled; None: it stands")
    cancel_reason: str = Field(description="Why it was cancelled (public); empty while it stands")
    url: str
    calendar_url: str

    @staticmethod
    def resolve_cancelled(visit: Visit) -> bool:
        return visit.is_cancelled

    @staticmethod
    def resolve_programme(visit: Visit) -> str:
        return visit.pairing.scheme.programme.slug

    @staticmethod
    def resolve_theme(visit: Visit) -> str:
        return visit.pairing.theme.code

    @staticmethod
    def resolve_participants(visit: Visit, context: dict[str, Any]) -> list[User] | None:
        if not context["request"].user.has_perm("mentoring.view_participants", visit):
            return None
        return list(visit.participants.all())

    @staticmethod
    def resolve_report_status(visit: Visit, context: dict[str, Any]) -> str | None:
        report = visit.existing_report()
        if report is None or not context["request"].user.has_perm("mentoring.view_report", report):
            return None
        return report.status

    resolve_url = staticmethod(_url)

    @staticmethod
    def resolve_calendar_url(visit: Visit, context: dict[str, Any]) -> str:
        return absolute(context["request"], reverse("mentoring:visit_ics", args=[visit.pk]))


class FindingOut(Schema):
    kind: str = Field(description="strength, barrier, challenge or action")
    text: str
    key_factors: list[KeyFactorRef]

    @staticmethod
    def resolve_key_factors(finding: Finding) -> list[dict[str, Any]]:
        factors = sorted(finding.key_factors.all(), key=lambda factor: factor.position)
        return [{"number": factor.position, "heading": factor.heading} for factor in factors]


class ReportOut(Schema):
    visit_id: int
    status: str = Field(description="draft or published")
    summary: str
    findings: list[FindingOut]
    updated_at: datetime
    published_at: datetime | None
    published_on: date | None = Field(
        description="When it was published, as the record has it (a month: its first day)"
    )
    published_on_precision: Literal["day", "month"]

    @staticmethod
    def resolve_findings(report: VisitReport) -> QuerySet[Finding]:
        return report.findings.prefetch_related("key_factors")


# -- requests -----------------------------------------------------------------------------------


class MemberIn(Schema):
    city: SlugIn = Field(description="The city's slug")
    role: str = Field(description="mentor or implementing")


class PairIn(Schema):
    mentor: SlugIn = Field(description="The mentor city's slug")
    implementing: SlugIn = Field(description="The implementing city's slug")


class PairingsIn(Schema):
    pairs: list[PairIn] = Field(max_length=200)


class VisitIn(Schema):
    kind: str = Field(description="study or mentoring")
    starts_on: date
    ends_on: date
    agenda: str = text(10_000)
    participants: list[UsernameIn] = Field(
        [], max_length=100, description="Usernames: officers of the two cities, the scheme's "
        "facilitators, coordinators"
    )  # fmt: skip


class CancelVisitIn(Schema):
    reason: str = Field(
        pattern=NO_NUL,
        max_length=1_000,
        description="Why the visit is cancelled: public, shown with the visit and in calendars",
    )


class FindingIn(Schema):
    kind: str = Field(description="strength, barrier, challenge or action")
    text: str = text(5_000)
    key_factors: list[int] = Field(
        [], max_length=50, description="Numbers of key factors of the scheme's toolkit"
    )


class FindingKeyFactorsIn(Schema):
    key_factors: list[int] = Field(
        ...,
        min_length=1,
        max_length=50,
        description="Numbers of key factors of the scheme's toolkit",
    )


class ReportIn(Schema):
    summary: str = text(10_000)
    findings: list[FindingIn] = Field([], max_length=200)


class ProgrammeIn(Schema):
    """A new programme; validated as the programme form of the pages (ProgrammeForm)."""

    name: str = Field(pattern=NO_NUL, max_length=200)
    slug: str = Field(
        pattern=NO_NUL, max_length=100, description="Letters, digits and hyphens, e.g. cities-grow"
    )
    summary: str = text(5_000)
    starts_on: date
    ends_on: date
    budget: Decimal | None = Field(None, description="EUR, more than 0; None: not known")
    funder: str = text(300)
    coordinator: OrganisationName | None = Field(
        None, description="The coordinating organisation's name"
    )
    planned_days: int = Field(
        PLANNED_DAYS, ge=-32768, le=32767, description="Planned workload per city, in days"
    )
    organisations: list[OrganisationName] = Field(
        [], max_length=100, description="The names of the expert organisations"
    )
    is_demo: bool = False
    co_financing_target: Decimal | None = Field(None, description="EUR, 0 or more; None: not set")


class ProgrammePatch(Schema):
    """Changes to a programme: the fields sent replace the stored ones; the others keep their
    value. `budget`, `co_financing_target` and `coordinator` may be sent as null to clear
    them."""

    name: str | None = Field(None, pattern=NO_NUL, max_length=200)
    slug: str | None = Field(None, pattern=NO_NUL, max_length=100)
    summary: str | None = Field(None, pattern=NO_NUL, max_length=5_000)
    starts_on: date | None = None
    ends_on: date | None = None
    budget: Decimal | None = None
    co_financing_target: Decimal | None = None
    funder: str | None = Field(None, pattern=NO_NUL, max_length=300)
    coordinator: OrganisationName | None = None
    planned_days: int | None = Field(None, ge=-32768, le=32767)
    organisations: list[OrganisationName] | None = Field(None, max_length=100)
    is_demo: bool | None = None


class EventIn(Schema):
    """A meeting of the whole programme; validated as on the pages (EventForm)."""

    kind: str = Field(description="launch, conference, final or other")
    title: str = Field(pattern=NO_NUL, max_length=200)
    place: str = Field(pattern=NO_NUL, max_length=200)
    starts_on: date
    ends_on: date
    attendance: int | None = Field(
        None, ge=-2_147_483_648, le=2_147_483_647, description="How many people took part"
    )


class CityCountIn(Schema):
    city: str = Field(
        pattern=r"^[-a-zA-Z0-9_]+$", max_length=100, description="A partner city's slug"
    )
    count: int | None = Field(
        ge=-2_147_483_648,
        le=2_147_483_647,
        description="How many of its people took part, 0 or more; null: not known",
    )


class AttendanceIn(Schema):
    """An event's attendance by city. The figures sent replace those stored: a partner city
    left out is not known."""

    cities: list[CityCountIn] = Field(max_length=1_000)
    total: int | None = Field(
        None,
        ge=-2_147_483_648,
        le=2_147_483_647,
        description="Everyone who took part, the experts included; null: the sum of the cities' "
        "figures; left out: the stored total stays",
    )


class ToolkitRefIn(Schema):
    theme: str = Field(pattern=r"^[A-Z]$", description="Theme code, e.g. A")
    year: int = Field(ge=0, le=32767)


class SchemeIn(Schema):
    """A new scheme of a programme; validated as on the pages (SchemeForm)."""

    theme: str = Field(
        pattern=r"^[A-Z]$", description="Theme code, e.g. A: one the programme has no scheme on"
    )
    toolkit: ToolkitRefIn | None = Field(
        None,
        description="An edition of the scheme's theme; None: the theme's current published one",
    )
    facilitator: OrganisationName | None = Field(
        None,
        description="The facilitating organisation's name; it is given the theme (its members "
        "get the facilitator's access to it)",
    )
    capacity: int = Field(
        1, ge=-32768, le=32767, description="The most implementing cities one mentor takes on"
    )
    forbid_same_country: bool = False
    require_shared_language: bool = False


class SchemePatch(Schema):
    """Changes to a scheme (its theme stays): the fields sent replace the stored ones; the
    others keep their value. `toolkit` and `facilitator` may be sent as null to clear them."""

    toolkit: ToolkitRefIn | None = None
    facilitator: OrganisationName | None = None
    capacity: int | None = Field(None, ge=-32768, le=32767)
    forbid_same_country: bool | None = None
    require_shared_language: bool | None = None


# -- workload -----------------------------------------------------------------------------------


class WorkLogOut(Schema):
    id: int
    activity: str = Field(description="preparation, visits, action_planning or meetings")
    worked_on: date
    days: Decimal
    note: str
    officer: str | None = Field(description="Who logged the days; None: an erased account")

    @staticmethod
    def resolve_days(entry: WorkLog) -> Decimal:
        return entry.days.quantize(HUNDREDTH)  # as stored, also when just made

    @staticmethod
    def resolve_officer(entry: WorkLog) -> str | None:
        officer = entry.officer
        return (officer.get_full_name() or officer.username) if officer else None


class WorkloadOut(Schema):
    programme: str = Field(description="The programme's slug")
    city: CityRef
    planned_days: Decimal
    days_by_activity: dict[str, Decimal]
    total_days: Decimal
    remaining_days: Decimal = Field(description="Negative: more days worked than planned")
    percent_of_plan: Decimal | None
    day_rate: Decimal | None = Field(description="EUR; None: not set")
    staff_cost: Decimal | None = Field(description="Days logged times the day rate, EUR")
    co_financing: Decimal | None = Field(description="EUR; None: not set")
    budget: Decimal | None = Field(description="The programme's budget, EUR")
    co_financing_share: Decimal | None = Field(description="Per cent of the programme budget")
    covers_co_financing: bool | None = Field(
        description="Whether the staff cost reaches the co-financing; None: not known"
    )
    entries: list[WorkLogOut] = Field(description="Newest first")


class WorkLogIn(Schema):
    activity: str = Field(description="preparation, visits, action_planning or meetings")
    worked_on: date
    days: Decimal = Field(decimal_places=2, description="e.g. 0.5 for half a day")
    note: str = text(300)


class RatesIn(Schema):
    """A city's day rate and co-financing in a programme; both are replaced (null: not set)."""

    day_rate: Decimal | None = Field(description="EUR, more than 0; null: not set")
    co_financing: Decimal | None = Field(description="EUR, 0 or more; null: not set")
