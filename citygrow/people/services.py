"""People and cities: the reference list of cities, invitations, roles, API tokens and
personal data."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import yaml
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from citygrow.core.errors import ServiceError
from citygrow.core.moments import stamp
from citygrow.people import audit
from citygrow.people.models import (
    CHARTER_LAUNCHED_ON,
    FIRST_FIGURE_YEAR,
    ApiToken,
    AuditEntry,
    City,
    CityFigure,
    Country,
    Indicator,
    Invitation,
    Organisation,
    Role,
    User,
)
from citygrow.people.rules import forget_roles

if TYPE_CHECKING:  # a role may be about a pairing; people imports no app above it at run time
    from citygrow.mentoring.models import Pairing


class CitiesFileError(Exception):
    pass


class _FigureSpec(BaseModel):
    """A key figure in the cities file: `{indicator: population, value: 1488202, year: 2017,
    source: "..."}` (indicator: the code of a standard indicator, Indicator.STANDARD)."""

    model_config = ConfigDict(extra="forbid")

    indicator: Annotated[str, StringConstraints(pattern=r"^[a-z-]+$")]
    value: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
    year: Annotated[int, Field(ge=FIRST_FIGURE_YEAR)]
    source: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class _CitySpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    figures: list[_FigureSpec] = []
    charter_signatory: bool | None = None
    charter_signed_on: datetime.date | None = None
    languages: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(, [a-z]{2})*$")] | None = None


class _CitiesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    countries: dict[
        Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")],
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)],
    ]
    cities: list[_CitySpec]


def _check(path: Path) -> _CitiesFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = _CitiesFile.model_validate(data)
    except (OSError, yaml.YAMLError) as error:
        raise CitiesFileError(f"{path.name}: cannot be read: {error}") from None
    except ValidationError as error:
        lines = [
            f"{path.name}: {'.'.join(str(part) for part in item['loc'])}: {item['msg']}"
            for item in error.errors()
        ]
        raise CitiesFileError("\n".join(lines)) from None
    problems = []
    seen: set[str] = set()
    for index, city in enumerate(spec.cities):
        if city.country not in spec.countries:
            problems.append(f"{path.name}: cities[{index}].country: unknown country {city.country}")
        if city.name in seen:
            problems.append(f"{path.name}: cities[{index}].name: '{city.name}' is listed twice")
        for number, figure in enumerate(city.figures):
            where = f"{path.name}: cities[{index}].figures[{number}]"
            if figure.indicator not in Indicator.STANDARD:
                problems.append(f"{where}.indicator: unknown indicator {figure.indicator}")
            elif figure.indicator == Indicator.POPULATION and figure.value % 1:
                problems.append(f"{where}.value: a population is a whole number")
            elif figure.indicator != Indicator.POPULATION and figure.value > 100:
                problems.append(f"{where}.value: a percentage lies within 0..100")
        if city.charter_signed_on and city.charter_signatory is not True:
            problems.append(
                f"{path.name}: cities[{index}].charter_signed_on: "
                "a signature date needs charter_signatory: true"
            )
        seen.add(city.name)
    if problems:
        raise CitiesFileError("\n".join(problems))
    return spec


@transaction.atomic
def load_cities(path: Path) -> tuple[int, int]:
    """Create or update the countries and cities of a cities file. Returns (created, updated).

    Cities are matched by name; a fact left out of the file leaves the stored one as it is. Key
    figures in the file are added to each city's history once; figures that coordinators
    recorded are never touched.
    """
    spec = _check(path)
    countries = {}
    for code, name in spec.countries.items():
        countries[code], _ = Country.objects.update_or_create(code=code, defaults={"name": name})
    indicators = ensure_standard_indicators()
    created = updated = 0
    for item in spec.cities:
        facts = item.model_dump(exclude={"name", "country", "figures"}, exclude_none=True)
        city = City.objects.filter(name=item.name).first()
        if city is None:
            city = City.objects.create(
                name=item.name,
                slug=slugify(item.name),
                country=countries[item.country],
                **facts,
            )
            created += 1
        else:
            changes = {"country": countries[item.country], **facts}
            if any(getattr(city, field) != value for field, value in changes.items()):
                for field, value in changes.items():
                    setattr(city, field, value)
                city.save(update_fields=list(changes))
                updated += 1
        for figure in item.figures:
            # A figure already recorded (same indicator, year, value and source) is not repeated.
            CityFigure.objects.get_or_create(
                city=city,
                indicator=indicators[figure.indicator],
                year=figure.year,
                value=figure.value,
                source=figure.source,
            )
    return created, updated


# -- city key figures -------------------------------------------------------------------------

#: The standard indicators (Indicator.STANDARD): code, name, kind, position. Migration 0005 of
#: people creates the same ones.
STANDARD_INDICATORS = (
    (Indicator.POPULATION, "Population", Indicator.Kind.COUNT, 10),
    (Indicator.FOREIGN_RESIDENTS, "Foreign residents (%)", Indicator.Kind.PERCENTAGE, 20),
    (Indicator.BORN_ABROAD, "Residents born abroad (%)", Indicator.Kind.PERCENTAGE, 30),
    (Indicator.UNEMPLOYMENT, "Unemployment rate (%)", Indicator.Kind.PERCENTAGE, 40),
)


def ensure_standard_indicators() -> dict[str, Indicator]:
    """The standard indicators by code, creating any that is missing."""
    found = {i.code: i for i in Indicator.objects.filter(code__in=Indicator.STANDARD)}
    for code, name, kind, position in STANDARD_INDICATORS:
        if code not in found:
            found[code] = Indicator.objects.create(
                code=code, name=name, kind=kind, position=position
            )
    return found


@transaction.atomic
def define_indicator(
    *,
    name: str,
    kind: str,
    description: str = "",
    by: User,
    at: datetime.datetime | None = None,
) -> Indicator:
    """Define a new indicator that every city may then have figures of (audited). Refuses an
    empty name, a name already taken (in any case) and an unknown kind."""
    name = " ".join(name.split())
    if not name:
        raise ServiceError(gettext("Give the indicator a name."), "name")
    if len(name) > 100:
        raise ServiceError(gettext("A name has at most 100 characters."), "name")
    if kind not in Indicator.Kind.values:
        raise ServiceError(gettext("Choose whether it is a count or a percentage."), "kind")
    if Indicator.objects.filter(name__iexact=name).exists():
        raise ServiceError(gettext("An indicator with this name exists already."), "name")
    base = slugify(name)[:40] or "indicator"
    code, number = base, 1
    while Indicator.objects.filter(code=code).exists():
        number += 1
        code = f"{base}-{number}"
    indicator = Indicator.objects.create(
        code=code,
        name=name,
        kind=kind,
        description=" ".join(description.split())[:300],
        defined_by=by,
    )
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE,
        target=indicator,
        changes={"name": name, "kind": kind},
        at=at,
    )
    return indicator


@transaction.atomic
def record_figure(
    *,
    city: City,
    indicator: Indicator,
    value: Decimal,
    year: int | None,
    source: str,
    by: User,
    at: datetime.datetime | None = None,
) -> CityFigure:
    """Record a key figure of `city` for `year` (audited). Nothing is overwritten: a correction
    is a new figure, and the latest (by year, then by when it was recorded) is the one used.

    Refuses (ServiceError, by field): no year, or a year before 1900 or after the year it is
    recorded in; a value the indicator does not allow (negative, a count that is not whole, a
    percentage above 100); no source."""
    when = at or timezone.now()
    if year is None:
        raise ServiceError(gettext("Give the year the figure is about."), "year")
    if not FIRST_FIGURE_YEAR <= year <= when.year:
        raise ServiceError(
            gettext("The year must lie between %(first)s and %(last)s.")
            % {"first": FIRST_FIGURE_YEAR, "last": when.year},
            "year",
        )
    problem = indicator.check_value(value)
    if problem:
        raise ServiceError(problem, "value")
    if value >= Decimal("1e12"):
        raise ServiceError(gettext("This figure is too large."), "value")
    if value.quantize(Decimal("0.01")) != value:
        raise ServiceError(gettext("Give at most two decimal places."), "value")
    source = " ".join(source.split())
    if not source:
        raise ServiceError(
            gettext("Say where the figure comes from (a statistical office, a report...)."),
            "source",
        )
    if len(source) > 300:
        raise ServiceError(gettext("A source has at most 300 characters."), "source")
    figure = CityFigure.objects.create(
        city=city, indicator=indicator, value=value, year=year, source=source, recorded_by=by
    )
    stamp(figure, at, "recorded_at")
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE,
        target=figure,
        city=city,
        changes={
            "indicator": indicator.code,
            "value": str(value),
            "year": year,
            "source": source,
        },
        at=at,
    )
    return figure


# -- the Integrating Cities Charter's signatories (issue 15, part 1) ---------------------------

_CHARTER_FIELDS = ["charter_signatory", "charter_signed_on", "charter_signed_by"]


@transaction.atomic
def record_charter_signature(
    *,
    city: City,
    signed_on: datetime.date | None,
    signed_by: str,
    by: User,
    at: datetime.datetime | None = None,
) -> City:
    """Record that `city` signed the Integrating Cities Charter on `signed_on`, signed by
    `signed_by` (e.g. "the Mayor, Jane Doe"); a city already recorded as a signatory has its
    record corrected. Audited, with the values before and after.

    Refuses (ServiceError, by field): no date, a date after the day it is recorded or before
    the Charter was launched (February 2010); no signer, a signer of more than 200 characters
    or with a NUL character."""
    today = timezone.localdate(at or timezone.now())
    if signed_on is None:
        raise ServiceError(gettext("Give the date the Charter was signed."), "signed_on")
    if signed_on > today:
        raise ServiceError(
            gettext("The date of the signature cannot be in the future."), "signed_on"
        )
    if signed_on < CHARTER_LAUNCHED_ON:
        raise ServiceError(
            gettext(
                "The Charter was launched in February 2010: no city signed it before "
                "1 February 2010."
            ),
            "signed_on",
        )
    if "\x00" in signed_by:
        raise ServiceError(gettext("The signer cannot contain a NUL character."), "signed_by")
    signed_by = " ".join(signed_by.split())
    if not signed_by:
        raise ServiceError(
            gettext('Say who signed for the city, e.g. "the Mayor, Jane Doe".'), "signed_by"
        )
    if len(signed_by) > 200:
        raise ServiceError(gettext("The signer has at most 200 characters."), "signed_by")
    city = City.objects.select_for_update().get(pk=city.pk)
    before = audit.field_values(city, _CHARTER_FIELDS)
    city.charter_signatory = True
    city.charter_signed_on = signed_on
    city.charter_signed_by = signed_by
    city.save(update_fields=_CHARTER_FIELDS)
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=city,
        city=city,
        changes=audit.changes_between(before, audit.field_values(city, _CHARTER_FIELDS)),
        at=at,
    )
    return city


@transaction.atomic
def withdraw_charter_signature(
    *, city: City, by: User, at: datetime.datetime | None = None
) -> City:
    """Record that `city` is not a Charter signatory (e.g. a signature recorded by mistake):
    its date and signer are cleared. Audited. Refuses a city not recorded as a signatory."""
    city = City.objects.select_for_update().get(pk=city.pk)
    if city.charter_signatory is not True:
        raise ServiceError(gettext("This city is not recorded as a Charter signatory."))
    before = audit.field_values(city, _CHARTER_FIELDS)
    city.charter_signatory = False
    city.charter_signed_on = None
    city.charter_signed_by = ""
    city.save(update_fields=_CHARTER_FIELDS)
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=city,
        city=city,
        changes=audit.changes_between(before, audit.field_values(city, _CHARTER_FIELDS)),
        at=at,
    )
    return city


# -- invitations, roles and tokens -------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why, for the person holding it."""


@transaction.atomic
def invite(
    *,
    by: User,
    email: str,
    kind: str,
    city: City | None = None,
    pairing: Pairing | None = None,
    organisation: Organisation | None = None,
    accept_url: Callable[[str], str],
) -> Invitation:
    """Invite `email` into a role and send the link. `accept_url(token)` makes the link."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        kind=kind,
        city=city,
        pairing=pairing,
        organisation=organisation,
        invited_by=by,
        token_hash=_digest(token),
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    audit.record(actor=by, action=AuditEntry.Action.CREATE, target=invitation, city=city)
    role = invitation.role().describe()
    send_mail(
        subject=gettext("You are invited to CityGrow"),
        message=render_to_string(
            "people/invitation_email.txt",
            {
                "inviter": by,
                "role": role,
                "url": accept_url(token),
                "days": settings.INVITATION_DAYS,
            },
        ),
        from_email=None,
        recipient_list=[email],
    )
    return invitation


def find_invitation(token: str) -> Invitation:
    """The invitation of a link, if it can still be used; InvitationError otherwise."""
    invitation = (
        Invitation.objects.select_related("city", "pairing__theme", "organisation", "invited_by")
        .filter(token_hash=_digest(token))
        .first()
    )
    if invitation is None:
        raise InvitationError(
            gettext("This invitation link is not valid. Check that it was copied whole.")
        )
    if invitation.accepted_at is not None:
        raise InvitationError(
            gettext("This invitation has already been used. Log in with the account it created.")
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            gettext("This invitation has expired. Ask the person who invited you for a new one.")
        )
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, user: User) -> Role:
    """Give `user` the role of the invitation behind `token`, once."""
    invitation = find_invitation(token)
    # Lock the row so that two clicks cannot both use it.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise InvitationError(gettext("This invitation has already been used."))
    role = grant_role(
        by=invitation.invited_by,
        user=user,
        kind=invitation.kind,
        city=invitation.city,
        pairing=invitation.pairing,
        organisation=invitation.organisation,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return role


@transaction.atomic
def accept_invitation_with_new_account(*, token: str, account: User) -> Role:
    """Save the account a person made on accepting an invitation (`account`, not saved yet)
    and give it the invitation's role: both or, if the invitation cannot be used, neither."""
    account.save()
    return accept_invitation(token=token, user=account)


@transaction.atomic
def grant_role(
    *,
    by: User | None,
    user: User,
    kind: str,
    city: City | None = None,
    pairing: Pairing | None = None,
    organisation: Organisation | None = None,
) -> Role:
    """Give `user` a role; a role they already hold is returned as it is."""
    role, created = Role.objects.get_or_create(
        user=user, kind=kind, city=city, pairing=pairing, organisation=organisation
    )
    if created:
        audit.record(
            actor=by,
            action=AuditEntry.Action.CREATE,
            target=role,
            city=city or (pairing.implementing_city if pairing else None),
        )
    forget_roles(user)
    return role


def create_token(*, user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new API token for `user`. Returns the token and its secret, which is not kept."""
    prefix = secrets.token_hex(4)
    secret = f"cg_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, scope=scope, prefix=prefix, secret_hash=_digest(secret)
    )
    audit.record(actor=user, action=AuditEntry.Action.CREATE, target=token)
    return token, secret


def revoke_token(*, by: User, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=by, action=AuditEntry.Action.DELETE, target=token)


def authenticate_token(secret: str) -> ApiToken | None:
    """The active token whose secret this is, or None. Marks it used."""
    parts = secret.split("_")
    if len(parts) < 3 or parts[0] != "cg" or not re.fullmatch(r"[0-9a-f]{8}", parts[1]):
        return None
    token = ApiToken.objects.active().select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _digest(secret)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# -- personal data ---------------------------------------------------------------------------


def personal_data(*, person: User, by: User) -> dict[str, object]:
    """Everything the platform holds about `person`, as plain data for a download.

    The export itself is recorded in the audit trail.
    """
    audit.record(actor=by, action=AuditEntry.Action.EXPORT, target=person)
    roles = person.roles.select_related(
        "city",
        "pairing__mentor_city",
        "pairing__implementing_city",
        "pairing__theme",
        "organisation",
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": person.username,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "date_joined": person.date_joined.isoformat(),
            "last_login": person.last_login.isoformat() if person.last_login else None,
            "is_active": person.is_active,
        },
        "roles": [
            {"role": role.describe(), "granted_at": role.granted_at.isoformat()} for role in roles
        ],
        "api_tokens": [
            {
                "name": token.name,
                "scope": token.scope,
                "created_at": token.created_at.isoformat(),
                "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
                "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
            }
            for token in person.api_tokens.all()
        ],
        "invitations_sent": [
            {
                "email": inv.email,
                "role": inv.get_kind_display(),
                "created_at": inv.created_at.isoformat(),
            }
            for inv in person.invitations_sent.all()
        ],
        "audit_trail": [
            {
                "at": entry.at.isoformat(),
                "action": entry.action,
                "record": entry.target_repr,
                "changes": entry.changes,
            }
            for entry in person.audit_entries.all()
        ],
    }


@transaction.atomic
def erase_person(*, person: User, by: User) -> None:
    """Erase `person`'s personal data on request.

    The account is kept as an empty, inactive shell so that the audit trail still reads (its
    entries now say "erased user"); roles, tokens and pending invitations to their address go.
    """
    from citygrow.people.models import AuditEntry, FailedLogin

    old_username, old_email = person.username, person.email
    invitations = Invitation.objects.filter(accepted_by=person)
    if old_email:
        invitations = invitations | Invitation.objects.filter(email__iexact=old_email)
    invitation_ids = [str(pk) for pk in invitations.values_list("pk", flat=True)]
    person.username = f"erased-{person.pk}"
    person.first_name = person.last_name = person.email = ""
    person.is_active = person.is_staff = person.is_superuser = False
    person.set_unusable_password()
    person.save()
    person.roles.all().delete()
    person.api_tokens.all().delete()
    Invitation.objects.filter(pk__in=invitation_ids).delete()
    FailedLogin.objects.filter(username__iexact=old_username).delete()
    AuditEntry.objects.filter(actor=person).update(actor_name=AuditEntry.ERASED)
    AuditEntry.objects.filter(
        target_type=person._meta.label_lower, target_id=str(person.pk)
    ).update(target_repr=AuditEntry.ERASED, changes={})
    # Entries about records of theirs (their roles, tokens, invitations to them) name them in
    # their description ("name: City officer of ..."): keep what it was, not who.
    about_them = AuditEntry.objects.filter(
        Q(about=person) | Q(target_type="people.invitation", target_id__in=invitation_ids)
    ).exclude(target_type=person._meta.label_lower)
    for entry in about_them:
        _, _, what = entry.target_repr.partition(": ")
        entry.target_repr = f"{AuditEntry.ERASED}: {what}" if what else AuditEntry.ERASED
        entry.changes = {}
        entry.save(update_fields=["target_repr", "changes"])
    audit.record(actor=by, action=AuditEntry.Action.DELETE, target=person)
    AuditEntry.objects.filter(
        target_type=person._meta.label_lower, target_id=str(person.pk)
    ).update(target_repr=AuditEntry.ERASED)
    forget_roles(person)
