"""Assessment pages: the list, starting one, answering, the report, and the workflow."""

import csv
import hashlib
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from openpyxl import Workbook

from citygrow.assessments import services
from citygrow.assessments.forms import (
    AnswerForm,
    CommentForm,
    CopyForm,
    FactorNoteForm,
    StartForm,
    context_form_class,
    today,
)
from citygrow.assessments.insights import Insights, insights_for
from citygrow.assessments.models import Answer, Assessment
from citygrow.assessments.sheet import Sheet, load_sheet
from citygrow.catalogue.models import GuideQuestion, KeyFactor
from citygrow.core.access import get_for_user
from citygrow.core.paging import page_of
from citygrow.core.versions import renderer_version
from citygrow.people.rules import may_see_private, roles_of
from citygrow.publishing.charts import Series, radar_chart
from citygrow.publishing.tables import defuse


def _get_assessment_for_user(request: HttpRequest, pk: int, perm: str | None = None) -> Assessment:
    """The assessment, if the user may see it (404 otherwise); 403 if they may not do `perm`."""
    return get_for_user(
        request,
        Assessment.objects.select_related("city__country", "toolkit__theme"),
        view="assessments.view_assessment",
        perm=perm,
        pk=pk,
    )


@require_safe
def assessment_list(request: HttpRequest) -> HttpResponse:
    """Published assessments, and the private ones the person may see, a page at a time."""
    assessments = Assessment.objects.visible_to(request.user).select_related(
        "city__country", "toolkit__theme"
    )
    page = page_of(request, assessments)
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "page": page,
            "params": "",
            "can_start": request.user.has_perm("assessments.add_assessment"),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def assessment_start(request: HttpRequest) -> HttpResponse:
    cities = roles_of(request.user).officer_of
    if not cities:
        raise PermissionDenied
    form = StartForm(request.POST or None, cities=cities)
    if request.method == "POST" and form.is_valid():
        assessment = services.start_assessment(by=request.user, **form.cleaned_data)
        messages.success(request, _("Assessment started. Answers save as you give them."))
        return redirect("assessments:answer", pk=assessment.pk)
    return render(request, "assessments/start.html", {"form": form})


@require_safe
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The report: scores and distance to the standard, gaps, and every answer."""
    assessment = _get_assessment_for_user(request, pk)
    with_comments = _sees_review(request, assessment)
    sheet = report_sheet(assessment, with_comments=with_comments)
    insights = insights_for(assessment, sheet)
    user = request.user
    can = {
        action: user.has_perm(f"assessments.{action}_assessment", assessment)
        for action in ("change", "submit", "review", "publish", "reopen", "copy", "comment")
    }
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "sheet": sheet,
            "insights": insights,
            "chart": comparison_chart(assessment, sheet, insights),
            "can": can,
            "can_comment": can["comment"],
            "answers_html": None
            if can["comment"]
            else answers_section(request, assessment, sheet, with_comments=with_comments),
        },
    )


#: How long a published assessment's sheet and answers stay in the cache. They are frozen and
#: the key sees the edition's content, so this only bounds what the cache holds.
SHEET_CACHE_SECONDS = 10 * 60


def _frozen_key(assessment: Assessment, *, with_comments: bool) -> str | None:
    """The cache key of what a published assessment's report shows of itself (its answers,
    notes and context: frozen once published) to a reader who does not see the review's
    comments, keyed by its publication and its edition's content (an edition loaded again or
    edited changes the questions). None when it must be read at each request: drafts, and the
    city's team, who see the comments."""
    if with_comments or not assessment.is_published or assessment.published_at is None:
        return None
    toolkit = assessment.toolkit
    return (
        f"{assessment.pk}:{assessment.published_at.isoformat()}:"
        f"{toolkit.content_hash}:{toolkit.loaded_at.isoformat()}"
    )


def report_sheet(assessment: Assessment, *, with_comments: bool) -> Sheet:
    """The report's sheet: from the cache for a published assessment (see `_frozen_key`)."""
    frozen = _frozen_key(assessment, with_comments=with_comments)
    if frozen is None:
        return load_sheet(assessment, with_comments=with_comments)
    key = f"assessment-sheet:{frozen}"
    sheet = cache.get(key)
    if sheet is None:
        sheet = load_sheet(assessment, with_comments=False)
        cache.set(key, sheet, SHEET_CACHE_SECONDS)
    return sheet


def answers_section(
    request: HttpRequest, assessment: Assessment, sheet: Sheet, *, with_comments: bool
) -> str | None:
    """The report's every-answer part (`_report_answers.html`, over a third of the page's
    rendering), rendered once per language for a published assessment (see `_frozen_key`);
    None otherwise, and the report renders it in place."""
    frozen = _frozen_key(assessment, with_comments=with_comments)
    if frozen is None:
        return None
    key = f"assessment-answers:{frozen}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "assessments/_report_answers.html",
            {"assessment": assessment, "sheet": sheet, "can_comment": False},
            request=request,
        )
        cache.set(key, html, SHEET_CACHE_SECONDS)
    return mark_safe(html)  # rendered by the template engine, which escaped it


def _sees_review(request: HttpRequest, assessment: Assessment) -> bool:
    """The review's comments stay with the city's team, also once the assessment is public."""
    return may_see_private.test(request.user, assessment)


@require_safe
def assessment_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire: one form per question, each saved as it is given."""
    assessment = _get_assessment_for_user(request, pk, "assessments.change_assessment")
    return _answer_page(request, assessment)


def _answer_page(
    request: HttpRequest,
    assessment: Assessment,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    sheet = load_sheet(assessment, with_comments=False)
    forms = forms or {}
    for factor in sheet.factors:
        factor.form = forms.get(f"factor-{factor.key_factor.pk}") or FactorNoteForm(
            initial={"note": factor.note.note if factor.note else "", "target": factor.target},
            prefix=f"kf{factor.key_factor.pk}",
        )
        for row in factor.questions:
            row.form = forms.get(f"question-{row.question.pk}") or _answer_form(
                row.question, row.answer
            )
            row.conflict = forms.get(f"conflict-{row.question.pk}")
    context_form = forms.get("context") or _context_form(sheet)
    return render(
        request,
        "assessments/answer.html",
        {"assessment": assessment, "sheet": sheet, "context_form": context_form},
        status=status,
    )


def _answer_form(question: GuideQuestion, answer: Answer | None, data: Any = None) -> AnswerForm:
    initial = {}
    if answer is not None:
        initial = {
            "value": answer.value,
            "evidence": answer.evidence,
            "links": answer.links,
            "version": answer.version,
        }
    return AnswerForm(data, initial=initial, prefix=f"q{question.pk}")


def _context_form(sheet: Any, data: Any = None) -> Any:
    initial = {}
    for row in sheet.context:
        if row.note:
            initial[f"applies_{row.factor.pk}"] = True
            initial[f"explanation_{row.factor.pk}"] = row.note.explanation
    return context_form_class([row.factor for row in sheet.context])(data, initial=initial)


@require_http_methods(["GET", "POST"])
def answer_save(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    """Save one answer. With htmx, answers with the question's form (saved, refused, or in
    conflict); without scripts, goes back to the questionnaire. GET gives the form as stored."""
    assessment = _get_assessment_for_user(request, pk, "assessments.change_assessment")
    question = get_object_or_404(
        GuideQuestion.objects.select_related("key_factor"),
        pk=question_pk,
        key_factor__toolkit=assessment.toolkit_id,
    )
    if request.method == "GET":
        answer = Answer.objects.filter(assessment=assessment, question=question).first()
        return _question_partial(request, assessment, question, _answer_form(question, answer))
    form = _answer_form(question, None, request.POST)
    conflict = None
    saved = False
    if form.is_valid():
        try:
            answer = services.save_answer_from(
                assessment=assessment, question=question, data=form.cleaned_data, by=request.user
            )
        except services.Conflict as error:
            conflict = error.current
            form = _answer_form(
                question, None, _with_version(request.POST, form.prefix, conflict.version)
            )
            form.is_valid()
        except services.AssessmentError as error:
            form.add_error(None, str(error))
        else:
            form = _answer_form(question, answer)
            saved = True
    if not request.htmx:
        if saved:
            return redirect(f"{reverse('assessments:answer', args=[pk])}#question-{question.pk}")
        forms = {f"question-{question.pk}": form, f"conflict-{question.pk}": conflict}
        return _answer_page(request, assessment, forms=forms, status=409 if conflict else 400)
    return _question_partial(request, assessment, question, form, conflict=conflict, saved=saved)


def _with_version(data: Any, prefix: str, version: int) -> Any:
    data = data.copy()
    data[f"{prefix}-version"] = str(version)
    return data


def _question_partial(
    request: HttpRequest,
    assessment: Assessment,
    question: GuideQuestion,
    form: AnswerForm,
    *,
    conflict: Answer | None = None,
    saved: bool = False,
) -> HttpResponse:
    answered = assessment.answers.count()
    total = GuideQuestion.objects.filter(key_factor__toolkit=assessment.toolkit_id).count()
    return render(
        request,
        "assessments/_question.html",
        {
            "assessment": assessment,
            "row": {"question": question, "form": form, "conflict": conflict},
            "saved": saved,
            "progress": {"answered": answered, "total": total},
            "oob": True,
        },
    )


@require_POST
def factor_save(request: HttpRequest, pk: int, key_factor_pk: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, pk, "assessments.change_assessment")
    key_factor = get_object_or_404(KeyFactor, pk=key_factor_pk, toolkit=assessment.toolkit_id)
    form = FactorNoteForm(request.POST, prefix=f"kf{key_factor.pk}")
    if form.is_valid():
        services.save_factor_note(
            assessment=assessment,
            key_factor=key_factor,
            note=form.cleaned_data["note"],
            target=form.cleaned_data["target"],
            by=request.user,
        )
        if request.htmx:
            return render(
                request,
                "assessments/_factor_note.html",
                {"assessment": assessment, "key_factor": key_factor, "form": form, "saved": True},
            )
        return redirect(f"{reverse('assessments:answer', args=[pk])}#{key_factor.anchor}")
    if request.htmx:
        return render(
            request,
            "assessments/_factor_note.html",
            {"assessment": assessment, "key_factor": key_factor, "form": form},
        )
    return _answer_page(request, assessment, forms={f"factor-{key_factor.pk}": form}, status=400)


@require_POST
def context_save(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, pk, "assessments.change_assessment")
    sheet = load_sheet(assessment, with_comments=False)
    form = _context_form(sheet, request.POST)
    if not form.is_valid():
        return _answer_page(request, assessment, forms={"context": form}, status=400)
    explanations = {
        row.factor.pk: form.cleaned_data[f"explanation_{row.factor.pk}"]
        for row in sheet.context
        if form.cleaned_data[f"applies_{row.factor.pk}"]
    }
    services.save_context(assessment=assessment, explanations=explanations, by=request.user)
    messages.success(request, _("Context saved."))
    return redirect(f"{reverse('assessments:answer', args=[pk])}#context")


@require_POST
def transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit, reopen, mark reviewed or publish."""
    perms = {
        "submit": "assessments.submit_assessment",
        "reopen": "assessments.reopen_assessment",
        "review": "assessments.review_assessment",
        "publish": "assessments.publish_assessment",
    }
    if action not in perms:
        raise Http404
    assessment = _get_assessment_for_user(request, pk, perms[action])
    try:
        if action == "submit":
            missing = services.submit(assessment=assessment, by=request.user)
            if missing:
                messages.warning(
                    request,
                    _("Submitted with %(count)d unanswered question(s): %(list)s.")
                    % {
                        "count": len(missing),
                        "list": "; ".join(f"{q.key_factor.position}.{q.position}" for q in missing),
                    },
                )
            else:
                messages.success(request, _("Submitted for review."))
        elif action == "reopen":
            services.return_to_draft(assessment=assessment, by=request.user)
            messages.success(request, _("Reopened as a draft."))
        elif action == "review":
            services.mark_reviewed(assessment=assessment, by=request.user)
            messages.success(request, _("Marked as reviewed."))
        else:
            services.publish(assessment=assessment, by=request.user)
            messages.success(request, _("Published: the assessment is now public and frozen."))
    except services.AssessmentError as error:
        messages.error(request, str(error))
    return redirect(assessment)


@require_POST
def comment_add(request: HttpRequest, pk: int, key_factor_pk: int) -> HttpResponse:
    assessment = _get_assessment_for_user(request, pk, "assessments.comment_assessment")
    key_factor = get_object_or_404(KeyFactor, pk=key_factor_pk, toolkit=assessment.toolkit_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(
                assessment=assessment,
                key_factor=key_factor,
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except services.AssessmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Comment added."))
    else:
        messages.error(request, _("A comment needs some text (at most 5,000 characters)."))
    return redirect(f"{assessment.get_absolute_url()}#{key_factor.anchor}")


@require_http_methods(["GET", "POST"])
def assessment_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a new draft as a copy of this assessment."""
    source = _get_assessment_for_user(request, pk, "assessments.copy_assessment")
    form = CopyForm(
        request.POST or None,
        initial={
            "title": _("%(title)s (new round)") % {"title": source.title},
            "assessed_on": today(),
        },
    )
    if request.method == "POST" and form.is_valid():
        copy = services.copy_assessment(source=source, by=request.user, **form.cleaned_data)
        messages.success(request, _("A new draft, with the answers of the one you copied."))
        return redirect("assessments:answer", pk=copy.pk)
    return render(request, "assessments/copy.html", {"assessment": source, "form": form})


def comparison_chart(assessment: Assessment, sheet: Sheet, insights: Insights) -> str:
    """The key factor scores as a radar, beside the previous assessment and the means."""
    positions = [row.key_factor.position for row in sheet.factors]
    series = [Series(assessment.title, [row.score.score for row in sheet.factors])]
    if insights.previous is not None:
        series.append(
            Series(insights.previous.title, [insights.previous_scores.get(p) for p in positions])
        )
    if insights.network_count:
        series.append(Series(_("Network mean"), [insights.network_mean.get(p) for p in positions]))
    if insights.similar_count:
        series.append(
            Series(_("Similar cities"), [insights.similar_mean.get(p) for p in positions])
        )
    return radar_chart(
        [row.key_factor.heading for row in sheet.factors],
        series,
        title=_("Scores per key factor: %(city)s, %(title)s")
        % {"city": assessment.city.name, "title": assessment.title},
    )


@require_safe
def assessment_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a PDF, from the same template as the page."""
    assessment = _get_assessment_for_user(request, pk)
    with_comments = _sees_review(request, assessment)
    sheet = report_sheet(assessment, with_comments=with_comments)
    insights = insights_for(assessment, sheet)
    try:
        from weasyprint import HTML
    except OSError:  # Pango, which WeasyPrint needs, is not installed on this server
        return render(
            request, "assessments/pdf_unavailable.html", {"assessment": assessment}, status=503
        )
    html = render_to_string(
        "assessments/report_pdf.html",
        {
            "assessment": assessment,
            "sheet": sheet,
            "insights": insights,
            "chart": comparison_chart(assessment, sheet, insights),
            "can_comment": False,
            "answers_html": answers_section(
                request, assessment, sheet, with_comments=with_comments
            ),
        },
        request=request,
    )
    base_url = request.build_absolute_uri("/")
    key = _pdf_cache_key(assessment, html, base_url)
    pdf = cache.get(key) if key else None
    if pdf is None:
        pdf = HTML(string=html, base_url=base_url).write_pdf()
        if key:
            cache.set(key, pdf, PDF_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(assessment)}.pdf"'
    return response


#: How long a published report's PDF is kept in the cache.
PDF_CACHE_SECONDS = 7 * 24 * 3600


def _pdf_cache_key(assessment: Assessment, html: str, base_url: str) -> str | None:
    """The cache key of a published assessment's PDF; None for any other (drafts change).

    The assessment is frozen once published, but its report also shows the network, similar
    cities, mentors and practices, the previous round and the reader's language and (for the
    city's team) the review's comments, which can change: the key includes a digest of the
    HTML the PDF is made from, so the PDF is made again exactly when its content changes.
    Rendering the HTML is cheap; WeasyPrint's layout is what the cache saves (over a second).
    """
    if not assessment.is_published or assessment.published_at is None:
        return None
    digest = hashlib.sha256(f"{base_url}\n{html}".encode()).hexdigest()
    published = assessment.published_at.isoformat()
    return f"assessment-pdf:{assessment.pk}:{published}:{renderer_version()}:{digest}"


def _filename(assessment: Assessment) -> str:
    return slugify(f"{assessment.city.name} {assessment.title} {assessment.assessed_on}")


ANSWER_COLUMNS = [
    "key factor",
    "key factor heading",
    "question",
    "question text",
    "answer",
    "evidence",
    "links",
    "score of the key factor",
    "target",
]


def _answer_rows(sheet: Sheet) -> list[list[Any]]:
    rows = []
    for factor in sheet.factors:
        for row in factor.questions:
            answer = row.answer
            rows.append(
                [
                    factor.key_factor.position,
                    factor.key_factor.heading,
                    f"{factor.key_factor.position}.{row.question.position}",
                    row.question.text,
                    answer.get_value_display() if answer else "",
                    answer.evidence if answer else "",
                    " ".join(answer.links) if answer else "",
                    factor.score.score,
                    factor.score.target,
                ]
            )
    return rows


@require_safe
def assessment_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Every answer with its evidence, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    assessment = _get_assessment_for_user(request, pk)
    rows = _answer_rows(load_sheet(assessment, with_comments=False))
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")  # so that spreadsheet programs read UTF-8
        writer = csv.writer(response)
        writer.writerow(ANSWER_COLUMNS)
        writer.writerows([defuse(value) for value in row] for row in rows)
    else:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Answers"
        sheet.append(ANSWER_COLUMNS)
        for row in rows:
            sheet.append([defuse(value) for value in row])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{_filename(assessment)}.{fmt}"'
    return response
