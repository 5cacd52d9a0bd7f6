from functools import reduce
from operator import and_

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.models import KeyFactor, Theme, Toolkit
from citygrow.people.models import City
from citygrow.people.rules import roles_of
from citygrow.practices.search import search_terms

#: The text search configuration used on PostgreSQL. The toolkits are in English.
SEARCH_CONFIG = "english"


# A practice is found by its texts (weight B: text, summary, results) and, ranked higher, by its
# name, city, country and key factor headings (weight A: the toolkit example's key factor, or
# those a contributed practice serves). Kept in one column with a GIN index; see
# PracticeQuerySet.search.
_REFRESH_SQL = f"""
UPDATE practices_practice AS p SET search_vector =
    setweight(to_tsvector('{SEARCH_CONFIG}', concat_ws(' ',
        p.name,
        (SELECT c.name || ' ' || co.name FROM people_city c
            JOIN people_country co ON co.id = c.country_id WHERE c.id = p.city_id),
        (SELECT k.heading FROM catalogue_keyfactor k WHERE k.id = p.key_factor_id),
        (SELECT string_agg(k.heading, ' ') FROM catalogue_keyfactor k
            JOIN practices_practice_key_factors pk ON pk.keyfactor_id = k.id
            WHERE pk.practice_id = p.id)
    )), 'A')
    || setweight(to_tsvector('{SEARCH_CONFIG}', concat_ws(' ', p.summary, p.text, p.results)),
        'B')
"""


class PracticeQuerySet(models.QuerySet["Practice"]):
    def refresh_search_index(self) -> None:
        """Recompute the stored search vectors of these practices (all: a plain UPDATE).

        Call it after writing practices, or renaming what they are found by (a city, a country,
        a key factor heading: see practices.signals). On SQLite there is no index to keep and
        this does nothing.
        """
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            if not self.query.has_filters():
                cursor.execute(_REFRESH_SQL)
            else:
                ids = list(self.values_list("pk", flat=True))
                cursor.execute(_REFRESH_SQL + " WHERE p.id = ANY(%s)", [ids])

    def visible_to(self, user: object) -> "PracticeQuerySet":
        """Practices a user may read.

        A toolkit's example is read by whoever may read its toolkit (catalogue.rules). A
        contributed practice is public once published (and stays readable, marked so, once
        withdrawn); before that it is private, by the rule of people.access, to its city's
        officers, its themes' facilitators, the city's mentors on those themes and coordinators.
        """
        examples = Q(origin=Practice.Origin.TOOLKIT) & (
            Q(toolkit__isnull=True) | Q(toolkit__in=Toolkit.objects.visible_to(user))
        )
        public = Q(origin=Practice.Origin.CONTRIBUTED, status__in=Practice.PUBLIC)
        scope = roles_of(user).private_scope()
        if scope.everything:
            return self.filter(examples | Q(origin=Practice.Origin.CONTRIBUTED))
        themes = Practice.themes.through.objects
        reached = Q(city__in=sorted(scope.cities)) | Q(
            pk__in=themes.filter(theme__in=sorted(scope.themes)).values("practice")
        )
        for city_id, theme_id in sorted(scope.city_themes):
            reached |= Q(city=city_id, pk__in=themes.filter(theme=theme_id).values("practice"))
        return self.filter(examples | public | (Q(origin=Practice.Origin.CONTRIBUTED) & reached))

    def in_library(self, user: object) -> "PracticeQuerySet":
        """What the library lists to `user`: the published practices they may read (toolkit
        examples of the editions they may read, and published contributions)."""
        return self.visible_to(user).filter(status=Practice.Status.PUBLISHED)

    def citable(self, user: object) -> "PracticeQuerySet":
        """What a plan may cite: published practices `user` may read, of published toolkit
        editions or contributed (never a draft edition's example, nor a withdrawn practice)."""
        return self.in_library(user).filter(
            Q(toolkit__isnull=True) | ~Q(toolkit__status=Toolkit.Status.DRAFT)
        )

    def contributed_by_city(self, city: City) -> "PracticeQuerySet":
        return self.filter(origin=Practice.Origin.CONTRIBUTED, city=city)

    def search(self, query: str) -> "PracticeQuerySet":
        """Practices matching the free text `query`, best matches first on PostgreSQL.

        Every word must match the practice's text, city, country or key factor heading.
        A query with no searchable word (only punctuation) matches nothing. On PostgreSQL this
        is full-text search (with English stemming) over the stored `search_vector`; on SQLite,
        a case-insensitive match of each word.
        """
        terms = search_terms(query)
        if not terms:
            return self.none()
        if connection.vendor == "postgresql":
            ts_query = reduce(
                and_,
                (SearchQuery(term, search_type="plain", config=SEARCH_CONFIG) for term in terms),
            )
            return (
                self.filter(search_vector=ts_query)
                .annotate(rank=SearchRank(F("search_vector"), ts_query))
                .order_by("-rank", "city__name", "pk")
            )
        return self.filter(
            reduce(
                and_,
                (
                    Q(text__icontains=term)
                    | Q(name__icontains=term)
                    | Q(summary__icontains=term)
                    | Q(city__name__icontains=term)
                    | Q(city__country__name__icontains=term)
                    | Q(key_factor__heading__icontains=term)
                    for term in terms
                ),
            )
        )


class Practice(models.Model):
    """An example of good practice from a named city.

    The examples in the toolkits are loaded as practices (origin "toolkit"); they belong to a
    toolkit edition and one of its key factors, and are replaced with it. A city's officers also
    contribute practices of their own (origin "contributed"): drafted, submitted, reviewed by a
    facilitator of one of its themes (returned or published), and withdrawn if need be. Plans
    cite the practices they adapt (plans.Objective.practices, plans.Action.practices).
    """

    class Origin(models.TextChoices):
        TOOLKIT = "toolkit", _("Toolkit example")
        CONTRIBUTED = "contributed", _("Contributed by a city")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        RETURNED = "returned", _("Returned for changes")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    #: The statuses in which a contributed practice is public.
    PUBLIC = (Status.PUBLISHED, Status.WITHDRAWN)
    #: The statuses in which its contributors may change it.
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="practices", verbose_name=_("city")
    )
    toolkit = models.ForeignKey(
        Toolkit,
        on_delete=models.CASCADE,
        related_name="practices",
        null=True,
        blank=True,
        verbose_name=_("toolkit"),
    )
    key_factor = models.ForeignKey(
        KeyFactor,
        on_delete=models.CASCADE,
        related_name="practices",
        null=True,
        blank=True,
        verbose_name=_("key factor"),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Its place among the key factor's examples.")
    )
    name = models.CharField(
        _("title"),
        max_length=200,
        blank=True,
        help_text=_(
            "The practice's own name, as its source or its city gives it. Without one it is "
            "called by its city and key factor."
        ),
    )
    summary = models.TextField(_("summary"), blank=True, max_length=1_000)
    text = models.TextField(_("text"))
    results = models.TextField(
        _("results and outcomes"),
        blank=True,
        max_length=10_000,
        help_text=_("What changed, in words; the figures go in the outcomes."),
    )
    origin = models.CharField(
        _("origin"), max_length=12, choices=Origin.choices, default=Origin.TOOLKIT
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    themes = models.ManyToManyField(
        Theme,
        blank=True,
        related_name="contributed_practices",
        verbose_name=_("themes"),
        help_text=_("A contributed practice: the themes it serves (its reviewers' themes)."),
    )
    key_factors = models.ManyToManyField(
        KeyFactor,
        blank=True,
        related_name="contributed_practices",
        verbose_name=_("key factors it serves"),
    )
    adapted_from = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=False,
        related_name="adaptations",
        verbose_name=_("adapted from"),
        help_text=_("Practices of other cities this one builds on."),
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contributed by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    withdrawn_reason = models.TextField(
        _("why it was withdrawn"), blank=True, max_length=1_000, editable=False
    )
    links = models.JSONField(_("links"), default=list, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500)
    note = models.TextField(
        _("editor's note"),
        blank=True,
        help_text=_(
            "Shown to readers with the example: e.g. that the source prints a link that belongs "
            "to another example."
        ),
    )
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text=_("Raised by one at every change; a save names the version it saw."),
    )
    search_vector = SearchVectorField(
        null=True,
        editable=False,
        help_text="PostgreSQL only: kept by PracticeQuerySet.refresh_search_index.",
    )

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["toolkit__theme__code", "key_factor__position", "position", "pk"]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")
        constraints = [
            models.CheckConstraint(
                condition=Q(key_factor__isnull=True) | Q(toolkit__isnull=False),
                name="practice_key_factor_needs_toolkit",
            ),
            models.CheckConstraint(
                condition=Q(origin="toolkit", status="published") | Q(origin="contributed"),
                name="practice_toolkit_example_is_published",
            ),
            models.CheckConstraint(
                condition=Q(origin="toolkit") | Q(toolkit__isnull=True),
                name="practice_contributed_has_no_toolkit",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("front:practice", args=[self.pk])

    @property
    def title(self) -> str:
        """A title for lists and headings: its own name, else the city and what the practice
        illustrates."""
        if self.name:
            return self.name
        if self.key_factor is not None:
            return f"{self.city.name}: {self.key_factor.heading}"
        return self.city.name

    @property
    def is_contributed(self) -> bool:
        return self.origin == self.Origin.CONTRIBUTED

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC

    @property
    def is_editable(self) -> bool:
        """Whether its contributors may still change it (a draft, or returned to them)."""
        return self.is_contributed and self.status in self.EDITABLE

    def source_label(self) -> str:
        """Where the practice comes from, in words: its toolkit, or the city that gave it."""
        if self.toolkit_id is not None and self.toolkit is not None:
            return str(_("Example in the toolkit %(toolkit)s") % {"toolkit": self.toolkit})
        if self.is_contributed:
            return str(_("Contributed by %(city)s") % {"city": self.city.name})
        return self.source


def practice_file_path(attachment: "PracticeAttachment", filename: str) -> str:
    return f"practices/{attachment.practice_id}/{filename}"


class PracticeAttachment(models.Model):
    """A file that documents a contributed practice (a PDF, a Word file, an image)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=practice_file_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["practice", "pk"]
        verbose_name = _("attachment of a practice")
        verbose_name_plural = _("attachments of practices")

    def __str__(self) -> str:
        return self.name


class Outcome(models.Model):
    """One result of a practice in figures: "businesses started: 120 (2018)"."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="outcomes")
    description = models.CharField(_("what was measured"), max_length=300)
    value = models.DecimalField(_("figure"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=40, blank=True, help_text=_('e.g. "%", "people"'))
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["practice", "position", "pk"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return f"{self.description}: {self.value:f}"


class PracticeComment(models.Model):
    """A reviewer's or a contributor's comment on a contributed practice before it is
    published; kept with the practice, seen by those who may see it unpublished."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=5_000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["practice", "created_at", "pk"]
        verbose_name = _("comment on a practice")
        verbose_name_plural = _("comments on practices")

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:60]}"
