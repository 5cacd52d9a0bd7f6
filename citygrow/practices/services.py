"""The good-practice library: its PostgreSQL search index, and removing a person's mentions."""

import re
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Q

from citygrow.practices.models import SEARCH_CONFIG

# A practice is found by its text (weight B) and, ranked higher, by its city, country and key
# factor heading (weight A). Kept in one column with a GIN index; see PracticeQuerySet.search.
_REFRESH_SQL = f"""
UPDATE practices_practice AS p SET search_vector =
    setweight(to_tsvector('{SEARCH_CONFIG}', concat_ws(' ',
        (SELECT c.name || ' ' || co.name FROM people_city c
            JOIN people_country co ON co.id = c.country_id WHERE c.id = p.city_id),
        (SELECT k.heading FROM catalogue_keyfactor k WHERE k.id = p.key_factor_id)
    )), 'A')
    || setweight(to_tsvector('{SEARCH_CONFIG}', p.text), 'B')
"""


def refresh_search_index(*, practice_ids: Iterable[int] | None = None) -> None:
    """Recompute the stored search vectors of the given practices (of all, when None).

    Call it after writing practices, or renaming what they are found by (a city, a country, a
    key factor heading). On SQLite there is no index to keep and this does nothing.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if practice_ids is None:
            cursor.execute(_REFRESH_SQL)
        else:
            cursor.execute(_REFRESH_SQL + " WHERE p.id = ANY(%s)", [list(practice_ids)])


REMOVED = "[removed at the person's request]"


def practices_naming(text: str):  # -> PracticeQuerySet
    """Practices whose text or links contain `text` (a person's name or e-mail address)."""
    from citygrow.practices.models import Practice

    return Practice.objects.filter(
        Q(text__icontains=text) | Q(links__icontains=text)
    ).select_related("city", "key_factor", "toolkit__theme")


@transaction.atomic
def remove_from_practices(*, text: str, by: Any) -> int:
    """Remove every mention of `text` (a person's name or address) from the practices.

    Each change is recorded in the audit trail. Returns how many practices changed.
    """
    from citygrow.catalogue.services import refresh_fingerprint
    from citygrow.people import audit
    from citygrow.people.models import AuditEntry

    pattern = re.compile(re.escape(text), re.IGNORECASE)
    changed = []
    for practice in practices_naming(text).select_for_update(of=("self",)):
        before = {"text": practice.text, "links": list(practice.links)}
        practice.text = pattern.sub(REMOVED, practice.text)
        practice.links = [link for link in practice.links if not pattern.search(link)]
        practice.save(update_fields=["text", "links"])
        audit.record(
            actor=by,
            action=AuditEntry.Action.CHANGE,
            target=practice,
            city=practice.city,
            changes={
                field: ["(mention of a person)", "(removed)"]
                for field in ("text", "links")
                if before[field] != getattr(practice, field)
            },
        )
        changed.append(practice)
    refresh_search_index(practice_ids=[p.pk for p in changed])
    for toolkit in {p.toolkit for p in changed if p.toolkit_id}:
        refresh_fingerprint(toolkit)
    return len(changed)
