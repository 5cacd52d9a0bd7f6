"""Reading, loading and exporting Charter questionnaire files (docs/questionnaire-format.md).

The toolkit files' way of working (citygrow.catalogue.services): a file is checked whole before
anything is written; loading is one transaction; the same content loaded twice changes nothing;
different content for a stored edition is refused unless `replace` is given.
"""

from __future__ import annotations

import datetime
import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from citygrow.catalogue.models import KeyFactor, Toolkit
from citygrow.catalogue.toolkit_file import Problem
from citygrow.core.errors import ServiceError
from citygrow.people import audit
from citygrow.people.models import AuditEntry, City
from citygrow.survey.models import (
    CharterRole,
    Commitment,
    CommitmentAnswer,
    CommitmentLink,
    Cycle,
    ExtraQuestion,
    Questionnaire,
    Response,
    RoleNote,
)
from citygrow.survey.questionnaire_file import (
    QuestionnaireDocument,
    QuestionnaireFileError,
    dump_questionnaire,
    parse_questionnaire,
)

#: The largest questionnaire file accepted from a page or the API.
UPLOAD_MAX_BYTES = 512 * 1024


class Outcome(enum.Enum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"


@dataclass(frozen=True)
class LoadResult:
    questionnaire: Questionnaire
    outcome: Outcome

    def __str__(self) -> str:
        return f"{self.questionnaire.label}: {self.outcome.value}"


def read_questionnaire_file(path: Path) -> QuestionnaireDocument:
    """Parse and check the questionnaire file at `path`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionnaireFileError(path.name, [Problem("", f"cannot be read: {error}")]) from None
    return read_questionnaire_text(text, source=path.name)


def read_questionnaire_text(text: str, *, source: str) -> QuestionnaireDocument:
    """Parse and check a questionnaire file's text (QuestionnaireFileError on any problem)."""
    return parse_questionnaire(text, source=source)


def read_upload(data: bytes, *, source: str) -> QuestionnaireDocument:
    """Check an uploaded file, then read it as the loader does. Refused with one problem: a
    file too big, not UTF-8 text, or with YAML anchors or aliases (never needed; how a small
    file expands into a huge document)."""

    def refuse(message: str, line: int | None = None) -> QuestionnaireFileError:
        return QuestionnaireFileError(source, [Problem("", message, line)])

    if len(data) > UPLOAD_MAX_BYTES:
        raise refuse(
            f"the file is too big: a questionnaire file is at most {UPLOAD_MAX_BYTES // 1024} KiB"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse("this is not a questionnaire file: it is not text (UTF-8)") from None
    if "\x00" in text:
        raise refuse("this is not a questionnaire file: it holds binary data")
    return read_text_without_aliases(text, source=source)


def read_text_without_aliases(text: str, *, source: str) -> QuestionnaireDocument:
    """`read_questionnaire_text`, refusing YAML anchors and aliases first (for text from
    outside: an upload or the API)."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise QuestionnaireFileError(
                    source,
                    [
                        Problem(
                            "",
                            "anchors and aliases (& and *) are not allowed in a questionnaire "
                            "file: write each text out in full",
                            event.start_mark.line + 1 if event.start_mark else None,
                        )
                    ],
                )
    except yaml.YAMLError:
        pass  # the loader reports the syntax error, with its line
    return read_questionnaire_text(text, source=source)


@transaction.atomic
def load_questionnaire(
    *,
    document: QuestionnaireDocument,
    source: str,
    replace: bool = False,
    by: Any = None,
) -> LoadResult:
    """Store one questionnaire edition in one transaction, and record it in the audit trail
    when a person (`by`) loaded it; a load from the command line (the seed, a deployment), like
    a toolkit file's, is not a person's act and is not recorded.

    The same content loaded twice changes nothing. Different content for a stored edition (the
    same `edition.label`) is refused (QuestionnaireFileError) unless `replace` is true, when the
    edition's content is replaced.
    """
    fingerprint = document.fingerprint()
    label = document.edition.label
    existing = Questionnaire.objects.select_for_update().filter(label=label).first()
    if existing is not None:
        if existing.fingerprint == fingerprint:
            return LoadResult(existing, Outcome.UNCHANGED)
        if not replace:
            raise QuestionnaireFileError(
                source,
                [
                    Problem(
                        "edition.label",
                        f"edition {label} is already loaded with different content; load it "
                        "with --replace to replace it, or give the file a new edition label to "
                        "add it beside the old one",
                    )
                ],
            )
        existing.delete()
    questionnaire = _create(document, fingerprint)
    outcome = Outcome.REPLACED if existing is not None else Outcome.CREATED
    if by is None:
        return LoadResult(questionnaire, outcome)
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE if existing is not None else AuditEntry.Action.CREATE,
        target=questionnaire,
        changes={
            "content": [
                None,
                f"{outcome.value} from {source} ({len(document.commitments)} commitments)",
            ]
        },
    )
    return LoadResult(questionnaire, outcome)


def _create(document: QuestionnaireDocument, fingerprint: str) -> Questionnaire:
    source = document.source
    questionnaire = Questionnaire.objects.create(
        label=document.edition.label,
        year=document.edition.year,
        status=document.edition.status,
        title=document.title,
        source_title=source.title,
        source_publisher=source.publisher,
        source_year=source.year,
        source_date=source.date or "",
        source_url=source.url or "",
        credit=source.credit,
        scale_fully=document.scale.fully,
        scale_partly=document.scale.partly,
        scale_not_at_all=document.scale.not_at_all,
        fingerprint=fingerprint,
    )
    roles = {
        spec.code: CharterRole(
            questionnaire=questionnaire, code=spec.code, title=spec.title, position=position
        )
        for position, spec in enumerate(document.roles, start=1)
    }
    CharterRole.objects.bulk_create(roles.values())
    commitments = Commitment.objects.bulk_create(
        Commitment(
            questionnaire=questionnaire,
            role=roles[spec.role],
            code=spec.code,
            text=spec.text,
            is_summary=spec.summary,
            position=position,
        )
        for position, spec in enumerate(document.commitments, start=1)
    )
    ExtraQuestion.objects.bulk_create(
        ExtraQuestion(
            commitment=commitment,
            code=question.code,
            kind=question.kind,
            text=question.text,
            choices=list(question.choices),
            position=position,
        )
        for commitment, spec in zip(commitments, document.commitments, strict=True)
        for position, question in enumerate(spec.questions, start=1)
    )
    return questionnaire


def export_questionnaire(
    *, questionnaire: Questionnaire, fmt: Literal["yaml", "json"] = "yaml"
) -> str:
    """The edition as a questionnaire file (YAML or JSON); loading it gives the same edition."""
    full = Questionnaire.objects.with_content().get(pk=questionnaire.pk)
    return dump_questionnaire(full.as_data(), fmt=fmt)


# -- cycles and responses (issue 15 part 3) ------------------------------------------------------

#: Reminder e-mails go to cities that have not submitted when this many days or fewer are left.
REMINDER_DAYS = 7
#: The longest answer to an extra question of kind "text".
EXTRA_TEXT_MAX = 2_000


class SurveyError(ServiceError):
    """A change the survey cannot take; the message says why, for the person making it."""


class RatingConflict(SurveyError):
    """Someone else changed this commitment's rating since it was loaded; `current` is theirs."""

    def __init__(self, current: CommitmentAnswer) -> None:
        self.current = current
        super().__init__(_("Someone else changed this rating since you loaded the page."))


class RoleNoteConflict(SurveyError):
    """Someone else changed this role's note since it was loaded; `current` is theirs."""

    def __init__(self, current: RoleNote) -> None:
        self.current = current
        super().__init__(_("Someone else changed this note since you loaded the page."))


def today() -> datetime.date:
    """The local date: what a cycle's opening and closing days are measured against."""
    return timezone.localdate()


@transaction.atomic
def open_cycle(
    *,
    questionnaire: Questionnaire,
    label: str,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    cities: Iterable[City] | None = None,
    by: Any,
) -> Cycle:
    """Open a cycle on a published questionnaire edition and invite `cities` (by default every
    recorded Charter signatory)."""
    if questionnaire.status != Questionnaire.Status.PUBLISHED:
        raise SurveyError(
            _("A cycle is opened on a published edition of the questionnaire."), "questionnaire"
        )
    if closes_on < opens_on:
        raise SurveyError(_("A cycle closes on or after the day it opens."), "closes_on")
    if closes_on < today():
        raise SurveyError(_("That day has passed: a new cycle closes today or later."), "closes_on")
    if Cycle.objects.filter(label=label).exists():
        raise SurveyError(
            _("There is already a cycle called “%(label)s”.") % {"label": label}, "label"
        )
    cycle = Cycle.objects.create(
        questionnaire=questionnaire,
        label=label,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit.record(actor=by, action=AuditEntry.Action.CREATE, target=cycle)
    invite(cycle=cycle, cities=City.objects.signatories() if cities is None else cities, by=by)
    return cycle


@transaction.atomic
def change_cycle(
    *, cycle: Cycle, title: str, opens_on: datetime.date, closes_on: datetime.date, by: Any
) -> Cycle:
    """Change a cycle's title or dates (to extend it, say)."""
    if closes_on < opens_on:
        raise SurveyError(_("A cycle closes on or after the day it opens."), "closes_on")
    before = {
        "title": cycle.title,
        "opens_on": str(cycle.opens_on),
        "closes_on": str(cycle.closes_on),
    }
    cycle.title, cycle.opens_on, cycle.closes_on = title, opens_on, closes_on
    cycle.save(update_fields=["title", "opens_on", "closes_on"])
    after = {"title": title, "opens_on": str(opens_on), "closes_on": str(closes_on)}
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=cycle,
        changes=audit.changes_between(before, after),
    )
    return cycle


@transaction.atomic
def invite(*, cycle: Cycle, cities: Iterable[City], by: Any) -> list[Response]:
    """Invite Charter signatories into a cycle: each gets a response to fill in. Cities already
    invited are left as they are; a city not recorded as a signatory is refused. Returns the
    new responses."""
    cities = list(cities)
    outside = sorted(city.name for city in cities if city.charter_signatory is not True)
    if outside:
        raise SurveyError(
            _(
                "Only Charter signatories are invited; record the signature on the city's page "
                "first. Not signatories: %(cities)s."
            )
            % {"cities": ", ".join(outside)},
            "cities",
        )
    invited = set(cycle.responses.values_list("city_id", flat=True))
    new = [Response(cycle=cycle, city=city) for city in cities if city.pk not in invited]
    if new and cycle.phase_on(today()) == "closed":
        raise SurveyError(_("This cycle is closed: no city can be invited into it any more."))
    Response.objects.bulk_create(new)
    for response in new:
        audit.record(actor=by, action=AuditEntry.Action.CREATE, target=response, city=response.city)
    return new


def _require_answering(response: Response, on: datetime.date | None = None) -> None:
    """Refuse a change to the response's answers unless it is open to them."""
    if not response.is_editable:
        raise SurveyError(
            _("This response is %(status)s: its answers can no longer change.")
            % {"status": response.get_status_display()}
        )
    phase = response.cycle.phase_on(on or today())
    if phase == "upcoming":
        raise SurveyError(
            _("This cycle opens on %(day)s: answers are taken from then.")
            % {"day": date_format(response.cycle.opens_on)}
        )
    if phase == "closed":
        raise SurveyError(
            _("This cycle closed on %(day)s: answers can no longer change.")
            % {"day": date_format(response.cycle.closes_on)}
        )


def _started(response: Response) -> None:
    if response.status == Response.Status.INVITED:
        response.status = Response.Status.DRAFT
        response.save(update_fields=["status"])


def check_extra(commitment: Commitment, extra: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to a commitment's extra questions, checked and in the stored shape: a yes/no
    question takes true or false, a number question a number, a choice one of its choices, a
    text question a text of at most EXTRA_TEXT_MAX characters. An empty or absent answer is
    left out. Raises SurveyError (field "extra") naming the first wrong answer."""
    questions = {question.code: question for question in commitment.questions.all()}
    unknown = sorted(set(extra) - set(questions))
    if unknown:
        raise SurveyError(
            _("This commitment has no question “%(code)s”.") % {"code": unknown[0][:40]}, "extra"
        )
    result: dict[str, Any] = {}
    for code, question in questions.items():
        value = extra.get(code)
        if value is None or value == "":
            continue
        kind = question.kind
        if (
            (kind == ExtraQuestion.Kind.YES_NO and isinstance(value, bool))
            or (
                kind == ExtraQuestion.Kind.NUMBER
                and isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and abs(value) < 1e12
            )
            or (kind == ExtraQuestion.Kind.CHOICE and value in question.choices)
        ):
            result[code] = value
        elif kind == ExtraQuestion.Kind.TEXT and isinstance(value, str):
            if len(value) > EXTRA_TEXT_MAX:
                raise SurveyError(
                    _("The answer to “%(question)s” is longer than %(max)d characters.")
                    % {"question": question.text[:80], "max": EXTRA_TEXT_MAX},
                    "extra",
                )
            result[code] = value
        else:
            raise SurveyError(
                _("The answer to “%(question)s” should be %(kind)s.")
                % {"question": question.text[:80], "kind": question.get_kind_display()},
                "extra",
            )
    return result


def save_rating(
    *,
    response: Response,
    commitment: Commitment,
    rating: str,
    evidence: str,
    links: Sequence[str],
    extra: Mapping[str, Any],
    seen_version: int | None,
    by: Any,
    on: datetime.date | None = None,
) -> CommitmentAnswer:
    """Store a city's rating of one commitment. `seen_version` is the version the person's page
    showed (None: it showed no rating). If the rating changed since, raise RatingConflict with
    the newer one and store nothing: nobody's answer is lost without them seeing it."""
    _require_answering(response, on)
    if commitment.questionnaire_id != response.cycle.questionnaire_id:
        raise SurveyError(_("That commitment is not in this cycle's questionnaire."))
    if rating not in CommitmentAnswer.Rating.values:
        raise SurveyError(_("Choose a rating."), "rating")
    checked = check_extra(commitment, extra)
    with transaction.atomic():
        existing = CommitmentAnswer.objects.filter(response=response, commitment=commitment).first()
        if seen_version is None or existing is None:
            try:
                with transaction.atomic():
                    answer = CommitmentAnswer.objects.create(
                        response=response,
                        commitment=commitment,
                        rating=rating,
                        evidence=evidence,
                        links=list(links),
                        extra=checked,
                        updated_by=by,
                    )
            except IntegrityError:
                raise RatingConflict(_current_rating(response, commitment)) from None
            _started(response)
            audit.record(
                actor=by,
                action=AuditEntry.Action.CREATE,
                target=answer,
                city=response.city,
                changes={"rating": [None, rating]},
            )
            return answer
        updated = CommitmentAnswer.objects.filter(pk=existing.pk, version=seen_version).update(
            rating=rating,
            evidence=evidence,
            links=list(links),
            extra=checked,
            version=F("version") + 1,
            updated_by=by,
            updated_at=timezone.now(),
        )
        if not updated:
            raise RatingConflict(existing)
        answer = _current_rating(response, commitment)
        _started(response)
        audit.record(
            actor=by,
            action=AuditEntry.Action.CHANGE,
            target=answer,
            city=response.city,
            changes=audit.changes_between(
                {
                    "rating": existing.rating,
                    "evidence": existing.evidence,
                    "links": str(existing.links),
                    "extra": str(existing.extra),
                },
                {
                    "rating": answer.rating,
                    "evidence": answer.evidence,
                    "links": str(answer.links),
                    "extra": str(answer.extra),
                },
            ),
        )
        return answer


def _current_rating(response: Response, commitment: Commitment) -> CommitmentAnswer:
    return CommitmentAnswer.objects.select_related("updated_by").get(
        response=response, commitment=commitment
    )


def save_role_note(
    *,
    response: Response,
    role: CharterRole,
    note: str,
    seen_version: int | None,
    by: Any,
    on: datetime.date | None = None,
) -> RoleNote:
    """Store the city's note on one role, with the same protection as `save_rating`."""
    _require_answering(response, on)
    if role.questionnaire_id != response.cycle.questionnaire_id:
        raise SurveyError(_("That role is not in this cycle's questionnaire."))
    with transaction.atomic():
        existing = RoleNote.objects.filter(response=response, role=role).first()
        if seen_version is None or existing is None:
            try:
                with transaction.atomic():
                    saved = RoleNote.objects.create(
                        response=response, role=role, note=note, updated_by=by
                    )
            except IntegrityError:
                raise RoleNoteConflict(RoleNote.objects.get(response=response, role=role)) from None
        else:
            updated = RoleNote.objects.filter(pk=existing.pk, version=seen_version).update(
                note=note, version=F("version") + 1, updated_by=by, updated_at=timezone.now()
            )
            if not updated:
                raise RoleNoteConflict(existing)
            saved = RoleNote.objects.get(pk=existing.pk)
        _started(response)
        audit.record(
            actor=by,
            action=AuditEntry.Action.CHANGE if existing else AuditEntry.Action.CREATE,
            target=saved,
            city=response.city,
            changes=audit.changes_between(
                {"note": existing.note if existing else ""}, {"note": saved.note}
            ),
        )
        return saved


@transaction.atomic
def start_from_previous(*, response: Response, by: Any, on: datetime.date | None = None) -> int:
    """Copy the city's answers from its previous cycle's response into this one: the rating,
    evidence, links and extra answers of every commitment with the same code that this response
    has not rated yet, and the notes of roles without one here. Extra answers are kept only for
    questions this edition still asks. Returns how many ratings were copied."""
    _require_answering(response, on)
    previous = response.previous()
    if previous is None:
        raise SurveyError(_("This city has no response in an earlier cycle to start from."))
    commitments = {
        c.code: c
        for c in Commitment.objects.filter(
            questionnaire=response.cycle.questionnaire_id
        ).prefetch_related("questions")
    }
    rated = set(response.answers.values_list("commitment__code", flat=True))
    copies = []
    for old in previous.answers.select_related("commitment"):
        commitment = commitments.get(old.commitment.code)
        if commitment is None or commitment.code in rated:
            continue
        asked = {question.code for question in commitment.questions.all()}
        copies.append(
            CommitmentAnswer(
                response=response,
                commitment=commitment,
                rating=old.rating,
                evidence=old.evidence,
                links=old.links,
                extra={code: value for code, value in old.extra.items() if code in asked},
                updated_by=by,
            )
        )
    CommitmentAnswer.objects.bulk_create(copies)
    roles = {
        role.code: role
        for role in CharterRole.objects.filter(questionnaire=response.cycle.questionnaire_id)
    }
    noted = set(response.role_notes.values_list("role__code", flat=True))
    RoleNote.objects.bulk_create(
        RoleNote(response=response, role=roles[old.role.code], note=old.note, updated_by=by)
        for old in previous.role_notes.select_related("role")
        if old.role.code in roles and old.role.code not in noted and old.note
    )
    _started(response)
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=response,
        city=response.city,
        changes={"started from": [None, str(previous.cycle)], "ratings copied": [0, len(copies)]},
    )
    return len(copies)


def unrated(response: Response) -> list[Commitment]:
    """The commitments of the cycle's edition the response has not rated, in order."""
    return list(
        Commitment.objects.filter(questionnaire=response.cycle.questionnaire_id)
        .exclude(pk__in=response.answers.values("commitment_id"))
        .order_by("position")
    )


def _transition(response: Response, *, to: str, by: Any, **fields: Any) -> None:
    previous = response.status
    response.status = to
    for name, value in fields.items():
        setattr(response, name, value)
    response.save(update_fields=["status", *fields])
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=response,
        city=response.city,
        changes={"status": [previous, to]},
    )


@transaction.atomic
def submit_response(
    *, response: Response, by: Any, on: datetime.date | None = None
) -> list[Commitment]:
    """Submit the city's response to the coordinators. Commitments left unrated are allowed
    (they count as not answered); returns them, so the page can say which."""
    _require_answering(response, on)
    if not response.answers.exists():
        raise SurveyError(_("Rate at least one commitment before you submit."))
    missing = unrated(response)
    _transition(response, to=Response.Status.SUBMITTED, by=by, submitted_at=timezone.now())
    return missing


@transaction.atomic
def return_response(*, response: Response, note: str, by: Any) -> None:
    """Send a submitted response back to the city for changes, saying why. The city can
    change it while the cycle is open (a coordinator can extend the cycle)."""
    if response.status != Response.Status.SUBMITTED:
        raise SurveyError(_("Only a submitted response can be returned."))
    if not note.strip():
        raise SurveyError(_("Say what the city should change."), "note")
    _transition(
        response,
        to=Response.Status.RETURNED,
        by=by,
        return_note=note.strip(),
        decided_at=timezone.now(),
        decided_by=by,
    )


@transaction.atomic
def accept_response(*, response: Response, by: Any) -> None:
    """Accept a submitted response: it counts in the cycle's results and is frozen."""
    if response.status != Response.Status.SUBMITTED:
        raise SurveyError(_("Only a submitted response can be accepted."))
    _transition(
        response, to=Response.Status.ACCEPTED, by=by, decided_at=timezone.now(), decided_by=by
    )


@transaction.atomic
def set_answers_public(*, response: Response, public: bool, by: Any) -> None:
    """Record whether the city agrees to publish its answers (shown once accepted)."""
    if response.answers_public == public:
        return
    response.answers_public = public
    response.save(update_fields=["answers_public"])
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=response,
        city=response.city,
        changes={"answers public": [not public, public]},
    )


def reminders_due(on: datetime.date) -> list[tuple[Cycle, list[Response]]]:
    """The cycles whose reminders go out on `on`: open, closing within REMINDER_DAYS, not
    reminded yet; each with its responses not yet submitted. Two queries."""
    cycles = list(
        Cycle.objects.open_on(on)
        .filter(closes_on__lte=on + datetime.timedelta(days=REMINDER_DAYS), reminded_on=None)
        .order_by("closes_on", "pk")
    )
    waiting: dict[int, list[Response]] = {cycle.pk: [] for cycle in cycles}
    for response in (
        Response.objects.filter(cycle__in=cycles, status__in=Response.EDITABLE_STATES)
        .select_related("city")
        .order_by("city__name")
    ):
        waiting[response.cycle_id].append(response)
    return [(cycle, waiting[cycle.pk]) for cycle in cycles]


@transaction.atomic
def mark_reminded(*, cycle: Cycle, on: datetime.date) -> None:
    Cycle.objects.filter(pk=cycle.pk).update(reminded_on=on)
    cycle.reminded_on = on


@transaction.atomic
def publish_results(*, cycle: Cycle, by: Any) -> None:
    """Make the cycle's aggregate results public (they are read live from the submitted
    responses, so a response accepted later counts too)."""
    if cycle.results_published_at is not None:
        return
    cycle.results_published_at = timezone.now()
    cycle.save(update_fields=["results_published_at"])
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=cycle,
        changes={"results published": [False, True]},
    )


@transaction.atomic
def withdraw_results(*, cycle: Cycle, by: Any) -> None:
    """Make the cycle's results private again (to correct a response, say)."""
    if cycle.results_published_at is None:
        return
    cycle.results_published_at = None
    cycle.save(update_fields=["results_published_at"])
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=cycle,
        changes={"results published": [True, False]},
    )


# -- links from the commitments to the toolkits (issue 15 part 5) --------------------------------


def _describe_links(links: Iterable[tuple[Toolkit, Iterable[KeyFactor]]]) -> str | None:
    """Links as the audit trail shows them: "A 2018 (1, 3); C 2018", in order; None: none."""
    labels = []
    for toolkit, key_factors in links:
        numbers = ", ".join(str(n) for n in sorted(factor.position for factor in key_factors))
        label = f"{toolkit.theme.code} {toolkit.year}"
        labels.append(f"{label} ({numbers})" if numbers else label)
    return "; ".join(sorted(labels)) or None


@transaction.atomic
def save_links(
    *,
    commitment: Commitment,
    links: Sequence[tuple[Toolkit, Sequence[KeyFactor]]],
    by: Any,
) -> list[CommitmentLink]:
    """Link a commitment to the toolkits that serve it, each with those of its key factors that
    do (none: the toolkit as a whole), replacing its links; an empty `links` unlinks it. A link
    to a toolkit that stays linked is kept (with its note), its key factors replaced.

    Refused (SurveyError, nothing stored): a toolkit given twice, a draft toolkit (a commitment
    points to what cities can read and assess against), a key factor of another toolkit.
    Recorded in the audit trail when the links change."""
    seen: set[int] = set()
    for toolkit, key_factors in links:
        name = f"{toolkit.theme.code} {toolkit.year}"
        if toolkit.pk in seen:
            raise SurveyError(
                _("The toolkit %(toolkit)s is given twice: link it once, with all its key factors.")
                % {"toolkit": name},
                "toolkits",
            )
        seen.add(toolkit.pk)
        if toolkit.status == Toolkit.Status.DRAFT:
            raise SurveyError(
                _(
                    "The toolkit %(toolkit)s is a draft: link a commitment to a published "
                    "toolkit, one cities can read and assess against."
                )
                % {"toolkit": name},
                "toolkits",
            )
        foreign = [factor for factor in key_factors if factor.toolkit_id != toolkit.pk]
        if foreign:
            raise SurveyError(
                _("Key factor %(number)s is not one of the toolkit %(toolkit)s's key factors.")
                % {"number": foreign[0].position, "toolkit": name},
                "key_factors",
            )
    existing = list(
        CommitmentLink.objects.filter(commitment=commitment)
        .select_related("toolkit__theme")
        .prefetch_related("key_factors")
        .order_by("pk")
    )
    before = _describe_links((link.toolkit, link.key_factors.all()) for link in existing)
    kept = {link.toolkit_id: link for link in existing}
    CommitmentLink.objects.filter(commitment=commitment).exclude(
        toolkit__in=[toolkit.pk for toolkit, _factors in links]
    ).delete()
    saved = []
    for toolkit, key_factors in links:
        link = kept.get(toolkit.pk) or CommitmentLink.objects.create(
            commitment=commitment,
            toolkit=toolkit,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        link.key_factors.set(list(key_factors))
        saved.append(link)
    after = _describe_links(links)
    if before != after:
        audit.record(
            actor=by,
            action=AuditEntry.Action.CHANGE,
            target=commitment,
            changes={"toolkits": [before, after]},
        )
    return saved
