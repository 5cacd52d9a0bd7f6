import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.formats import number_format
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


#: The Integrating Cities Charter was launched in February 2010 (at Integrating Cities IV, in
#: London): no city signed it before.
CHARTER_LAUNCHED_ON = datetime.date(2010, 2, 1)


#: Cities per page of the city list, on its page and in the API: a network's partner cities and
#: the cities its toolkits name fit on one.
CITIES_PER_PAGE = 100


class CityQuerySet(models.QuerySet["City"]):
    def signatories(self) -> "CityQuerySet":
        """The cities recorded as Charter signatories, with their country, by signing date (an
        unknown date last) then name."""
        return (
            self.filter(charter_signatory=True)
            .select_related("country")
            .order_by(models.F("charter_signed_on").asc(nulls_last=True), "name")
        )

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
    charter_signatory = models.BooleanField(
        _("Integrating Cities Charter signatory"),
        null=True,
        blank=True,
        help_text=_("Leave empty when not known."),
    )
    charter_signed_on = models.DateField(_("Charter signed on"), null=True, blank=True)
    charter_signed_by = models.CharField(
        _("Charter signed by"),
        max_length=200,
        blank=True,
        help_text=_('Who signed for the city, e.g. "the Mayor, Jane Doe".'),
    )
    languages = models.CharField(
        _("working languages"),
        max_length=100,
        blank=True,
        help_text=_('ISO 639-1 codes separated by commas, e.g. "de, en".'),
    )

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")
        constraints = [
            models.CheckConstraint(
                condition=Q(charter_signed_on__isnull=True) | Q(charter_signatory=True),
                name="city_charter_date_only_for_signatories",
            ),
            models.CheckConstraint(
                condition=Q(charter_signed_by="") | Q(charter_signatory=True),
                name="city_charter_signer_only_for_signatories",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("front:city", args=[self.slug])

    @property
    def language_codes(self) -> frozenset[str]:
        """The working languages as a set of lower-case codes."""
        return frozenset(code.strip().lower() for code in self.languages.split(",") if code.strip())


class Indicator(models.Model):
    """A kind of key figure kept for cities: population, a share of residents, a rate.

    The four standard indicators (codes in `STANDARD`) are created by migration and read by the
    similar-cities comparison; coordinators define others. A `COUNT` is a whole number of at
    least 0; a `PERCENTAGE` lies within 0..100.
    """

    class Kind(models.TextChoices):
        COUNT = "count", _("count (a whole number)")
        PERCENTAGE = "percentage", _("percentage (0 to 100)")

    POPULATION = "population"
    FOREIGN_RESIDENTS = "foreign-residents"
    BORN_ABROAD = "born-abroad"
    UNEMPLOYMENT = "unemployment"
    #: The indicators every city may have, by code, in the order they are shown.
    STANDARD = (POPULATION, FOREIGN_RESIDENTS, BORN_ABROAD, UNEMPLOYMENT)
    #: The standard indicators' names in the reader's language (the stored name is English).
    STANDARD_NAMES = {
        POPULATION: _("Population"),
        FOREIGN_RESIDENTS: _("Foreign residents (%)"),
        BORN_ABROAD: _("Residents born abroad (%)"),
        UNEMPLOYMENT: _("Unemployment rate (%)"),
    }

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    description = models.CharField(
        _("description"),
        max_length=300,
        blank=True,
        help_text=_("What is counted, e.g. 'registered job seekers among residents aged 15-64'."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=100)
    defined_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("defined by"),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name shown: a standard indicator's in the reader's language, else as defined."""
        return str(self.STANDARD_NAMES.get(self.code, self.name))

    @property
    def is_percentage(self) -> bool:
        return self.kind == self.Kind.PERCENTAGE

    def check_value(self, value: Decimal) -> str | None:
        """Why `value` cannot be a figure of this indicator, in words; None when it can."""
        if value.is_nan() or value.is_infinite():
            return str(_("Enter a number."))
        if value < 0:
            return str(_("A figure cannot be negative."))
        if self.is_percentage and value > 100:
            return str(_("A percentage lies between 0 and 100."))
        if not self.is_percentage and value != value.to_integral_value():
            return str(_("A count is a whole number."))
        return None


#: The earliest year a figure may be about.
FIRST_FIGURE_YEAR = 1900


class CityFigureQuerySet(models.QuerySet["CityFigure"]):
    def latest_by_city(self, city_ids: Iterable[int]) -> dict[int, dict[str, "CityFigure"]]:
        """The latest figure of each indicator for each of `city_ids`, by city id then indicator
        code (a city without figures is missing). In one query, however long the history."""
        found: dict[int, dict[str, CityFigure]] = {}
        for figure in self.filter(city__in=list(city_ids)).select_related("indicator"):
            by_code = found.setdefault(figure.city_id, {})
            current = by_code.get(figure.indicator.code)
            if current is None or figure.sort_key > current.sort_key:
                by_code[figure.indicator.code] = figure
        return found


class CityFigure(models.Model):
    """One value of an indicator for a city, for a year, from a source. Figures are never
    overwritten: a correction is a new figure, and the history keeps every one. The latest
    counts: the latest year, and within a year the one recorded last (`sort_key`)."""

    city = models.ForeignKey(
        City, on_delete=models.CASCADE, related_name="figures", verbose_name=_("city")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="figures", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year the figure is about."))
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the figure comes from, e.g. 'Statistical office of Munich, 2018'."),
    )
    recorded_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = CityFigureQuerySet.as_manager()

    class Meta:
        ordering = ["indicator__position", "indicator__name", "-year", "-recorded_at", "-pk"]
        verbose_name = _("city figure")
        verbose_name_plural = _("city figures")
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="city_figure_not_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_FIGURE_YEAR), name="city_figure_year_from_1900"
            ),
            models.CheckConstraint(condition=~Q(source=""), name="city_figure_has_a_source"),
        ]
        indexes = [models.Index(fields=["city", "indicator", "year"])]

    def __str__(self) -> str:
        return f"{self.city}: {self.indicator.label} {self.shown()} ({self.year})"

    @property
    def sort_key(self) -> tuple[int, datetime.datetime, int]:
        """Later figures sort higher: by year, then by when they were recorded."""
        return (self.year, self.recorded_at, self.pk or 0)

    def shown(self) -> str:
        """The value as a reader sees it: "1,488,202" or "27.5%" (in the active language)."""
        if self.indicator.is_percentage:
            return f"{number_format(self.value.normalize(), use_l10n=True)}%"
        return number_format(int(self.value), use_l10n=True, force_grouping=True)


def latest_figures(figures: Iterable[CityFigure]) -> list[CityFigure]:
    """The latest figure of each indicator among `figures` (loaded with their indicator), in
    the indicators' order."""
    latest: dict[int, CityFigure] = {}
    for figure in figures:
        current = latest.get(figure.indicator_id)
        if current is None or figure.sort_key > current.sort_key:
            latest[figure.indicator_id] = figure
    return sorted(latest.values(), key=lambda f: (f.indicator.position, f.indicator.name))


def migrant_share(by_code: Mapping[str, CityFigure]) -> CityFigure | None:
    """The figure that places a city in a band of migrant residents: the share of residents
    born abroad, or, when only that is recorded, the share of foreign residents; None when
    neither is."""
    return by_code.get(Indicator.BORN_ABROAD) or by_code.get(Indicator.FOREIGN_RESIDENTS)


class Organisation(models.Model):
    """An expert organisation (e.g. Migration Policy Group) or the network's coordinating body.

    Its members facilitate the themes it is listed for.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    themes = models.ManyToManyField(
        "catalogue.Theme",
        blank=True,
        related_name="facilitators",
        verbose_name=_("themes it facilitates"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


def scope_matches_kind() -> Q:
    """A role (or an invitation into one) names exactly what its kind is about: a city for an
    officer, a pairing for a mentor, an organisation for a facilitator, nothing for a
    coordinator."""
    none = {"city__isnull": True, "pairing__isnull": True, "organisation__isnull": True}
    return (
        Q(kind="officer", **(none | {"city__isnull": False}))
        | Q(kind="mentor", **(none | {"pairing__isnull": False}))
        | Q(kind="facilitator", **(none | {"organisation__isnull": False}))
        | Q(kind="coordinator", **none)
    )


class RoleQuerySet(models.QuerySet["Role"]):
    def current(self) -> "RoleQuerySet":
        return self.filter(user__is_active=True)


class Role(models.Model):
    """One role a person holds, scoped to what it is about. A person can hold several."""

    class Kind(models.TextChoices):
        OFFICER = "officer", _("City officer")
        MENTOR = "mentor", _("Mentor")
        FACILITATOR = "facilitator", _("Facilitator")
        COORDINATOR = "coordinator", _("Coordinator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=12, choices=Kind.choices)
    city = models.ForeignKey(
        City,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("city"),
        help_text=_("For a city officer: the city they work for."),
    )
    pairing = models.ForeignKey(
        "mentoring.Pairing",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mentors",
        verbose_name=_("pairing"),
        help_text=_("For a mentor: the pairing they mentor in."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
        help_text=_("For a facilitator: the expert organisation they belong to."),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(condition=scope_matches_kind(), name="role_scope_matches_kind"),
            models.UniqueConstraint(
                fields=["user", "city"], condition=Q(kind="officer"), name="officer_once_per_city"
            ),
            models.UniqueConstraint(
                fields=["user", "pairing"],
                condition=Q(kind="mentor"),
                name="mentor_once_per_pairing",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(kind="facilitator"),
                name="facilitator_once_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(kind="coordinator"), name="coordinator_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.describe()}"

    def describe(self) -> str:
        """What this role is, in words: "City officer of Munich"."""
        label = self.get_kind_display()
        if self.kind == self.Kind.OFFICER:
            return _("%(role)s of %(city)s") % {"role": label, "city": self.city}
        if self.kind == self.Kind.MENTOR:
            return _("%(role)s in %(pairing)s") % {"role": label, "pairing": self.pairing}
        if self.kind == self.Kind.FACILITATOR:
            return _("%(role)s, %(organisation)s") % {
                "role": label,
                "organisation": self.organisation,
            }
        return _("%(role)s of the network") % {"role": label}


class FailedLogin(models.Model):
    """One failed log-in, kept for the lock-out window (see settings.LOGIN_FAILURE_LIMIT)."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("failed log-in")
        verbose_name_plural = _("failed log-ins")

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A personal key to the API. The secret is shown once, at creation; only its hash is kept."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        READ_WRITE = "read-write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. 'monthly report'.")
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> "InvitationQuerySet":
        from django.utils import timezone

        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An invitation by e-mail into a role. Its link works once, until it expires."""

    email = models.EmailField(_("e-mail address"))
    kind = models.CharField(_("role"), max_length=12, choices=Role.Kind.choices)
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("city")
    )
    pairing = models.ForeignKey(
        "mentoring.Pairing",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("pairing"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_accepted"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=scope_matches_kind(), name="invitation_scope_matches_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_kind_display()}"

    def role(self) -> Role:
        """The role this invitation grants, unsaved and without a user."""
        return Role(
            kind=self.kind, city=self.city, pairing=self.pairing, organisation=self.organisation
        )


class AuditEntry(models.Model):
    """One create, change or delete of user-owned data: who, when, what and what changed."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")
        EXPORT = "export", _("exported")

    ERASED = "erased user"

    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    actor_name = models.CharField(_("by"), max_length=150)
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    target_type = models.CharField(_("kind of record"), max_length=100)
    target_id = models.CharField(_("record id"), max_length=64)
    target_repr = models.CharField(_("record"), max_length=300)
    city = models.ForeignKey(
        City, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_entries"
    )
    about = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries_about",
        verbose_name=_("about"),
        help_text=_("The person the record belongs to (a role's holder, a token's owner)."),
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"
