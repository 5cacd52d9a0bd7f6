"""The admin of action plans: staff edit the action statuses (names, default progress,
closed or not) and look plans up; the plans' content is changed on the plan pages, through
`citygrow.plans.services`, so that versions and the audit trail stay right."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from citygrow.people.admin import AuditedAdmin
from citygrow.people.models import City
from citygrow.plans.models import ActionPlan, ActionStatus, PlanComment


@admin.register(ActionStatus)
class ActionStatusAdmin(AuditedAdmin):
    list_display = ["name", "default_progress", "is_closed", "position"]
    list_editable = ["default_progress", "is_closed", "position"]
    ordering = ["position", "name"]


@admin.register(ActionPlan)
class ActionPlanAdmin(AuditedAdmin):
    """Plans, to look up; only the title and summary change here."""

    def audit_city(self, obj: ActionPlan) -> City | None:
        return obj.pairing.implementing_city

    list_display = ["title", "pairing", "is_endorsed", "created_at"]
    list_select_related = [
        "pairing__mentor_city",
        "pairing__implementing_city",
        "pairing__theme",
        "endorsed_version",
    ]
    list_filter = ["pairing__theme"]
    search_fields = ["title", "pairing__implementing_city__name"]
    fields = [
        "title",
        "summary",
        "pairing",
        "assessment",
        "follow_up",
        "endorsed_version",
        "created_by",
        "created_at",
        "content_changed_at",
    ]
    readonly_fields = [
        "pairing",
        "assessment",
        "follow_up",
        "endorsed_version",
        "created_by",
        "created_at",
        "content_changed_at",
    ]

    @admin.display(boolean=True, description=_("endorsed"))
    def is_endorsed(self, obj: ActionPlan) -> bool:
        return obj.is_endorsed

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # plans start from an assessment, on the pairing's page


@admin.register(PlanComment)
class PlanCommentAdmin(AuditedAdmin):
    """Comments, to moderate."""

    def audit_city(self, obj: PlanComment) -> City | None:
        return obj.plan.pairing.implementing_city

    list_display = ["__str__", "plan", "created_at"]
    list_select_related = ["plan", "author"]
    readonly_fields = ["plan", "author", "created_at"]
    fields = ["plan", "author", "created_at", "text"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
