"""The API's half of the permission matrix (tests/site/test_permissions.py holds the matrix,
its objects and the pages' half)."""

from tests.site.test_permissions import MATRIX, check_routes, clients, objects

__all__ = ["clients", "objects"]  # the fixtures, used by the test below


def test_the_matrix_of_the_api(objects, clients, people):
    check_routes(sorted(r for r in MATRIX if r.startswith("api:")), objects, clients, people)
