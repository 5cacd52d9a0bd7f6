from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.toolkit_file import prune
from citygrow.people.rules import roles_of
from citygrow.people.visibility import visible


class Theme(models.Model):
    """A thematic area of the method, e.g. "A. Matching buyers and suppliers".

    A theme can exist before any toolkit edition for it has been written or transcribed.
    """

    code = models.CharField(_("code"), max_length=1, unique=True)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        ordering = ["code"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]$"), name="theme_code_is_a_letter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:theme", args=[self.code])

    @staticmethod
    def current_edition(editions: "list[Toolkit]") -> "Toolkit | None":
        """The edition to show for a theme: the newest published one, else the newest at all.

        `editions` are the theme's editions a reader may see, newest first. None means the
        theme has no content yet.
        """
        published = [e for e in editions if e.status == Toolkit.Status.PUBLISHED]
        return next(iter(published or editions), None)

    @property
    def current(self) -> "Toolkit | None":
        """The current edition among prefetched `toolkits` (see `current_edition`)."""
        return self.current_edition(list(self.toolkits.all()))


class ToolkitQuerySet(models.QuerySet["Toolkit"]):
    def published(self) -> "ToolkitQuerySet":
        return self.filter(status=Toolkit.Status.PUBLISHED)

    def with_content(self, examples_per_factor: int | None = None) -> "ToolkitQuerySet":
        """Fetch everything a toolkit page or export shows, in a fixed number of queries.

        `examples_per_factor`: at most this many examples of each key factor (the first by
        position), for a page whose size must not grow with the library; each key factor then
        has `example_count`, how many it has in all. None: every example (exports, PDF)."""
        examples = (
            apps.get_model("practices", "Practice")
            .objects.select_related("city__country")
            .order_by("position", "pk")
        )
        factors = KeyFactor.objects.order_by("position")
        if examples_per_factor is not None:
            examples = examples[:examples_per_factor]
            factors = factors.annotate(example_count=models.Count("practices"))
        # A sliced prefetch must go to an attribute of its own (Django cannot filter a slice).
        factors = factors.prefetch_related(
            "guide_questions",
            models.Prefetch(
                "practices",
                queryset=examples,
                to_attr="page_examples" if examples_per_factor is not None else None,
            ),
        )
        return self.select_related("theme").prefetch_related(
            "terms", "context_factors", models.Prefetch("key_factors", queryset=factors)
        )

    def visible_to(self, user: object) -> "ToolkitQuerySet":
        """The editions this user may read: published and withdrawn ones for everybody; drafts
        for staff, coordinators, and the facilitators of the draft's theme."""
        return visible(
            self,
            roles_of(user).draft_scope(),
            public=~Q(status=Toolkit.Status.DRAFT),
            city=None,
            theme="theme",
        )


class Toolkit(models.Model):
    """One edition of the benchmark for a theme, as loaded from a toolkit file."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, related_name="toolkits", verbose_name=_("theme")
    )
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("edition year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    source_title = models.CharField(_("source title"), max_length=500)
    source_publisher = models.CharField(_("publisher"), max_length=200)
    source_year = models.PositiveSmallIntegerField(_("year of publication"))
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    credit = models.TextField(_("credit"))
    standard = models.TextField(_("Integrating Cities standard"))
    standard_introduction = models.TextField(_("introduction to the standard"), blank=True)
    coverage_notes = models.TextField(_("notes on coverage"), blank=True)
    content_hash = models.CharField(
        _("content fingerprint"),
        max_length=64,
        help_text=_(
            "SHA-256 of the loaded content; loading the same content again changes nothing."
        ),
    )
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_editions",
        verbose_name=_("based on"),
        help_text=_("The edition this one was started from as a copy, if any."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_(
            "Raised by one at every change of the edition's own fields; a save from a "
            "page or the API names the version it saw (conflict protection)."
        ),
    )

    objects = ToolkitQuerySet.as_manager()

    class Meta:
        ordering = ["theme__code", "-year"]
        verbose_name = _("toolkit edition")
        verbose_name_plural = _("toolkit editions")
        constraints = [
            models.UniqueConstraint(fields=["theme", "year"], name="one_edition_per_theme_and_year")
        ]

    def __str__(self) -> str:
        return f"{self.theme.code} {self.year}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:toolkit", args=[self.theme.code, self.year])

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    def is_visible_to(self, user: object) -> bool:
        """See ToolkitQuerySet.visible_to."""
        return self.is_public or roles_of(user).draft_scope().contains(None, self.theme_id)

    def as_data(self) -> dict[str, Any]:
        """This edition in the toolkit file's shape (docs/toolkit-format.md), for export.

        Use on a toolkit fetched `with_content()`, or it costs a query per key factor.
        """
        data: dict[str, Any] = {
            "format": 1,
            "theme": {"code": self.theme.code, "title": self.title},
            "edition": {"year": self.year, "status": self.status},
            "source": {
                "title": self.source_title,
                "publisher": self.source_publisher,
                "year": self.source_year,
                "url": self.source_url,
                "credit": self.credit,
            },
            "standard": {
                "statement": self.standard,
                "introduction": self.standard_introduction,
            },
            "coverage_notes": self.coverage_notes,
            "terms": [
                {"term": term.term, "definition": term.definition} for term in self.terms.all()
            ],
            "key_factors": [
                {
                    "heading": factor.heading,
                    "summary": factor.summary,
                    "why": factor.why,
                    "guide_questions": [
                        {
                            "text": question.text,
                            "sub_items": question.sub_items,
                            "note": question.note,
                        }
                        for question in factor.guide_questions.all()
                    ],
                    "examples": [
                        {
                            "city": practice.city.name,
                            "title": practice.name,
                            "text": practice.text,
                            "links": practice.links,
                            "note": practice.note,
                        }
                        for practice in factor.practices.all()
                    ],
                }
                for factor in self.key_factors.all()
            ],
            "context_factors": [
                {"category": factor.category, "examples": factor.examples}
                for factor in self.context_factors.all()
            ],
        }
        return prune(data)


class Term(models.Model):
    toolkit = models.ForeignKey(Toolkit, on_delete=models.CASCADE, related_name="terms")
    position = models.PositiveSmallIntegerField(_("position"))
    term = models.CharField(_("term"), max_length=200)
    definition = models.TextField(_("definition"), blank=True)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Raised by one at every change; a save names the version it saw."),
    )

    class Meta:
        ordering = ["toolkit", "position"]
        verbose_name = _("defined term")
        verbose_name_plural = _("defined terms")
        constraints = [
            models.UniqueConstraint(fields=["toolkit", "position"], name="term_position_unique")
        ]

    def __str__(self) -> str:
        return self.term


class KeyFactor(models.Model):
    """A critical feature of local policy or practice that the benchmark looks for."""

    toolkit = models.ForeignKey(Toolkit, on_delete=models.CASCADE, related_name="key_factors")
    position = models.PositiveSmallIntegerField(
        _("number"), help_text=_("Its number in the toolkit, from 1.")
    )
    heading = models.CharField(_("heading"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    why = models.TextField(_("why it matters"))
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Raised by one at every change; a save names the version it saw."),
    )

    class Meta:
        ordering = ["toolkit", "position"]
        verbose_name = _("key factor")
        verbose_name_plural = _("key factors")
        constraints = [
            models.UniqueConstraint(
                fields=["toolkit", "position"], name="key_factor_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.heading}"

    @property
    def anchor(self) -> str:
        """The fragment id of this key factor on its toolkit page."""
        return f"key-factor-{self.position}"

    def shown_examples(self) -> Any:
        """The examples a page shows: the first ones only when the toolkit was loaded with
        `with_content(examples_per_factor)`, else all of them."""
        if hasattr(self, "page_examples"):
            return self.page_examples
        return self.practices.all()


class GuideQuestion(models.Model):
    key_factor = models.ForeignKey(
        KeyFactor, on_delete=models.CASCADE, related_name="guide_questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("question"))
    sub_items = models.JSONField(_("sub-items"), default=list, blank=True)
    note = models.TextField(
        _("editor's note"),
        blank=True,
        help_text=_(
            "Shown to readers with the question: e.g. that a word unreadable in the source was "
            "restored."
        ),
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Raised by one at every change; a save names the version it saw."),
    )

    class Meta:
        ordering = ["key_factor", "position"]
        verbose_name = _("guide question")
        verbose_name_plural = _("guide questions")
        constraints = [
            models.UniqueConstraint(
                fields=["key_factor", "position"], name="guide_question_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text


class ContextFactor(models.Model):
    """A circumstance a city works within, with examples of what it may involve."""

    toolkit = models.ForeignKey(Toolkit, on_delete=models.CASCADE, related_name="context_factors")
    position = models.PositiveSmallIntegerField(_("position"))
    category = models.CharField(_("category"), max_length=200)
    examples = models.JSONField(_("examples"), default=list)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Raised by one at every change; a save names the version it saw."),
    )

    class Meta:
        ordering = ["toolkit", "position"]
        verbose_name = _("context factor")
        verbose_name_plural = _("context factors")
        constraints = [
            models.UniqueConstraint(
                fields=["toolkit", "position"], name="context_factor_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.category
