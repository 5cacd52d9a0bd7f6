"""Mentoring programmes: programmes, their events, thematic schemes, pairings, visits, visit
reports and the days officers log.

A programme (e.g. CITIES GROW, 2016-2018) has partner cities and expert organisations. Each of
its schemes is one theme, facilitated by one organisation, with cities in the role of mentor or
implementing city; a pairing joins a mentor city with an implementing city of the same scheme.
Each pairing makes a study visit (the implementing city's officers visit the mentor city) and a
mentoring visit (the mentor city's officers visit the implementing city), and a facilitator
files a report of each visit's findings.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from citygrow.core.dates import DatePrecision, when
from citygrow.people.models import City, Organisation

PLANNED_DAYS = 30
"""The concept note's planned workload per city: "30 full days of work over 2 years"."""


class Programme(models.Model):
    """A funded mentoring programme run by the network's coordinator."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name in addresses"), max_length=100, unique=True)
    summary = models.TextField(_("summary"), blank=True, max_length=5_000)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    budget = models.DecimalField(
        _("budget (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    funder = models.CharField(_("funder"), max_length=300, blank=True)
    coordinator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes_coordinated",
        verbose_name=_("coordinating organisation"),
    )
    planned_days = models.PositiveSmallIntegerField(
        _("planned workload per city (days)"),
        default=PLANNED_DAYS,
        validators=[MinValueValidator(1)],
    )
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="programmes",
        verbose_name=_("expert organisations"),
    )
    is_demo = models.BooleanField(
        _("demo"),
        default=False,
        help_text=_("Demo data: some roles, pairs, visits or figures are illustrative."),
    )
    co_financing_target = models.DecimalField(
        _("co-financing target (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What the partner cities together are to bring to the budget."),
    )

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="programme_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(co_financing_target__isnull=True) | Q(co_financing_target__gte=0),
                name="programme_co_financing_target_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("front:programme", args=[self.slug])


class ProgrammeCity(models.Model):
    """A partner city of a programme, with what its staff cost and what it co-finances."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="partners")
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("city")
    )
    day_rate = models.DecimalField(
        _("staff day rate (EUR)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("What one day of an officer's work costs the city."),
    )
    co_financing = models.DecimalField(
        _("co-financing (EUR)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What the city brings to the programme's budget, in staff costs."),
    )

    class Meta:
        ordering = ["programme", "city__name"]
        verbose_name = _("partner city")
        verbose_name_plural = _("partner cities")
        constraints = [
            models.UniqueConstraint(fields=["programme", "city"], name="partner_once"),
            models.CheckConstraint(
                condition=Q(day_rate__isnull=True) | Q(day_rate__gt=0),
                name="partner_day_rate_positive",
            ),
            models.CheckConstraint(
                condition=Q(co_financing__isnull=True) | Q(co_financing__gte=0),
                name="partner_co_financing_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} ({self.programme})"


class ProgrammeEvent(models.Model):
    """A meeting of the whole programme: its launch, a conference, its final meeting."""

    class Kind(models.TextChoices):
        LAUNCH = "launch", _("Launch meeting")
        CONFERENCE = "conference", _("Conference")
        FINAL = "final", _("Final meeting")
        OTHER = "other", _("Other meeting")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    attendance = models.PositiveIntegerField(
        _("attendance"), null=True, blank=True, help_text=_("How many people took part.")
    )

    class Meta:
        ordering = ["programme", "starts_on", "pk"]
        verbose_name = _("programme event")
        verbose_name_plural = _("programme events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EventAttendance(models.Model):
    """How many people of one partner city took part in a programme event. No row: not known."""

    event = models.ForeignKey(ProgrammeEvent, on_delete=models.CASCADE, related_name="attendances")
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="event_attendances", verbose_name=_("city")
    )
    people = models.PositiveIntegerField(_("people"), help_text=_("How many of its people came."))

    class Meta:
        ordering = ["event", "city__name"]
        verbose_name = _("attendance of a city")
        verbose_name_plural = _("attendance by city")
        constraints = [
            models.UniqueConstraint(fields=["event", "city"], name="event_attendance_once"),
            models.CheckConstraint(condition=Q(people__gte=0), name="event_attendance_people"),
        ]

    def __str__(self) -> str:
        return f"{self.city}: {self.people} ({self.event})"


class Scheme(models.Model):
    """One theme of a programme: its facilitating organisation and its cities."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="schemes")
    theme = models.ForeignKey(
        "catalogue.Theme", on_delete=models.PROTECT, related_name="schemes", verbose_name=_("theme")
    )
    toolkit = models.ForeignKey(
        "catalogue.Toolkit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schemes",
        verbose_name=_("toolkit edition"),
        help_text=_(
            "The benchmark the cities assess themselves against. Empty: the theme's current "
            "published edition."
        ),
    )
    facilitator = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schemes",
        verbose_name=_("facilitating organisation"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("implementing cities per mentor"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("The most implementing cities one mentor city takes on."),
    )
    forbid_same_country = models.BooleanField(_("no pairs within one country"), default=False)
    require_shared_language = models.BooleanField(
        _("pairs must share a working language"), default=False
    )

    class Meta:
        ordering = ["programme", "theme__code"]
        verbose_name = _("mentoring scheme")
        verbose_name_plural = _("mentoring schemes")
        constraints = [
            models.UniqueConstraint(fields=["programme", "theme"], name="scheme_once_per_theme"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="scheme_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.theme}"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:scheme", args=[self.programme.slug, self.theme.code])


class SchemeCity(models.Model):
    """A city's role in a scheme."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor city")
        IMPLEMENTING = "implementing", _("Implementing city")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="members")
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="schemes", verbose_name=_("city")
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    class Meta:
        ordering = ["scheme", "role", "city__name"]
        verbose_name = _("city in a scheme")
        verbose_name_plural = _("cities in a scheme")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "city"], name="scheme_city_once"),
        ]

    def __str__(self) -> str:
        return f"{self.city}: {self.get_role_display()}"


class PairingQuerySet(models.QuerySet["Pairing"]):
    def involving(self, city: "City | int") -> "PairingQuerySet":
        """The pairings `city` is in, as mentor or implementing city."""
        return self.filter(Q(mentor_city=city) | Q(implementing_city=city))


class Pairing(models.Model):
    """A mentor city paired with an implementing city in a mentoring scheme.

    Created in `people` by the permissions work and moved here; its table keeps its name.
    `theme` repeats the scheme's theme (set on save) because the access rule reads it for every
    request (people.rules.roles_of).
    """

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("scheme")
    )
    mentor_city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        related_name="pairings_as_mentor",
        verbose_name=_("mentor city"),
    )
    implementing_city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        related_name="pairings_as_implementing",
        verbose_name=_("implementing city"),
    )
    theme = models.ForeignKey(
        "catalogue.Theme",
        on_delete=models.PROTECT,
        related_name="pairings",
        verbose_name=_("theme"),
        editable=False,
    )

    objects = PairingQuerySet.as_manager()

    class Meta:
        db_table = "people_pairing"
        ordering = ["theme__code", "implementing_city__name"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "implementing_city"], name="pairing_one_mentor_per_scheme"
            ),
            models.CheckConstraint(
                condition=~Q(mentor_city=models.F("implementing_city")),
                name="pairing_joins_two_cities",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_city} → {self.implementing_city} ({self.theme.code})"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.theme_id = self.scheme.theme_id
        super().save(*args, **kwargs)


class VisitQuerySet(models.QuerySet["Visit"]):
    def involving(self, city: "City | int") -> "VisitQuerySet":
        """The visits of the pairings `city` is in, as mentor or implementing city."""
        return self.filter(Q(pairing__mentor_city=city) | Q(pairing__implementing_city=city))

    def standing(self) -> "VisitQuerySet":
        """The visits not cancelled."""
        return self.filter(cancelled_at__isnull=True)


class Visit(models.Model):
    """A study visit or a mentoring visit of a pairing."""

    class Kind(models.TextChoices):
        STUDY = "study", _("Study visit")
        MENTORING = "mentoring", _("Mentoring visit")

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="visits")
    kind = models.CharField(_("kind of visit"), max_length=10, choices=Kind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    agenda = models.TextField(_("agenda"), blank=True, max_length=10_000)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="visits",
        verbose_name=_("participants"),
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    """The event's UID in calendar files, stable across edits."""
    sequence = models.PositiveIntegerField(default=0, editable=False)
    """Raised on every change, so calendar programs take the newer version."""
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    """When the visit was called off (services.cancel_visit); None while it stands. A
    cancelled visit is kept, marked as such, and its calendar event says CANCELLED."""
    cancel_reason = models.TextField(
        _("why it was cancelled"), blank=True, max_length=1_000, editable=False
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="visit_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(cancel_reason=""),
                name="visit_cancelled_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return _("%(kind)s to %(host)s, %(start)s") % {
            "kind": self.get_kind_display(),
            "host": self.host_city,
            "start": self.starts_on.isoformat(),
        }

    def get_absolute_url(self) -> str:
        return reverse("mentoring:visit", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        """Whether the visit was called off (it is kept, marked cancelled)."""
        return self.cancelled_at is not None

    @property
    def host_city(self) -> City:
        """A study visit is hosted by the mentor city, a mentoring visit by the implementing
        city."""
        if self.kind == self.Kind.STUDY:
            return self.pairing.mentor_city
        return self.pairing.implementing_city

    @property
    def visiting_city(self) -> City:
        if self.kind == self.Kind.STUDY:
            return self.pairing.implementing_city
        return self.pairing.mentor_city

    def existing_report(self) -> "VisitReport | None":
        """The visit's report; None when none has been written (no query when `report` was
        selected with the visit)."""
        try:
            return self.report
        except VisitReport.DoesNotExist:
            return None

    def report_to_write(self) -> "VisitReport":
        """What `mentoring.write_report` is asked about: the report, or a draft of it not yet
        saved (the rule reads the theme through it and treats it as a draft).

        The unsaved draft then stands for `report` on this visit object: read
        `existing_report()` before, to know whether one is stored."""
        return self.existing_report() or VisitReport(visit=self)

    # For the private-item rule (people.access): a visit's report belongs to the implementing
    # city and the scheme's theme.
    @property
    def city_id(self) -> int:
        return self.pairing.implementing_city_id

    @property
    def theme_id(self) -> int:
        return self.pairing.theme_id


class VisitReport(models.Model):
    """The findings of a visit. A draft is private to the pairing's team (people.access);
    a published report is public."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="report")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True, max_length=10_000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    """When it was published on the platform."""
    published_on = models.DateField(_("published on"), null=True, blank=True)
    """When the report was published, as the record has it: the day it was published here, or
    the day (or month) a coordinator entering the programme's history gives."""
    published_on_precision = models.CharField(
        _("precision of the publication date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )

    class Meta:
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")

    def __str__(self) -> str:
        return _("Report of %(visit)s") % {"visit": self.visit}

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def published_when(self, day_format: str = "j F Y") -> str:
        """When it was published, in words ("4 December 2017", or "December 2017"); empty
        while a draft."""
        if self.published_on is None:
            return ""
        return when(self.published_on, self.published_on_precision, day_format)

    @property
    def city_id(self) -> int:
        return self.visit.city_id

    @property
    def theme_id(self) -> int:
        return self.visit.theme_id


class Finding(models.Model):
    """One finding of a visit report, linked to the key factors it is about."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        BARRIER = "barrier", _("Barrier")
        CHALLENGE = "challenge", _("Challenge")
        ACTION = "action", _("Recommended action")

    report = models.ForeignKey(VisitReport, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("finding"), max_length=5_000)
    key_factors = models.ManyToManyField(
        "catalogue.KeyFactor", blank=True, related_name="+", verbose_name=_("key factors")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "position", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class WorkLog(models.Model):
    """Days an officer spent on a programme for their city."""

    class Activity(models.TextChoices):
        PREPARATION = "preparation", _("Preparation")
        VISITS = "visits", _("Visits")
        ACTION_PLANNING = "action_planning", _("Action planning")
        MEETINGS = "meetings", _("Meetings")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="work_logs")
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="work_logs", verbose_name=_("city")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="work_logs",
        verbose_name=_("officer"),
    )
    activity = models.CharField(_("activity"), max_length=16, choices=Activity.choices)
    worked_on = models.DateField(_("date"))
    days = models.DecimalField(
        _("days"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("366"))],
        help_text=_("In days, e.g. 0.5 for half a day."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "city", "-worked_on", "-pk"]
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log entries")
        constraints = [
            models.CheckConstraint(condition=Q(days__gt=0), name="work_log_days_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.city}: {self.days} d, {self.get_activity_display()}"
