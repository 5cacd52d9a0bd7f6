"""The pages of a plan's versions and endorsements (issue 7, point 3): submitting the plan for
endorsement (freezing a version), a version as it was frozen, recording an endorsement with the
signed document, the signed document itself, and the changes since the endorsed version.

Permissions are the rules of `citygrow.plans.rules`: a plan the person may not see is 404 (its
documents too), one they see but may not endorse is 403, an anonymous visitor asked to act is
sent to log in. A frozen version has no edit page: it never changes. The rules of versions and
endorsements are in `citygrow.plans.versions`; its `ServiceError` becomes a message or a form
error.
"""

from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citygrow.core import history
from citygrow.core.access import get_for_user
from citygrow.core.errors import ServiceError
from citygrow.plans import compare, services, versions
from citygrow.plans.models import Action, ActionPlan, Endorsement, Objective, PlanVersion
from citygrow.plans.version_forms import EndorsementForm, FreezeForm

ENDORSE = "plans.endorse_plan"


# Loading and permissions ----------------------------------------------------------------------


def _plan(request: HttpRequest, pk: int, perm: str | None = None) -> ActionPlan:
    """The plan, if the person may see it (else 404); 403 when they may not do `perm`."""
    return get_for_user(
        request,
        ActionPlan.objects.select_related(
            "pairing__scheme__programme",
            "pairing__scheme__theme",
            "pairing__implementing_city",
            "pairing__mentor_city",
            "pairing__theme",
        ),
        view="plans.view_plan",
        perm=perm,
        pk=pk,
    )


def _version(plan: ActionPlan, number: int) -> PlanVersion:
    version = next((v for v in versions.versions_of(plan) if v.number == number), None)
    if version is None:
        raise Http404
    version.plan = plan
    return version


# The plan page's part -------------------------------------------------------------------------


def context_for_detail(request: HttpRequest, plan: ActionPlan) -> dict[str, Any]:
    """What `plans/_versions.html` shows on the plan's page: the state in words, the versions
    with their endorsements, and what the person may do (a fixed number of queries)."""
    plan_state = versions.state(plan)
    latest = plan_state.latest
    can_endorse = request.user.has_perm(ENDORSE, plan)
    return {
        "plan_state": plan_state,
        "plan_versions": [
            {"version": version, "levels": by_level(version)}
            for version in reversed(plan_state.versions)
        ],
        "can_endorse": can_endorse,
        "can_freeze": can_endorse and plan_state.changed,
        "freeze_form": FreezeForm() if can_endorse and plan_state.changed else None,
        "levels_to_endorse": (
            [(level, Endorsement.Level(level).label) for level in versions.missing_levels(latest)]
            if latest is not None and can_endorse
            else []
        ),
    }


def by_level(version: PlanVersion) -> list[Endorsement | None]:
    """The version's administrative and political endorsements (None where missing)."""
    found = {e.level: e for e in version.endorsements.all()}
    return [found.get(level) for level in Endorsement.Level.values]


# Freezing -------------------------------------------------------------------------------------


@require_POST
def version_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the plan for endorsement: freeze its content as the next version."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("plans:detail", args=[pk]))
    plan = _plan(request, pk, ENDORSE)
    form = FreezeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(plan)
    submitted = form.cleaned_data["submitted_on"]
    try:
        version = services.freeze(
            plan=plan,
            by=request.user,
            submitted_on=submitted.day if submitted else None,
            submitted_on_precision=submitted.precision if submitted else history.Precision.DAY,
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(plan)
    messages.success(
        request,
        _(
            "Version %(number)s is submitted for endorsement. Record its administrative and its "
            "political endorsement with the signed documents."
        )
        % {"number": version.number},
    )
    return redirect("plans:version", pk=plan.pk, number=version.number)


# A version ------------------------------------------------------------------------------------


@require_safe
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A frozen version as it was submitted, with its endorsements."""
    plan = _plan(request, pk)
    version = _version(plan, number)
    latest = versions.latest_version(plan)
    is_latest = latest is not None and latest.pk == version.pk
    can_endorse = is_latest and request.user.has_perm(ENDORSE, plan)
    return render(
        request,
        "plans/version_detail.html",
        {
            "plan": plan,
            "version": version,
            "content": readable(version.snapshot),
            "endorsements": list(version.endorsements.all()),
            "is_latest": is_latest,
            "is_endorsed": plan.endorsed_version_id == version.pk,
            "levels_to_endorse": (
                [
                    (level, Endorsement.Level(level).label)
                    for level in versions.missing_levels(version)
                ]
                if can_endorse
                else []
            ),
        },
    )


def readable(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A snapshot ready for a template: objectives with their actions flattened in tree order
    (with a depth), and each action's filled fields with their labels."""
    sources = dict(Objective.Source.choices)
    objectives = []
    for objective in snapshot.get("objectives", []):
        rows: list[dict[str, Any]] = []

        def walk(
            actions: list[dict[str, Any]], depth: int, rows: list[dict[str, Any]] = rows
        ) -> None:
            for action in actions:
                rows.append(
                    {
                        "title": action.get("title", ""),
                        "depth": depth,
                        "indent": "\N{EM SPACE}" * depth,
                        "fields": [
                            (label(name), compare.text(action.get(name)))
                            for name in compare.ACTION_FIELDS
                            if name != "title" and action.get(name) not in (None, "")
                        ],
                    }
                )
                walk(action.get("children", []), depth + 1)

        walk(objective.get("actions", []), 0)
        objectives.append(
            {
                "title": objective.get("title", ""),
                "description": objective.get("description", ""),
                "source": sources.get(objective.get("source", ""), objective.get("source", "")),
                "key_factors": objective.get("key_factors", []),
                "actions": rows,
            }
        )
    return {
        "title": snapshot.get("title", ""),
        "summary": snapshot.get("summary", ""),
        "objectives": objectives,
    }


def label(name: str) -> str:
    """The words for a snapshot's field name (the model field's label)."""
    for model in (Action, Objective, ActionPlan):
        try:
            return capfirst(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            continue
    return capfirst(name.replace("_", " "))


def _display(name: str, value: str) -> str:
    if name == "source":
        return str(dict(Objective.Source.choices).get(value, value))
    return value


# Endorsing ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def endorse(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Record the administrative or the political endorsement of a version, with the signed
    document (a PDF or a Word file)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    plan = _plan(request, pk, ENDORSE)
    version = _version(plan, number)
    missing = versions.missing_levels(version)
    latest = versions.latest_version(plan)
    is_latest = latest is not None and latest.pk == version.pk
    status = 200
    if request.method == "POST":
        form = EndorsementForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                endorsement = services.record_endorsement(
                    version=version, by=request.user, **form.endorsement()
                )
            except ServiceError as error:
                error.show_on(form)
            else:
                plan.refresh_from_db(fields=["endorsed_version"])
                if plan.endorsed_version_id == version.pk:
                    messages.success(
                        request,
                        _("Version %(number)s is endorsed at both levels. The plan is now public.")
                        % {"number": version.number},
                    )
                else:
                    messages.success(
                        request,
                        _("The %(level)s endorsement of version %(number)s is recorded.")
                        % {
                            "level": endorsement.get_level_display().lower(),
                            "number": version.number,
                        },
                    )
                return redirect(plan)
        status = 422
    else:
        wanted = request.GET.get("level")
        form = EndorsementForm(
            initial={"level": wanted if wanted in missing else (missing[0] if missing else None)}
        )
    return render(
        request,
        "plans/endorse_form.html",
        {
            "plan": plan,
            "version": version,
            "form": form,
            "is_latest": is_latest,
            "latest": latest,
            "missing": missing,
            "endorsements": list(version.endorsements.all()),
        },
        status=status,
    )


@require_safe
def endorsement_document(request: HttpRequest, pk: int, endorsement: int) -> HttpResponse:
    """The signed document of an endorsement, for those who may see the plan."""
    plan = _plan(request, pk)
    found = get_object_or_404(
        Endorsement.objects.select_related("version"), pk=endorsement, version__plan=plan
    )
    extension = PurePosixPath(found.document.name).suffix.lower()
    try:
        handle = found.document.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle,
        content_type=versions.CONTENT_TYPES.get(extension, "application/octet-stream"),
        as_attachment=extension != ".pdf",
        filename=f"{plan.title[:80]} - v{found.version.number} {found.level}{extension}",
    )


# Changes --------------------------------------------------------------------------------------


@require_safe
def changes(request: HttpRequest, pk: int) -> HttpResponse:
    """The working copy compared with the endorsed version, or with the latest version when
    none is endorsed."""
    plan = _plan(request, pk)
    plan_state = versions.state(plan)
    comparison = versions.changes(plan_state)
    return render(
        request,
        "plans/changes.html",
        {
            "plan": plan,
            "plan_state": plan_state,
            "base": plan_state.compared_with,
            "comparison": comparison,
            "sections": _sections(comparison) if comparison else [],
            "plan_fields": _fields(comparison.plan) if comparison else [],
        },
    )


def _fields(changes: tuple[compare.FieldChange, ...]) -> list[dict[str, str]]:
    return [
        {
            "label": label(change.field),
            "old": _display(change.field, change.old),
            "new": _display(change.field, change.new),
        }
        for change in changes
    ]


def _sections(comparison: compare.Comparison) -> list[dict[str, Any]]:
    """The comparison in headed lists, for the template."""

    def items(found: tuple[compare.Item, ...]) -> list[dict[str, Any]]:
        return [
            {"title": item.title, "objective": item.objective, "fields": _fields(item.changes)}
            for item in found
        ]

    return [
        {
            "id": "objectives-added",
            "heading": _("Objectives added"),
            "items": items(comparison.objectives_added),
        },
        {
            "id": "objectives-removed",
            "heading": _("Objectives removed"),
            "items": items(comparison.objectives_removed),
        },
        {
            "id": "objectives-changed",
            "heading": _("Objectives changed"),
            "items": items(comparison.objectives_changed),
        },
        {
            "id": "actions-added",
            "heading": _("Actions added"),
            "items": items(comparison.actions_added),
        },
        {
            "id": "actions-removed",
            "heading": _("Actions removed"),
            "items": items(comparison.actions_removed),
        },
        {
            "id": "actions-changed",
            "heading": _("Actions changed"),
            "items": items(comparison.actions_changed),
        },
    ]


urlpatterns = [
    path("plans/<int:pk>/versions/freeze/", version_freeze, name="freeze"),
    path("plans/<int:pk>/versions/<int:number>/", version_detail, name="version"),
    path("plans/<int:pk>/versions/<int:number>/endorse/", endorse, name="endorse"),
    path(
        "plans/<int:pk>/endorsements/<int:endorsement>/document/",
        endorsement_document,
        name="endorsement_document",
    ),
    path("plans/<int:pk>/changes/", changes, name="changes"),
]
