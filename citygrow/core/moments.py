"""The moment a write records. Services take `at: datetime | None = None` (default: now) so
that history can be entered as it happened (the demo's 2017-2018 steps, an import of past
records); Django's automatic timestamps take the moment of saving, so `stamp` dates them after."""

import datetime

from django.db import models


def stamp(instance: models.Model, at: datetime.datetime | None, *fields: str) -> None:
    """Date `instance`'s automatic timestamps (`fields`) at `at`, when it is given."""
    if at is None:
        return
    type(instance)._default_manager.filter(pk=instance.pk).update(**dict.fromkeys(fields, at))
    for name in fields:
        setattr(instance, name, at)
