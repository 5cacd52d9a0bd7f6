import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.models import KeyFactor, Theme, Toolkit
from citygrow.core.forms import LinksField
from citygrow.people.models import City, Country
from citygrow.practices.models import Practice, PracticeQuerySet
from citygrow.practices.services import MAX_OUTCOMES, ContributionIn, OutcomeIn

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
    source = forms.ChoiceField(
        widget=PlainSelect,
        label=_("Source"),
        choices=[
            ("", _("All sources")),
            (Practice.Origin.TOOLKIT, _("Toolkit examples")),
            (Practice.Origin.CONTRIBUTED, _("Contributed by cities")),
        ],
        required=False,
        error_messages={"invalid_choice": _("There is no such source.")},
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
        if data.get("source"):
            practices = practices.filter(origin=data["source"])
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
        help_text=_(
            "Finds every good practice that mentions it: in its title, summary, text, results, "
            "links or contact."
        ),
    )


# Contributed practices --------------------------------------------------------------------------

#: A line of the "adapted from" box: a practice number ("12", "#12", "12 — its title") or a
#: library address ("https://…/practices/12/").
_PRACTICE_LINE = re.compile(
    r"^\s*(?:\S*?/practices/(?P<path>\d+)/?\S*|#?(?P<number>\d+))(?:\s.*)?$"
)


class PracticeLinesField(forms.CharField):
    """Practices named one per line by their number or library address; cleans to their ids.

    Whether each is a published practice that may be cited is the service's to say."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value) or ""
        ids: list[int] = []
        for line in text.splitlines():
            if not line.strip():
                continue
            match = _PRACTICE_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    _(
                        "“%(line)s” is not a practice number or a library address (such as "
                        "12 or https://…/practices/12/)."
                    ),
                    params={"line": line.strip()[:100]},
                )
            ids.append(int(match.group("path") or match.group("number")))
        return list(dict.fromkeys(ids))

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(value) > MAX_SOURCES:
            raise forms.ValidationError(
                _("At most %(count)d practices."), params={"count": MAX_SOURCES}
            )

    def run_validators(self, value: Any) -> None:
        return None

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            return "\n".join(
                f"{practice.pk} — {practice.title}" if hasattr(practice, "pk") else str(practice)
                for practice in value
            )
        return super().prepare_value(value)


#: The most practices one contribution says it was adapted from.
MAX_SOURCES = 20


class ContributionForm(forms.Form):
    """A contributed practice's texts, themes, key factors, links, contact and sources; the
    outcomes are a formset beside it (`OutcomeFormSet`)."""

    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=City.objects.none(),
        help_text=_("The city whose practice this is."),
        error_messages={"invalid_choice": _("Choose one of the cities you contribute for.")},
    )
    name = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences: what it is and why it works."),
    )
    text = forms.CharField(
        label=_("Full text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What the city does and how: who takes part, the steps, the resources."),
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes it serves"),
        queryset=Theme.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The facilitators of these themes review the practice."),
        error_messages={"required": _("Choose at least one theme the practice serves.")},
    )
    key_factors = forms.TypedMultipleChoiceField(
        label=_("Key factors it serves"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Key factors of the published toolkits of the themes you chose."),
        error_messages={"invalid_choice": _("Choose key factors from the list.")},
    )
    year = forms.IntegerField(
        label=_("Year it started"), required=False, min_value=1900, max_value=2100
    )
    results = forms.CharField(
        label=_("Results and outcomes, in words"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What changed; the figures go in the table below."),
    )
    links = LinksField(
        label=_("Links"),
        required=False,
        help_text=_("Web addresses, one per line, starting with http:// or https://."),
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        required=False,
        max_length=200,
        help_text=_("Shown to signed-in people only. Name someone who agreed to it."),
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False, max_length=254)
    adapted_from = PracticeLinesField(
        label=_("Adapted from"),
        required=False,
        help_text=_(
            "Practices of the library this one builds on: one per line, by its number or its "
            "address in the library (e.g. 12, or https://…/practices/12/)."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    #: The fields set out in their own fieldsets by the template.
    GROUPED = ("themes", "key_factors")

    def __init__(
        self,
        *args: Any,
        cities: Sequence[City],
        practice: Practice | None = None,
        **kwargs: Any,
    ) -> None:
        if practice is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(practice)
        super().__init__(*args, **kwargs)
        self.practice = practice
        if practice is not None or len(cities) == 1:
            # The city of a practice does not change; one city needs no choice.
            del self.fields["city"]
            self._city: City | None = practice.city if practice is not None else cities[0]
        else:
            self.fields["city"].queryset = City.objects.filter(
                pk__in=[c.pk for c in cities]
            ).order_by("name")
            self._city = None
        if practice is None:
            del self.fields["version"]
        factors = list(
            KeyFactor.objects.filter(toolkit__status=Toolkit.Status.PUBLISHED)
            .select_related("toolkit__theme")
            .order_by("toolkit__theme__code", "-toolkit__year", "position")
        )
        groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
        for factor in factors:
            toolkit = factor.toolkit
            legend = f"{toolkit.theme.code}. {toolkit.title} ({toolkit.year})"
            groups.setdefault(toolkit.pk, (legend, []))[1].append(
                (factor.pk, f"{toolkit.theme.code}{factor.position}. {factor.heading}")
            )
        self._groups = list(groups.values())
        self.fields["key_factors"].choices = [
            choice for _legend, choices in self._groups for choice in choices
        ]

    @property
    def key_factor_groups(self) -> list[tuple[str, list[Any]]]:
        """The key factor boxes grouped by toolkit: (legend, bound checkboxes)."""
        boxes = {str(box.data["value"]): box for box in self["key_factors"]}
        return [
            (legend, [boxes[str(pk)] for pk, _label in choices]) for legend, choices in self._groups
        ]

    @property
    def offers_cities(self) -> bool:
        return "city" in self.fields

    def chosen_city(self) -> City:
        return self._city or self.cleaned_data["city"]

    def to_data(self, outcomes: list[OutcomeIn] | None) -> ContributionIn:
        data = self.cleaned_data
        return ContributionIn(
            name=data["name"],
            summary=data["summary"],
            text=data["text"],
            themes=[theme.pk for theme in data["themes"]],
            key_factors=list(data["key_factors"]),
            year=data["year"],
            results=data["results"],
            links=data["links"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            adapted_from=data["adapted_from"],
            outcomes=outcomes,
        )


def initial_of(practice: Practice) -> dict[str, Any]:
    """The form's initial values for a stored practice."""
    return {
        "name": practice.name,
        "summary": practice.summary,
        "text": practice.text,
        "themes": [theme.pk for theme in practice.themes.all()],
        "key_factors": [factor.pk for factor in practice.key_factors.all()],
        "year": practice.year,
        "results": practice.results,
        "links": list(practice.links),
        "contact_name": practice.contact_name,
        "contact_email": practice.contact_email,
        "adapted_from": list(practice.adapted_from.select_related("city", "key_factor")),
        "version": practice.version,
    }


class OutcomeForm(forms.Form):
    """One result in figures; a row left empty is skipped."""

    description = forms.CharField(label=_("What was measured"), max_length=300)
    value = forms.DecimalField(label=_("Figure"), max_digits=14, decimal_places=2)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)


class BaseOutcomeFormSet(forms.BaseFormSet):
    def outcomes(self) -> list[OutcomeIn]:
        """The rows filled in, in order (a valid formset)."""
        return [
            OutcomeIn(
                description=row["description"],
                value=row["value"],
                unit=row.get("unit") or "",
                year=row.get("year"),
            )
            for row in (form.cleaned_data for form in self.forms)
            if row and not row.get("DELETE")
        ]


OutcomeFormSet = forms.formset_factory(
    OutcomeForm,
    formset=BaseOutcomeFormSet,
    extra=2,
    max_num=MAX_OUTCOMES,
    validate_max=True,
    absolute_max=MAX_OUTCOMES + 5,
)


def outcome_initial(practice: Practice | None) -> list[dict[str, Any]]:
    if practice is None:
        return []
    return [
        {"description": o.description, "value": o.value, "unit": o.unit, "year": o.year}
        for o in practice.outcomes.all()
    ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files from one input; cleans to a list. What each may be is the service's to
    say (core.files.check_attachment)."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in uploads]


class AttachForm(forms.Form):
    files = MultipleFileField(
        label=_("Files to attach"),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg"}),
        help_text=_("PDF, Word (.docx), PNG or JPEG; several at once if you like."),
        error_messages={"required": _("Choose at least one file.")},
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), max_length=5_000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what should change before the practice is published.")},
    )


class PublishForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is withdrawn"),
        max_length=1_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Readers see it on the practice's page."),
        error_messages={"required": _("Say why the practice is withdrawn; readers will see it.")},
    )
