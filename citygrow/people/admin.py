from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import ForeignKeyWidget

from citygrow.people.audit import changes_between, field_values, record
from citygrow.people.models import (
    AuditEntry,
    City,
    Country,
    Organisation,
    Role,
    User,
    latest_figures,
)


class AuditedAdmin(admin.ModelAdmin):
    """Records every create, change and delete made in the admin in the audit trail."""

    def audit_city(self, obj: Any) -> City | None:
        return None

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = {}
        if change:
            before = field_values(type(obj).objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action=AuditEntry.Action.CHANGE if change else AuditEntry.Action.CREATE,
            target=obj,
            city=self.audit_city(obj),
            changes=changes_between(before, field_values(obj)) if change else None,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(
            actor=request.user,
            action=AuditEntry.Action.DELETE,
            target=obj,
            city=self.audit_city(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class CountryResource(resources.ModelResource):
    class Meta:
        model = Country
        import_id_fields = ["code"]
        fields = ["code", "name"]


class CityResource(resources.ModelResource):
    country = fields.Field(
        attribute="country", column_name="country", widget=ForeignKeyWidget(Country, "code")
    )

    class Meta:
        model = City
        import_id_fields = ["name"]
        fields = [
            "name",
            "slug",
            "country",
            "charter_signatory",
            "charter_signed_on",
        ]


@admin.register(Country)
class CountryAdmin(ImportExportModelAdmin):
    resource_classes = [CountryResource]
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(City)
class CityAdmin(ImportExportModelAdmin):
    resource_classes = [CityResource]
    list_display = ["name", "country", "charter_signatory"]
    readonly_fields = ["key_figures"]
    list_filter = ["country", "charter_signatory"]
    list_select_related = ["country"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description=_("key figures"))
    def key_figures(self, obj: City) -> str:
        """The latest figures, read only: coordinators record them on the city page, with year
        and source, and the history is kept there."""
        figures = latest_figures(obj.figures.select_related("indicator")) if obj.pk else []
        return "; ".join(
            f"{f.indicator.label}: {f.shown()} ({f.year}, {f.source})" for f in figures
        ) or str(_("none recorded"))


@admin.register(User)
class CityGrowUserAdmin(AuditedAdmin, UserAdmin):
    pass


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name"]
    filter_horizontal = ["themes"]


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ["user", "kind", "city", "pairing", "organisation", "granted_at"]
    list_filter = ["kind"]
    list_select_related = [
        "user", "city", "organisation", "pairing__mentor_city", "pairing__implementing_city",
        "pairing__theme",
    ]  # fmt: skip
    raw_id_fields = ["user"]

    def audit_city(self, obj: Role) -> City | None:
        return obj.city or (obj.pairing.implementing_city if obj.pairing_id else None)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "target_repr", "city"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "target_repr"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
