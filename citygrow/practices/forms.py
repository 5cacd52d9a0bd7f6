from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.models import KeyFactor, Toolkit
from citygrow.people.models import City, Country
from citygrow.practices.models import PracticeQuerySet


class ToolkitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Toolkit) -> str:
        return f"{obj.theme.code}. {obj.title} ({obj.year})"


class KeyFactorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: KeyFactor) -> str:
        return f"{obj.toolkit.theme.code}{obj.position}. {obj.heading}"


class PracticeFilterForm(forms.Form):
    """The filters and free-text search of the good-practice library, for the page and the API."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=settings.CITYGROW_SEARCH_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "A search can be at most %(limit_value)d characters long "
                "(this one has %(show_value)d). Use a few distinctive words."
            )
        },
    )
    toolkit = ToolkitChoiceField(
        label=_("Toolkit"),
        queryset=Toolkit.objects.none(),
        required=False,
        empty_label=_("All toolkits"),
        error_messages={"invalid_choice": _("There is no such toolkit.")},
    )
    key_factor = KeyFactorChoiceField(
        label=_("Key factor"),
        queryset=KeyFactor.objects.none(),
        required=False,
        empty_label=_("All key factors"),
        error_messages={"invalid_choice": _("There is no such key factor.")},
    )
    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=City.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All cities"),
        error_messages={"invalid_choice": _("There is no such city.")},
    )
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All countries"),
        error_messages={"invalid_choice": _("There is no such country.")},
    )

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        toolkits = Toolkit.objects.visible_to(user).select_related("theme")
        self.fields["toolkit"].queryset = toolkits
        # Only places that have practices: a list of every city in the network would make the
        # page heavy (and offer choices that find nothing).
        with_practices = City.objects.filter(practices__isnull=False).distinct()
        self.fields["city"].queryset = with_practices
        self.fields["country"].queryset = Country.objects.filter(
            cities__in=with_practices
        ).distinct()
        self.fields["key_factor"].queryset = (
            KeyFactor.objects.filter(toolkit__in=toolkits)
            .select_related("toolkit__theme")
            .order_by("toolkit__theme__code", "-toolkit__year", "position")
        )

    def filter(self, practices: PracticeQuerySet) -> PracticeQuerySet:
        """Apply the valid form's filters and search. An invalid form matches nothing."""
        if not self.is_valid():
            return practices.none()
        data = self.cleaned_data
        if data["toolkit"]:
            practices = practices.filter(toolkit=data["toolkit"])
        if data["key_factor"]:
            practices = practices.filter(key_factor=data["key_factor"])
        if data["city"]:
            practices = practices.filter(city=data["city"])
        if data["country"]:
            practices = practices.filter(city__country=data["country"])
        if data["q"]:
            practices = practices.search(data["q"])
        return practices

    @property
    def is_filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())
