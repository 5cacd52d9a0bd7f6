from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import ForeignKeyWidget, JSONWidget

from citygrow.catalogue.admin import RaisesVersions
from citygrow.catalogue.services import refresh_fingerprint
from citygrow.people.models import City
from citygrow.practices.models import Practice


class PracticeResource(resources.ModelResource):
    city = fields.Field(attribute="city", column_name="city", widget=ForeignKeyWidget(City, "name"))
    links = fields.Field(attribute="links", column_name="links", widget=JSONWidget())

    class Meta:
        model = Practice
        fields = [
            "id",
            "city",
            "toolkit",
            "key_factor",
            "position",
            "text",
            "links",
            "year",
            "source",
        ]

    def before_save_instance(self, instance: Practice, row: object, **kwargs: object) -> None:
        # A practice filed under a key factor belongs to that key factor's toolkit.
        if instance.key_factor_id:
            instance.toolkit_id = instance.key_factor.toolkit_id
        if instance.links is None:
            instance.links = []

    def after_import(self, dataset: object, result: object, **kwargs: object) -> None:
        super().after_import(dataset, result, **kwargs)
        Practice.objects.all().refresh_search_index()


@admin.register(Practice)
class PracticeAdmin(RaisesVersions, ImportExportModelAdmin):
    resource_classes = [PracticeResource]
    list_display = ["__str__", "city", "origin", "status", "toolkit", "year"]
    list_filter = ["origin", "status", "toolkit", "city__country"]
    list_select_related = ["city", "key_factor", "toolkit__theme"]
    search_fields = ["name", "text", "city__name"]
    raw_id_fields = ["key_factor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Practice]:
        return super().get_queryset(request).select_related("city", "key_factor", "toolkit__theme")

    def save_model(self, request: HttpRequest, obj: Practice, form: object, change: bool) -> None:
        super().save_model(request, obj, form, change)
        Practice.objects.filter(pk=obj.pk).refresh_search_index()
        if obj.toolkit_id:
            refresh_fingerprint(obj.toolkit)
