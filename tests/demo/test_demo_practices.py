"""The demo's contributed practices and what the demo plan adapts (citygrow.demo.practices,
issue 13's "the demo shows a contributed practice and a transfer")."""

from io import StringIO

import pytest
from django.core.management import call_command

from citygrow.demo.practices import HELSINKI, MUNICH
from citygrow.plans import adoptions
from citygrow.plans.models import ActionPlan
from citygrow.practices.models import Practice


@pytest.fixture
def demo(db, settings, tmp_path) -> ActionPlan:
    settings.MEDIA_ROOT = tmp_path
    call_command("seed", "--demo", stdout=StringIO())
    return ActionPlan.objects.get(
        pairing__mentor_city__name="Munich",
        pairing__implementing_city__name="Athens",
        pairing__scheme__programme__slug="cities-grow",
    )


def test_munich_contributed_a_practice_the_facilitator_published(demo):
    practice = Practice.objects.get(name=MUNICH.name)
    assert practice.is_contributed and practice.status == Practice.Status.PUBLISHED
    assert practice.city.name == "Munich"
    assert practice.contributed_by.username == "mia"
    assert [t.code for t in practice.themes.all()] == ["A"]
    assert practice.outcomes.count() == 2
    assert practice.comments.get().author.username == "fatima"
    assert "illustrative" in practice.name and practice.text.startswith("Illustrative")
    assert Practice.objects.in_library(None).filter(pk=practice.pk).exists()


def test_helsinki_s_practice_waits_for_review_and_is_not_public(demo):
    practice = Practice.objects.get(name=HELSINKI.name)
    assert practice.status == Practice.Status.SUBMITTED
    assert not Practice.objects.visible_to(None).filter(pk=practice.pk).exists()


def test_the_athens_plan_adapts_a_munich_example_and_munich_s_contribution(demo):
    cited = {
        practice.title
        for objective in demo.objectives.all()
        for practice in objective.practices.all()
    } | {practice.title for action in demo.actions.all() for practice in action.practices.all()}
    assert cited == {"Munich: Mapping and needs assessment", MUNICH.name}
    found = adoptions.adoptions_of(Practice.objects.get(name=MUNICH.name), None)
    assert [(a.city.name, a.plan.pk) for a in found] == [("Athens", demo.pk)]
    # The plan was re-assessed: the change on the citing objective is measured.
    assert found[0].measured


def test_seeding_again_writes_no_second_practice(demo):
    before = Practice.objects.filter(origin=Practice.Origin.CONTRIBUTED).count()
    call_command("seed", "--demo", stdout=StringIO())
    assert Practice.objects.filter(origin=Practice.Origin.CONTRIBUTED).count() == before == 2
