"""Recording the audit trail (people.models.AuditEntry)."""

import datetime
from typing import Any

from django.db import models

from citygrow.core.moments import stamp
from citygrow.people.models import AuditEntry, City


def actor_name(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "system"
    return user.get_username()


def person_of(target: models.Model) -> Any:
    """The person a record belongs to, if any: a user, a role's holder, a token's owner, the
    person who accepted an invitation."""
    from citygrow.people.models import Invitation, User

    if isinstance(target, User):
        return target
    if isinstance(target, Invitation):
        return target.accepted_by
    return getattr(target, "user", None)


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    city: City | None = None,
    changes: dict[str, Any] | None = None,
    at: datetime.datetime | None = None,
) -> AuditEntry:
    """Record that `actor` did `action` (an AuditEntry.Action) to `target` (at `at`: now by
    default)."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry.objects.create(
        about=person_of(target),
        actor=actor,
        actor_name=actor_name(actor),
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:300],
        city=city,
        changes=changes or {},
    )
    stamp(entry, at, "at")
    return entry


#: Never written to the audit trail; a change shows as "(secret)".
SECRET_FIELDS = {"password", "secret_hash", "token_hash"}


def field_values(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The values of an instance's concrete fields, as text, for comparing before and after."""
    values = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        value = field.value_from_object(instance)
        if field.name in SECRET_FIELDS:
            value = "(secret)" if value else None
        values[field.name] = None if value is None else str(value)
    return values


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }
