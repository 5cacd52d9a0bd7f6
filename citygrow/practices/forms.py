import hashlib
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.models import KeyFactor, Toolkit
from citygrow.people.models import City, Country
from citygrow.practices.models import PracticeQuerySet

#: How long the filter's key factor and place options are kept. Their key changes with every
#: edition's fingerprint; this bounds how long a city renamed, or given its first free-standing
#: practice, can be missing from the options (its practices are found at once).
OPTIONS_CACHE_SECONDS = 10 * 60


class PlainSelect(forms.Select):
    """A `<select>` written in Python from plain (value, label) pairs.

    Django's Select renders each `<option>` through a template include and its
    ModelChoiceField builds a model instance per option; for the library's filters that was
    about half the time of the page. The markup is the same as Django's.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        selected = self.format_value(value)
        chosen = selected[0] if selected else None
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (option, mark_safe(" selected") if str(option) == chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>\n{}\n</select>', name, flatatt(final), options)


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
        widget=PlainSelect,
        label=_("Toolkit"),
        queryset=Toolkit.objects.none(),
        required=False,
        empty_label=_("All toolkits"),
        error_messages={"invalid_choice": _("There is no such toolkit.")},
    )
    key_factor = KeyFactorChoiceField(
        widget=PlainSelect,
        label=_("Key factor"),
        queryset=KeyFactor.objects.none(),
        required=False,
        empty_label=_("All key factors"),
        error_messages={"invalid_choice": _("There is no such key factor.")},
    )
    city = forms.ModelChoiceField(
        widget=PlainSelect,
        label=_("City"),
        queryset=City.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All cities"),
        error_messages={"invalid_choice": _("There is no such city.")},
    )
    country = forms.ModelChoiceField(
        widget=PlainSelect,
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All countries"),
        error_messages={"invalid_choice": _("There is no such country.")},
    )

    def __init__(self, *args: Any, user: object, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        toolkits = Toolkit.objects.visible_to(user)
        # The querysets validate what was chosen (one query per filter used); the options shown
        # are read as plain values below, in three queries whatever the size of the library.
        self.fields["toolkit"].queryset = toolkits.select_related("theme")
        self.fields["key_factor"].queryset = KeyFactor.objects.filter(
            toolkit__in=toolkits
        ).select_related("toolkit__theme")
        # Only places that have practices: a list of every city in the network would make the
        # page heavy (and offer choices that find nothing).
        with_practices = City.objects.filter(practices__isnull=False).distinct()
        self.fields["city"].queryset = with_practices
        self.fields["country"].queryset = Country.objects.filter(
            cities__in=with_practices
        ).distinct()
        self._offer_choices(toolkits)

    def _offer_choices(self, toolkits: Any) -> None:
        """Set the options of the four selects.

        The key factors offered are those of the chosen toolkit edition, or with none chosen
        those of each theme's current edition (`Theme.current_edition`), plus the key factor
        chosen if it is elsewhere: every key factor of every edition would grow the page with
        each edition loaded. Any key factor of a visible edition is still accepted.
        """
        editions = list(
            toolkits.order_by("theme__code", "-year").values_list(
                "pk", "theme__code", "title", "year", "status", "content_hash", "loaded_at"
            )
        )
        self._set_choices(
            "toolkit", [(pk, f"{code}. {title} ({year})") for pk, code, title, year, *_ in editions]
        )
        chosen_toolkit = self._chosen_id("toolkit")
        if chosen_toolkit in {pk for pk, *_ in editions}:
            offered = [chosen_toolkit]
        else:
            by_theme: dict[str, list[tuple[int, str]]] = {}
            for pk, code, _, _, status, *_ in editions:
                by_theme.setdefault(code, []).append((pk, status))
            offered = [
                next((pk for pk, status in rows if status == Toolkit.Status.PUBLISHED), rows[0][0])
                for rows in by_theme.values()
            ]
        chosen_factor = self._chosen_id("key_factor")
        # The key factors and places change only with the editions (a load, a replacement or an
        # edit gives an edition a new fingerprint) or with a free-standing practice: cache them
        # under the editions' fingerprints, for at most OPTIONS_CACHE_SECONDS.
        token = repr(([e[:2] + e[4:] for e in editions], offered, chosen_factor))
        key = "practice-filter-options:" + hashlib.sha256(token.encode()).hexdigest()
        options = cache.get(key)
        if options is None:
            options = self._read_options(toolkits, offered, chosen_factor)
            cache.set(key, options, OPTIONS_CACHE_SECONDS)
        factors, places = options
        self._set_choices("key_factor", factors)
        self._set_choices("city", [(slug, name) for slug, name, _, _ in places])
        countries = {code: name for _, _, code, name in places}
        self._set_choices("country", sorted(countries.items(), key=lambda item: (item[1], item[0])))

    @staticmethod
    def _read_options(
        toolkits: Any, offered: list[int], chosen_factor: int | None
    ) -> tuple[list[tuple[int, str]], list[tuple[str, str, str, str]]]:
        """The key factors to offer, and (slug, name, country code, country name) of every city
        with a practice: two queries."""
        factors = KeyFactor.objects.filter(toolkit__in=offered)
        if chosen_factor is not None:
            factors = factors | KeyFactor.objects.filter(pk=chosen_factor, toolkit__in=toolkits)
        factor_choices = [
            (pk, f"{code}{position}. {heading}")
            for pk, code, position, heading in factors.order_by(
                "toolkit__theme__code", "-toolkit__year", "position"
            ).values_list("pk", "toolkit__theme__code", "position", "heading")
        ]
        places = list(
            City.objects.filter(practices__isnull=False)
            .order_by("name")
            .values_list("slug", "name", "country__code", "country__name")
            .distinct()
        )
        return factor_choices, places

    def _chosen_id(self, name: str) -> int | None:
        """The id given for the filter `name` in a bound form, if it is one."""
        value = self.data.get(name) if self.is_bound else None
        try:
            return int(value) if value else None
        except (TypeError, ValueError):
            return None

    def _set_choices(self, name: str, choices: Iterable[tuple[Any, str]]) -> None:
        field = self.fields[name]
        field.widget.choices = [("", field.empty_label), *choices]

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


class MentionForm(forms.Form):
    text = forms.CharField(
        label=_("Name or e-mail address"),
        min_length=3,
        max_length=200,
        help_text=_("Finds every good practice that mentions it, in its text or links."),
    )
