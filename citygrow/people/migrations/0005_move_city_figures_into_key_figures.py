"""Create the four standard indicators and move each city's population and share of residents
born abroad into key figures, with the year recorded beside them (else the year of the move)
and the source "CityGrow city record"."""

from django.db import migrations
from django.utils import timezone

STANDARD = [
    ("population", "Population", "count", 10),
    ("foreign-residents", "Foreign residents (%)", "percentage", 20),
    ("born-abroad", "Residents born abroad (%)", "percentage", 30),
    ("unemployment", "Unemployment rate (%)", "percentage", 40),
]
SOURCE = "CityGrow city record (before key figures were kept with their source)"


def forwards(apps, schema_editor):
    Indicator = apps.get_model("people", "Indicator")
    City = apps.get_model("people", "City")
    CityFigure = apps.get_model("people", "CityFigure")
    indicators = {}
    for code, name, kind, position in STANDARD:
        indicators[code], _ = Indicator.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "position": position}
        )
    this_year = timezone.now().year
    figures = []
    for city in City.objects.all():
        year = city.population_year or this_year
        if city.population is not None:
            figures.append(
                CityFigure(
                    city=city,
                    indicator=indicators["population"],
                    value=city.population,
                    year=year,
                    source=SOURCE,
                )
            )
        if city.foreign_born_share is not None:
            figures.append(
                CityFigure(
                    city=city,
                    indicator=indicators["born-abroad"],
                    value=city.foreign_born_share,
                    year=year,
                    source=SOURCE,
                )
            )
    CityFigure.objects.bulk_create(figures)


def backwards(apps, schema_editor):
    """Put each city's latest population and share born abroad back on the city."""
    City = apps.get_model("people", "City")
    CityFigure = apps.get_model("people", "CityFigure")
    latest = {}
    for figure in CityFigure.objects.filter(
        indicator__code__in=["population", "born-abroad"]
    ).order_by("year", "recorded_at", "pk"):
        latest[(figure.city_id, figure.indicator.code)] = figure
    for (city_id, code), figure in latest.items():
        if code == "population":
            City.objects.filter(pk=city_id).update(
                population=int(figure.value), population_year=figure.year
            )
        else:
            City.objects.filter(pk=city_id).update(foreign_born_share=figure.value)
    CityFigure.objects.all().delete()
    Indicator = apps.get_model("people", "Indicator")
    Indicator.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_add_city_key_figures"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
