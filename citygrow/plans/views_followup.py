"""The follow-up pages of an action plan (issue 7, points 4 and 5): reporting progress on an
action with attachments, downloading an attachment, the plan's timeline, and the change
measured by a later assessment; and the schedule (Gantt chart) on the plan's page
(`context_for_detail`).

Permissions are those of `citygrow.plans.rules`, as on the other plan pages: a plan the person
may not see is 404, one they see but may not act on is 403, an anonymous visitor asked to act
is sent to log in. The writes are in `citygrow.plans.followup`.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from citygrow.assessments.models import Assessment
from citygrow.core import files
from citygrow.core.errors import ServiceError
from citygrow.people.rules import may_see_private
from citygrow.plans import followup, services
from citygrow.plans.followup_forms import FollowUpForm, ProgressUpdateForm
from citygrow.plans.models import Action, ActionPlan, Attachment
from citygrow.plans.views_plans import get_plan_for_user


def context_for_detail(request: HttpRequest, plan: ActionPlan) -> dict[str, Any]:
    """What `_followup.html` needs on the plan's page: the schedule (chart, table, overdue
    and soon-due actions) and what the person may do. Two queries."""
    on = followup.today()
    planned = followup.schedule(plan, on)
    return {
        "followup": {
            "chart": mark_safe(followup.chart(plan, planned.rows, on)),  # gantt escapes all text
            "table": list(zip(planned.table, planned.actions, strict=True)),
            "overdue": planned.overdue,
            "soon": planned.soon,
            "today": on,
            "soon_days": followup.SOON_DAYS,
            "can_report": request.user.has_perm("plans.report_progress", plan),
            "can_change": request.user.has_perm("plans.change_plan", plan),
        }
    }


# Progress updates -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def update_create(request: HttpRequest, pk: int, action: int) -> HttpResponse:
    """Report progress on an action: what happened, the new status and progress, files."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    plan = get_plan_for_user(request, pk, "plans.report_progress")
    item = get_object_or_404(
        Action.objects.select_related("status", "objective", "plan__pairing__implementing_city"),
        pk=action,
        plan=plan,
    )
    form = ProgressUpdateForm(
        request.POST or None,
        request.FILES or None,
        initial={"reported_on": followup.today(), "progress": item.progress},
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.report_progress(
                    action=item,
                    reported_on=data["reported_on"],
                    text=data["text"],
                    status=data["status"],
                    progress=data["progress"],
                    attachments=data["attachments"],
                    by=request.user,
                )
            except ServiceError as error:
                error.show_on(form)
            else:
                messages.success(request, _("Progress reported."))
                return redirect("plans:detail", pk=plan.pk)
        return render(
            request,
            "plans/update_form.html",
            {"plan": plan, "action": item, "form": form},
            status=400,
        )
    return render(request, "plans/update_form.html", {"plan": plan, "action": item, "form": form})


@require_safe
def attachment(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    """Download a progress update's attachment, for those who may see the plan."""
    plan = get_plan_for_user(request, pk)
    item = get_object_or_404(Attachment, pk=attachment, update__action__plan=plan)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=item.name, content_type=files.content_type(item)
    )


# Timeline -------------------------------------------------------------------------------------


@require_safe
def timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's history, newest first."""
    plan = get_plan_for_user(request, pk)
    return render(
        request,
        "plans/timeline.html",
        {
            "plan": plan,
            "events": followup.timeline(plan),
            # Names of the people who did things are for the plan's team.
            "show_people": may_see_private.test(request.user, plan),
        },
    )


# Measured change ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def measured_change(request: HttpRequest, pk: int) -> HttpResponse:
    """Per objective, the change in its key factors' scores between the plan's assessment and
    a later one; the city's officers choose the later one."""
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        plan = get_plan_for_user(request, pk, "plans.change_plan")
    else:
        plan = get_plan_for_user(request, pk)
    can_change = request.user.has_perm("plans.change_plan", plan)
    choices = followup.follow_up_choices(plan) if can_change else []
    form = None
    if can_change:
        form = FollowUpForm(
            request.POST or None, choices=choices, initial={"assessment": plan.follow_up_id}
        )
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            later = Assessment.objects.filter(pk=form.cleaned_data["assessment"]).first()
            if later is None or not request.user.has_perm("assessments.view_assessment", later):
                form.add_error("assessment", _("There is no such assessment."))
            else:
                try:
                    services.link_follow_up(plan=plan, assessment=later, by=request.user)
                except ServiceError as error:
                    error.show_on(form)
                else:
                    messages.success(
                        request, _("The change is measured with %(a)s.") % {"a": later}
                    )
                    return redirect("plans:measured_change", pk=plan.pk)
        status = 400
    return render(
        request,
        "plans/measured_change.html",
        {
            "plan": plan,
            "changes": followup.measured_change(plan),
            "form": form,
            "has_choices": bool(choices),
        },
        status=status,
    )


urlpatterns = [
    path("plans/<int:pk>/actions/<int:action>/updates/new/", update_create, name="update_create"),
    path("plans/<int:pk>/attachments/<int:attachment>/", attachment, name="attachment"),
    path("plans/<int:pk>/timeline/", timeline, name="timeline"),
    path("plans/<int:pk>/change/", measured_change, name="measured_change"),
]
