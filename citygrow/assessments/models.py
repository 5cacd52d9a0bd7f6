from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citygrow.assessments import scoring
from citygrow.catalogue.models import ContextFactor, GuideQuestion, KeyFactor, Toolkit
from citygrow.people.models import City
from citygrow.people.rules import roles_of
from citygrow.people.visibility import visible


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def published(self) -> "AssessmentQuerySet":
        return self.filter(status=Assessment.Status.PUBLISHED)

    def visible_to(self, user: Any) -> "AssessmentQuerySet":
        """Published assessments, and the private ones of the user's cities, mentees and
        themes (people.access.Roles.may_see_private), all for coordinators."""
        return visible(
            self,
            roles_of(user).private_scope(),
            public=Q(status=Assessment.Status.PUBLISHED),
            city="city",
            theme="toolkit__theme",
        )


class Assessment(models.Model):
    """One city against one toolkit edition at one date."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        REVIEWED = "reviewed", _("Reviewed")
        PUBLISHED = "published", _("Published")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("city")
    )
    toolkit = models.ForeignKey(
        Toolkit, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("toolkit")
    )
    title = models.CharField(_("title"), max_length=200)
    assessed_on = models.DateField(_("date of the assessment"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copied from"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return f"{self.city}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", args=[self.pk])

    @property
    def theme_id(self) -> int:
        """The theme of its toolkit: with the city, what decides who may see a draft."""
        return self.toolkit.theme_id

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        """Answers, notes and targets change only while the assessment is a draft."""
        return self.status == self.Status.DRAFT


class Answer(models.Model):
    """The city's answer to one guide question, with its evidence."""

    class Value(models.TextChoices):
        YES = scoring.Answer.YES.value, _("Yes")
        PARTLY = scoring.Answer.PARTLY.value, _("Partly")
        NO = scoring.Answer.NO.value, _("No")
        NOT_APPLICABLE = scoring.Answer.NOT_APPLICABLE.value, _("Not applicable")
        DONT_KNOW = scoring.Answer.DONT_KNOW.value, _("Don't know")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(GuideQuestion, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("answer"), max_length=14, choices=Value.choices)
    evidence = models.TextField(_("evidence"), blank=True, max_length=10_000)
    links = models.JSONField(_("links"), default=list, blank=True)
    version = models.PositiveIntegerField(
        default=1,
        help_text=_("Raised by one at every change; a save must name the version it saw."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.value}"


class FactorNote(models.Model):
    """The city's note and target score for one key factor."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="notes")
    key_factor = models.ForeignKey(KeyFactor, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True, max_length=10_000)
    target = models.PositiveSmallIntegerField(
        _("target score"), default=100, help_text=_("From 0 to 100. The default is the standard.")
    )
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("key factor note")
        verbose_name_plural = _("key factor notes")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "key_factor"], name="one_note_per_key_factor"
            ),
            models.CheckConstraint(condition=Q(target__lte=100), name="target_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.key_factor_id}: {self.target}"


class ContextNote(models.Model):
    """A context factor that applies to the city, and how it affects it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="context")
    context_factor = models.ForeignKey(ContextFactor, on_delete=models.PROTECT, related_name="+")
    explanation = models.TextField(_("how it affects the city"), max_length=10_000)

    class Meta:
        verbose_name = _("context note")
        verbose_name_plural = _("context notes")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "context_factor"], name="one_note_per_context_factor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.context_factor_id}"


class Comment(models.Model):
    """A mentor's or facilitator's comment on a key factor of a submitted assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    key_factor = models.ForeignKey(KeyFactor, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=5_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:50]


class PublishedScore(models.Model):
    """One key factor's score in a published assessment, stored when it is published.

    A published assessment is frozen (services refuse every change to it), so its scores never
    change: the report reads the network's scores here instead of scoring thousands of
    assessments per request (docs/performance.md). The counts per answer let
    `insights.results_of` rebuild the exact `scoring.Result`; a row whose counts no longer match
    the toolkit's questions is ignored and the assessment scored from its answers.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="published_scores"
    )
    position = models.PositiveSmallIntegerField(_("key factor"))
    score = models.FloatField(_("score"), null=True, blank=True)
    target = models.PositiveSmallIntegerField(_("target score"), default=100)
    yes = models.PositiveSmallIntegerField(default=0)
    partly = models.PositiveSmallIntegerField(default=0)
    no = models.PositiveSmallIntegerField(default=0)
    dont_know = models.PositiveSmallIntegerField(default=0)
    not_applicable = models.PositiveSmallIntegerField(default=0)
    unanswered = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["assessment", "position"]
        verbose_name = _("published key factor score")
        verbose_name_plural = _("published key factor scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "position"], name="one_published_score_per_key_factor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.position}: {self.score}"
