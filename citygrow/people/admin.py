from django.contrib import admin
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import ForeignKeyWidget

from citygrow.people.models import City, Country


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
            "population",
            "population_year",
            "foreign_born_share",
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
    list_display = ["name", "country", "population", "foreign_born_share", "charter_signatory"]
    list_filter = ["country", "charter_signatory"]
    list_select_related = ["country"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
