"""The infographic's pages (issue 14, parts 2 and 3): each version with its downloads and the
steps its composer takes (edit, publish, make a new version, discard), its text alternative, the
editor, and the public gallery."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citygrow.core.access import get_for_user, require
from citygrow.core.decorators import sends_anonymous_to_login
from citygrow.core.errors import ServiceError
from citygrow.core.paging import other_params, page_of
from citygrow.mentoring.models import Pairing
from citygrow.reporting import documents, infographics, services
from citygrow.reporting.forms import GalleryFilterForm, InfographicForm
from citygrow.reporting.models import Infographic

#: Infographics per page of the gallery.
GALLERY_PAGE = 24


def _infographics() -> QuerySet[Infographic]:
    return Infographic.objects.with_pairing().select_related("published_by")


def _load(request: HttpRequest, pk: int, perm: str | None = None) -> Infographic:
    return get_for_user(
        request,
        _infographics(),
        view="reporting.view_infographic",
        perm=perm,
        login_first=perm is not None,
        pk=pk,
    )


def _versions(infographic: Infographic, user: Any) -> list[Infographic]:
    return list(
        Infographic.objects.visible_to(user)
        .filter(pairing_id=infographic.pairing_id)
        .only("pk", "number", "status", "published_at", "pairing_id")
        .order_by("-number")
    )


def _detail_page(
    request: HttpRequest, infographic: Infographic, *, error: str = "", status: int = 200
) -> HttpResponse:
    content = infographics.compose(infographic)
    user = request.user
    versions = _versions(infographic, user)
    draft = not infographic.is_published
    return render(
        request,
        "reporting/infographic_detail.html",
        {
            "infographic": infographic,
            "pairing": infographic.pairing,
            "svg": documents.svg(content),
            "versions": versions,
            "missing": services.missing_for_publication(infographic, content) if draft else [],
            # What the pairing still lacks matters while the draft can change.
            "gaps": infographics.gaps(infographic.pairing) if draft else [],
            "error": error,
            "can_edit": user.has_perm("reporting.edit_infographic", infographic),
            "can_publish": user.has_perm("reporting.publish_infographic", infographic),
            "can_discard": user.has_perm("reporting.discard_infographic", infographic),
            "can_new_version": user.has_perm("reporting.new_infographic_version", infographic)
            and not any(not v.is_published for v in versions),
        },
        status=status,
    )


@require_safe
def infographic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public once published; a draft for the pairing's team (reporting.rules)."""
    return _detail_page(request, _load(request, pk))


@require_safe
def infographic_text(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the infographic shows, as headings and lists: its text alternative."""
    infographic = _load(request, pk)
    content = infographics.compose(infographic)
    return render(
        request,
        "reporting/infographic_text.html",
        {
            "infographic": infographic,
            "content": content,
            "cities": [content.mentor, content.implementing],
        },
    )


@require_safe
def pairing_infographic(request: HttpRequest, pk: int) -> HttpResponse:
    """The pairing's infographic: its latest published version (or, for its team, the draft);
    when there is none yet, what is missing and, for its composers, how to start one."""
    pairing = get_object_or_404(
        Pairing.objects.select_related(
            "scheme__programme", "theme", "mentor_city", "implementing_city"
        ),
        pk=pk,
    )
    shown = Infographic.objects.to_show(request.user, pairing)
    if shown is not None:
        return redirect(shown)
    return render(
        request,
        "reporting/pairing_infographic.html",
        {
            "pairing": pairing,
            "gaps": infographics.gaps(pairing),
            "can_compose": request.user.has_perm("reporting.compose_infographic", pairing),
        },
    )


@require_POST
@sends_anonymous_to_login
def start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the pairing's first infographic, filled from its data."""
    pairing = get_object_or_404(Pairing, pk=pk)
    require(request, "reporting.compose_infographic", pairing, login_first=True)
    try:
        infographic = services.start_infographic(pairing=pairing, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("reporting:pairing_infographic", pk=pairing.pk)
    messages.success(
        request,
        _("Draft started from the pairing's findings and plan. Choose and shorten its texts."),
    )
    return redirect("reporting:infographic_edit", pk=infographic.pk)


@require_POST
@sends_anonymous_to_login
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft copied from a published version."""
    infographic = _load(request, pk, "reporting.new_infographic_version")
    try:
        draft = services.start_infographic(pairing=infographic.pairing, by=request.user)
    except ServiceError as error:
        return _detail_page(request, infographic, error=error.message, status=400)
    messages.success(
        request, _("Version %(number)s started as a draft.") % {"number": draft.number}
    )
    return redirect("reporting:infographic_edit", pk=draft.pk)


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor: texts, items picked from the findings and the plan, key factors, practices
    and credits. A save names the revision it was based on: a stale one keeps what was typed
    and says so."""
    infographic = _load(request, pk, "reporting.edit_infographic")
    found = infographics.candidates(infographic.pairing)
    form = InfographicForm(
        request.POST if request.method == "POST" else None,
        infographic=infographic,
        candidates=found,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.save_infographic(
                    infographic=infographic,
                    data=form.to_data(),
                    by=request.user,
                    seen_revision=form.cleaned_data["revision"],
                )
            except services.Conflict as error:
                error.show_on(form)
                form.data = form.data.copy()
                form.data["revision"] = str(error.current.revision)
            except ServiceError as error:
                error.show_on(form)
            else:
                messages.success(request, _("Infographic saved. Check it below."))
                return redirect(infographic)
    return render(
        request,
        "reporting/infographic_form.html",
        {
            "infographic": infographic,
            "pairing": infographic.pairing,
            "form": form,
            "limits": form.limits,
        },
        status=status,
    )


@require_POST
@sends_anonymous_to_login
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    infographic = _load(request, pk, "reporting.publish_infographic")
    try:
        services.publish_infographic(infographic=infographic, by=request.user)
    except ServiceError as error:
        return _detail_page(request, infographic, error=error.message, status=400)
    messages.success(request, _("Infographic published: it is public and no longer changes."))
    return redirect(infographic)


@require_POST
@sends_anonymous_to_login
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    infographic = _load(request, pk, "reporting.discard_infographic")
    pairing = infographic.pairing
    try:
        services.discard_infographic(infographic=infographic, by=request.user)
    except ServiceError as error:
        return _detail_page(request, infographic, error=error.message, status=400)
    messages.success(request, _("Draft discarded."))
    return redirect("reporting:pairing_infographic", pk=pairing.pk)


@require_safe
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The infographic as SVG, PDF (A4 or A3) or PNG."""
    if fmt not in documents.FORMATS:
        raise Http404
    infographic = _load(request, pk)
    return documents.response(request, infographic, fmt)


@require_safe
def gallery(request: HttpRequest) -> HttpResponse:
    """Every pairing's latest published infographic, filtered by programme, theme and city."""
    form = GalleryFilterForm(request.GET)
    found = _infographics().latest_published().order_by("-published_at", "-pk")
    found = form.filtered(found) if form.is_valid() else found.none()
    page = page_of(request, found, GALLERY_PAGE)
    return render(
        request,
        "reporting/gallery.html",
        {"form": form, "page": page, "params": other_params(request)},
    )
