"""The survey tests' fixtures: the shipped questionnaire edition loaded."""

from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from citygrow.survey.models import Questionnaire

SHIPPED = django_settings.DATA_DIR / "surveys" / "charter-2010.yaml"


@pytest.fixture
def charter(db) -> Questionnaire:
    """The shipped edition (data/surveys/charter-2010.yaml), loaded."""
    call_command("load_questionnaire", SHIPPED, stdout=StringIO())
    return Questionnaire.objects.get(label="charter-2010")


@pytest.fixture(autouse=True)
def from_no_edition(request):
    """`seed` (behind `seeded` and `people`) loads the shipped edition; the survey's tests start
    from none, and load what they test."""
    if "seeded" in request.fixturenames:
        from citygrow.people.models import AuditEntry

        request.getfixturevalue("seeded")
        Questionnaire.objects.all().delete()
        AuditEntry.objects.filter(target_type="survey.questionnaire").delete()
