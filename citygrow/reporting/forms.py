"""The infographic's editor and the gallery's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.models import Theme
from citygrow.mentoring.models import Programme
from citygrow.people.models import City
from citygrow.publishing import infographic as drawing
from citygrow.reporting import infographics
from citygrow.reporting.infographics import Candidate
from citygrow.reporting.models import Infographic, InfographicItem
from citygrow.reporting.services import InfographicIn, ItemIn

LIMITS = drawing.LIMITS
SLOTS = infographics.MAX_ITEMS


def _text(label: Any, limit: int, *, required: bool = False, help_text: Any = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        error_messages={
            "max_length": _(
                "At most %(limit_value)d characters fit here on the printed page (this has "
                "%(show_value)d)."
            )
        },
    )


class InfographicForm(forms.Form):
    """Everything a composer writes or chooses; the slots of each section are its items."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    title = _text(_("Title"), LIMITS["title"], required=True)
    subtitle = _text(_("Subtitle"), LIMITS["subtitle"])
    notice = _text(
        _("Notice"),
        LIMITS["notice"],
        help_text=_("Shown in a band at the top, e.g. that the content is illustrative."),
    )
    credits = forms.CharField(
        label=_("Credits"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One line each, at most %(count)s lines of %(limit)s characters.")
        % {"count": infographics.MAX_CREDITS, "limit": LIMITS["credit"]},
    )
    key_factors = forms.TypedMultipleChoiceField(
        label=_("Key factors worked on"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At most %(count)s.") % {"count": infographics.MAX_KEY_FACTORS},
    )
    practices = forms.TypedMultipleChoiceField(
        label=_("Practices transferred"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At most %(count)s.") % {"count": infographics.MAX_PRACTICES},
    )

    SECTIONS = (
        ("strengths", InfographicItem.Section.STRENGTH, _("Strengths")),
        ("challenges", InfographicItem.Section.CHALLENGE, _("Challenges")),
        ("actions", InfographicItem.Section.ACTION, _("Future actions")),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        infographic: Infographic,
        candidates: list[Candidate],
    ) -> None:
        self.infographic = infographic
        self.candidates = {candidate.key: candidate for candidate in candidates}
        self.limits = LIMITS
        initial: dict[str, Any] = {
            "revision": infographic.revision,
            "title": infographic.title,
            "subtitle": infographic.subtitle,
            "notice": infographic.notice,
            "credits": infographic.credits,
            "key_factors": [factor.pk for factor in infographic.key_factors.all()],
            "practices": [practice.pk for practice in infographic.practices.all()],
        }
        by_section: dict[str, list[InfographicItem]] = {}
        for item in infographic.items.order_by("position", "pk"):
            by_section.setdefault(item.section, []).append(item)
        for slug, section, _label in self.SECTIONS:
            for i, item in enumerate(by_section.get(section, [])[:SLOTS]):
                initial[f"{slug}-{i}"] = item.text
                initial[f"{slug}-{i}-source"] = (
                    f"finding-{item.finding_id}"
                    if item.finding_id
                    else f"action-{item.action_id}"
                    if item.action_id
                    else ""
                )
        super().__init__(data, initial=initial)
        self.fields["key_factors"].choices = [
            (factor.pk, f"{factor.position}. {factor.heading}")
            for factor in infographics.key_factor_choices(infographic.pairing)
        ]
        self.fields["practices"].choices = [
            (practice.pk, f"{practice.city.name}: {practice.title}")
            for practice in infographics.practice_choices(infographic)
        ]
        self.sections = []
        for slug, section, label in self.SECTIONS:
            for i in range(SLOTS):
                self.fields[f"{slug}-{i}"] = _text(
                    _("%(section)s, item %(number)s") % {"section": label, "number": i + 1},
                    LIMITS["item"],
                )
                self.fields[f"{slug}-{i}"].widget = forms.Textarea(
                    attrs={"rows": 2, "maxlength": LIMITS["item"]}
                )
                self.fields[f"{slug}-{i}-source"] = forms.CharField(
                    required=False, widget=forms.HiddenInput, max_length=30
                )
            picks = [c for c in candidates if c.section == section]
            self.fields[f"pick-{slug}"] = forms.MultipleChoiceField(
                label=_("Add from the platform"),
                required=False,
                choices=[(c.key, c.text) for c in picks],
                widget=forms.CheckboxSelectMultiple,
            )
            self.sections.append(
                {
                    "slug": slug,
                    "label": label,
                    "slots": [
                        (self[f"{slug}-{i}"], self[f"{slug}-{i}-source"]) for i in range(SLOTS)
                    ],
                    "pick": self[f"pick-{slug}"],
                    "candidates": picks,
                }
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for slug, _section, label in self.SECTIONS:
            items = self._items(cleaned, slug)
            for key in cleaned.get(f"pick-{slug}", []):
                candidate = self.candidates.get(key)
                if candidate is not None and all(item.text != candidate.text for item in items):
                    items.append(
                        ItemIn(
                            text=infographics.shorten(candidate.text, LIMITS["item"]),
                            finding=candidate.finding.pk if candidate.finding else None,
                            action=candidate.action.pk if candidate.action else None,
                        )
                    )
            if len(items) > SLOTS:
                self.add_error(
                    f"pick-{slug}",
                    _("%(section)s hold at most %(count)s items: leave some out first.")
                    % {"section": label, "count": SLOTS},
                )
            cleaned[f"items-{slug}"] = items
        return cleaned

    def _items(self, cleaned: dict[str, Any], slug: str) -> list[ItemIn]:
        items = []
        for i in range(SLOTS):
            text = " ".join((cleaned.get(f"{slug}-{i}") or "").split())
            if not text:
                continue
            source = cleaned.get(f"{slug}-{i}-source") or ""
            kind, _dash, pk = source.partition("-")
            items.append(
                ItemIn(
                    text=text,
                    finding=int(pk) if kind == "finding" and pk.isdigit() else None,
                    action=int(pk) if kind == "action" and pk.isdigit() else None,
                )
            )
        return items

    def to_data(self) -> InfographicIn:
        cleaned = self.cleaned_data
        return InfographicIn(
            title=cleaned["title"],
            subtitle=cleaned["subtitle"],
            notice=cleaned["notice"],
            credits=[line for line in cleaned["credits"].splitlines() if line.strip()],
            key_factors=cleaned["key_factors"],
            practices=cleaned["practices"],
            strengths=cleaned["items-strengths"],
            challenges=cleaned["items-challenges"],
            actions=cleaned["items-actions"],
        )


class GalleryFilterForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.order_by("-starts_on"),
        to_field_name="slug",
        required=False,
        empty_label=_("All programmes"),
        error_messages={"invalid_choice": _("There is no such programme.")},
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("All themes"),
        error_messages={"invalid_choice": _("There is no such theme.")},
    )
    city = forms.ModelChoiceField(
        label=_("City"),
        # Only the cities that have an infographic: the network may hold a thousand.
        queryset=City.objects.filter(
            Q(pk__in=Infographic.objects.published().values("pairing__mentor_city"))
            | Q(pk__in=Infographic.objects.published().values("pairing__implementing_city"))
        ).order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All cities"),
        error_messages={"invalid_choice": _("No published infographic is about this city.")},
    )

    def filtered(self, found: Any) -> Any:
        cleaned = self.cleaned_data
        if cleaned.get("programme"):
            found = found.filter(pairing__scheme__programme=cleaned["programme"])
        if cleaned.get("theme"):
            found = found.filter(pairing__theme=cleaned["theme"])
        if cleaned.get("city"):
            city = cleaned["city"]
            found = found.filter(Q(pairing__mentor_city=city) | Q(pairing__implementing_city=city))
        return found
