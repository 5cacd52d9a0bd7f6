"""Practices are found by the names of their city and country (practices.models._REFRESH_SQL):
when a city or a country is saved, by the admin, an import or a command, their search vectors
are recomputed. People, below this app, knows nothing of it."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from citygrow.people.models import City, Country
from citygrow.practices.models import Practice


@receiver(post_save, sender=City, dispatch_uid="practices-city-renamed")
def city_saved(sender: type[City], instance: City, created: bool, **kwargs: Any) -> None:
    if not created:
        Practice.objects.filter(city=instance).refresh_search_index()


@receiver(post_save, sender=Country, dispatch_uid="practices-country-renamed")
def country_saved(sender: type[Country], instance: Country, created: bool, **kwargs: Any) -> None:
    if not created:
        Practice.objects.filter(city__country=instance).refresh_search_index()
