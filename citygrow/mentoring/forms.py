"""Forms of the programme and scheme pages: a programme, its events, its schemes, a scheme's
cities, the coordinator's decision on a pairing proposal and a pairing made by hand."""

from collections.abc import Collection, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.models import Theme, Toolkit
from citygrow.mentoring.models import Programme, ProgrammeEvent, Scheme, SchemeCity
from citygrow.people.models import City

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _check_dates(form: forms.Form, cleaned: dict[str, Any], message: str) -> None:
    """An end before the start is an error on the end date, next to the field."""
    starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        form.add_error("ends_on", message)


class ProgrammeForm(forms.ModelForm):
    """A programme's facts, as the coordinator sets them up."""

    class Meta:
        model = Programme
        fields = [
            "name",
            "slug",
            "summary",
            "starts_on",
            "ends_on",
            "budget",
            "funder",
            "coordinator",
            "planned_days",
            "organisations",
            "is_demo",
            "co_financing_target",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "organisations": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "slug": _('Letters, digits and hyphens, e.g. "cities-grow".'),
            "budget": _("In euros; leave empty when not known."),
            "co_financing_target": _(
                "In euros: what the partner cities together are to bring to the budget; leave "
                "empty when not set."
            ),
            "is_demo": _(
                "Tick when some roles, pairs, visits or figures are illustrative rather than "
                "historical; the programme's pages then say so."
            ),
        }

    def clean_budget(self) -> Any:
        budget = self.cleaned_data.get("budget")
        if budget is not None and budget <= 0:
            raise forms.ValidationError(_("The budget must be more than 0, or left empty."))
        return budget

    def clean_co_financing_target(self) -> Any:
        target = self.cleaned_data.get("co_financing_target")
        if target is not None and target < 0:
            raise forms.ValidationError(
                _("The co-financing target cannot be negative: enter 0 or more, or leave it empty.")
            )
        return target

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _check_dates(self, cleaned, _("The programme cannot end before it starts."))
        return cleaned


class EventForm(forms.ModelForm):
    """A meeting of the whole programme."""

    class Meta:
        model = ProgrammeEvent
        fields = ["kind", "title", "place", "starts_on", "ends_on", "attendance"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        _check_dates(self, cleaned, _("The event cannot end before it starts."))
        return cleaned


COUNT_ERRORS = {
    "invalid": _("Enter a whole number of people, 0 or more, or leave it empty."),
    "min_value": _("A number of people cannot be negative: enter 0 or more, or leave it empty."),
    "max_value": _("This number is too large for the people at one event."),
}


class AttendanceForm(forms.Form):
    """An event's attendance: its total, and one field per partner city (`cities`); an empty
    field is not known."""

    total = forms.IntegerField(
        label=_("Total attendance"),
        required=False,
        min_value=0,
        max_value=1_000_000,
        error_messages=COUNT_ERRORS,
        help_text=_(
            "Everyone who took part, the experts included. Empty: the sum of the cities' figures."
        ),
    )

    def __init__(self, *args: Any, cities: Sequence[City], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cities = list(cities)
        for city in self.cities:
            self.fields[self.field_name(city)] = forms.IntegerField(
                label=city.name,
                required=False,
                min_value=0,
                max_value=1_000_000,
                error_messages=COUNT_ERRORS,
            )

    @staticmethod
    def field_name(city: City) -> str:
        return f"city_{city.pk}"

    def city_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(city)] for city in self.cities]

    def counts(self) -> dict[int, int | None]:
        """Each city's count by city id (None: not known), once the form is valid."""
        return {city.pk: self.cleaned_data.get(self.field_name(city)) for city in self.cities}


class ToolkitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Toolkit) -> str:
        label = f"{obj.theme.code} {obj.year}: {obj.title}"
        if obj.status != Toolkit.Status.PUBLISHED:
            label += f" ({obj.get_status_display().lower()})"
        return label


class SchemeForm(forms.ModelForm):
    """A scheme of `programme`. Its theme is chosen once, among the themes the programme has no
    scheme for yet; editing a scheme leaves out the theme."""

    toolkit = ToolkitChoiceField(
        label=_("Toolkit edition"),
        queryset=Toolkit.objects.select_related("theme"),
        required=False,
        empty_label=_("The theme's current published edition"),
        help_text=_(
            "The benchmark the cities assess themselves against. It must be an edition of the "
            "scheme's theme."
        ),
    )

    class Meta:
        model = Scheme
        fields = [
            "theme",
            "toolkit",
            "facilitator",
            "capacity",
            "forbid_same_country",
            "require_shared_language",
        ]
        help_texts = {
            "facilitator": _(
                "The scheme's theme is added to the themes this organisation facilitates: its "
                "members get the facilitator's access to the theme's private items (draft "
                "assessments and visit reports of the theme) and may plan the scheme's visits."
            ),
        }

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.programme = programme
        if self.instance.pk:
            del self.fields["theme"]
        else:
            self.fields["theme"].queryset = Theme.objects.exclude(schemes__programme=programme)
            self.fields["theme"].empty_label = None

    @property
    def theme(self) -> Theme | None:
        if self.instance.pk:
            return self.instance.theme
        return self.cleaned_data.get("theme")

    def clean_capacity(self) -> Any:
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < 1:
            raise forms.ValidationError(_("A mentor city takes at least 1 implementing city."))
        return capacity

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        toolkit, theme = cleaned.get("toolkit"), self.theme
        if toolkit is not None and theme is not None and toolkit.theme_id != theme.pk:
            self.add_error(
                "toolkit",
                _(
                    "%(toolkit)s is an edition of theme %(other)s, not of %(theme)s. Choose an "
                    "edition of %(theme)s, or leave it empty."
                )
                % {"toolkit": toolkit, "other": toolkit.theme.code, "theme": theme.code},
            )
        return cleaned


class MemberForm(forms.Form):
    """Add a city to a scheme, in a role."""

    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.all())
    role = forms.ChoiceField(
        label=_("Role"),
        choices=SchemeCity.Role.choices,
        widget=forms.RadioSelect,
        initial=SchemeCity.Role.IMPLEMENTING,
    )


class ProposalForm(forms.Form):
    """The coordinator's choice of mentor for each implementing city without one: one select
    per city (`mentor-<city id>`), with the scheme's mentor cities and "No mentor". Mentors in
    `full` have no place left (they may still be chosen: the services say why it is refused)."""

    def __init__(
        self,
        data: Any = None,
        *,
        cities: Sequence[City],
        mentors: Sequence[City],
        proposed: dict[int, int],
        full: Collection[int] = (),
    ) -> None:
        super().__init__(data)
        choices = [("", _("No mentor"))] + [
            (
                str(mentor.pk),
                _("%(city)s (full)") % {"city": mentor.name} if mentor.pk in full else mentor.name,
            )
            for mentor in mentors
        ]
        self.cities = list(cities)
        for city in self.cities:
            self.fields[self.field_name(city)] = forms.ChoiceField(
                label=_("Mentor for %(city)s") % {"city": city.name},
                choices=choices,
                required=False,
                initial=str(proposed[city.pk]) if city.pk in proposed else "",
                error_messages={
                    "invalid_choice": _(
                        "Choose one of the scheme's mentor cities for %(city)s, or No mentor."
                    )
                    % {"city": city.name}
                },
            )

    @staticmethod
    def field_name(city: City) -> str:
        return f"mentor-{city.pk}"

    def pairs(self) -> list[tuple[int, int]]:
        """(mentor id, implementing id) of each city given a mentor, in the order shown."""
        return [
            (int(self.cleaned_data[self.field_name(city)]), city.pk)
            for city in self.cities
            if self.cleaned_data.get(self.field_name(city))
        ]


class PairingForm(forms.Form):
    """A pairing chosen by hand: one of the scheme's mentor cities and one of its implementing
    cities. Mentors in `full` have no place left and implementing cities in `mentored` have a
    mentor already (both are marked, and may still be chosen: the services say why it is
    refused)."""

    mentor = forms.TypedChoiceField(
        label=_("Mentor city"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose one of the scheme's mentor cities.")},
    )
    implementing = forms.TypedChoiceField(
        label=_("Implementing city"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose one of the scheme's implementing cities.")},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        mentors: Sequence[City],
        implementing: Sequence[City],
        full: Collection[int] = (),
        mentored: dict[int, str] | None = None,
    ) -> None:
        super().__init__(data)
        mentored = mentored or {}
        self.fields["mentor"].choices = [("", _("Choose a mentor city"))] + [
            (city.pk, _("%(city)s (full)") % {"city": city.name} if city.pk in full else city.name)
            for city in mentors
        ]
        self.fields["implementing"].choices = [("", _("Choose an implementing city"))] + [
            (
                city.pk,
                _("%(city)s (mentored by %(mentor)s)")
                % {"city": city.name, "mentor": mentored[city.pk]}
                if city.pk in mentored
                else city.name,
            )
            for city in implementing
        ]

    def pair(self) -> tuple[int, int]:
        """(mentor city id, implementing city id)."""
        return self.cleaned_data["mentor"], self.cleaned_data["implementing"]
