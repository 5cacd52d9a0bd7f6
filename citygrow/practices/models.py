from functools import reduce
from operator import and_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.models import KeyFactor, Toolkit
from citygrow.people.models import City
from citygrow.practices.search import search_terms

#: The text search configuration used on PostgreSQL. The toolkits are in English.
SEARCH_CONFIG = "english"


# A practice is found by its text (weight B) and, ranked higher, by its city, country and key
# factor heading (weight A). Kept in one column with a GIN index; see PracticeQuerySet.search.
_REFRESH_SQL = f"""
UPDATE practices_practice AS p SET search_vector =
    setweight(to_tsvector('{SEARCH_CONFIG}', concat_ws(' ',
        (SELECT c.name || ' ' || co.name FROM people_city c
            JOIN people_country co ON co.id = c.country_id WHERE c.id = p.city_id),
        (SELECT k.heading FROM catalogue_keyfactor k WHERE k.id = p.key_factor_id)
    )), 'A')
    || setweight(to_tsvector('{SEARCH_CONFIG}', p.text), 'B')
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
        """Practices a user may read: those of toolkits they may read, and free-standing ones."""
        return self.filter(
            Q(toolkit__isnull=True) | Q(toolkit__in=Toolkit.objects.visible_to(user))
        )

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
                    | Q(city__name__icontains=term)
                    | Q(city__country__name__icontains=term)
                    | Q(key_factor__heading__icontains=term)
                    for term in terms
                ),
            )
        )


class Practice(models.Model):
    """An example of good practice from a named city.

    The examples in the toolkits are loaded as practices; they belong to a toolkit edition and
    one of its key factors, and are replaced with it.
    """

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
    text = models.TextField(_("text"))
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
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:detail", args=[self.pk])

    @property
    def title(self) -> str:
        """A title for lists and headings: the city and what the practice illustrates."""
        if self.key_factor is not None:
            return f"{self.city.name}: {self.key_factor.heading}"
        return self.city.name
