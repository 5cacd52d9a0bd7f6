"""Writing assessments: starting, copying, answering (safely when two officers work at once),
notes and targets, context, comments, and the workflow draft → submitted → reviewed → published.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from citygrow.assessments.insights import (
    computed_inputs,
    questions_per_factor,
    score_rows,
    toolkit_questions,
)
from citygrow.assessments.models import (
    Answer,
    Assessment,
    Comment,
    ContextNote,
    FactorNote,
    PublishedScore,
)
from citygrow.catalogue.models import GuideQuestion, KeyFactor, Toolkit
from citygrow.core.errors import ServiceError
from citygrow.core.moments import stamp
from citygrow.people import audit
from citygrow.people.models import AuditEntry, City


class AssessmentError(ServiceError):
    """A change the assessment cannot take; the message says why, for the person making it."""


class Conflict(AssessmentError):
    """Someone else changed this answer since it was loaded. `current` is their version."""

    def __init__(self, current: Answer) -> None:
        self.current = current
        super().__init__(_("Someone else changed this answer since you loaded the page."))


class NoteConflict(AssessmentError):
    """Someone else changed this key factor's note or target since it was read. `current` is
    their version."""

    def __init__(self, current: FactorNote) -> None:
        self.current = current
        super().__init__(
            _("Someone else changed this key factor's note or target since you read it.")
        )


def _require_draft(assessment: Assessment) -> None:
    if not assessment.is_editable:
        raise AssessmentError(
            _("This assessment is %(status)s: its answers can no longer change.")
            % {"status": assessment.get_status_display().lower()}
        )


@transaction.atomic
def start_assessment(
    *,
    city: City,
    toolkit: Toolkit,
    title: str,
    assessed_on: datetime.date,
    by: Any,
    at: datetime.datetime | None = None,
) -> Assessment:
    """A new draft. `at` is the moment recorded (now by default; see core.moments)."""
    assessment = Assessment.objects.create(
        city=city, toolkit=toolkit, title=title, assessed_on=assessed_on, created_by=by
    )
    stamp(assessment, at, "created_at")
    audit.record(actor=by, action=AuditEntry.Action.CREATE, target=assessment, city=city, at=at)
    return assessment


@transaction.atomic
def copy_assessment(
    *,
    source: Assessment,
    title: str,
    assessed_on: datetime.date,
    by: Any,
    at: datetime.datetime | None = None,
) -> Assessment:
    """A new draft with the answers, notes, targets and context of `source`."""
    copy = Assessment.objects.create(
        city=source.city,
        toolkit=source.toolkit,
        title=title,
        assessed_on=assessed_on,
        based_on=source,
        created_by=by,
    )
    stamp(copy, at, "created_at")
    Answer.objects.bulk_create(
        Answer(
            assessment=copy,
            question_id=answer.question_id,
            value=answer.value,
            evidence=answer.evidence,
            links=answer.links,
            updated_by=by,
        )
        for answer in source.answers.all()
    )
    FactorNote.objects.bulk_create(
        FactorNote(
            assessment=copy,
            key_factor_id=note.key_factor_id,
            note=note.note,
            target=note.target,
            updated_by=by,
        )
        for note in source.notes.all()
    )
    ContextNote.objects.bulk_create(
        ContextNote(
            assessment=copy, context_factor_id=c.context_factor_id, explanation=c.explanation
        )
        for c in source.context.all()
    )
    if at is not None:
        Answer.objects.filter(assessment=copy).update(updated_at=at)
        FactorNote.objects.filter(assessment=copy).update(updated_at=at)
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE,
        target=copy,
        city=copy.city,
        changes={"copied from": [None, str(source)]},
        at=at,
    )
    return copy


def save_answer(
    *,
    assessment: Assessment,
    question: GuideQuestion,
    value: str,
    evidence: str,
    links: Sequence[str],
    seen_version: int | None,
    by: Any,
    at: datetime.datetime | None = None,
) -> Answer:
    """Store an answer. `seen_version` is the version the person's page showed (None: the page
    showed no answer). If the answer changed since, raise Conflict with the newer answer, and
    store nothing: nobody's answer is lost without them seeing it.
    """
    _require_draft(assessment)
    if question.key_factor.toolkit_id != assessment.toolkit_id:
        raise AssessmentError(_("That question is not part of this assessment's toolkit."))
    with transaction.atomic():
        existing = Answer.objects.filter(assessment=assessment, question=question).first()
        if seen_version is None or existing is None:
            # A first answer (a version sent for an answer that does not exist counts as one).
            try:
                with transaction.atomic():
                    answer = Answer.objects.create(
                        assessment=assessment,
                        question=question,
                        value=value,
                        evidence=evidence,
                        links=list(links),
                        updated_by=by,
                    )
            except IntegrityError:
                raise Conflict(_current(assessment, question)) from None
            stamp(answer, at, "updated_at")
            audit.record(
                actor=by,
                action=AuditEntry.Action.CREATE,
                target=answer,
                city=assessment.city,
                changes={"value": [None, value]},
                at=at,
            )
            return answer
        before = existing
        updated = Answer.objects.filter(
            assessment=assessment, question=question, version=seen_version
        ).update(
            value=value,
            evidence=evidence,
            links=list(links),
            version=F("version") + 1,
            updated_by=by,
            updated_at=at or timezone.now(),
        )
        if not updated:
            raise Conflict(before)
        answer = _current(assessment, question)
        audit.record(
            actor=by,
            action=AuditEntry.Action.CHANGE,
            target=answer,
            city=assessment.city,
            changes=audit.changes_between(
                {"value": before.value, "evidence": before.evidence, "links": str(before.links)},
                {"value": answer.value, "evidence": answer.evidence, "links": str(answer.links)},
            ),
            at=at,
        )
        return answer


def save_answer_from(
    *, assessment: Assessment, question: GuideQuestion, data: Mapping[str, Any], by: Any
) -> Answer:
    """`save_answer` with the cleaned data of an AnswerForm (the page's and the API's)."""
    return save_answer(
        assessment=assessment,
        question=question,
        value=data["value"],
        evidence=data["evidence"],
        links=data["links"],
        seen_version=data["version"],
        by=by,
    )


def _current(assessment: Assessment, question: GuideQuestion) -> Answer:
    return Answer.objects.select_related("updated_by").get(assessment=assessment, question=question)


@transaction.atomic
def save_factor_note(
    *,
    assessment: Assessment,
    key_factor: KeyFactor,
    note: str,
    target: int,
    by: Any,
    seen_version: int | None = None,
) -> FactorNote:
    """Store the note and target of a key factor; each save raises its version by one.

    With `seen_version` (the version the person read; the API sends it, the page does not),
    a note changed since raises NoteConflict with the newer note and stores nothing.
    """
    _require_draft(assessment)
    if key_factor.toolkit_id != assessment.toolkit_id:
        raise AssessmentError(_("That key factor is not part of this assessment's toolkit."))
    existing = (
        FactorNote.objects.select_for_update()
        .filter(assessment=assessment, key_factor=key_factor)
        .first()
    )
    if seen_version is not None and existing is not None and existing.version != seen_version:
        raise NoteConflict(existing)
    before = {"note": existing.note, "target": str(existing.target)} if existing else {}
    record, _created = FactorNote.objects.update_or_create(
        assessment=assessment,
        key_factor=key_factor,
        defaults={
            "note": note,
            "target": target,
            "updated_by": by,
            "version": existing.version + 1 if existing else 1,
        },
    )
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE if existing else AuditEntry.Action.CREATE,
        target=record,
        city=assessment.city,
        changes=audit.changes_between(before, {"note": note, "target": str(target)}),
    )
    return record


@transaction.atomic
def save_context(*, assessment: Assessment, explanations: Mapping[int, str], by: Any) -> None:
    """Set the context factors that apply (by id) with their explanations; others are removed."""
    _require_draft(assessment)
    valid = set(assessment.toolkit.context_factors.values_list("pk", flat=True))
    unknown = set(explanations) - valid
    if unknown:
        raise AssessmentError(_("Those context factors are not part of this toolkit."))
    assessment.context.exclude(context_factor__in=list(explanations)).delete()
    for factor_id, explanation in explanations.items():
        ContextNote.objects.update_or_create(
            assessment=assessment,
            context_factor_id=factor_id,
            defaults={"explanation": explanation},
        )
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=assessment,
        city=assessment.city,
        changes={"context factors": [None, ", ".join(str(i) for i in sorted(explanations))]},
    )


def unanswered(assessment: Assessment) -> list[GuideQuestion]:
    """The questions of the toolkit that have no answer yet, in order."""
    answered = assessment.answers.values_list("question_id", flat=True)
    return list(
        GuideQuestion.objects.filter(key_factor__toolkit=assessment.toolkit_id)
        .exclude(pk__in=answered)
        .select_related("key_factor")
        .order_by("key_factor__position", "position")
    )


def _transition(
    assessment: Assessment,
    *,
    to: str,
    by: Any,
    at: datetime.datetime | None = None,
    **fields: Any,
) -> None:
    previous = assessment.status
    assessment.status = to
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.save(update_fields=["status", *fields])
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=assessment,
        city=assessment.city,
        changes={"status": [previous, to]},
        at=at,
    )


@transaction.atomic
def submit(
    *, assessment: Assessment, by: Any, at: datetime.datetime | None = None
) -> list[GuideQuestion]:
    """Submit a draft for review. Returns the questions left unanswered (allowed)."""
    if assessment.status != Assessment.Status.DRAFT:
        raise AssessmentError(_("Only a draft can be submitted."))
    missing = unanswered(assessment)
    _transition(
        assessment,
        to=Assessment.Status.SUBMITTED,
        by=by,
        at=at,
        submitted_at=at or timezone.now(),
    )
    return missing


@transaction.atomic
def return_to_draft(*, assessment: Assessment, by: Any) -> None:
    """Reopen a submitted or reviewed assessment for changes."""
    if assessment.status not in (Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED):
        raise AssessmentError(_("Only a submitted or reviewed assessment can be reopened."))
    _transition(assessment, to=Assessment.Status.DRAFT, by=by)


@transaction.atomic
def mark_reviewed(*, assessment: Assessment, by: Any, at: datetime.datetime | None = None) -> None:
    if assessment.status != Assessment.Status.SUBMITTED:
        raise AssessmentError(_("Only a submitted assessment can be marked reviewed."))
    _transition(
        assessment,
        to=Assessment.Status.REVIEWED,
        by=by,
        at=at,
        reviewed_at=at or timezone.now(),
        reviewed_by=by,
    )


@transaction.atomic
def publish(*, assessment: Assessment, by: Any, at: datetime.datetime | None = None) -> None:
    """Publish a reviewed assessment: from now on it is public and frozen, so its key factor
    scores are stored with it (insights reads them instead of scoring it again)."""
    if assessment.status != Assessment.Status.REVIEWED:
        raise AssessmentError(_("Only a reviewed assessment can be published."))
    _transition(
        assessment,
        to=Assessment.Status.PUBLISHED,
        by=by,
        at=at,
        published_at=at or timezone.now(),
    )
    store_published_scores(assessments=[assessment])


@transaction.atomic
def add_comment(*, assessment: Assessment, key_factor: KeyFactor, text: str, by: Any) -> Comment:
    if assessment.status not in (Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED):
        raise AssessmentError(_("Comments are made on a submitted assessment."))
    if key_factor.toolkit_id != assessment.toolkit_id:
        raise AssessmentError(_("That key factor is not part of this assessment's toolkit."))
    comment = Comment.objects.create(
        assessment=assessment, key_factor=key_factor, author=by, text=text
    )
    audit.record(actor=by, action=AuditEntry.Action.CREATE, target=comment, city=assessment.city)
    return comment


@transaction.atomic
def store_published_scores(*, assessments: Iterable[Assessment]) -> int:
    """Store the key factor scores of published assessments (replacing any stored before).

    Called in the transaction that publishes them (`publish`, generate_data, seed):
    from then on they are frozen, so the scores stay true. Returns the rows written.
    """
    by_toolkit: dict[int, list[int]] = defaultdict(list)
    for assessment in assessments:
        by_toolkit[assessment.toolkit_id].append(assessment.pk)
    rows = []
    for toolkit_id, ids in by_toolkit.items():
        by_factor = questions_per_factor(toolkit_questions(toolkit_id))
        rows += score_rows(computed_inputs(ids, by_factor))
    ids = [pk for group in by_toolkit.values() for pk in group]
    PublishedScore.objects.filter(assessment__in=ids).delete()
    PublishedScore.objects.bulk_create((PublishedScore(**row) for row in rows), batch_size=1000)
    return len(rows)
