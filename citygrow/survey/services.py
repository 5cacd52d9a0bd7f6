"""Reading, loading and exporting Charter questionnaire files (docs/questionnaire-format.md).

The toolkit files' way of working (citygrow.catalogue.services): a file is checked whole before
anything is written; loading is one transaction; the same content loaded twice changes nothing;
different content for a stored edition is refused unless `replace` is given.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from django.db import transaction

from citygrow.catalogue.toolkit_file import Problem
from citygrow.people import audit
from citygrow.people.models import AuditEntry
from citygrow.survey.models import CharterRole, Commitment, ExtraQuestion, Questionnaire
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
