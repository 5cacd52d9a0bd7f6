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
        return reverse("front:city", args=[self.slug])

    @property
    def language_codes(self) -> frozenset[str]:
        """The working languages as a set of lower-case codes."""
        return frozenset(code.strip().lower() for code in self.languages.split(",") if code.strip())


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
