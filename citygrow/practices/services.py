"""The good-practice library: practices contributed by cities (written, submitted, reviewed,
published, withdrawn, with their files and outcomes) and removing a person's mentions. The
search index is kept by `PracticeQuerySet.refresh_search_index`."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from citygrow.catalogue.models import KeyFactor, Theme, Toolkit
from citygrow.catalogue.services import refresh_fingerprint
from citygrow.core import files
from citygrow.core.errors import ServiceError
from citygrow.core.forms import MAX_LINKS
from citygrow.people import audit
from citygrow.people.models import AuditEntry, City
from citygrow.practices.models import (
    Outcome,
    Practice,
    PracticeAttachment,
    PracticeComment,
    PracticeQuerySet,
)

REMOVED = "[removed at the person's request]"


#: The texts of a practice searched for a person's mentions, and changed to REMOVED there.
NAMING_TEXTS = ("name", "summary", "text", "results")
#: The contact fields: emptied when they name the person.
NAMING_CONTACT = ("contact_name", "contact_email")


def practices_naming(text: str) -> PracticeQuerySet:
    """Practices whose title, summary, text, results, links or contact contain `text` (a
    person's name or e-mail address)."""
    found = Q(links__icontains=text)
    for field in (*NAMING_TEXTS, *NAMING_CONTACT):
        found |= Q(**{f"{field}__icontains": text})
    return Practice.objects.filter(found).select_related("city", "key_factor", "toolkit__theme")


@transaction.atomic
def remove_from_practices(*, text: str, by: Any) -> int:
    """Remove every mention of `text` (a person's name or address) from the practices: in their
    texts it is replaced by REMOVED, links naming it are dropped, and a contact that names it is
    emptied (both its name and its address). A changed contributed practice takes a new version.

    Each change is recorded in the audit trail. Returns how many practices changed.
    """
    pattern = re.compile(re.escape(text), re.IGNORECASE)
    changed = []
    for practice in practices_naming(text).select_for_update(of=("self",)):
        fields = (*NAMING_TEXTS, "links", *NAMING_CONTACT)
        before = {field: getattr(practice, field) for field in fields}
        for field in NAMING_TEXTS:
            value = pattern.sub(REMOVED, getattr(practice, field))
            limit = getattr(Practice._meta.get_field(field), "max_length", None)
            setattr(practice, field, value[:limit] if limit else value)
        practice.links = [link for link in practice.links if not pattern.search(link)]
        if any(pattern.search(getattr(practice, field)) for field in NAMING_CONTACT):
            practice.contact_name = practice.contact_email = ""
        touched = [field for field in fields if before[field] != getattr(practice, field)]
        if not touched:
            continue
        if practice.is_contributed:
            practice.version += 1
            touched.append("version")
        practice.save(update_fields=touched)
        audit.record(
            actor=by,
            action=AuditEntry.Action.CHANGE,
            target=practice,
            city=practice.city,
            changes={
                field: ["(mention of a person)", "(removed)"]
                for field in touched
                if field != "version"
            },
        )
        changed.append(practice)
    Practice.objects.filter(pk__in=[p.pk for p in changed]).refresh_search_index()
    for toolkit in {p.toolkit for p in changed if p.toolkit is not None}:
        refresh_fingerprint(toolkit)
    return len(changed)


# Contributed practices --------------------------------------------------------------------------

#: The most attachments and outcomes one contributed practice holds.
MAX_ATTACHMENTS = 10
MAX_OUTCOMES = 20


@dataclass
class OutcomeIn:
    """One result in figures, as a form row or the API gives it."""

    description: str
    value: Decimal
    unit: str = ""
    year: int | None = None


@dataclass
class ContributionIn:
    """A contributed practice's fields, as the page's form or the API gives them."""

    name: str
    text: str
    themes: Sequence[int]
    summary: str = ""
    results: str = ""
    year: int | None = None
    links: Sequence[str] = ()
    contact_name: str = ""
    contact_email: str = ""
    key_factors: Sequence[int] = ()
    adapted_from: Sequence[int] = ()
    outcomes: Sequence[OutcomeIn] | None = None
    """None leaves the outcomes as they are; a list replaces them."""


def _check_text(data: ContributionIn) -> None:
    if not data.name.strip():
        raise ServiceError(_("Give the practice a title."), "name")
    if not data.text.strip():
        raise ServiceError(_("Describe the practice: what the city does and how."), "text")
    if data.year is not None and not 1900 <= data.year <= timezone.localdate().year:
        raise ServiceError(
            _("The year is when the practice started: from 1900 to this year."), "year"
        )
    if len(data.links) > MAX_LINKS:
        raise ServiceError(_("At most %(count)d links.") % {"count": MAX_LINKS}, "links")
    check = URLValidator(schemes=["http", "https"])
    for link in data.links:
        try:
            check(link)
        except ValidationError:
            raise ServiceError(
                _("“%(link)s” is not a web address starting with http:// or https://.")
                % {"link": link[:100]},
                "links",
            ) from None
    if data.contact_email:
        try:
            validate_email(data.contact_email)
        except ValidationError:
            raise ServiceError(_("Enter a valid e-mail address."), "contact_email") from None
    if data.outcomes is not None:
        if len(data.outcomes) > MAX_OUTCOMES:
            raise ServiceError(
                _("At most %(count)d outcomes.") % {"count": MAX_OUTCOMES}, "outcomes"
            )
        for outcome in data.outcomes:
            if not outcome.description.strip():
                raise ServiceError(_("Say what each figure measures."), "outcomes")
            if not outcome.value.is_finite() or abs(outcome.value) >= Decimal("1e12"):
                raise ServiceError(_("A figure must be a number below a trillion."), "outcomes")
            if outcome.year is not None and not 1900 <= outcome.year <= 2100:
                raise ServiceError(_("An outcome's year is from 1900 to 2100."), "outcomes")


def _themes(ids: Sequence[int]) -> list[Theme]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ServiceError(_("Choose at least one theme the practice serves."), "themes")
    found = list(Theme.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise ServiceError(_("Choose themes from the list."), "themes")
    return found


def _key_factors(ids: Sequence[int], themes: Sequence[Theme]) -> list[KeyFactor]:
    """Key factors of the published toolkits of `themes` (the editions readers see)."""
    ids = list(dict.fromkeys(ids))
    found = list(
        KeyFactor.objects.filter(
            pk__in=ids,
            toolkit__theme__in=themes,
            toolkit__status=Toolkit.Status.PUBLISHED,
        )
    )
    if len(found) != len(ids):
        raise ServiceError(
            _("Choose key factors of the published toolkits of the themes you chose."),
            "key_factors",
        )
    return found


def _adapted_from(ids: Sequence[int], practice: Practice | None, by: Any) -> list[Practice]:
    """Practices the contribution builds on: published practices `by` may read, not itself."""
    ids = list(dict.fromkeys(ids))
    if practice is not None and practice.pk in ids:
        raise ServiceError(_("A practice cannot be adapted from itself."), "adapted_from")
    found = {p.pk: p for p in Practice.objects.visible_to(by).filter(pk__in=ids)}
    for pk in ids:
        item = found.get(pk)
        if item is None:
            raise ServiceError(
                _("There is no practice %(id)s in the library.") % {"id": pk}, "adapted_from"
            )
        if item.status != Practice.Status.PUBLISHED:
            raise ServiceError(
                _("“%(practice)s” is not published (or was withdrawn): it cannot be cited.")
                % {"practice": item.title},
                "adapted_from",
            )
    return [found[pk] for pk in ids]


def _record(practice: Practice, by: Any, action: str, **changes: Any) -> None:
    audit.record(
        actor=by,
        action=action,
        target=practice,
        city=practice.city,
        changes={name: list(value) for name, value in changes.items()},
    )


class Conflict(ServiceError):
    """A save based on an older version of the practice than the stored one (409 in the API):
    `current` is the stored practice, to show beside what the person typed."""

    def __init__(self, message: str, current: Practice) -> None:
        super().__init__(message, None)
        self.current = current


def _check_version(practice: Practice, seen_version: int | None) -> None:
    if seen_version is not None and practice.version != seen_version:
        raise Conflict(
            _(
                "Someone saved this practice after you opened it (version %(now)s, you had "
                "%(seen)s). Your text is kept below: read theirs, then save again."
            )
            % {"now": practice.version, "seen": seen_version},
            practice,
        )


@transaction.atomic
def save_contribution(
    *,
    city: City,
    data: ContributionIn,
    by: Any,
    practice: Practice | None = None,
    seen_version: int | None = None,
) -> Practice:
    """Write a new contributed practice of `city` (a draft), or change `practice` (a draft or
    one returned for changes). `seen_version`, when given, is the version the person read: a
    newer stored one raises Conflict and nothing is saved."""
    _check_text(data)
    themes = _themes(data.themes)
    factors = _key_factors(data.key_factors, themes)
    if practice is not None:
        practice = Practice.objects.select_for_update().get(pk=practice.pk)
        if not practice.is_editable:
            raise ServiceError(
                _("Only a draft or a practice returned for changes can be edited."), "status"
            )
        _check_version(practice, seen_version)
    sources = _adapted_from(data.adapted_from, practice, by)
    creating = practice is None
    if practice is None:
        practice = Practice(
            city=city,
            origin=Practice.Origin.CONTRIBUTED,
            status=Practice.Status.DRAFT,
            contributed_by=by if getattr(by, "is_authenticated", False) else None,
        )
    else:
        practice.version += 1
    practice.name = data.name.strip()
    practice.summary = data.summary.strip()
    practice.text = data.text.strip()
    practice.results = data.results.strip()
    practice.year = data.year
    practice.links = list(data.links)
    practice.contact_name = data.contact_name.strip()
    practice.contact_email = data.contact_email.strip()
    practice.source = _("Contributed by %(city)s") % {"city": city.name}
    practice.save()
    practice.themes.set(themes)
    practice.key_factors.set(factors)
    practice.adapted_from.set(sources)
    if data.outcomes is not None:
        practice.outcomes.all().delete()
        Outcome.objects.bulk_create(
            Outcome(
                practice=practice,
                description=outcome.description.strip(),
                value=outcome.value,
                unit=outcome.unit.strip(),
                year=outcome.year,
                position=position,
            )
            for position, outcome in enumerate(data.outcomes, start=1)
        )
    _record(practice, by, AuditEntry.Action.CREATE if creating else AuditEntry.Action.CHANGE)
    Practice.objects.filter(pk=practice.pk).refresh_search_index()
    return practice


def _step(practice: Practice, allowed: Sequence[str], message: str) -> Practice:
    """The practice, locked, if its status is one of `allowed`; else ServiceError(message)."""
    locked = Practice.objects.select_for_update().select_related("city").get(pk=practice.pk)
    if locked.origin != Practice.Origin.CONTRIBUTED or locked.status not in allowed:
        raise ServiceError(message, "status")
    return locked


def _comment(practice: Practice, by: Any, text: str) -> PracticeComment | None:
    text = text.strip()
    if not text:
        return None
    return PracticeComment.objects.create(
        practice=practice, author=by if getattr(by, "is_authenticated", False) else None, text=text
    )


@transaction.atomic
def submit_practice(*, practice: Practice, by: Any) -> Practice:
    """Send a draft (or a returned practice) to its themes' facilitators for review."""
    locked = _step(
        practice,
        Practice.EDITABLE,
        _("Only a draft or a practice returned for changes can be submitted."),
    )
    locked.status = Practice.Status.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "submitted_at", "version"])
    _record(locked, by, AuditEntry.Action.CHANGE, status=[practice.status, locked.status])
    return locked


@transaction.atomic
def return_practice(*, practice: Practice, by: Any, comment: str) -> Practice:
    """Send a submitted practice back to its city with what to change (a comment is needed)."""
    locked = _step(
        practice, [Practice.Status.SUBMITTED], _("Only a submitted practice can be returned.")
    )
    if not comment.strip():
        raise ServiceError(_("Say what should change before the practice is published."), "text")
    _comment(locked, by, comment)
    locked.status = Practice.Status.RETURNED
    locked.version += 1
    locked.save(update_fields=["status", "version"])
    _record(locked, by, AuditEntry.Action.CHANGE, status=[Practice.Status.SUBMITTED, locked.status])
    return locked


@transaction.atomic
def publish_practice(*, practice: Practice, by: Any, comment: str = "") -> Practice:
    """Publish a submitted practice: it joins the library, public, and plans may cite it."""
    locked = _step(
        practice, [Practice.Status.SUBMITTED], _("Only a submitted practice can be published.")
    )
    _comment(locked, by, comment)
    locked.status = Practice.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "published_at", "version"])
    _record(locked, by, AuditEntry.Action.CHANGE, status=[Practice.Status.SUBMITTED, locked.status])
    return locked


@transaction.atomic
def withdraw_practice(*, practice: Practice, by: Any, reason: str) -> Practice:
    """Withdraw a published practice: it leaves the library and is no longer offered to plans,
    but its page stays (marked withdrawn, with the reason) for the plans that cite it."""
    locked = _step(
        practice, [Practice.Status.PUBLISHED], _("Only a published practice can be withdrawn.")
    )
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("Say why the practice is withdrawn; readers will see it."), "reason")
    locked.status = Practice.Status.WITHDRAWN
    locked.withdrawn_reason = reason[:1_000]
    locked.version += 1
    locked.save(update_fields=["status", "withdrawn_reason", "version"])
    _record(locked, by, AuditEntry.Action.CHANGE, status=[Practice.Status.PUBLISHED, locked.status])
    return locked


@transaction.atomic
def comment_on_practice(*, practice: Practice, by: Any, text: str) -> PracticeComment:
    """A comment by a reviewer or a contributor on a practice not yet published."""
    if practice.is_public:
        raise ServiceError(_("A published practice takes no more review comments."), "text")
    comment = _comment(practice, by, text[:5_000])
    if comment is None:
        raise ServiceError(_("Write a comment."), "text")
    return comment


@transaction.atomic
def discard_contribution(*, practice: Practice, by: Any) -> None:
    """Delete a contributed practice that was never published, with its attachments."""
    locked = _step(
        practice, Practice.EDITABLE, _("Only a draft or a returned practice can be discarded.")
    )
    if locked.published_at is not None:
        raise ServiceError(_("A practice that was published is withdrawn, not deleted."), "status")
    _record(locked, by, AuditEntry.Action.DELETE)
    stored = [attachment.file for attachment in locked.attachments.all()]
    locked.delete()

    def remove_stored() -> None:
        for file in stored:
            file.delete(save=False)

    transaction.on_commit(remove_stored)


@transaction.atomic
def attach_file(*, practice: Practice, upload: UploadedFile, by: Any) -> PracticeAttachment:
    """Attach a file (PDF, Word, PNG or JPEG, within the upload limit) to an editable
    contributed practice."""
    locked = _step(
        practice,
        Practice.EDITABLE,
        _("Files are attached to a draft or to a practice returned for changes."),
    )
    if locked.attachments.count() >= MAX_ATTACHMENTS:
        raise ServiceError(
            _("At most %(count)d files per practice.") % {"count": MAX_ATTACHMENTS},
            "attachments",
        )
    kind = files.check_attachment(upload)
    attachment = PracticeAttachment(practice=locked, name=files.attachment_name(upload, kind))
    upload.seek(0)
    attachment.file.save(files.stored_name(kind), upload, save=False)
    attachment.save()
    _record(locked, by, AuditEntry.Action.CHANGE, attachments=["", attachment.name])
    return attachment


@transaction.atomic
def remove_file(*, attachment: PracticeAttachment, by: Any) -> None:
    locked = _step(
        attachment.practice,
        Practice.EDITABLE,
        _("Files are removed from a draft or from a practice returned for changes."),
    )
    _record(locked, by, AuditEntry.Action.CHANGE, attachments=[attachment.name, ""])
    stored = attachment.file
    attachment.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
