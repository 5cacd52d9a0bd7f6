"""The Charter survey in the demo (`seed --demo`) and in a generated network (`generate_data
--survey-cycles`): cycles a person can open, answer and read, made up and marked so."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from citygrow.survey.models import CommitmentAnswer, Cycle, Response
from tests.support.clients import web_client


@pytest.fixture
def demo(db):
    call_command("seed", "--demo", stdout=StringIO())


def test_the_demo_has_a_published_cycle_and_an_open_one(demo):
    earlier, current = Cycle.objects.order_by("opens_on")
    assert "illustrative demo" in earlier.title and "illustrative demo" in current.title
    assert earlier.results_published and not current.results_published
    assert set(earlier.responses.values_list("status", flat=True)) == {"accepted"}
    statuses = dict(current.responses.values_list("city__name", "status"))
    assert statuses == {
        "Athens": "draft",
        "Helsinki": "submitted",
        "Munich": "accepted",
        "Nicosia": "invited",
    }
    athens = current.responses.get(city__name="Athens")
    assert athens.answers.count() == 3
    assert set(CommitmentAnswer.objects.values_list("evidence", flat=True)) == {
        "Illustrative: made up for the demo."
    }
    # The public reads the earlier cycle's results; olga continues Athens's answers.
    assert Client().get(f"/charter/cycles/{earlier.pk}/results/").status_code == 200
    from django.contrib.auth import get_user_model

    olga = web_client(get_user_model().objects.get(username="olga"))
    page = olga.get(f"/charter/responses/{athens.pk}/answer/")
    assert page.status_code == 200
    scores = olga.get(f"/charter/responses/{athens.pk}/results/").content.decode()
    assert earlier.label in scores  # the change since the earlier cycle


def test_seeding_again_makes_no_second_cycle(demo):
    before = (Cycle.objects.count(), CommitmentAnswer.objects.count())
    call_command("seed", "--demo", stdout=StringIO())
    assert (Cycle.objects.count(), CommitmentAnswer.objects.count()) == before


def test_a_generated_network_answers_its_cycles(db):
    call_command("seed", stdout=StringIO())
    out = StringIO()
    call_command(
        "generate_data", "--cities", "12", "--rounds", "0", "--survey-cycles", "3", stdout=out
    )
    assert "survey cycles: 3 created" in out.getvalue()
    cycles = list(Cycle.objects.order_by("opens_on"))
    assert [c.label for c in cycles] == ["generated-2022", "generated-2024", "generated-2026"]
    assert [c.results_published for c in cycles] == [True, True, False]
    last = cycles[-1]
    assert last.phase_on(last.opens_on) == "open"
    assert all(c.responses.count() == 12 for c in cycles)
    submitted = last.responses.filter(status="submitted").count()
    assert 0 < submitted < 12  # a real response rate
    answered = Response.objects.exclude(status="invited")
    assert CommitmentAnswer.objects.count() == answered.count() * 11
    again = StringIO()
    call_command(
        "generate_data", "--cities", "12", "--rounds", "0", "--survey-cycles", "3", stdout=again
    )
    assert "survey cycles: 0 created" in again.getvalue()
    ratings = list(CommitmentAnswer.objects.order_by("pk").values_list("rating", flat=True))
    assert len(set(ratings)) >= 4  # drawn, not one value
