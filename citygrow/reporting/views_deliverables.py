"""The page where a coordinator records what a programme promised to deliver (issue 14, part 4).

Coordinators only (`reporting.set_deliverables`); the promises, against what exists, are shown
on the programme's page (front.views_programmes). Saving replaces every promise of the programme
through `reporting.services.save_deliverables`, which the API shares. A count that is negative,
not a number or not whole is refused beside its field (400), and nothing is stored.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from citygrow.core.decorators import permission_required
from citygrow.core.errors import ServiceError
from citygrow.mentoring.models import Programme
from citygrow.reporting import services
from citygrow.reporting.forms_deliverables import (
    BaseDeliverableFormSet,
    DeliverableFormSet,
    initial_rows,
)

PREFIX = "rows"


@require_http_methods(["GET", "POST"])
@permission_required("reporting.set_deliverables")
def deliverables_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """One row per kind of deliverable and rows for other outputs; an empty count is not
    promised."""
    programme = get_object_or_404(Programme, slug=slug)
    if request.method != "POST":
        formset = DeliverableFormSet(
            initial=initial_rows(list(programme.deliverables.all())), prefix=PREFIX
        )
        return _page(request, programme, formset)
    formset = DeliverableFormSet(request.POST, prefix=PREFIX)
    refusal = None
    if formset.is_valid():
        try:
            services.save_deliverables(programme=programme, rows=formset.rows(), by=request.user)
        except ServiceError as error:
            refusal = error.message
        else:
            messages.success(request, _("What the programme promised is saved."))
            return redirect(f"{programme.get_absolute_url()}#deliverables")
    return _page(request, programme, formset, refusal=refusal, status=400)


def _page(
    request: HttpRequest,
    programme: Programme,
    formset: BaseDeliverableFormSet,
    *,
    refusal: str | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "reporting/deliverables_form.html",
        {"programme": programme, "formset": formset, "refusal": refusal},
        status=status,
    )
