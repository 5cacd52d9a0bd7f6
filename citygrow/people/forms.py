from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citygrow.people.models import (
    ApiToken,
    City,
    FailedLogin,
    Indicator,
    Invitation,
    Role,
    User,
)


def client_address(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class LoginForm(AuthenticationForm):
    """Django's log-in form, with a lock-out after repeated failures.

    The lock-out applies to a user name whether or not it exists, so it reveals nothing.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That user name and password do not match an active account. Both are case-sensitive."
        ),
        "locked": _(
            "Too many failed log-ins. Log-in is paused for %(minutes)d minutes; you can "
            "also reset your password."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "")[:150]
        if username and self._locked(username):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_LOCKOUT_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                FailedLogin.objects.create(username=username, address=client_address(self.request))
            raise
        if self.get_user() is not None:
            # Only a real success clears the failures (a post without password proves nothing).
            FailedLogin.objects.filter(username__iexact=username).delete()
        return cleaned

    def _locked(self, username: str) -> bool:
        since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
        recent = FailedLogin.objects.filter(at__gte=since)
        limit = settings.LOGIN_FAILURE_LIMIT
        if recent.filter(username__iexact=username).count() >= limit:
            return True
        address = client_address(self.request)
        return address is not None and recent.filter(address=address).count() >= 10 * limit


class TokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name", "scope"]


class PairingChoiceField(forms.ModelChoiceField):
    """A pairing named with its programme: "Munich → Athens, theme A (CITIES GROW 2017-2019)"
    (two schemes of different programmes may pair the same cities on the same theme)."""

    def label_from_instance(self, obj: Any) -> str:
        return _("%(mentor)s → %(city)s, theme %(theme)s (%(programme)s)") % {
            "mentor": obj.mentor_city.name,
            "city": obj.implementing_city.name,
            "theme": obj.theme.code,
            "programme": obj.scheme.programme.name,
        }


class InvitationForm(forms.ModelForm):
    """A coordinator's invitation: an address and a role with what it is about."""

    class Meta:
        model = Invitation
        fields = ["email", "kind", "city", "pairing", "organisation"]
        field_classes = {"pairing": PairingChoiceField}
        help_texts = {
            "city": _("For a city officer."),
            "pairing": _(
                "For a mentor. The officers of the pairing's mentor city are its mentors already, "
                "without an invitation: invite people who are not."
            ),
            "organisation": _("For a facilitator."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pairing = self.fields["pairing"]
        pairing.queryset = pairing.queryset.select_related(  # type: ignore[attr-defined]
            "mentor_city", "implementing_city", "theme", "scheme__programme"
        ).order_by(
            "scheme__programme__name", "theme__code", "mentor_city__name", "implementing_city__name"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        needed = {
            Role.Kind.OFFICER: "city",
            Role.Kind.MENTOR: "pairing",
            Role.Kind.FACILITATOR: "organisation",
        }.get(kind)
        for field in ("city", "pairing", "organisation"):
            if field == needed and not data.get(field):
                self.add_error(field, _("Choose one for this role."))
            elif field != needed and data.get(field):
                self.add_error(field, _("Leave this empty for this role."))
        return data


class NewAccountForm(UserCreationForm):
    """The account a person creates when accepting an invitation."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name"]
        help_texts = {"username": _("Letters, digits and @ . + - _ only; at most 150.")}

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["first_name"].required = True

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.email = self.email
        if commit:
            user.save()
        return user


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type the person's user name to confirm"),
        max_length=150,
    )

    def __init__(self, *args: Any, username: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.username = username

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"]
        if value != self.username:
            raise forms.ValidationError(_("That is not the user name of this person."))
        return value


class AuditFilterForm(forms.Form):
    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=City.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All cities"),
        error_messages={"invalid_choice": _("There is no such city.")},
    )
    # A text field, not a list of every account: the list would grow with the users.
    person = forms.CharField(
        label=_("Person"),
        required=False,
        help_text=_("A user name; leave empty for everybody."),
    )

    def clean_person(self) -> User | None:
        username = self.cleaned_data["person"].strip()
        if not username:
            return None
        person = User.objects.filter(username__iexact=username[:200]).first()
        if person is None:
            raise forms.ValidationError(_("There is no such person."))
        return person


class CityFigureForm(forms.Form):
    """A key figure of a city: people.services.record_figure checks the rest (the year's range,
    the value against the indicator's kind)."""

    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.all(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the indicators listed.")},
    )
    value = forms.DecimalField(
        label=_("Value"),
        help_text=_("A population as a whole number; a share or a rate in per cent (0 to 100)."),
        error_messages={
            "required": _("Give the value of the figure."),
            "invalid": _("Enter a number, e.g. 1488202 or 27.5."),
        },
    )
    year = forms.IntegerField(
        label=_("Year"),
        help_text=_("The year the figure is about."),
        error_messages={
            "required": _("Give the year the figure is about."),
            "invalid": _("Enter a year as four digits, e.g. 2017."),
        },
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the figure comes from, e.g. 'Statistical office of Munich, 2018'."),
        error_messages={
            "required": _("Say where the figure comes from (a statistical office, a report...).")
        },
    )


class IndicatorForm(forms.Form):
    """A new indicator that every city may then have figures of."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("e.g. 'Residents with a non-EU nationality (%)'."),
        error_messages={"required": _("Give the indicator a name.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Indicator.Kind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(label=_("What it counts"), max_length=300, required=False)


class CharterSignatureForm(forms.Form):
    """A city's Charter signature: people.services.record_charter_signature checks the rest
    (the date against today and the Charter's launch, the signer)."""

    signed_on = forms.DateField(
        label=_("Signed on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day the city signed the Integrating Cities Charter (YYYY-MM-DD)."),
        error_messages={
            "required": _("Give the date the Charter was signed."),
            "invalid": _("Enter a date as YYYY-MM-DD, e.g. 2010-02-04."),
        },
    )
    signed_by = forms.CharField(
        label=_("Signed by"),
        max_length=200,
        help_text=_('Who signed for the city, e.g. "the Mayor, Jane Doe".'),
        error_messages={
            "required": _('Say who signed for the city, e.g. "the Mayor, Jane Doe".'),
            "null_characters_not_allowed": _("The signer cannot contain a NUL character."),
        },
    )


class CharterWithdrawalForm(forms.Form):
    """Marking a city as not a signatory (a signature recorded by mistake)."""

    confirm = forms.BooleanField(
        label=_("This city has not signed the Charter: remove its signature"),
        error_messages={"required": _("Tick the box to confirm.")},
    )
