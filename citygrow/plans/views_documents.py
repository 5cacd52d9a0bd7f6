"""The plan as documents: its PDF and Word file, the actions' CSV and XLSX export, and the
import of actions from such a file, with a preview first (issue 7).

The import keeps the uploaded table between the preview and the confirmation in a hidden
field, signed with `django.core.signing` (salted per plan and person, valid for an hour), not
in the session: sessions here are saved on every request (SESSION_SAVE_EVERY_REQUEST), so a
table of up to a thousand rows would be rewritten on each page view after the preview; the
signature means the confirmation can only carry a table this site read for this person and
plan, and nothing is stored for previews never confirmed. On confirmation the table is checked
again against the plan as it is then; if the plan changed since the preview, the new preview
is shown instead of writing.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from citygrow.plans import documents, services, transfer
from citygrow.plans.models import ActionPlan
from citygrow.plans.views_plans import get_plan_for_user

IMPORT_SALT = "citygrow.plans.actions-import"
IMPORT_MAX_AGE = 3600
#: The longest signed table a confirmation may carry (Django refuses request bodies over
#: DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB by default).
MAX_TOKEN = 2_000_000


def context_for_detail(request: HttpRequest, plan: ActionPlan) -> dict[str, Any]:
    """For plans/_documents.html on the plan's page."""
    return {"can_import_actions": request.user.has_perm("plans.change_plan", plan)}


@require_safe
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as a PDF for readers outside the platform (WeasyPrint, as the reports)."""
    plan = get_plan_for_user(request, pk)
    doc = documents.load_document(plan.pk, request.build_absolute_uri)
    try:
        from weasyprint import HTML
    except OSError:  # Pango, which WeasyPrint needs, is not installed on this server
        return render(request, "plans/pdf_unavailable.html", {"plan": plan}, status=503)
    html = render_to_string(
        "plans/plan_pdf.html",
        {
            "doc": doc,
            "plan": doc.plan,
            "about": documents.about(doc),
            "overall_sentence": documents.overall_sentence(doc),
            "made_with": documents.made_with(doc),
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{documents.filename(plan)}.pdf"'
    return response


@require_safe
def plan_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as an editable Word file, to pass round the administration before sign-off."""
    plan = get_plan_for_user(request, pk)
    response = HttpResponse(
        documents.word_file(documents.load_document(plan.pk, request.build_absolute_uri)),
        content_type=documents.WORD_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(plan)}.docx"'
    return response


@require_safe
def actions_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The plan's actions, one row each, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return documents.export_response(get_plan_for_user(request, pk), fmt)


# Import -------------------------------------------------------------------------------------


def _signed(plan: ActionPlan, request: HttpRequest, table: list[Any]) -> str:
    changed = plan.content_changed_at.isoformat() if plan.content_changed_at else None
    return signing.dumps(
        {"plan": plan.pk, "changed": changed, "table": table},
        salt=f"{IMPORT_SALT}:{plan.pk}:{request.user.pk}",
        compress=True,
    )


def _unsigned(plan: ActionPlan, request: HttpRequest, token: str) -> dict[str, Any] | None:
    try:
        data = signing.loads(
            token, salt=f"{IMPORT_SALT}:{plan.pk}:{request.user.pk}", max_age=IMPORT_MAX_AGE
        )
    except (signing.BadSignature, ValueError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) and data.get("plan") == plan.pk else None


@require_http_methods(["GET", "POST"])
def actions_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a CSV or XLSX file of actions, see what it changes (or its errors, by row and
    column), and confirm; nothing is written while an error remains."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    plan = get_plan_for_user(request, pk, "plans.change_plan")
    context: dict[str, Any] = {
        "plan": plan,
        "columns": transfer.COLUMNS,
        "max_rows": transfer.MAX_ROWS,
    }
    if request.method == "GET":
        return render(request, "plans/actions_import.html", context)
    if "token" in request.POST:
        data = _unsigned(plan, request, request.POST["token"])
        if data is None:
            context["file_error"] = _(
                "The preview has expired or was changed. Upload the file again."
            )
            return render(request, "plans/actions_import.html", context, status=422)
        table = [(number, cells) for number, cells in data["table"]]
        parsed = transfer.parse(table, transfer.known_for(plan))
        changed = plan.content_changed_at.isoformat() if plan.content_changed_at else None
        if not parsed.errors and data["changed"] == changed:
            counts = services.import_actions(plan=plan, parsed=parsed, by=request.user)
            messages.success(
                request,
                _(
                    "Actions imported: %(create)s added, %(update)s changed, %(unchanged)s "
                    "unchanged."
                )
                % counts,
            )
            return redirect(plan)
        if data["changed"] != changed:
            context["stale"] = True
        return _preview(request, plan, context, table, parsed)
    upload = request.FILES.get("file")
    if upload is None:
        context["file_error"] = _("Choose a CSV or XLSX file of actions.")
        return render(request, "plans/actions_import.html", context, status=422)
    if upload.size is not None and upload.size > transfer.MAX_BYTES:
        context["file_error"] = transfer.too_large()
        return render(request, "plans/actions_import.html", context, status=422)
    try:
        table = transfer.read_table(upload.name or "", upload)
        parsed = transfer.parse(table, transfer.known_for(plan))
    except transfer.FileRefused as refused:
        context["file_error"] = refused.message
        return render(request, "plans/actions_import.html", context, status=422)
    return _preview(request, plan, context, table, parsed)


def _preview(
    request: HttpRequest,
    plan: ActionPlan,
    context: dict[str, Any],
    table: list[Any],
    parsed: transfer.Parsed,
) -> HttpResponse:
    titles = transfer.known_for(plan).objective_titles if parsed.rows else {}
    context.update(
        parsed=parsed,
        counts=parsed.counts,
        rows=[
            {
                "row": row,
                "objective": titles.get(row.objective_id, ""),
                "changes": bool(row.change != "unchanged"),
            }
            for row in parsed.rows
        ],
    )
    if parsed.errors:
        return render(request, "plans/actions_import.html", context, status=422)
    token = _signed(plan, request, [[number, cells] for number, cells in table])
    if len(token) > MAX_TOKEN:
        context.pop("parsed")
        context["file_error"] = _(
            "The file holds too much text to preview at once; split it into smaller files."
        )
        return render(request, "plans/actions_import.html", context, status=422)
    context["token"] = token
    return render(request, "plans/actions_import.html", context)


urlpatterns = [
    path("plans/<int:pk>/plan.pdf", plan_pdf, name="pdf"),
    path("plans/<int:pk>/plan.docx", plan_docx, name="docx"),
    path("plans/<int:pk>/actions.<str:fmt>", actions_export, name="actions_export"),
    path("plans/<int:pk>/actions/import/", actions_import, name="actions_import"),
]
