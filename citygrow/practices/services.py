"""Keeping the PostgreSQL search index of the good-practice library up to date."""

from collections.abc import Iterable

from django.db import connection

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
