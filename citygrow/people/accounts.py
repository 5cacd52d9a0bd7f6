"""Account pages: log in and out, passwords, a person's own account page, API tokens, their
personal data, and accepting an invitation."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citygrow.people.forms import LoginForm, NewAccountForm, TokenForm
from citygrow.people.models import FailedLogin, User
from citygrow.people.services import (
    InvitationError,
    accept_invitation,
    accept_invitation_with_new_account,
    create_token,
    find_invitation,
    personal_data,
    revoke_token,
)


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    success_url = reverse_lazy("people:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("people:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # Whoever proved they own the address may log in again at once.
        FailedLogin.objects.filter(username__iexact=self.user.get_username()).delete()
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("people:password_change_done")


@require_safe
@login_required
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in person's roles, API tokens and personal data."""
    roles = request.user.roles.select_related(
        "city",
        "pairing__mentor_city",
        "pairing__implementing_city",
        "pairing__theme",
        "organisation",
    )
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True)
    return render(request, "people/account.html", {"roles": roles, "tokens": tokens})


@require_http_methods(["GET", "POST"])
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    """Create an API token; its secret is shown on this one page and never again."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, secret = create_token(
            user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
        )
        response = render(request, "people/token_created.html", {"token": token, "secret": secret})
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "people/token_form.html", {"form": form})


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens.filter(revoked_at__isnull=True), pk=pk)
    revoke_token(by=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("people:account")


@require_safe
@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """The signed-in person's personal data, as a JSON file."""
    return _personal_data_response(person=request.user, by=request.user)


def _personal_data_response(*, person: User, by: User) -> HttpResponse:
    data = personal_data(person=person, by=by)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="citygrow-personal-data-{person.pk}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: with the account one is logged in with, or a new one."""
    try:
        invitation = find_invitation(token)
    except InvitationError as error:
        return render(request, "people/invitation_invalid.html", {"reason": str(error)}, status=410)
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                accept_invitation(token=token, user=request.user)
            except InvitationError as error:
                return render(
                    request, "people/invitation_invalid.html", {"reason": str(error)}, status=410
                )
            messages.success(
                request,
                _("Welcome: you now hold the role %(role)s.")
                % {"role": invitation.role().describe()},
            )
            return redirect("people:account")
        return render(request, "people/invitation_accept.html", {"invitation": invitation})
    if User.objects.filter(email__iexact=invitation.email, is_active=True).exists():
        # The address has an account: log in with it, then come back here.
        return render(
            request,
            "people/invitation_accept.html",
            {"invitation": invitation, "log_in_first": True},
        )
    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = form.save(commit=False)
            accept_invitation_with_new_account(token=token, account=user)
        except InvitationError as error:
            return render(
                request, "people/invitation_invalid.html", {"reason": str(error)}, status=410
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome to CityGrow: your account is ready."))
        return redirect("people:account")
    return render(
        request, "people/invitation_accept.html", {"invitation": invitation, "form": form}
    )
