"""A plan's versions and endorsements through the API (citygrow.api.plans_versions)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from citygrow.plans import services
from citygrow.plans.models import Action, Endorsement, PlanVersion
from tests.support.budgets import count_queries
from tests.support.clients import api_client
from tests.support.plans import SIGNED_PDF

FROZEN = "A frozen version cannot be changed; edit the plan, and submit a new version."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def base(plan) -> str:
    return f"/api/v1/plans/{plan.pk}"


def endorsement(level: str, content: bytes = SIGNED_PDF, name: str = "signed.pdf", **extra):
    return {
        "level": level,
        "endorsed_by": "Eleni Papadopoulou",
        "role": "Director-General",
        "endorsed_on": timezone.localdate().isoformat(),
        "document": SimpleUploadedFile(name, content),
        **extra,
    }


def test_the_officer_submits_and_records_both_endorsements(people, plan):
    officer = api_client(people["officer"])
    response = officer.post(f"{base(plan)}/versions")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"] == 1 and data["endorsed"] is False and data["endorsements"] == []
    assert [o["title"] for o in data["content"]["objectives"]] == [
        "Open a one-stop shop",
        "Speak the languages of newcomers",
    ]
    assert data["content"]["objectives"][0]["actions"][1]["children"][0]["title"] == (
        "Train the front desk"
    )

    response = officer.post(f"{base(plan)}/versions/1/endorsements", endorsement("administrative"))
    assert response.status_code == 201, response.content
    assert response.json()["level"] == "administrative"
    assert Client().get(f"{base(plan)}/versions").status_code == 404  # still private

    response = officer.post(
        f"{base(plan)}/versions/1/endorsements",
        endorsement("political", endorsed_by="Mayor of Athens", role="Mayor"),
    )
    assert response.status_code == 201
    document_url = response.json()["document_url"]
    listed = Client().get(f"{base(plan)}/versions")  # public now
    assert listed.status_code == 200
    (version,) = listed.json()
    assert version["endorsed"] is True
    assert [e["level"] for e in version["endorsements"]] == ["administrative", "political"]
    assert Client().get(document_url).status_code == 200
    changes = Client().get(f"{base(plan)}/changes").json()
    assert changes["state"] == "endorsed" and changes["is_empty"] is True


def test_endorsing_twice_a_fake_pdf_and_a_version_that_is_not_the_latest_are_refused(people, plan):
    officer = api_client(people["officer"])
    officer.post(f"{base(plan)}/versions")
    officer.post(f"{base(plan)}/versions/1/endorsements", endorsement("political"))
    twice = officer.post(f"{base(plan)}/versions/1/endorsements", endorsement("political"))
    assert twice.status_code == 422
    assert twice.json()["detail"].startswith(
        "Version 1 is already endorsed at the political level by Eleni Papadopoulou on"
    )
    fake = officer.post(
        f"{base(plan)}/versions/1/endorsements",
        endorsement("administrative", b"GIF89a not a pdf", "scan.pdf"),
    )
    assert fake.status_code == 422
    assert "document" in fake.json()["errors"]
    assert "must be a PDF or a Word (.docx) file" in fake.json()["detail"]
    missing = officer.post(
        f"{base(plan)}/versions/1/endorsements", {"level": "administrative", "role": "x"}
    )
    assert missing.status_code == 422
    assert {"endorsed_by", "endorsed_on", "document"} <= set(missing.json()["errors"])
    assert Endorsement.objects.count() == 1

    services.save_objective(
        plan=plan, title="Count the newcomers", key_factors=[plan.objectives.first()
        .key_factors.first().pk], by=people["officer"],
    )  # fmt: skip
    assert officer.post(f"{base(plan)}/versions").json()["number"] == 2
    old = officer.post(f"{base(plan)}/versions/1/endorsements", endorsement("administrative"))
    assert old.status_code == 422
    assert "Version 1 is not the latest one" in old.json()["detail"]


def test_a_frozen_version_cannot_be_changed(people, endorsed_plan):
    officer = api_client(people["officer"])
    for method in (officer.patch, officer.delete):
        response = method(f"{base(endorsed_plan)}/versions/1")
        assert response.status_code == 409
        assert response.json()["detail"] == FROZEN
    assert PlanVersion.objects.get().snapshot["title"] == "Athens welcomes"


def test_nothing_changed_is_refused_and_a_change_is_listed(people, endorsed_plan):
    officer = api_client(people["officer"])
    response = officer.post(f"{base(endorsed_plan)}/versions")
    assert response.status_code == 422
    assert "Nothing has changed since version 1" in response.json()["detail"]
    Action.objects.filter(title="Publish a guide").update(lead="Press office", progress=80)
    changes = Client().get(f"{base(endorsed_plan)}/changes").json()
    assert changes["state"] == "new_draft" and changes["compared_with"] == 1
    (changed,) = changes["actions_changed"]
    assert changed["title"] == "Publish a guide"
    assert changed["changes"] == [{"field": "lead", "old": "", "new": "Press office"}]


def test_permissions(people, plan):
    officer = api_client(people["officer"])
    assert api_client(people["mentor"]).post(f"{base(plan)}/versions").status_code == 403
    assert api_client(people["officer"], "read").post(f"{base(plan)}/versions").status_code == 403
    assert api_client(people["other_officer"]).post(f"{base(plan)}/versions").status_code == 404
    assert Client().post(f"{base(plan)}/versions").status_code == 401
    assert officer.post(f"{base(plan)}/versions").status_code == 201
    assert api_client(people["mentor"]).get(f"{base(plan)}/versions/1").status_code == 200
    assert api_client(people["other_mentor"]).get(f"{base(plan)}/versions/1").status_code == 404
    refused = api_client(people["facilitator"]).post(
        f"{base(plan)}/versions/1/endorsements", endorsement("political")
    )
    assert refused.status_code == 403
    assert officer.get(f"{base(plan)}/versions/7").status_code == 404
    assert officer.get("/api/v1/plans/999999/changes").status_code == 404
    assert not Endorsement.objects.exists()


def test_query_counts_do_not_grow(people, endorsed_plan):
    client = Client()
    address = [f"{base(endorsed_plan)}/versions", f"{base(endorsed_plan)}/changes"]

    def count() -> list[int]:
        return [count_queries(client, one) for one in address]

    small = count()
    objective = endorsed_plan.objectives.first()
    for n in range(6):
        services.save_action(
            plan=endorsed_plan,
            objective=objective,
            data=services.ActionIn(title=f"More {n}"),
            by=people["officer"],
        )
    assert count() == small


# History entered as it happened (issue 13) ----------------------------------------------------


def test_a_past_version_and_its_endorsements_take_their_historical_dates(people, plan):
    officer = api_client(people["officer"])
    response = officer.post(f"{base(plan)}/versions?submitted_on=2017-11-24")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["submitted_on"], data["submitted_on_precision"]) == ("2017-11-24", "day")
    assert data["frozen_at"].startswith(timezone.localdate().isoformat())  # recorded today

    response = officer.post(
        f"{base(plan)}/versions/1/endorsements",
        endorsement("administrative", endorsed_on="2017-12"),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["endorsed_on"], data["endorsed_on_precision"]) == ("2017-12-01", "month")
    officer.post(
        f"{base(plan)}/versions/1/endorsements",
        endorsement("political", endorsed_on="2017-12-14"),
    )
    (version,) = Client().get(f"{base(plan)}/versions").json()  # public now
    assert version["submitted_on"] == "2017-11-24" and version["endorsed"] is True
    assert [(e["endorsed_on"], e["endorsed_on_precision"]) for e in version["endorsements"]] == [
        ("2017-12-01", "month"),
        ("2017-12-14", "day"),
    ]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("2017-13", "“2017-13” is not a date"),
        ("2016-12-31", "before its programme"),
        ((timezone.localdate() + timedelta(days=1)).isoformat(), "cannot be in the future"),
    ],
)
def test_a_submission_date_that_cannot_be_is_422(people, plan, given, message):
    response = api_client(people["officer"]).post(f"{base(plan)}/versions?submitted_on={given}")
    assert response.status_code == 422
    assert message in response.json()["errors"]["submitted_on"][0]
    assert not PlanVersion.objects.exists()


def test_a_submission_date_of_another_shape_is_422(people, plan):
    response = api_client(people["officer"]).post(f"{base(plan)}/versions?submitted_on=Dec+2017")
    assert response.status_code == 422
    assert not PlanVersion.objects.exists()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("2017-13", "“2017-13” is not a date"),
        ("2017-11-23", "An endorsement cannot predate the version it endorses"),
        ("2017-10", "An endorsement cannot predate the version it endorses"),
    ],
)
def test_an_endorsement_date_that_cannot_be_is_422(people, plan, given, message):
    officer = api_client(people["officer"])
    officer.post(f"{base(plan)}/versions?submitted_on=2017-11-24")
    response = officer.post(
        f"{base(plan)}/versions/1/endorsements", endorsement("political", endorsed_on=given)
    )
    assert response.status_code == 422
    assert message in response.json()["errors"]["endorsed_on"][0]
    assert not Endorsement.objects.exists()
