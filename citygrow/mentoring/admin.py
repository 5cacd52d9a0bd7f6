from django.contrib import admin

from citygrow.mentoring.models import (
    EventAttendance,
    Finding,
    Pairing,
    Programme,
    ProgrammeCity,
    ProgrammeEvent,
    Scheme,
    SchemeCity,
    Visit,
    VisitReport,
    WorkLog,
)
from citygrow.people.admin import AuditedAdmin
from citygrow.people.models import City


class ProgrammeCityInline(admin.TabularInline):
    model = ProgrammeCity
    extra = 0
    autocomplete_fields = ["city"]


class ProgrammeEventInline(admin.TabularInline):
    model = ProgrammeEvent
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(AuditedAdmin):
    list_display = ["name", "starts_on", "ends_on", "is_demo"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["organisations"]
    inlines = [ProgrammeCityInline, ProgrammeEventInline]


class EventAttendanceInline(admin.TabularInline):
    model = EventAttendance
    extra = 0
    autocomplete_fields = ["city"]


@admin.register(ProgrammeEvent)
class ProgrammeEventAdmin(AuditedAdmin):
    list_display = ["title", "programme", "kind", "starts_on", "attendance"]
    list_select_related = ["programme"]
    list_filter = ["programme"]
    inlines = [EventAttendanceInline]


class SchemeCityInline(admin.TabularInline):
    model = SchemeCity
    extra = 0
    autocomplete_fields = ["city"]


@admin.register(Scheme)
class SchemeAdmin(AuditedAdmin):
    list_display = ["__str__", "facilitator", "capacity"]
    list_select_related = ["programme", "theme", "facilitator"]
    inlines = [SchemeCityInline]


@admin.register(Pairing)
class PairingAdmin(AuditedAdmin):
    def audit_city(self, obj: Pairing) -> City | None:
        return obj.implementing_city

    list_display = ["__str__", "scheme"]
    list_select_related = ["mentor_city", "implementing_city", "theme", "scheme__programme"]
    list_filter = ["theme"]


class FindingInline(admin.StackedInline):
    model = Finding
    extra = 0
    filter_horizontal = ["key_factors"]


@admin.register(Visit)
class VisitAdmin(AuditedAdmin):
    def audit_city(self, obj: Visit) -> City | None:
        return obj.pairing.implementing_city

    list_display = ["__str__", "kind", "starts_on", "ends_on"]
    list_select_related = ["pairing__mentor_city", "pairing__implementing_city"]
    filter_horizontal = ["participants"]


@admin.register(VisitReport)
class VisitReportAdmin(AuditedAdmin):
    def audit_city(self, obj: VisitReport) -> City | None:
        return obj.visit.pairing.implementing_city

    list_display = ["__str__", "status", "updated_at"]
    inlines = [FindingInline]


@admin.register(WorkLog)
class WorkLogAdmin(AuditedAdmin):
    def audit_city(self, obj: WorkLog) -> City | None:
        return obj.city

    list_display = ["city", "programme", "activity", "worked_on", "days"]
    list_filter = ["programme", "activity"]
