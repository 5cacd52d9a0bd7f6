"""Self-assessments in the JSON API: reading them, and the whole workflow of the pages: start one,
copy one into a new round, answer, write a key factor's note and target, say which context
factors apply, submit, reopen (return to draft), mark reviewed, publish, and the review's
comments (issue 12).

Who may do what is the pages' rule (citygrow.assessments.rules), asked the same way: a private
assessment the caller may not see is 404; one they see but may not act on is 403, whose detail
says why, either the caller's role (e.g. "Only the theme's facilitators and coordinators mark an
assessment reviewed.") or the assessment's status (e.g. "Only a draft can be submitted. This
assessment is reviewed."). Anonymous callers get 401 on every write, read-only tokens 403.
Writes go through citygrow.assessments.services (audited); what the data does not allow (a
`ServiceError`) is 422 with the service's message, and nothing is stored. A save made over a
newer one (answers, key factor notes: send back the `version` you read) is 409 with the current
one. Key factors are given by their number in the assessment's toolkit; context factors by their
category.
"""

import copy
import datetime
from dataclasses import dataclass
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from citygrow.api.auth import SIGNED_IN, require_write, signed_in
from citygrow.api.common import (
    ANYONE,
    READ,
    WRITE,
    Refused,
    absolute,
    errors_of,
    forbidden,
    form_refused,
    invalid,
    paged,
)
from citygrow.api.schemas import (
    NO_NUL,
    AnswerIn,
    AnswerOut,
    AssessmentOut,
    AssessmentSummary,
    ConflictOut,
    ErrorOut,
    answer_out,
)
from citygrow.assessments import services as assessment_services
from citygrow.assessments.forms import (
    AnswerForm,
    CommentForm,
    CopyForm,
    FactorNoteForm,
    StartForm,
    context_form_class,
)
from citygrow.assessments.insights import insights_for, results_of
from citygrow.assessments.models import Assessment, Comment, FactorNote
from citygrow.assessments.sheet import Sheet, load_sheet
from citygrow.catalogue.models import ContextFactor, GuideQuestion, KeyFactor, Toolkit
from citygrow.people.models import City
from citygrow.people.rules import may_see_private, roles_of

router = Router(tags=["assessments"])

#: A number as the database stores it (a larger one is refused with 422, not a 500).
SmallNumber = Annotated[int, Field(ge=0, le=32767)]


# Schemas --------------------------------------------------------------------------------------


class AssessmentStart(Schema):
    city: str = Field(
        pattern=r"^[-a-zA-Z0-9_]+$", max_length=100, description="The slug of a city you work for"
    )
    theme: str = Field(pattern=r"^[A-Z]$", description="The toolkit's theme code, e.g. A")
    toolkit_year: SmallNumber = Field(description="The year of a published edition, e.g. 2018")
    title: str | None = Field(
        None, pattern=NO_NUL, max_length=200, description='Default: "Self-assessment <year>"'
    )
    assessed_on: datetime.date | None = Field(None, description="Default: today")


class AssessmentCopyIn(Schema):
    title: str | None = Field(
        None, pattern=NO_NUL, max_length=200, description='Default: "<title> (new round)"'
    )
    assessed_on: datetime.date | None = Field(None, description="Default: today")


class WorkflowOut(AssessmentSummary):
    submitted_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None
    published_at: datetime.datetime | None
    unanswered: list[str] = Field(
        description="Numbers of the guide questions without an answer, e.g. 2.3 (an assessment "
        "may be submitted with some)"
    )


class FactorNoteIn(Schema):
    note: str = Field("", pattern=NO_NUL, max_length=10_000)
    target: int = Field(100, description="0..100; 100 is the standard, below it is a gap")
    version: int | None = Field(
        None, description="The version you read; leave out for a key factor with no note yet"
    )


class FactorNoteOut(Schema):
    key_factor: int = Field(description="The key factor's number")
    heading: str
    note: str
    target: int
    version: int | None = Field(description="Send it back when changing the note")


class NoteConflictOut(Schema):
    detail: str
    current: FactorNoteOut


Category = Annotated[str, Field(pattern=NO_NUL, max_length=200)]
Explanation = Annotated[str, Field(pattern=NO_NUL, max_length=10_000)]


class ContextIn(Schema):
    context: dict[Category, Explanation] = Field(
        description="The context factors that apply (by category, as the toolkit names them), "
        "each with how it affects the city; the others are removed"
    )


class ContextOut(Schema):
    context: dict[str, str] = Field(description="Context factors that apply, with how")


class AssessmentCommentIn(Schema):
    key_factor: SmallNumber = Field(description="The number of the key factor it is about")
    text: str = Field(pattern=NO_NUL, max_length=5_000)


class AssessmentCommentOut(Schema):
    id: int
    key_factor: int = Field(description="The number of the key factor it is about")
    author: str | None
    text: str
    created_at: datetime.datetime


# Helpers --------------------------------------------------------------------------------------


def _assessment_summary(
    request: HttpRequest, assessment: Assessment, overall: float | None
) -> dict[str, Any]:
    return {
        "id": assessment.pk,
        "city": assessment.city.name,
        "city_slug": assessment.city.slug,
        "theme": assessment.toolkit.theme.code,
        "toolkit_year": assessment.toolkit.year,
        "title": assessment.title,
        "assessed_on": assessment.assessed_on.isoformat(),
        "status": assessment.status,
        "overall": overall,
        "url": absolute(request, assessment.get_absolute_url()),
    }


def _visible_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("city", "toolkit__theme"), pk=assessment_id
    )
    if not request.user.has_perm("assessments.view_assessment", assessment):
        raise Http404
    return assessment


@dataclass(frozen=True)
class Step:
    """A permission of assessments.rules, which ties who may act to the status the assessment
    must have: `who` says who may, `when` in which status (`status`, one it allows)."""

    perm: str
    status: str
    who: str
    when: str


def _steps() -> dict[str, Step]:
    """The steps, their messages in the caller's language."""
    draft, submitted = Assessment.Status.DRAFT, Assessment.Status.SUBMITTED
    return {
        "change": Step(
            "assessments.change_assessment",
            draft,
            _("Only the city's officers change a draft assessment's answers."),
            _("Only a draft's answers, notes, targets and context change."),
        ),
        "submit": Step(
            "assessments.submit_assessment",
            draft,
            _("Only the city's officers submit its assessment."),
            _("Only a draft can be submitted."),
        ),
        "reopen": Step(
            "assessments.reopen_assessment",
            submitted,
            _("Only the city's officers return its assessment to draft."),
            _("Only a submitted or reviewed assessment can be reopened."),
        ),
        "review": Step(
            "assessments.review_assessment",
            submitted,
            _("Only the theme's facilitators and coordinators mark an assessment reviewed."),
            _("Only a submitted assessment can be marked reviewed."),
        ),
        "publish": Step(
            "assessments.publish_assessment",
            Assessment.Status.REVIEWED,
            _("Only the city's officers publish its assessment."),
            _("Only a reviewed assessment can be published."),
        ),
        "comment": Step(
            "assessments.comment_assessment",
            submitted,
            _(
                "Only the city's team comments on its assessment: its officers, its mentors on "
                "the theme, the theme's facilitators and coordinators."
            ),
            _("Comments are made on a submitted or reviewed assessment."),
        ),
        "copy": Step(
            "assessments.copy_assessment",
            draft,
            _("Only the city's officers copy its assessments."),
            "",
        ),
    }


def _acting(request: HttpRequest, assessment_id: int, step: str) -> Assessment:
    """The opening of a write route, in this order: 403 for a read-only token; the assessment
    if the caller may see it (404 otherwise); 403 unless the pages' rule lets them do `step`,
    saying whether their role or the assessment's status is why."""
    require_write(request)
    assessment = _visible_assessment(request, assessment_id)
    rule = _steps()[step]
    if not request.user.has_perm(rule.perm, assessment):
        in_status = copy.copy(assessment)
        in_status.status = rule.status
        if rule.when and request.user.has_perm(rule.perm, in_status):
            raise forbidden(
                _("%(rule)s This assessment is %(status)s.")
                % {"rule": rule.when, "status": assessment.get_status_display().lower()}
            )
        raise forbidden(rule.who)
    return assessment


def _assessment_out(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    sheet = load_sheet(assessment, with_comments=False)
    insights = insights_for(assessment, sheet)
    result = sheet.result
    return {
        **_assessment_summary(request, assessment, result.overall),
        "distance": result.distance,
        "answered": result.answered,
        "total": result.total,
        "dont_know": result.dont_know,
        "gaps": [gap.key for gap in result.gaps],
        "key_factors": sheet.factors,
        "context": _context(sheet),
        "compared": insights,
        "learn": [
            {
                "key_factor": gap.key,
                "mentors": insights.mentors.get(gap.key, []),
                "practices": [p.pk for p in insights.practices.get(gap.key, [])],
            }
            for gap in result.gaps
        ],
    }


def _context(sheet: Sheet) -> dict[str, str]:
    return {c.factor.category: c.note.explanation for c in sheet.context if c.note}


def _workflow_out(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    sheet = load_sheet(assessment, with_comments=False)
    return {
        **_assessment_summary(request, assessment, sheet.result.overall),
        "submitted_at": assessment.submitted_at,
        "reviewed_at": assessment.reviewed_at,
        "published_at": assessment.published_at,
        "unanswered": [
            f"{row.key_factor.position}.{line.question.position}"
            for row in sheet.factors
            for line in row.questions
            if line.answer is None
        ],
    }


def _key_factor(assessment: Assessment, number: int, field: str | None = None) -> KeyFactor:
    """The key factor of that number in the assessment's toolkit: else 422 about `field`, or
    404 when the number is in the path (`field` None)."""
    found = KeyFactor.objects.filter(toolkit=assessment.toolkit_id, position=number).first()
    if found is None:
        if field is None:
            raise Http404
        message = _("The assessment's toolkit has no key factor %(number)s.") % {"number": number}
        raise invalid(field, message)
    return found


def _note_out(key_factor: KeyFactor, note: FactorNote | None) -> dict[str, Any]:
    return {
        "key_factor": key_factor.position,
        "heading": key_factor.heading,
        "note": note.note if note else "",
        "target": note.target if note else 100,
        "version": note.version if note else None,
    }


def _comment_out(comment: Comment) -> dict[str, Any]:
    author = comment.author
    return {
        "id": comment.pk,
        "key_factor": comment.key_factor.position,
        "author": (author.get_full_name() or author.username) if author else None,
        "text": comment.text,
        "created_at": comment.created_at,
    }


# Reads ----------------------------------------------------------------------------------------


class AssessmentPage(Schema):
    count: int
    page: int
    pages: int
    results: list[AssessmentSummary]


@router.get(
    "/assessments",
    response={200: AssessmentPage, 401: ErrorOut, 422: ErrorOut},
    openapi_extra=ANYONE,
    summary="Assessments",
)
def list_assessments(
    request: HttpRequest, page: Annotated[int, Field(ge=1, le=1_000_000)] = 1
) -> dict[str, Any]:
    """Published assessments, and the private ones the caller may see, newest first, 20 a
    page. A published assessment's overall score is read from what was stored when it was
    published; only a draft's is computed, and only those of the page."""
    assessments = Assessment.objects.visible_to(request.user).select_related(
        "city", "toolkit__theme"
    )

    def render(found: list[Assessment]) -> list[dict[str, Any]]:
        overall: dict[int, float | None] = {}
        by_toolkit: dict[int, list[Assessment]] = {}
        for assessment in found:
            by_toolkit.setdefault(assessment.toolkit_id, []).append(assessment)
        for toolkit_id, group in by_toolkit.items():
            results = results_of(group, toolkit_id)
            overall |= {pk: result.overall for pk, result in results.items()}
        return [_assessment_summary(request, a, overall.get(a.pk)) for a in found]

    return paged(assessments, page, render)


@router.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=ANYONE,
    summary="One assessment with its scores, gaps and answers",
)
def get_assessment(request: HttpRequest, assessment_id: int) -> Any:
    return _assessment_out(request, _visible_assessment(request, assessment_id))


@router.get(
    "/assessments/{assessment_id}/comments",
    response={200: list[AssessmentCommentOut], 403: ErrorOut, **READ},
    auth=SIGNED_IN,
    summary="The review's comments on an assessment",
)
def list_assessment_comments(request: HttpRequest, assessment_id: int) -> Any:
    """For the city's team (its officers, its mentors on the theme, the theme's facilitators
    and coordinators), also once the assessment is published: 403 for others who see it. In
    the order they were made."""
    assessment = _visible_assessment(request, assessment_id)
    if not may_see_private.test(request.user, assessment):
        raise forbidden(_("The review's comments stay with the city's team."))
    comments = Comment.objects.filter(assessment=assessment).select_related("author", "key_factor")
    return [_comment_out(comment) for comment in comments]


# Writes ---------------------------------------------------------------------------------------


@router.post(
    "/assessments",
    response={**WRITE, 201: AssessmentOut},
    auth=SIGNED_IN,
    summary="Start an assessment",
)
def start_assessment(request: HttpRequest, payload: AssessmentStart) -> Any:
    """A new draft of a city you are an officer of, against a published toolkit edition
    (theme and year, as in /toolkits/{code}/{year})."""
    require_write(request)
    user = signed_in(request)
    if not user.has_perm("assessments.add_assessment"):
        raise forbidden(_("Only a city's officers start its assessments."))
    cities = roles_of(user).officer_of
    city = City.objects.filter(slug=payload.city, pk__in=cities).first()
    if city is None:
        raise invalid("city", _("You start assessments only of a city you are an officer of."))
    toolkit = _published_toolkit(payload.theme, payload.toolkit_year)
    assessed_on = payload.assessed_on or timezone.localdate()
    title = payload.title
    if title is None:
        title = _("Self-assessment %(year)d") % {"year": assessed_on.year}
    form = StartForm(
        {
            "city": city.pk,
            "toolkit": toolkit.pk,
            "title": title,
            "assessed_on": assessed_on.isoformat(),
        },
        cities=cities,
    )
    if not form.is_valid():
        raise form_refused(form, _("The assessment cannot start."))
    assessment = assessment_services.start_assessment(by=user, **form.cleaned_data)
    return Status(201, _assessment_out(request, _visible_assessment(request, assessment.pk)))


def _published_toolkit(theme: str, year: int) -> Toolkit:
    """The published edition of `year` of the theme; else 422, naming the editions there are."""
    editions = {
        toolkit.year: toolkit
        for toolkit in Toolkit.objects.published().filter(theme__code=theme).select_related("theme")
    }
    if year in editions:
        return editions[year]
    if not editions:
        raise invalid(
            "theme", _("Theme %(theme)s has no published toolkit to assess.") % {"theme": theme}
        )
    message = _("Theme %(theme)s has no published edition of %(year)s (it has: %(years)s).") % {
        "theme": theme,
        "year": year,
        "years": ", ".join(str(y) for y in sorted(editions)),
    }
    raise invalid("toolkit_year", message)


@router.post(
    "/assessments/{assessment_id}/copy",
    response={**WRITE, 201: AssessmentOut},
    auth=SIGNED_IN,
    summary="Start a new round as a copy of an assessment",
)
def copy_assessment(request: HttpRequest, assessment_id: int, payload: AssessmentCopyIn) -> Any:
    """For the city's officers, from any of its assessments: a new draft with its answers,
    notes, targets and context."""
    source = _acting(request, assessment_id, "copy")
    form = CopyForm(
        {
            "title": (
                _("%(title)s (new round)") % {"title": source.title}
                if payload.title is None
                else payload.title
            ),
            "assessed_on": (payload.assessed_on or timezone.localdate()).isoformat(),
        }
    )
    if not form.is_valid():
        raise form_refused(form, _("The new round cannot start."))
    new = assessment_services.copy_assessment(
        source=source, by=signed_in(request), **form.cleaned_data
    )
    return Status(201, _assessment_out(request, _visible_assessment(request, new.pk)))


@router.put(
    "/assessments/{assessment_id}/answers/{question_id}",
    response={
        200: AnswerOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ConflictOut,
        422: ErrorOut,
    },
    auth=SIGNED_IN,
    summary="Answer a question",
)
def save_answer(
    request: HttpRequest, assessment_id: int, question_id: int, payload: AnswerIn
) -> Any:
    """For the city's officers, while the assessment is a draft, with a read-write token or the
    browser session. Send back the `version` you read: if someone changed the answer since, the
    answer is not saved and 409 returns the current one."""
    assessment = _acting(request, assessment_id, "change")
    question = get_object_or_404(
        GuideQuestion.objects.select_related("key_factor"),
        pk=question_id,
        key_factor__toolkit=assessment.toolkit_id,
    )
    form = AnswerForm(
        {
            "value": payload.value,
            "evidence": payload.evidence,
            "links": "\n".join(payload.links),
            "version": payload.version,
        }
    )
    if not form.is_valid():
        raise Refused(422, "The answer is not valid.", errors_of(form))
    try:
        answer = assessment_services.save_answer_from(
            assessment=assessment, question=question, data=form.cleaned_data, by=request.user
        )
    except assessment_services.Conflict as conflict:
        return Status(
            409,
            {
                "detail": str(conflict),
                "current": answer_out(question.key_factor.position, question, conflict.current),
            },
        )
    except assessment_services.AssessmentError as error:
        raise forbidden(str(error)) from error
    return answer_out(question.key_factor.position, question, answer)


@router.put(
    "/assessments/{assessment_id}/key-factors/{key_factor}",
    response={**WRITE, 200: FactorNoteOut, 409: NoteConflictOut},
    auth=SIGNED_IN,
    summary="Write a key factor's note and target",
)
def save_key_factor_note(
    request: HttpRequest, assessment_id: int, key_factor: int, payload: FactorNoteIn
) -> Any:
    """For the city's officers, while the assessment is a draft; `key_factor` is its number.
    Send back the `version` you read: if someone changed the note since, nothing is saved and
    409 returns the current one."""
    assessment = _acting(request, assessment_id, "change")
    factor = _key_factor(assessment, key_factor)
    form = FactorNoteForm({"note": payload.note, "target": payload.target})
    if not form.is_valid():
        raise form_refused(form, _("The note is not valid."))
    try:
        note = assessment_services.save_factor_note(
            assessment=assessment,
            key_factor=factor,
            note=form.cleaned_data["note"],
            target=form.cleaned_data["target"],
            seen_version=payload.version,
            by=signed_in(request),
        )
    except assessment_services.NoteConflict as conflict:
        return Status(
            409, {"detail": str(conflict), "current": _note_out(factor, conflict.current)}
        )
    return _note_out(factor, note)


@router.put(
    "/assessments/{assessment_id}/context",
    response={**WRITE, 200: ContextOut},
    auth=SIGNED_IN,
    summary="Say which context factors apply, and how",
)
def save_assessment_context(request: HttpRequest, assessment_id: int, payload: ContextIn) -> Any:
    """For the city's officers, while the assessment is a draft. Every factor sent applies and
    needs its explanation; the ones not sent no longer apply."""
    assessment = _acting(request, assessment_id, "change")
    factors = list(ContextFactor.objects.filter(toolkit=assessment.toolkit_id))
    by_category = {factor.category: factor for factor in factors}
    unknown = [category for category in payload.context if category not in by_category]
    if unknown:
        raise invalid(
            f"context.{unknown[0]}",
            _("The toolkit has no context factor “%(category)s”.") % {"category": unknown[0]},
        )
    data: dict[str, Any] = {}
    for category, explanation in payload.context.items():
        pk = by_category[category].pk
        data[f"applies_{pk}"] = "on"
        data[f"explanation_{pk}"] = explanation
    form = context_form_class(factors)(data)
    if not form.is_valid():
        names = {f"explanation_{f.pk}": f"context.{f.category}" for f in factors}
        errors = {names.get(field, field): messages for field, messages in errors_of(form).items()}
        every = [message for messages in errors.values() for message in messages]
        raise Refused(422, every[0] if len(every) == 1 else _("The context is not valid."), errors)
    explanations = {
        by_category[category].pk: form.cleaned_data[f"explanation_{by_category[category].pk}"]
        for category in payload.context
    }
    assessment_services.save_context(
        assessment=assessment, explanations=explanations, by=signed_in(request)
    )
    return {"context": _context(load_sheet(assessment, with_comments=False))}


def _transition(request: HttpRequest, assessment_id: int, step: str) -> dict[str, Any]:
    assessment = _acting(request, assessment_id, step)
    by = signed_in(request)
    if step == "submit":
        assessment_services.submit(assessment=assessment, by=by)
    elif step == "reopen":
        assessment_services.return_to_draft(assessment=assessment, by=by)
    elif step == "review":
        assessment_services.mark_reviewed(assessment=assessment, by=by)
    else:
        assessment_services.publish(assessment=assessment, by=by)
    return _workflow_out(request, assessment)


@router.post(
    "/assessments/{assessment_id}/submit",
    response={**WRITE, 200: WorkflowOut},
    auth=SIGNED_IN,
    summary="Submit a draft assessment for review",
)
def submit_assessment(request: HttpRequest, assessment_id: int) -> Any:
    """For the city's officers. Questions may be left unanswered: `unanswered` lists them."""
    return _transition(request, assessment_id, "submit")


@router.post(
    "/assessments/{assessment_id}/reopen",
    response={**WRITE, 200: WorkflowOut},
    auth=SIGNED_IN,
    summary="Return a submitted or reviewed assessment to draft",
)
def reopen_assessment(request: HttpRequest, assessment_id: int) -> Any:
    """For the city's officers, to change it again; it is then submitted anew."""
    return _transition(request, assessment_id, "reopen")


@router.post(
    "/assessments/{assessment_id}/review",
    response={**WRITE, 200: WorkflowOut},
    auth=SIGNED_IN,
    summary="Mark a submitted assessment reviewed",
)
def review_assessment(request: HttpRequest, assessment_id: int) -> Any:
    """For the facilitators of the toolkit's theme and coordinators."""
    return _transition(request, assessment_id, "review")


@router.post(
    "/assessments/{assessment_id}/publish",
    response={**WRITE, 200: WorkflowOut},
    auth=SIGNED_IN,
    summary="Publish a reviewed assessment",
)
def publish_assessment(request: HttpRequest, assessment_id: int) -> Any:
    """For the city's officers: from then on it is public and frozen."""
    return _transition(request, assessment_id, "publish")


@router.post(
    "/assessments/{assessment_id}/comments",
    response={**WRITE, 201: AssessmentCommentOut},
    auth=SIGNED_IN,
    summary="Comment on a key factor of a submitted assessment",
)
def add_assessment_comment(
    request: HttpRequest, assessment_id: int, payload: AssessmentCommentIn
) -> Any:
    """For the city's team while the assessment is submitted or reviewed; `key_factor` is the
    number of the key factor it is about."""
    assessment = _acting(request, assessment_id, "comment")
    factor = _key_factor(assessment, payload.key_factor, "key_factor")
    form = CommentForm({"text": payload.text})
    if not form.is_valid():
        raise form_refused(form, _("The comment is not valid."))
    comment = assessment_services.add_comment(
        assessment=assessment, key_factor=factor, text=form.cleaned_data["text"], by=request.user
    )
    return Status(201, _comment_out(comment))
