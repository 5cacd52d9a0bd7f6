from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with an account. Roles (city officer, mentor, facilitator, coordinator) are
    given to people through the role records, not through Django groups."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Country(models.Model):
    """A country, by its ISO 3166-1 alpha-2 code."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"), name="country_code_is_two_capitals"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CityQuerySet(models.QuerySet["City"]):
    def with_practice_count(self) -> "CityQuerySet":
        """Annotate each city with `practice_count`: its practices that the public may read."""
        return self.annotate(
            practice_count=Count(
                "practices",
                filter=Q(practices__toolkit__isnull=True)
                | Q(practices__toolkit__status__in=["published", "withdrawn"]),
            )
        )


class City(models.Model):
    """A city (or city region) that takes part in the network or is named in a toolkit."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="cities", verbose_name=_("country")
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("year of the population figure"), null=True, blank=True
    )
    foreign_born_share = models.DecimalField(
        _("residents born abroad (%)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Share of residents born abroad, in per cent, when known."),
    )
    charter_signatory = models.BooleanField(
        _("Integrating Cities Charter signatory"),
        null=True,
        blank=True,
        help_text=_("Leave empty when not known."),
    )
    charter_signed_on = models.DateField(_("Charter signed on"), null=True, blank=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.CheckConstraint(
                condition=Q(foreign_born_share__isnull=True)
                | Q(foreign_born_share__gte=0, foreign_born_share__lte=100),
                name="city_foreign_born_share_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(charter_signed_on__isnull=True) | Q(charter_signatory=True),
                name="city_charter_date_only_for_signatories",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:city", args=[self.slug])
