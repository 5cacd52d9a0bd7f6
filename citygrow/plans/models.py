"""Action plans (roadmaps): an implementing city's objectives and actions, drawn from its
assessment's gaps and its visits' findings, endorsed at the administrative and the political
level, and followed up until the city measures the change.

The plan's objectives and actions are its working copy. Submitting the plan for endorsement
freezes a *version*: a snapshot of the plan's content (not its progress) that never changes
again. A version is endorsed once it has both an administrative and a political endorsement.
Edits after that make the working copy a new draft, compared on the plan's page with the last
endorsed version. Progress updates follow the actions and do not make a new version.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citygrow.core import history
from citygrow.core.dates import DatePrecision, when
from citygrow.people.rules import roles_of
from citygrow.people.visibility import visible
from citygrow.plans import rollup

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]

#: An action ending within this many days (and not closed) is "soon due".
SOON_DAYS = 30


class ActionPlanQuerySet(models.QuerySet["ActionPlan"]):
    def visible_to(self, user: Any) -> ActionPlanQuerySet:
        """Endorsed plans (public), and the drafts the user's roles reach (people.access: their
        cities', their mentees' on the pairing's theme, their themes'; all for coordinators)."""
        return visible(
            self,
            roles_of(user).private_scope(),
            public=Q(endorsed_version__isnull=False),
            city="pairing__implementing_city",
            theme="pairing__theme",
        )

    def with_pairing(self) -> ActionPlanQuerySet:
        """With what a plan's pages and answers show of it: its pairing (scheme, programme,
        cities, theme, toolkit), its assessment's toolkit (if any) and its endorsed version."""
        return self.select_related(
            "pairing__scheme__programme",
            "pairing__scheme__theme",
            "pairing__scheme__toolkit",
            "pairing__mentor_city",
            "pairing__implementing_city",
            "pairing__theme",
            "assessment__toolkit__theme",
            "endorsed_version",
        )

    def with_progress(self) -> ActionPlanQuerySet:
        """With their actions (and statuses) prefetched, for `ActionPlan.overall_progress`."""
        return self.prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("status"))
        )

    def in_list_order(self) -> ActionPlanQuerySet:
        """By implementing city, newest first."""
        return self.order_by("pairing__implementing_city__name", "-created_at")


class ActionPlan(models.Model):
    """The action plan of an implementing city in a mentoring scheme (one per pairing)."""

    pairing = models.OneToOneField(
        "mentoring.Pairing",
        on_delete=models.PROTECT,
        related_name="plan",
        verbose_name=_("pairing"),
    )
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("assessment it starts from"),
        help_text=_(
            "The city's baseline assessment. Empty: the plan starts from the visits' findings "
            "and the city's own objectives (the theme has no toolkit yet, or the city has not "
            "assessed itself); the officers tie it to an assessment later."
        ),
    )
    follow_up = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans_followed_up",
        verbose_name=_("later assessment"),
        help_text=_("A later assessment of the same toolkit, to measure the change."),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=10_000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    endorsed_version = models.ForeignKey(
        "PlanVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("endorsed version"),
        help_text=_("The latest version endorsed at both levels; set by plans.versions."),
    )
    content_changed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the plan's content (not its progress) last changed."),
    )

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def is_endorsed(self) -> bool:
        """Whether a version of the plan has been endorsed at both levels."""
        return self.endorsed_version_id is not None

    # For the private-item rule (people.access): a plan belongs to its implementing city and
    # its scheme's theme.
    @property
    def city_id(self) -> int:
        return self.pairing.implementing_city_id

    @property
    def theme_id(self) -> int:
        return self.pairing.theme_id

    @property
    def has_assessment(self) -> bool:
        """Whether the plan starts from (or has since been tied to) an assessment; without
        one, it starts from the visits' findings and the city's own objectives."""
        return self.assessment_id is not None

    def overall_progress(self) -> Decimal | None:
        """The plan's rolled-up progress (from its actions, best prefetched with statuses)."""
        return progress_of(list(self.actions.all())).overall

    def contents(self) -> tuple[list[ObjectiveBlock], rollup.Rollup]:
        """The plan's objectives (key factors prefetched) each with its actions in tree order
        (parent, then its sub-actions), and the roll-up. Three queries whatever the size."""
        objectives = list(
            self.objectives.prefetch_related("key_factors").order_by("position", "pk")
        )
        actions = list(self.actions.select_related("status").order_by("position", "pk"))
        result = progress_of(actions)
        children: dict[int | None, list[Action]] = {}
        for action in actions:
            children.setdefault(action.parent_id, []).append(action)
        blocks = []
        for objective in objectives:
            rows: list[ActionRow] = []
            stack = [
                (a, 0) for a in reversed(children.get(None, [])) if a.objective_id == objective.pk
            ]
            while stack:
                action, depth = stack.pop()
                progress = result.actions[action.pk]
                rows.append(
                    ActionRow(
                        action, depth, progress.progress, progress.source == rollup.Source.CHILDREN
                    )
                )
                stack.extend((c, depth + 1) for c in reversed(children.get(action.pk, [])))
            blocks.append(ObjectiveBlock(objective, rows))
        return blocks, result


@dataclass
class ActionRow:
    """An action as the plan shows it: its depth in the tree and its effective progress."""

    action: Action
    depth: int
    progress: Decimal
    from_children: bool


@dataclass
class ObjectiveBlock:
    """An objective with its actions in tree order (see `ActionPlan.contents`)."""

    objective: Objective
    rows: list[ActionRow]


class Objective(models.Model):
    """What the city wants to change, tied to one or more key factors."""

    class Source(models.TextChoices):
        GAP = "gap", _("A gap of the assessment")
        FINDING = "finding", _("A finding of a visit")
        OWN = "own", _("The city's own")

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField(_("objective"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    key_factors = models.ManyToManyField(
        "catalogue.KeyFactor", related_name="+", verbose_name=_("key factors")
    )
    source = models.CharField(
        _("where it comes from"), max_length=10, choices=Source.choices, default=Source.OWN
    )
    practices = models.ManyToManyField(
        "practices.Practice",
        blank=True,
        related_name="citing_objectives",
        verbose_name=_("practices it adapts"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.Model):
    """A status an action can have, e.g. "Completed", with the progress it implies, if any."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    default_progress = models.PositiveSmallIntegerField(
        _("default progress (%)"),
        null=True,
        blank=True,
        validators=PERCENT,
        help_text=_("The progress an action with this status has when none is reported."),
    )
    is_closed = models.BooleanField(
        _("closed"),
        default=False,
        help_text=_("A closed action (completed, cancelled) is never overdue."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("action status")
        verbose_name_plural = _("action statuses")
        constraints = [
            models.CheckConstraint(
                condition=Q(default_progress__isnull=True) | Q(default_progress__lte=100),
                name="status_default_progress_is_a_percentage",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Action(models.Model):
    """One action towards an objective; it may hold sub-actions (`parent`)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=10_000)
    lead = models.CharField(_("lead department"), max_length=200, blank=True)
    partners = models.TextField(_("partners and stakeholders"), blank=True, max_length=2_000)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    funding = models.CharField(_("funding source"), max_length=200, blank=True)
    indicator = models.CharField(_("indicator"), max_length=300, blank=True)
    baseline = models.CharField(_("baseline"), max_length=100, blank=True)
    target = models.CharField(_("target"), max_length=100, blank=True)
    risks = models.TextField(_("risks"), blank=True, max_length=2_000)
    status = models.ForeignKey(
        ActionStatus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status"),
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=PERCENT
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("How much this action counts in its parent's progress. Empty: equal."),
    )
    practices = models.ManyToManyField(
        "practices.Practice",
        blank=True,
        related_name="citing_actions",
        verbose_name=_("practices it adapts"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "objective__position", "position", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="action_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="action_progress_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="action_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gte=0),
                name="action_weight_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        """Its status is a closed one (completed, cancelled)."""
        return self.status is not None and self.status.is_closed

    def is_overdue(self, on: datetime.date) -> bool:
        """The end date has passed on `on` and the action is not closed."""
        return self.ends_on is not None and self.ends_on < on and not self.is_closed

    def is_soon_due(self, on: datetime.date) -> bool:
        """Not closed, and ends on `on` or within SOON_DAYS days of it."""
        return (
            self.ends_on is not None
            and on <= self.ends_on <= on + datetime.timedelta(days=SOON_DAYS)
            and not self.is_closed
        )


def progress_of(actions: Sequence[Action]) -> rollup.Rollup:
    """The rolled-up progress of a plan's actions (all of them, statuses selected)."""
    statuses = {a.status_id: a.status for a in actions if a.status is not None}
    return rollup.roll_up(
        [
            rollup.Action(
                id=a.pk,
                parent_id=a.parent_id,
                progress=a.progress,
                weight=a.weight,
                status=str(a.status_id) if a.status_id else None,
            )
            for a in actions
        ],
        [
            rollup.Status(key=str(key), default_progress=status.default_progress)
            for key, status in statuses.items()
        ],
    )


class PlanVersion(models.Model):
    """A frozen copy of the plan's content, submitted for endorsement. Never changed."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    snapshot = models.JSONField(_("content"))
    frozen_at = models.DateTimeField(auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_on = models.DateField(
        _("submitted for endorsement on"),
        default=timezone.localdate,
        help_text=_(
            "When the plan was submitted, as it happened (a coordinator entering past events "
            "gives the historical date); `frozen_at` is when it was recorded here."
        ),
    )
    submitted_on_precision = models.CharField(
        _("precision of the submission date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_once"),
        ]

    def __str__(self) -> str:
        return _("%(plan)s, version %(number)s") % {"plan": self.plan, "number": self.number}

    @property
    def submitted(self) -> history.PastDate:
        """When it was submitted, with the precision the record has."""
        return history.PastDate.of(self.submitted_on, self.submitted_on_precision)

    def submitted_when(self, day_format: str = "j M Y") -> str:
        """When it was submitted, in words ("24 Nov 2017", or "November 2017")."""
        return when(self.submitted_on, self.submitted_on_precision, day_format)


def endorsement_path(endorsement: Endorsement, filename: str) -> str:
    return f"plans/{endorsement.version.plan_id}/endorsements/{filename}"


class Endorsement(models.Model):
    """The administrative or political endorsement of a plan version, with its signed
    document."""

    class Level(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("Administrative")
        POLITICAL = "political", _("Political")

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="endorsements")
    level = models.CharField(_("level"), max_length=14, choices=Level.choices)
    endorsed_by = models.CharField(_("endorsed by"), max_length=200)
    role = models.CharField(_("in the role of"), max_length=200)
    endorsed_on = models.DateField(_("date"))
    endorsed_on_precision = models.CharField(
        _("precision of the date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    document = models.FileField(_("signed document"), upload_to=endorsement_path, max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "level"]
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            models.UniqueConstraint(fields=["version", "level"], name="endorsed_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.endorsed_by}"

    @property
    def endorsed(self) -> history.PastDate:
        """When it was endorsed, with the precision the record has."""
        return history.PastDate.of(self.endorsed_on, self.endorsed_on_precision)

    def endorsed_when(self, day_format: str = "j M Y") -> str:
        """When it was endorsed, in words ("4 Dec 2017", or "December 2017")."""
        return when(self.endorsed_on, self.endorsed_on_precision, day_format)


class ProgressUpdate(models.Model):
    """A dated report on an action: what happened, its new status and progress."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("date"))
    text = models.TextField(_("what happened"), max_length=10_000)
    status = models.ForeignKey(
        ActionStatus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new status"),
    )
    progress = models.PositiveSmallIntegerField(
        _("new progress (%)"), null=True, blank=True, validators=PERCENT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["action", "-reported_on", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="update_progress_is_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.reported_on}"


def attachment_path(attachment: Attachment, filename: str) -> str:
    return f"plans/{attachment.update.action.plan_id}/updates/{filename}"


class Attachment(models.Model):
    """A file attached to a progress update."""

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["update", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class PlanComment(models.Model):
    """A comment on a plan by its mentors, facilitators, coordinators or the city's officers."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=5_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "created_at", "pk"]
        verbose_name = _("comment on a plan")
        verbose_name_plural = _("comments on plans")

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:60]}"
