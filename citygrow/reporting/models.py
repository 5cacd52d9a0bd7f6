"""What the network reports: each pairing's infographic, and what a programme promised to deliver.

An infographic sums up one pairing on one printed page (issue 14, part 2). A facilitator of the
pairing's theme, or a coordinator, composes it from the platform's data: a draft picks its texts
from the visit reports' findings and the plan's actions, and each text can be edited and shortened
for print. A draft is drawn from the live data (the cities' latest figures, the visits as they
stand); publishing freezes everything drawn into `content` (`publishing.infographic.Content` as
JSON), so a published infographic never changes. A new version starts as a draft copied from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.models import KeyFactor
from citygrow.mentoring.models import Finding, Pairing, Programme
from citygrow.people.rules import roles_of
from citygrow.people.visibility import visible
from citygrow.plans.models import Action
from citygrow.practices.models import Practice

if TYPE_CHECKING:
    from citygrow.people.access import Roles


class InfographicQuerySet(models.QuerySet["Infographic"]):
    def with_pairing(self) -> InfographicQuerySet:
        """With what pages and the API show of the pairing, in the same query."""
        return self.select_related(
            "pairing__scheme__programme",
            "pairing__scheme__facilitator",
            "pairing__theme",
            "pairing__mentor_city__country",
            "pairing__implementing_city__country",
        )

    def published(self) -> InfographicQuerySet:
        return self.filter(status=Infographic.Status.PUBLISHED)

    def visible_to(self, user: Any) -> InfographicQuerySet:
        """Published infographics for everyone; drafts for those who may see the pairing's
        implementing city's private items on its theme (people.access), as for visit reports."""
        return visible(
            self,
            roles_of(user).private_scope(),
            public=Q(status=Infographic.Status.PUBLISHED),
            city="pairing__implementing_city",
            theme="pairing__theme",
        )

    def to_show(self, user: Any, pairing: Any) -> Infographic | None:
        """The version of the pairing's infographic to show `user`: the latest published one,
        or, when none is published, the latest draft they may see; None when there is none.
        One query."""
        versions = list(
            self.visible_to(user)
            .filter(pairing=pairing)
            .only("pk", "number", "status", "published_at", "title", "pairing_id")
        )
        published = [version for version in versions if version.is_published]
        return max(published or versions, key=lambda v: v.number, default=None)

    def latest_published(self) -> InfographicQuerySet:
        """The newest published version of each pairing's infographic (the gallery)."""
        newer = Infographic.objects.filter(
            pairing=models.OuterRef("pairing"),
            status=Infographic.Status.PUBLISHED,
            number__gt=models.OuterRef("number"),
        )
        return self.published().exclude(models.Exists(newer))


class Infographic(models.Model):
    """One version of a pairing's infographic."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="infographics")
    number = models.PositiveSmallIntegerField(
        _("version"),
        default=1,
        help_text=_("1 for the first version of the pairing's infographic."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    notice = models.CharField(
        _("notice"),
        max_length=200,
        blank=True,
        help_text=_("Shown in a band on the page, e.g. that the content is illustrative."),
    )
    credits = models.TextField(
        _("credits"),
        max_length=2_000,
        blank=True,
        help_text=_("One line each: the programme, its funder, the facilitator, the method."),
    )
    key_factors = models.ManyToManyField(
        KeyFactor, blank=True, related_name="+", verbose_name=_("key factors worked on")
    )
    practices = models.ManyToManyField(
        Practice, blank=True, related_name="+", verbose_name=_("practices transferred")
    )
    content = models.JSONField(
        _("content as published"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Everything the published infographic draws, frozen when it is published."),
    )
    revision = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Raised by one at every change; a save names the revision it saw."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = InfographicQuerySet.as_manager()

    class Meta:
        ordering = ["pairing", "-number"]
        verbose_name = _("infographic")
        verbose_name_plural = _("infographics")
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "number"], name="one_infographic_per_pairing_version"
            ),
            models.UniqueConstraint(
                fields=["pairing"],
                condition=Q(status="draft"),
                name="one_draft_infographic_per_pairing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pairing}: infographic v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:infographic", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def city_id(self) -> int:
        """The implementing city, whose private items a draft is (people.access)."""
        return self.pairing.implementing_city_id

    @property
    def theme_id(self) -> int:
        return self.pairing.theme_id

    def credit_lines(self) -> list[str]:
        return [line.strip() for line in self.credits.splitlines() if line.strip()]

    def may_edit(self, roles: Roles) -> bool:
        """A draft, for a coordinator or a facilitator of the pairing's theme."""
        return not self.is_published and (
            roles.coordinator or roles.facilitates(self.pairing.theme_id)
        )


class InfographicItem(models.Model):
    """One strength, challenge or future action on an infographic, with where it was picked from
    (a visit report's finding or a plan's action) when it was."""

    class Section(models.TextChoices):
        STRENGTH = "strength", _("Strengths")
        CHALLENGE = "challenge", _("Challenges")
        ACTION = "action", _("Future actions")

    infographic = models.ForeignKey(Infographic, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("section"), max_length=10, choices=Section.choices)
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("text"), max_length=300)
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["infographic", "section", "position", "pk"]
        verbose_name = _("infographic item")
        verbose_name_plural = _("infographic items")

    def __str__(self) -> str:
        return self.text


class Deliverable(models.Model):
    """Something a programme promised to deliver, tracked against what exists in the platform
    (issue 14, part 4). The kinds that the platform holds are counted from its data; videos and
    other outputs are counted by the links recorded with them."""

    class Kind(models.TextChoices):
        ACTION_PLANS = "action_plans", _("Action plans endorsed at both levels")
        TOOLKITS = "toolkits", _("Toolkits published")
        INFOGRAPHICS = "infographics", _("Infographics published")
        VIDEOS = "videos", _("Videos")
        CONFERENCES = "conferences", _("Conferences held")
        EVENTS = "events", _("Programme events held")
        OTHER = "other", _("Other outputs")

    #: Kinds counted by their links rather than from the platform's data.
    LINKED = (Kind.VIDEOS, Kind.OTHER)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="deliverables")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    promised = models.PositiveIntegerField(
        _("promised"), validators=[MinValueValidator(0)], help_text=_("How many were promised.")
    )
    note = models.CharField(
        _("what was promised"),
        max_length=300,
        blank=True,
        help_text=_("In the programme's own words, e.g. '8 local implementation strategies'."),
    )
    links = models.JSONField(
        _("links"),
        default=list,
        blank=True,
        help_text=_("For videos and other outputs: where each one is published."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position", "pk"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind"],
                condition=~Q(kind="other"),
                name="one_deliverable_of_each_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.promised} x {self.get_kind_display()}"

    @property
    def is_linked(self) -> bool:
        return self.kind in self.LINKED
