"""The Charter questionnaire: editions of the roles and commitments a signatory city rates
itself on, with optional extra questions (docs/questionnaire-format.md)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.toolkit_file import prune


class QuestionnaireQuerySet(models.QuerySet["Questionnaire"]):
    def with_content(self) -> QuestionnaireQuerySet:
        """With the roles, their commitments and the commitments' questions, in order, in three
        more queries whatever their number."""
        return self.prefetch_related(
            Prefetch(
                "roles",
                queryset=CharterRole.objects.order_by("position").prefetch_related(
                    Prefetch(
                        "commitments",
                        queryset=Commitment.objects.order_by("position").prefetch_related(
                            Prefetch(
                                "questions", queryset=ExtraQuestion.objects.order_by("position")
                            )
                        ),
                    )
                ),
            )
        )

    def current(self) -> Questionnaire | None:
        """The edition the Charter page shows: the newest published one (by year, then by when
        it was loaded); None when no edition is published."""
        return (
            self.filter(status=Questionnaire.Status.PUBLISHED)
            .order_by("-year", "-loaded_at")
            .first()
        )


class Questionnaire(models.Model):
    """One edition of the questionnaire, as loaded from a file."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    label = models.CharField(_("edition"), max_length=40, unique=True)
    year = models.PositiveIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PUBLISHED
    )
    source_title = models.CharField(_("source title"), max_length=300)
    source_publisher = models.CharField(_("source publisher"), max_length=300)
    source_year = models.PositiveIntegerField(_("source year"))
    source_date = models.CharField(_("source date"), max_length=300, blank=True)
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    credit = models.TextField(_("credit"))
    scale_fully = models.PositiveSmallIntegerField(default=100)
    scale_partly = models.PositiveSmallIntegerField(default=50)
    scale_not_at_all = models.PositiveSmallIntegerField(default=0)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    fingerprint = models.CharField(
        _("content fingerprint"), max_length=64, help_text="SHA-256 of the file's content."
    )

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-loaded_at"]
        verbose_name = _("Charter questionnaire")

    def __str__(self) -> str:
        return f"{self.title} ({self.label})"

    def get_absolute_url(self) -> str:
        return reverse("survey:questionnaire", args=[self.pk])

    def has_summaries(self) -> bool:
        """Whether any commitment's text is our summary (needs `with_content`)."""
        return any(c.is_summary for role in self.roles.all() for c in role.commitments.all())

    def commitment_count(self) -> int:
        """How many commitments (needs `with_content`)."""
        return sum(len(role.commitments.all()) for role in self.roles.all())

    def as_data(self) -> dict[str, Any]:
        """The edition in the questionnaire file's shape (as `QuestionnaireDocument.as_data`);
        needs `with_content`."""
        roles = list(self.roles.all())
        role_codes = {role.pk: role.code for role in roles}
        commitments = sorted(
            (c for role in roles for c in role.commitments.all()), key=lambda c: c.position
        )
        data = {
            "format": 1,
            "edition": {"label": self.label, "year": self.year, "status": self.status},
            "title": self.title,
            "source": {
                "title": self.source_title,
                "publisher": self.source_publisher,
                "year": self.source_year,
                "date": self.source_date,
                "url": self.source_url,
                "credit": self.credit,
            },
            "scale": {
                "fully": self.scale_fully,
                "partly": self.scale_partly,
                "not_at_all": self.scale_not_at_all,
            },
            "roles": [{"code": role.code, "title": role.title} for role in roles],
            "commitments": [
                {
                    "code": commitment.code,
                    "role": role_codes[commitment.role_id],
                    "text": commitment.text,
                    "summary": commitment.is_summary,
                    "questions": [
                        {
                            "code": question.code,
                            "kind": question.kind,
                            "text": question.text,
                            "choices": list(question.choices),
                        }
                        for question in commitment.questions.all()
                    ],
                }
                for commitment in commitments
            ],
        }
        result: dict[str, Any] = prune(data)
        return result


class CharterRole(models.Model):
    """One of the city's roles in the Charter (policy-maker, service provider, ...)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="roles")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="survey_role_code_once_per_edition"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    """A commitment of the Charter, under one role. `is_summary`: the text is our summary, not
    the Charter's wording (shown as such)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="commitments"
    )
    role = models.ForeignKey(CharterRole, on_delete=models.CASCADE, related_name="commitments")
    code = models.CharField(_("code"), max_length=40)
    text = models.TextField(_("text"))
    is_summary = models.BooleanField(_("our summary"), default=True)
    position = models.PositiveIntegerField(help_text="Its place among the edition's commitments.")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "code"], name="survey_commitment_code_once_per_edition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"


class ExtraQuestion(models.Model):
    """An optional question attached to a commitment."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("yes or no")
        NUMBER = "number", _("a number")
        CHOICE = "choice", _("a choice")
        TEXT = "text", _("text")

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"))
    choices = models.JSONField(_("choices"), default=list, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "code"], name="survey_question_code_once_per_commitment"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["yes_no", "number", "choice", "text"]),
                name="survey_question_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"
