"""Coordinators' pages: invitations, people and their personal data, the audit trail."""

import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from citygrow.core.decorators import permission_required
from citygrow.people.forms import AuditFilterForm, EraseForm, InvitationForm
from citygrow.people.models import AuditEntry, Invitation, User
from citygrow.people.services import erase_person, invite, personal_data


@require_http_methods(["GET", "POST"])
@permission_required("people.invite")
def invitations(request: HttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invitation = invite(
            by=request.user,
            email=data["email"],
            kind=data["kind"],
            city=data["city"],
            pairing=data["pairing"],
            organisation=data["organisation"],
            accept_url=lambda token: request.build_absolute_uri(
                reverse("people:invitation", args=[token])
            ),
        )
        messages.success(
            request,
            _("Invitation sent to %(email)s. The link works once, for %(days)d days.")
            % {"email": invitation.email, "days": settings.INVITATION_DAYS},
        )
        return redirect("people:invitations")
    recent = Invitation.objects.select_related(
        "city", "pairing__mentor_city", "pairing__implementing_city", "pairing__theme",
        "pairing__scheme__programme", "organisation", "invited_by", "accepted_by",
    )[:50]  # fmt: skip
    return render(
        request,
        "people/invitations.html",
        {"form": form, "invitations": recent, "now": timezone.now()},
    )


@require_safe
@permission_required("people.manage_people")
def people(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:150].strip()
    persons = User.objects.order_by("username")
    if query:
        persons = persons.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    page = Paginator(persons, settings.CITYGROW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "people/people.html", {"page": page, "query": query})


def _person(pk: int) -> User:
    return get_object_or_404(User, pk=pk)


@require_http_methods(["GET", "POST"])
@permission_required("people.manage_people")
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person: their roles; export their data; erase it on request."""
    target = _person(pk)
    form = EraseForm(request.POST or None, username=target.username)
    if request.method == "POST":
        if not request.user.has_perm("people.erase_person", target):
            raise PermissionDenied
        if target.pk == request.user.pk:
            messages.error(request, _("You cannot erase your own account here."))
        elif form.is_valid():
            erase_person(person=target, by=request.user)
            messages.success(request, _("The person's personal data is erased."))
            return redirect("people:person", pk=target.pk)
    roles = target.roles.select_related(
        "city",
        "pairing__mentor_city",
        "pairing__implementing_city",
        "pairing__theme",
        "organisation",
    )
    return render(request, "people/person.html", {"person": target, "roles": roles, "form": form})


@require_safe
@permission_required("people.manage_people")
def person_data(request: HttpRequest, pk: int) -> HttpResponse:
    target = _person(pk)
    if not request.user.has_perm("people.export_person", target):
        raise PermissionDenied
    data = personal_data(person=target, by=request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="citygrow-personal-data-{target.pk}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
@permission_required("people.view_audit")
def audit_trail(request: HttpRequest) -> HttpResponse:
    """The audit trail, newest first, filtered by city and by person."""
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("city")
    if form.is_bound:
        if form.is_valid():
            if form.cleaned_data["city"]:
                entries = entries.filter(city=form.cleaned_data["city"])
            if form.cleaned_data["person"]:
                entries = entries.filter(actor=form.cleaned_data["person"])
        else:
            entries = entries.none()
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "people/audit.html", {"form": form, "page": page, "query": query.urlencode()}
    )
