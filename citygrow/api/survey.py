"""The Charter questionnaire in the JSON API: its editions (public), one edition with its roles,
commitments and extra questions (public), its file (YAML), and loading a new edition from a
file's text (coordinators).

The same rules as the pages (survey.rules) and the same loader (survey.services): a file with
problems is 422 with every problem found (`problems`: file, path, line, message), and nothing
is stored; an edition label already loaded with other content is refused the same way.
"""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from citygrow.api.auth import SIGNED_IN, require_write, signed_in
from citygrow.api.common import ANYONE, READ, absolute, file_response, forbidden
from citygrow.api.schemas import ErrorOut
from citygrow.survey import services
from citygrow.survey.models import Questionnaire
from citygrow.survey.questionnaire_file import QuestionnaireFileError, dump_questionnaire

router = Router(tags=["charter survey"])


# -- shapes -------------------------------------------------------------------------------------


class QuestionnaireSummaryOut(Schema):
    id: int
    label: str
    year: int
    title: str
    status: Literal["published", "withdrawn"]
    is_current: bool
    loaded_at: datetime
    url: str
    file_url: str


class ScaleOut(Schema):
    fully: int
    partly: int
    not_at_all: int
    not_applicable: str = "left out of every average"
    dont_know: str = "scores as not at all, and is counted and shown as a data gap"


class QuestionnaireSourceOut(Schema):
    title: str
    publisher: str
    year: int
    date: str
    url: str
    credit: str


class QuestionOut(Schema):
    code: str
    kind: Literal["yes_no", "number", "choice", "text"]
    text: str
    choices: list[str]


class CommitmentOut(Schema):
    code: str
    text: str
    is_summary: bool = Field(description="The text is our summary, not the Charter's wording")
    questions: list[QuestionOut]


class CharterRoleOut(Schema):
    code: str
    title: str
    commitments: list[CommitmentOut]


class QuestionnaireOut(QuestionnaireSummaryOut):
    source: QuestionnaireSourceOut
    scale: ScaleOut
    roles: list[CharterRoleOut]


class QuestionnaireIn(Schema):
    text: str = Field(
        max_length=services.UPLOAD_MAX_BYTES,
        description="The questionnaire file's text (YAML, docs/questionnaire-format.md)",
    )
    name: str = Field("questionnaire.yaml", max_length=200, description="The file's name")


class QuestionnaireProblemOut(Schema):
    file: str
    path: str = Field(description="Where in the file, e.g. commitments[3].code; empty: the file")
    line: int | None
    message: str


class LoadRefusedOut(ErrorOut):
    problems: list[QuestionnaireProblemOut] = Field(
        [], description="Every problem the loader found in the file (nothing was stored)"
    )


# -- helpers ------------------------------------------------------------------------------------


def _summary(request: HttpRequest, found: Questionnaire, current_pk: int | None) -> dict[str, Any]:
    return {
        "id": found.pk,
        "label": found.label,
        "year": found.year,
        "title": found.title,
        "status": found.status,
        "is_current": found.pk == current_pk,
        "loaded_at": found.loaded_at,
        "url": absolute(request, found.get_absolute_url()),
        "file_url": absolute(
            request, reverse("api:questionnaire_file", kwargs={"questionnaire_id": found.pk})
        ),
    }


def _current_pk() -> int | None:
    current = Questionnaire.objects.current()
    return current.pk if current else None


def _full(request: HttpRequest, found: Questionnaire) -> dict[str, Any]:
    return {
        **_summary(request, found, _current_pk()),
        "source": {
            "title": found.source_title,
            "publisher": found.source_publisher,
            "year": found.source_year,
            "date": found.source_date,
            "url": found.source_url,
            "credit": found.credit,
        },
        "scale": {
            "fully": found.scale_fully,
            "partly": found.scale_partly,
            "not_at_all": found.scale_not_at_all,
        },
        "roles": [
            {
                "code": role.code,
                "title": role.title,
                "commitments": [
                    {
                        "code": commitment.code,
                        "text": commitment.text,
                        "is_summary": commitment.is_summary,
                        "questions": [
                            {
                                "code": question.code,
                                "kind": question.kind,
                                "text": question.text,
                                "choices": list(question.choices),
                            }
                            for question in commitment.questions.all()
                        ],
                    }
                    for commitment in role.commitments.all()
                ],
            }
            for role in found.roles.all()
        ],
    }


# -- routes -------------------------------------------------------------------------------------


@router.get(
    "/charter/questionnaires",
    response={200: list[QuestionnaireSummaryOut], 401: ErrorOut},
    openapi_extra=ANYONE,
    summary="The Charter questionnaire's editions",
)
def list_questionnaires(request: HttpRequest) -> Any:
    """Every edition, newest first; `is_current` marks the one the Charter page shows."""
    editions = list(Questionnaire.objects.all())
    current = next((e.pk for e in editions if e.status == Questionnaire.Status.PUBLISHED), None)
    return [_summary(request, edition, current) for edition in editions]


@router.get(
    "/charter/questionnaires/{questionnaire_id}",
    response={200: QuestionnaireOut, 401: ErrorOut, **READ},
    openapi_extra=ANYONE,
    summary="A questionnaire edition",
)
def get_questionnaire(request: HttpRequest, questionnaire_id: int) -> Any:
    """The edition's source, scale, roles, commitments (each marked when its text is our
    summary) and extra questions."""
    found = get_object_or_404(Questionnaire.objects.with_content(), pk=questionnaire_id)
    return _full(request, found)


@router.get(
    "/charter/questionnaires/{questionnaire_id}/file",
    response={200: None, **READ},
    openapi_extra=file_response("The edition as a questionnaire file (YAML).", "application/yaml"),
    summary="A questionnaire edition's file",
)
def questionnaire_file(request: HttpRequest, questionnaire_id: int) -> HttpResponse:
    found = get_object_or_404(Questionnaire.objects.with_content(), pk=questionnaire_id)
    response = HttpResponse(
        dump_questionnaire(found.as_data()), content_type="application/yaml; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{found.label}.yaml"'
    return response


@router.post(
    "/charter/questionnaires",
    response={201: QuestionnaireOut, 200: QuestionnaireOut, 422: LoadRefusedOut,
              400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    auth=SIGNED_IN,
    summary="Load a questionnaire edition from a file's text",
)  # fmt: skip
def load_questionnaire(request: HttpRequest, payload: QuestionnaireIn) -> Any:
    """For coordinators. The text is checked whole first: a file with problems is 422 with every
    problem, and nothing is stored. A new edition label is 201; the same content as a stored
    edition is 200 (nothing changed); other content for a stored label is 422."""
    signed_in(request)
    require_write(request)
    if not request.user.has_perm("survey.add_questionnaire"):
        raise forbidden(_("Only coordinators load questionnaire editions."))
    try:
        document = services.read_upload(payload.text.encode(), source=payload.name)
        result = services.load_questionnaire(
            document=document, source=payload.name, by=request.user
        )
    except QuestionnaireFileError as error:
        return Status(
            422,
            {
                "detail": _("The file was not loaded: nothing was stored."),
                "errors": {"text": [str(problem) for problem in error.problems]},
                "problems": [
                    {
                        "file": error.source,
                        "path": problem.path,
                        "line": problem.line,
                        "message": problem.message,
                    }
                    for problem in error.problems
                ],
            },
        )
    found = Questionnaire.objects.with_content().get(pk=result.questionnaire.pk)
    status = 200 if result.outcome is services.Outcome.UNCHANGED else 201
    return Status(status, _full(request, found))
