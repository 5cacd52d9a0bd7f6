"""The assessments' fixtures, around the `people` fixture (tests/conftest.py):

- `draft`: Athens's draft assessment "Athens 2024" on toolkit A, started by its officer Olga;
- `athens_report`: Athens's published assessment with gaps, and a previous round of its own
  (made with the helpers of tests/support/assessments.py).
"""

from datetime import date

import pytest

from citygrow.assessments.models import Assessment
from citygrow.people.models import City
from tests.support.assessments import make, start_athens


@pytest.fixture
def draft(people, toolkit_a) -> Assessment:
    return start_athens(people, toolkit_a)


@pytest.fixture
def athens_report(people, toolkit_a) -> Assessment:
    """Athens's published assessment with gaps, and a previous round of its own."""
    athens = City.objects.get(name="Athens")
    make(athens, toolkit_a, values=["no"] * 24, assessed_on=date(2023, 1, 1))
    return make(athens, toolkit_a, values=["partly", "no"] * 12, assessed_on=date(2024, 1, 1))
