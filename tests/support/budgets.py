"""Query budgets: how many database queries a page or an API route takes, and whether that
grows with the data.

    small = count_queries(client, url)
    add_more_of_everything()
    assert_flat(small, count_queries(client, url), budget=12)
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext


class Count(int):
    """A number of queries that also keeps their SQL (`sql`) and the response (`response`), so
    that a failed assertion can show which queries were made."""

    sql: list[str]
    response: object


def count_queries(client, url: str, status: int | None = 200, **get) -> Count:
    """The queries of one GET of `url` (with `get` as the client's arguments); the response
    must have `status` (None: any)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **get)
    if status is not None:
        assert response.status_code == status, (url, response.status_code)
    count = Count(len(queries))
    count.sql = [query["sql"] for query in queries.captured_queries]
    count.response = response
    return count


def assert_flat(small: Count, large: Count, budget: int | None = None) -> None:
    """The count does not grow with the data (`large` was counted after adding more), and
    stays within `budget` if one is given."""
    assert large == small, large.sql
    if budget is not None:
        assert large <= budget, large.sql
