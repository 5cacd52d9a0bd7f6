"""The Charter questionnaire's pages: the current edition (public), any edition and its file
(public), and loading a new edition from a file (coordinators).

Access rules: citygrow.survey.rules; the writes: citygrow.survey.services."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from citygrow.core.decorators import permission_required
from citygrow.survey import links, services
from citygrow.survey.forms import UploadForm
from citygrow.survey.models import Questionnaire
from citygrow.survey.questionnaire_file import QuestionnaireFileError, dump_questionnaire
from citygrow.survey.views_cycles import CycleRow, cycle_rows


def _render_edition(
    request: HttpRequest,
    questionnaire: Questionnaire | None,
    *,
    is_charter_page: bool,
    cycles: list[CycleRow] | None = None,
) -> HttpResponse:
    editions = list(Questionnaire.objects.only("pk", "label", "year", "title", "status"))
    if questionnaire is not None:  # each commitment's toolkits: one query, two if any
        links.with_links(c for role in questionnaire.roles.all() for c in role.commitments.all())
    current = next((e for e in editions if e.status == Questionnaire.Status.PUBLISHED), None)
    return render(
        request,
        "survey/questionnaire.html",
        {
            "questionnaire": questionnaire,
            "editions": editions,
            "current": current,
            "is_charter_page": is_charter_page,
            "may_add": request.user.has_perm("survey.add_questionnaire"),
            "cycles": cycles,
            "may_open_cycle": is_charter_page and request.user.has_perm("survey.add_cycle"),
            "may_link": request.user.has_perm("survey.link_commitment"),
        },
    )


@require_safe
def charter(request: HttpRequest) -> HttpResponse:
    """The current edition: roles and commitments, the source credited, the scale explained;
    and the survey's cycles, newest first."""
    full = Questionnaire.objects.with_content().current()  # one query, and its prefetches
    return _render_edition(request, full, is_charter_page=True, cycles=cycle_rows())


@require_safe
def questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    """One edition, current or not."""
    found = get_object_or_404(Questionnaire.objects.with_content(), pk=pk)
    return _render_edition(request, found, is_charter_page=False)


@require_safe
def questionnaire_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The edition as a questionnaire file (YAML), to download."""
    found = get_object_or_404(Questionnaire.objects.with_content(), pk=pk)
    response = HttpResponse(
        dump_questionnaire(found.as_data()),
        content_type="application/yaml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{found.label}.yaml"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("survey.add_questionnaire")
def questionnaire_new(request: HttpRequest) -> HttpResponse:
    """Load a file as a new edition; every problem the loader finds is listed, and nothing is
    stored."""
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: QuestionnaireFileError | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = services.read_upload(upload.read(), source=upload.name)
            result = services.load_questionnaire(
                document=document, source=upload.name, by=request.user
            )
        except QuestionnaireFileError as error:
            problems = error
        else:
            if result.outcome is services.Outcome.UNCHANGED:
                messages.info(
                    request,
                    _(
                        "The edition %(label)s was already loaded with this content: nothing "
                        "changed."
                    )
                    % {"label": result.questionnaire.label},
                )
            else:
                messages.success(
                    request,
                    _("The edition %(label)s is loaded.") % {"label": result.questionnaire.label},
                )
            return redirect(result.questionnaire)
    return render(
        request,
        "survey/questionnaire_new.html",
        {"form": form, "problems": problems},
        status=422 if request.method == "POST" else 200,
    )
