"""The action plan pages: the list, starting a plan, the plan's page with its objectives and
actions (rolled-up progress), editing them, and the team's comments (issue 7).

Permissions are the rules of `citygrow.plans.rules`: a plan the person may not see is 404, a
plan they see but may not change is 403, an anonymous visitor is sent to log in. Every write
goes through `citygrow.plans.services`; its `ServiceError` becomes a form error.
"""

import importlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citygrow.core.access import get_for_user
from citygrow.core.decorators import sends_anonymous_to_login
from citygrow.core.errors import ServiceError
from citygrow.mentoring.models import Pairing
from citygrow.mentoring.services import toolkit_of
from citygrow.plans import services
from citygrow.plans.forms import (
    ActionForm,
    CommentForm,
    ObjectiveForm,
    PlanForm,
    StartForm,
    TieForm,
)
from citygrow.plans.models import Action, ActionPlan, Objective, PlanComment
from citygrow.practices.models import Practice

# Loading and permissions ----------------------------------------------------------------------


def get_plan_for_user(request: HttpRequest, pk: int, perm: str | None = None) -> ActionPlan:
    """The plan, if the person may see it (404 otherwise: its existence is not revealed);
    403 when they may see it but not do `perm`. An anonymous visitor asked to do `perm` logs
    in first."""
    return get_for_user(
        request,
        ActionPlan.objects.with_pairing(),
        view="plans.view_plan",
        perm=perm,
        login_first=True,
        pk=pk,
    )


def _objective(plan: ActionPlan, pk: int) -> Objective:
    return get_object_or_404(Objective.objects.prefetch_related("key_factors"), pk=pk, plan=plan)


def _action(plan: ActionPlan, pk: int) -> Action:
    return get_object_or_404(Action.objects.select_related("objective", "parent"), pk=pk, plan=plan)


def _offered(
    plan: ActionPlan, user: Any, objective: Objective | None = None
) -> list[services.PracticeSuggestion]:
    """The practices offered to the plan (`services.practice_suggestions`), those that fit
    `objective` first."""
    offered = services.practice_suggestions(plan, user)
    if objective is None:
        return offered
    return sorted(offered, key=lambda s: objective.pk not in s.objectives)


def _cited(practices: Any) -> list[Practice]:
    """The practices an objective or action cites (its `practices` manager), in one query."""
    return list(practices.select_related("city", "key_factor").order_by("pk"))


# The list -------------------------------------------------------------------------------------


@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    """The plans the person may see, with their overall progress."""
    plans = list(
        ActionPlan.objects.visible_to(request.user)
        .select_related(
            "pairing__scheme__programme",
            "pairing__scheme__theme",
            "pairing__implementing_city",
            "pairing__mentor_city",
        )
        .with_progress()
        .in_list_order()
    )
    for plan in plans:
        plan.overall = plan.overall_progress()
    return render(request, "plans/plan_list.html", {"plans": plans})


# Starting and editing the plan ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The implementing city's officers start the pairing's plan from an assessment, or from
    the visits' findings and their own objectives (always offered; the only way while the theme
    has no toolkit or the city has not submitted an assessment on it)."""
    pairing = get_object_or_404(
        Pairing.objects.select_related(
            "scheme__programme", "scheme__theme", "mentor_city", "implementing_city"
        ),
        pk=pk,
    )
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("plans.add_plan", pairing):
        raise PermissionDenied
    existing = ActionPlan.objects.filter(pairing=pairing).first()
    if existing is not None:
        messages.info(request, _("This pairing already has an action plan."))
        return redirect(existing)
    assessments = services.assessments_to_start_from(pairing)
    form = StartForm(
        request.POST or None,
        assessments=assessments,
        initial={"title": _("Action plan of %(city)s") % {"city": pairing.implementing_city.name}},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.start_plan(
                pairing=pairing,
                assessment=form.cleaned_data.get("assessment"),
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ServiceError as error:
            error.show_on(form)
        else:
            messages.success(request, _("Plan started. Now add its objectives."))
            return redirect(plan)
    return render(
        request,
        "plans/plan_start.html",
        {
            "pairing": pairing,
            "form": form,
            "assessments": assessments,
            "toolkit": toolkit_of(pairing.scheme),
        },
    )


@require_POST
@sends_anonymous_to_login
def plan_tie(request: HttpRequest, pk: int) -> HttpResponse:
    """Tie a plan started without an assessment to the city's assessment (the form is on the
    plan's page)."""
    plan = get_plan_for_user(request, pk, "plans.change_plan")
    form = TieForm(request.POST, assessments=services.assessments_to_start_from(plan.pairing))
    if form.is_valid():
        try:
            services.tie_to_assessment(
                plan=plan, assessment=form.cleaned_data["assessment"], by=request.user
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "The plan now starts from %(assessment)s. Tie each objective to the key "
                    "factors it should improve."
                )
                % {"assessment": form.cleaned_data["assessment"]},
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{plan.get_absolute_url()}#assessment")


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's title and summary."""
    plan = get_plan_for_user(request, pk, "plans.change_plan")
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        services.save_plan(plan=plan, by=request.user, **form.cleaned_data)
        messages.success(request, _("Plan saved."))
        return redirect(plan)
    return render(request, "plans/plan_form.html", {"plan": plan, "form": form})


# The plan's page ------------------------------------------------------------------------------


def _others(request: HttpRequest, plan: ActionPlan) -> dict[str, Any]:
    """What the other areas' includes need (each area's `context_for_detail`)."""
    context: dict[str, Any] = {}
    for name in ("views_versions", "views_followup", "views_documents"):
        # Imported here: those modules may import this one.
        module = importlib.import_module(f"citygrow.plans.{name}")
        context.update(getattr(module, "context_for_detail", lambda r, p: {})(request, plan))
    return context


@require_safe
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan: its header, objectives with their actions and progress, and the comments."""
    plan = get_plan_for_user(request, pk)
    user = request.user
    blocks, result = plan.contents()
    can_comment = user.has_perm("plans.comment_plan", plan)
    comments = (
        list(PlanComment.objects.filter(plan=plan).select_related("author")) if can_comment else []
    )
    context = {
        "plan": plan,
        "pairing": plan.pairing,
        "objectives": blocks,
        "overall": result.overall,
        "can_change": user.has_perm("plans.change_plan", plan),
        "can_comment": can_comment,
        "comments": comments,
        "comment_form": CommentForm() if can_comment else None,
        "untied": 0,
    }
    if plan.assessment_id is None:
        context["tie_form"] = None
        if context["can_change"]:
            choices = services.assessments_to_start_from(plan.pairing)
            context["tie_form"] = TieForm(assessments=choices) if choices else None
        context["plan_toolkit"] = services.toolkit_of_plan(plan)
    else:
        context["untied"] = sum(1 for block in blocks if not block.objective.key_factors.all())
    cited = _attach_cited(plan, blocks)
    if context["can_change"]:
        # The practices offered and not yet cited, each with the objectives it fits (numbered).
        placed = {block.objective.pk: (n, block.objective) for n, block in enumerate(blocks, 1)}
        context["practices_offered"] = [
            (suggestion, [placed[pk] for pk in suggestion.objectives if pk in placed])
            for suggestion in services.practice_suggestions(plan, user)
            if suggestion.practice.pk not in cited
        ]
    context.update(_others(request, plan))
    return render(request, "plans/plan_detail.html", context)


def _attach_cited(plan: ActionPlan, blocks: list[Any]) -> set[int]:
    """Give each objective and action of `blocks` (ActionPlan.contents) the practices it cites
    as `cited` (two queries); returns the ids of every practice the plan cites."""
    objectives = {block.objective.pk: block.objective for block in blocks}
    actions = {row.action.pk: row.action for block in blocks for row in block.rows}
    for item in [*objectives.values(), *actions.values()]:
        item.cited = []
    cited: set[int] = set()
    for links, owner, items in [
        (
            Objective.practices.through.objects.filter(objective__plan=plan),
            "objective_id",
            objectives,
        ),
        (Action.practices.through.objects.filter(action__plan=plan), "action_id", actions),
    ]:
        for link in links.select_related("practice__city", "practice__key_factor").order_by("pk"):
            item = items.get(getattr(link, owner))
            if item is not None:
                item.cited.append(link.practice)
                cited.add(link.practice_id)
    return cited


# Objectives -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def objective_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new objective: pick one offered from the gaps and findings (it fills the form, to be
    edited before saving), or write the city's own."""
    plan = get_plan_for_user(request, pk, "plans.change_plan")
    offered = services.suggestions(plan)
    initial: dict[str, Any] = {}
    picked = request.GET.get("pick", "")
    if picked.isdigit() and int(picked) < len(offered):
        suggestion = offered[int(picked)]
        initial = {
            "title": suggestion.title,
            "key_factors": list(suggestion.key_factors),
            "source": suggestion.source,
        }
    form = ObjectiveForm(
        request.POST or None,
        plan=plan,
        offered=_offered(plan, request.user),
        reader=request.user,
        initial=initial,
    )
    if request.method == "POST" and _save_objective(request, plan, form):
        messages.success(request, _("Objective added. Now add its actions."))
        return redirect(f"{plan.get_absolute_url()}#objectives")
    return render(
        request,
        "plans/objective_form.html",
        {"plan": plan, "form": form, "offered": offered, "picked": picked},
        status=400 if form.is_bound else 200,
    )


def _save_objective(
    request: HttpRequest, plan: ActionPlan, form: ObjectiveForm, objective: Objective | None = None
) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        services.save_objective(
            plan=plan,
            objective=objective,
            title=data["title"],
            description=data["description"],
            key_factors=[kf.pk for kf in data.get("key_factors", [])],
            source=data["source"],
            practices=form.practice_ids(),
            by=request.user,
        )
    except ServiceError as error:
        error.show_on(form)
        return False
    return True


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def objective_edit(request: HttpRequest, pk: int, objective: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk, "plans.change_plan")
    found = _objective(plan, objective)
    form = ObjectiveForm(
        request.POST or None,
        plan=plan,
        offered=_offered(plan, request.user, found),
        reader=request.user,
        cited=_cited(found.practices),
        initial={
            "title": found.title,
            "description": found.description,
            "key_factors": [kf.pk for kf in found.key_factors.all()],
            "source": found.source,
        },
    )
    if request.method == "POST" and _save_objective(request, plan, form, found):
        messages.success(request, _("Objective saved."))
        return redirect(f"{plan.get_absolute_url()}#objectives")
    return render(
        request,
        "plans/objective_form.html",
        {"plan": plan, "form": form, "objective": found, "actions": found.actions.count()},
        status=400 if form.is_bound else 200,
    )


@require_POST
@sends_anonymous_to_login
def objective_delete(request: HttpRequest, pk: int, objective: int) -> HttpResponse:
    """Removes the objective with its actions (the edit page warns of it)."""
    plan = get_plan_for_user(request, pk, "plans.change_plan")
    found = _objective(plan, objective)
    services.delete_objective(objective=found, by=request.user)
    messages.success(
        request, _("Objective “%(title)s” deleted, with its actions.") % {"title": found.title}
    )
    return redirect(f"{plan.get_absolute_url()}#objectives")


# Actions --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def action_create(request: HttpRequest, pk: int, objective: int) -> HttpResponse:
    """A new action under the objective; `?parent=<id>` makes it a sub-action."""
    plan = get_plan_for_user(request, pk, "plans.change_plan")
    found = _objective(plan, objective)
    parent = request.GET.get("parent", "")
    initial = {"parent": int(parent)} if parent.isdigit() else {}
    form = ActionForm(
        request.POST or None,
        objective=found,
        offered=_offered(plan, request.user, found),
        reader=request.user,
        initial=initial,
    )
    if request.method == "POST" and _save_action(request, plan, found, form):
        messages.success(request, _("Action added."))
        return redirect(f"{plan.get_absolute_url()}#objective-{found.pk}")
    return render(
        request,
        "plans/action_form.html",
        {"plan": plan, "objective": found, "form": form},
        status=400 if form.is_bound else 200,
    )


def _save_action(
    request: HttpRequest,
    plan: ActionPlan,
    objective: Objective,
    form: ActionForm,
    action: Action | None = None,
) -> bool:
    if not form.is_valid():
        return False
    try:
        services.save_action(
            plan=plan,
            objective=objective,
            parent=form.cleaned_data.get("parent"),
            action=action,
            data=form.action_in(),
            practices=form.practice_ids(),
            by=request.user,
        )
    except ServiceError as error:
        error.show_on(form)
        return False
    return True


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def action_edit(request: HttpRequest, pk: int, action: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk, "plans.change_plan")
    found = _action(plan, action)
    objective = found.objective
    form = ActionForm(
        request.POST or None,
        objective=objective,
        instance=found,
        offered=_offered(plan, request.user, objective),
        reader=request.user,
        cited=_cited(found.practices),
    )
    if request.method == "POST" and _save_action(request, plan, objective, form, found):
        messages.success(request, _("Action saved."))
        return redirect(f"{plan.get_absolute_url()}#objective-{objective.pk}")
    return render(
        request,
        "plans/action_form.html",
        {
            "plan": plan,
            "objective": objective,
            "form": form,
            "action": found,
            "sub_actions": found.children.count(),
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
@sends_anonymous_to_login
def action_delete(request: HttpRequest, pk: int, action: int) -> HttpResponse:
    """Removes the action with its sub-actions (the edit page warns of it)."""
    plan = get_plan_for_user(request, pk, "plans.change_plan")
    found = _action(plan, action)
    services.delete_action(action=found, by=request.user)
    messages.success(
        request, _("Action “%(title)s” deleted, with its sub-actions.") % {"title": found.title}
    )
    return redirect(f"{plan.get_absolute_url()}#objective-{found.objective_id}")


# Comments -------------------------------------------------------------------------------------


@require_POST
@sends_anonymous_to_login
def comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The team (mentors and facilitators included) comments on the plan."""
    plan = get_plan_for_user(request, pk, "plans.comment_plan")
    form = CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(plan=plan, text=form.cleaned_data["text"], by=request.user)
        messages.success(request, _("Comment added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(f"{plan.get_absolute_url()}#comments")


urlpatterns = [
    path("plans/", plan_list, name="list"),
    path("pairings/<int:pk>/plan/new/", plan_start, name="start"),
    path("plans/<int:pk>/", plan_detail, name="detail"),
    path("plans/<int:pk>/edit/", plan_edit, name="edit"),
    path("plans/<int:pk>/assessment/", plan_tie, name="tie"),
    path("plans/<int:pk>/objectives/new/", objective_create, name="objective_create"),
    path("plans/<int:pk>/objectives/<int:objective>/edit/", objective_edit, name="objective_edit"),
    path(
        "plans/<int:pk>/objectives/<int:objective>/delete/",
        objective_delete,
        name="objective_delete",
    ),
    path(
        "plans/<int:pk>/objectives/<int:objective>/actions/new/",
        action_create,
        name="action_create",
    ),
    path("plans/<int:pk>/actions/<int:action>/edit/", action_edit, name="action_edit"),
    path("plans/<int:pk>/actions/<int:action>/delete/", action_delete, name="action_delete"),
    path("plans/<int:pk>/comments/", comment_add, name="comment_add"),
]
