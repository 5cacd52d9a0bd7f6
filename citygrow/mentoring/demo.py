"""The demo programme, modelled on CITIES GROW (2016-2018): see `create_demo_programme`."""

import datetime
from decimal import Decimal

from django.db import transaction

from citygrow.catalogue.models import Theme
from citygrow.mentoring.models import Pairing, Programme, ProgrammeCity, Scheme, SchemeCity
from citygrow.people.models import City, Organisation


@transaction.atomic
def create_demo_programme(organisations: dict[str, Organisation]) -> Pairing:
    """Create the demo programme (once) and return its Munich → Athens pairing on theme A."""
    themes = {theme.code: theme for theme in Theme.objects.all()}
    eurocities, _ = Organisation.objects.get_or_create(name="EUROCITIES")
    programme, _ = Programme.objects.get_or_create(
        slug="cities-grow",
        defaults={
            "name": "CITIES GROW",
            "starts_on": datetime.date(2016, 10, 1),
            "ends_on": datetime.date(2018, 9, 30),
            "budget": Decimal("650000"),
            "funder": "Asylum, Migration and Integration Fund of the European Union",
            "coordinator": eurocities,
            "is_demo": True,
        },
    )
    scheme, _ = Scheme.objects.get_or_create(
        programme=programme,
        theme=themes["A"],
        defaults={"facilitator": organisations["Migration Policy Group"]},
    )
    city = {c.name: c for c in City.objects.filter(name__in=["Athens", "Munich"])}
    for name, role in [("Munich", "mentor"), ("Athens", "implementing")]:
        SchemeCity.objects.get_or_create(scheme=scheme, city=city[name], defaults={"role": role})
        ProgrammeCity.objects.get_or_create(programme=programme, city=city[name])
    pairing = Pairing.objects.filter(scheme=scheme, implementing_city=city["Athens"]).first()
    if pairing is None:
        pairing = Pairing(
            scheme=scheme, mentor_city=city["Munich"], implementing_city=city["Athens"]
        )
        pairing.save()
    return pairing
