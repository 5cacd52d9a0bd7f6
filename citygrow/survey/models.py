"""The Charter questionnaire: editions of the roles and commitments a signatory city rates
itself on, with optional extra questions (docs/questionnaire-format.md)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.toolkit_file import prune
from citygrow.people.rules import roles_of
from citygrow.survey import scoring


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


# -- cycles: a round of the survey, the cities' responses and their answers (issue 15 part 3) --


class CycleQuerySet(models.QuerySet["Cycle"]):
    def open_on(self, day: datetime.date) -> CycleQuerySet:
        """The cycles taking answers on `day` (from the opening day to the closing day, both
        included)."""
        return self.filter(opens_on__lte=day, closes_on__gte=day)

    def with_counts(self) -> CycleQuerySet:
        """Annotate `invited` (responses) and `submitted` (submitted or accepted responses)."""
        return self.annotate(
            invited=models.Count("responses", distinct=True),
            submitted=models.Count(
                "responses",
                filter=models.Q(responses__status__in=Response.SUBMITTED_STATES),
                distinct=True,
            ),
        )


class Cycle(models.Model):
    """One round of the biennial survey (e.g. "2019"), on one questionnaire edition. Cities are
    invited by giving each a Response; they answer from the opening day to the closing day."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("questionnaire edition"),
    )
    label = models.CharField(
        _("cycle"), max_length=40, unique=True, help_text=_('How the network names it: "2019".')
    )
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    results_published_at = models.DateTimeField(
        _("results published at"),
        null=True,
        blank=True,
        help_text=_("When the coordinator published the cycle's aggregates (public from then)."),
    )
    reminded_on = models.DateField(
        _("reminders sent on"),
        null=True,
        blank=True,
        help_text=_("The day the reminder e-mails went out (they go out once)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("survey cycle")
        verbose_name_plural = _("survey cycles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_cycle_closes_after_it_opens",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("survey:cycle", args=[self.pk])

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def phase_on(self, day: datetime.date) -> str:
        """ "upcoming", "open" or "closed" on `day`."""
        if day < self.opens_on:
            return "upcoming"
        return "open" if day <= self.closes_on else "closed"

    @property
    def results_published(self) -> bool:
        return self.results_published_at is not None


class ResponseQuerySet(models.QuerySet["Response"]):
    def visible_to(self, user: Any) -> ResponseQuerySet:
        """The responses `user` may read: their own cities' (officers), all (coordinators,
        superusers), and those the city agreed to publish once accepted (everyone)."""
        public = models.Q(status=Response.Status.ACCEPTED, answers_public=True)
        if user.is_superuser:
            return self
        roles = roles_of(user)
        if roles.coordinator:
            return self
        return self.filter(public | models.Q(city__in=roles.officer_of))


class Response(models.Model):
    """A city's response in a cycle: made when the city is invited, then answered, submitted,
    and returned for changes or accepted by a coordinator."""

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        DRAFT = "draft", _("in progress")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for changes")
        ACCEPTED = "accepted", _("accepted")

    SUBMITTED_STATES = ("submitted", "accepted")
    EDITABLE_STATES = ("invited", "draft", "returned")

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="responses")
    city = models.ForeignKey(
        "people.City", on_delete=models.PROTECT, related_name="charter_responses"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("returned or accepted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    return_note = models.TextField(
        _("why it was returned"), blank=True, max_length=5_000, help_text=_("For the city.")
    )
    answers_public = models.BooleanField(
        _("the city publishes its answers"),
        default=False,
        help_text=_("Once accepted, the city's answers are public if the city agrees."),
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "city__name"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "city"], name="survey_one_response_per_city"),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["invited", "draft", "submitted", "returned", "accepted"]
                ),
                name="survey_response_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} · {self.cycle}"

    def get_absolute_url(self) -> str:
        return reverse("survey:response", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        """Whether its answers can change (the cycle's dates are checked by the services)."""
        return self.status in self.EDITABLE_STATES

    @property
    def is_submitted(self) -> bool:
        return self.status in self.SUBMITTED_STATES

    def previous(self) -> Response | None:
        """The city's response in the latest earlier cycle that it submitted (submitted or
        accepted): the starting point offered for this one. One query."""
        return (
            Response.objects.filter(
                city=self.city_id,
                status__in=self.SUBMITTED_STATES,
                cycle__opens_on__lt=self.cycle.opens_on,
            )
            .select_related("cycle")
            .order_by("-cycle__opens_on", "-cycle_id")
            .first()
        )


class CommitmentAnswer(models.Model):
    """A city's rating of one commitment in a response, with evidence, links and the answers
    to the commitment's extra questions (`extra`: question code -> value)."""

    class Rating(models.TextChoices):
        FULLY = scoring.Rating.FULLY.value, _("Fully")
        PARTLY = scoring.Rating.PARTLY.value, _("Partly")
        NOT_AT_ALL = scoring.Rating.NOT_AT_ALL.value, _("Not at all")
        NOT_APPLICABLE = scoring.Rating.NOT_APPLICABLE.value, _("Not applicable")
        DONT_KNOW = scoring.Rating.DONT_KNOW.value, _("Don't know")

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("rating"), max_length=14, choices=Rating.choices)
    evidence = models.TextField(_("evidence"), blank=True, max_length=10_000)
    links = models.JSONField(_("links"), default=list, blank=True)
    extra = models.JSONField(_("extra answers"), default=dict, blank=True)
    version = models.PositiveIntegerField(
        default=1,
        help_text=_("Raised by one at every change; a save must name the version it saw."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commitment rating")
        verbose_name_plural = _("commitment ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "commitment"], name="survey_one_rating_per_commitment"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    rating__in=["fully", "partly", "not_at_all", "not_applicable", "dont_know"]
                ),
                name="survey_rating_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.rating}"


class RoleNote(models.Model):
    """The city's note on one role in a response."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="role_notes")
    role = models.ForeignKey(CharterRole, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True, max_length=10_000)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "role"], name="survey_one_note_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.role_id}: {self.note[:40]}"


# -- links from the Charter's commitments to the toolkits (issue 15 part 5) ----------------------


class CommitmentLink(models.Model):
    """A commitment linked to a toolkit edition that serves it, and to those of the toolkit's
    key factors that do (none: the toolkit as a whole). Which commitments a toolkit serves is
    not in the sources: a coordinator records it (services.save_links), in the database, not in
    the questionnaire file."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="links")
    toolkit = models.ForeignKey(
        "catalogue.Toolkit",
        on_delete=models.PROTECT,
        related_name="commitment_links",
        verbose_name=_("toolkit"),
    )
    key_factors = models.ManyToManyField(
        "catalogue.KeyFactor",
        blank=True,
        related_name="commitment_links",
        verbose_name=_("key factors"),
        help_text=_("Only the toolkit's own key factors."),
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("Where the link comes from, shown beside it (the demo marks its own)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commitment's toolkit")
        verbose_name_plural = _("commitments' toolkits")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "toolkit"], name="survey_commitment_links_a_toolkit_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id} → {self.toolkit_id}"
