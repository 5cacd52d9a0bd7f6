"""Versions of an action plan and their endorsement, through the pages (issue 7, point 3):
submitting a version, recording the administrative and the political endorsement with the
signed document, the plan becoming public, edits making a new draft with a readable comparison,
and the refusals (twice the same level, a fake PDF, a file too large, a frozen version)."""

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from citygrow.core.errors import ServiceError
from citygrow.plans import services, versions
from citygrow.plans.models import Action, ActionPlan, Endorsement, PlanVersion
from tests.support.budgets import count_queries
from tests.support.plans import (
    SIGNED_PDF,
    athens_pairing,
    docx_bytes,
    endorse,
    key_factor,
    signed_pdf,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def url(name: str, plan: ActionPlan, *args) -> str:
    return reverse(f"plans:{name}", args=[plan.pk, *args])


def endorse_form(level: str, document: SimpleUploadedFile | None = None, **changes) -> dict:
    return {
        "level": level,
        "endorsed_by": "Eleni Papadopoulou",
        "role": "Director-General",
        "endorsed_on": timezone.localdate().isoformat(),
        "document": document or signed_pdf(),
        **changes,
    }


# The whole journey through the pages ----------------------------------------------------------


def test_a_plan_is_submitted_endorsed_at_both_levels_and_becomes_public(client, people, plan):
    client.force_login(people["officer"])
    page = client.get(url("detail", plan)).content.decode()
    assert "Draft: not yet submitted for endorsement." in page
    assert "Submit this version for endorsement" in page

    response = client.post(url("freeze", plan), follow=True)
    assert response.redirect_chain[-1][0] == url("version", plan, 1)
    assert "Version 1 is submitted for endorsement" in response.content.decode()
    version = PlanVersion.objects.get(plan=plan)
    assert version.number == 1
    assert [o["title"] for o in version.snapshot["objectives"]] == [
        "Open a one-stop shop",
        "Speak the languages of newcomers",
    ]
    page = client.get(url("detail", plan)).content.decode()
    assert "Awaiting endorsement: version 1 needs its administrative and its political" in page
    assert "Submit this version for endorsement" not in page  # nothing changed since

    form = client.get(url("endorse", plan, 1) + "?level=political")
    assert form.status_code == 200
    assert 'value="political" required checked' in form.content.decode() or (
        form.context["form"].initial["level"] == "political"
    )
    response = client.post(url("endorse", plan, 1), endorse_form("administrative"), follow=True)
    assert "The administrative endorsement of version 1 is recorded." in response.content.decode()
    plan.refresh_from_db()
    assert not plan.is_endorsed
    assert versions.state(plan).state == versions.State.AWAITING
    assert "needs its political endorsement" in response.content.decode()
    client.logout()
    assert client.get(url("detail", plan)).status_code == 404  # still private

    client.force_login(people["officer"])
    docx = SimpleUploadedFile("signed.docx", docx_bytes())
    response = client.post(
        url("endorse", plan, 1),
        endorse_form("political", docx, endorsed_by="Mayor of Athens", role="Mayor"),
        follow=True,
    )
    page = response.content.decode()
    assert "Version 1 is endorsed at both levels. The plan is now public." in page
    plan.refresh_from_db()
    assert plan.is_endorsed and plan.endorsed_version == version
    assert versions.state(plan).state == versions.State.ENDORSED
    stored = {e.level: e for e in version.endorsements.all()}
    assert stored["political"].endorsed_by == "Mayor of Athens"
    assert stored["political"].document.name.endswith(".docx")
    assert stored["administrative"].recorded_by == people["officer"]

    client.logout()
    page = client.get(url("detail", plan))
    assert page.status_code == 200
    assert "Endorsed: version 1 is endorsed at both levels." in page.content.decode()
    document = client.get(url("endorsement_document", plan, stored["administrative"].pk))
    assert document.status_code == 200
    assert document["Content-Type"] == "application/pdf"
    assert b"".join(document.streaming_content) == SIGNED_PDF
    word = client.get(url("endorsement_document", plan, stored["political"].pk))
    assert word["Content-Type"] == versions.DOCX
    assert "attachment" in word["Content-Disposition"]


def test_edits_after_endorsement_make_a_new_draft_compared_with_the_endorsed_one(
    client, people, endorsed_plan
):
    plan, officer = endorsed_plan, people["officer"]
    mapping = Action.objects.get(title="Map the services")
    services.save_action(
        plan=plan,
        objective=mapping.objective,
        action=mapping,
        data=services.ActionIn(
            title="Map the services",
            lead="Migrant integration office",
            starts_on=mapping.starts_on,
            ends_on=date(2025, 3, 31),
            budget=mapping.budget,
            progress=mapping.progress,
        ),
        by=officer,
    )
    services.save_objective(
        plan=plan, title="Count the newcomers", key_factors=[key_factor(4).pk], by=officer
    )
    services.delete_action(action=Action.objects.get(title="Publish a guide"), by=officer)
    plan.refresh_from_db()
    assert versions.state(plan).state == versions.State.NEW_DRAFT
    assert plan.is_endorsed  # the endorsed version stays the adopted plan

    client.force_login(officer)
    page = client.get(url("detail", plan)).content.decode()
    assert "Endorsed, with a new draft: version 1 is endorsed, and the plan has changed" in page
    assert url("changes", plan) in page
    page = client.get(url("changes", plan)).content.decode()
    assert "Changes since the endorsed version 1" in page
    assert "Objectives added (1)" in page and "Count the newcomers" in page
    assert "Actions removed (1)" in page and "Publish a guide" in page
    assert "Actions changed (1)" in page
    assert "Lead department" in page
    assert "was: Social services; now: Migrant integration office" in page
    assert "was: 2024-12-31; now: 2025-03-31" in page

    # Progress is follow-up, not content: it changes nothing to compare.
    Action.objects.filter(pk=mapping.pk).update(progress=90)

    response = client.post(url("freeze", plan), follow=True)
    assert response.redirect_chain[-1][0] == url("version", plan, 2)
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2]
    plan.refresh_from_db()
    state = versions.state(plan)
    assert state.state == versions.State.AWAITING
    assert "Version 1 remains the endorsed one." in state.words
    # Version 1 is no longer the one to endorse; version 2 is.
    response = client.post(url("endorse", plan, 1), endorse_form("administrative"))
    assert response.status_code == 422
    assert "Version 1 is not the latest one: endorse version 2" in response.content.decode()
    # The frozen version 1 kept its content.
    v1 = plan.versions.get(number=1).snapshot
    assert v1["objectives"][0]["actions"][0]["lead"] == "Social services"


def test_submitting_without_changes_is_refused_with_a_message(client, people, plan):
    client.force_login(people["officer"])
    client.post(url("freeze", plan))
    response = client.post(url("freeze", plan), follow=True)
    assert "Nothing has changed since version 1 was submitted" in response.content.decode()
    assert plan.versions.count() == 1


def test_endorsing_the_same_level_twice_is_refused(client, people, plan):
    client.force_login(people["officer"])
    client.post(url("freeze", plan))
    client.post(url("endorse", plan, 1), endorse_form("administrative", role="Director"))
    response = client.post(
        url("endorse", plan, 1), endorse_form("administrative", endorsed_by="Someone else")
    )
    assert response.status_code == 422
    date_shown = response.content.decode()
    assert "Version 1 is already endorsed at the administrative level by Eleni Papadopoulou" in (
        date_shown
    )
    assert Endorsement.objects.filter(version__plan=plan).count() == 1
    assert Endorsement.objects.get().endorsed_by == "Eleni Papadopoulou"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("signed.pdf", b"This is not a PDF at all"),
        ("signed.docx", b"PK\x03\x04 not really a zip"),
        ("signed.docx", b""),
    ],
)
def test_a_document_that_is_not_a_pdf_or_word_file_is_refused(client, people, plan, name, content):
    client.force_login(people["officer"])
    client.post(url("freeze", plan))
    upload = SimpleUploadedFile(name, content)
    response = client.post(url("endorse", plan, 1), endorse_form("administrative", upload))
    assert response.status_code == 422
    page = response.content.decode()
    assert (
        "The signed document must be a PDF or a Word (.docx) file" in page
        or "The submitted file is empty." in page
    )
    assert not Endorsement.objects.exists()


def test_a_zip_that_is_not_a_word_file_is_refused(plan, people):
    services.freeze(plan=plan, by=people["officer"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(ServiceError, match="must be a PDF or a Word"):
        endorse(plan, "political", document=SimpleUploadedFile("a.docx", buffer.getvalue()))


def test_a_document_too_large_is_refused(client, people, plan, settings):
    settings.CITYGROW_MAX_UPLOAD = 1024
    client.force_login(people["officer"])
    client.post(url("freeze", plan))
    big = signed_pdf(content=SIGNED_PDF + b"0" * 2048)
    response = client.post(url("endorse", plan, 1), endorse_form("administrative", big))
    assert response.status_code == 422
    assert "The file is too large" in response.content.decode()
    assert not Endorsement.objects.exists()


def test_a_date_in_the_future_is_refused(client, people, plan):
    client.force_login(people["officer"])
    client.post(url("freeze", plan))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        url("endorse", plan, 1), endorse_form("administrative", endorsed_on=tomorrow)
    )
    assert response.status_code == 422
    assert "cannot be in the future" in response.content.decode()


def test_an_empty_form_gets_messages_not_an_error(client, people, plan):
    client.force_login(people["officer"])
    client.post(url("freeze", plan))
    response = client.post(url("endorse", plan, 1), {"level": "neither"})
    assert response.status_code == 422
    assert not Endorsement.objects.exists()


def test_a_plan_without_objectives_cannot_be_submitted(people, athens_assessment):
    empty = services.start_plan(
        pairing=athens_pairing(), assessment=athens_assessment, title="Empty", by=people["officer"]
    )
    with pytest.raises(ServiceError, match="at least one objective"):
        services.freeze(plan=empty, by=people["officer"])


def test_the_plan_title_change_makes_a_new_draft(people, endorsed_plan):
    ActionPlan.objects.filter(pk=endorsed_plan.pk).update(title="Athens welcomes all")
    endorsed_plan.refresh_from_db()
    state = versions.state(endorsed_plan)
    assert state.state == versions.State.NEW_DRAFT
    comparison = versions.changes(state)
    assert [(c.field, c.old, c.new) for c in comparison.plan] == [
        ("title", "Athens welcomes", "Athens welcomes all")
    ]


# Permissions ----------------------------------------------------------------------------------


def test_the_document_of_a_draft_plan_is_hidden_from_those_who_may_not_see_it(client, people, plan):
    services.freeze(plan=plan, by=people["officer"])
    endorsement = endorse(plan, "administrative")
    address = url("endorsement_document", plan, endorsement.pk)
    for role in ("other_officer", "other_mentor", "other_facilitator", "nobody"):
        client.force_login(people[role])
        assert client.get(address).status_code == 404, role
    client.logout()
    assert client.get(address).status_code == 404
    for role in ("officer", "mentor", "facilitator", "coordinator"):
        client.force_login(people[role])
        assert client.get(address).status_code == 200, role


def test_only_the_city_officers_submit_and_endorse(client, people, plan):
    client.force_login(people["mentor"])
    assert client.post(url("freeze", plan)).status_code == 403
    services.freeze(plan=plan, by=people["officer"])
    assert client.get(url("endorse", plan, 1)).status_code == 403
    assert client.post(url("endorse", plan, 1), endorse_form("political")).status_code == 403
    assert client.get(url("version", plan, 1)).status_code == 200
    client.force_login(people["other_officer"])
    assert client.get(url("version", plan, 1)).status_code == 404
    assert client.post(url("freeze", plan)).status_code == 404
    client.logout()
    response = client.get(url("endorse", plan, 1))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(url("freeze", plan)).status_code == 302
    assert PlanVersion.objects.count() == 1


def test_an_unknown_version_or_endorsement_is_not_found(client, people, endorsed_plan):
    client.force_login(people["officer"])
    assert client.get(url("version", endorsed_plan, 9)).status_code == 404
    assert client.get(url("endorse", endorsed_plan, 9)).status_code == 404
    assert client.get(url("endorsement_document", endorsed_plan, 999999)).status_code == 404


def test_there_is_no_way_to_edit_a_frozen_version_through_the_pages(client, people, endorsed_plan):
    client.force_login(people["officer"])
    assert client.post(url("version", endorsed_plan, 1), {"title": "x"}).status_code == 405
    assert client.get(url("version", endorsed_plan, 1) + "edit/").status_code == 404


# The pages ------------------------------------------------------------------------------------


def test_the_version_page_shows_the_content_as_frozen(client, people, endorsed_plan):
    Action.objects.filter(title="Map the services").update(title="Map every service")
    page = client.get(url("version", endorsed_plan, 1)).content.decode()
    assert "Version 1 of Athens welcomes" in page
    assert "Map the services" in page and "Map every service" not in page
    assert "Train the front desk" in page
    assert "Social services" in page and "5000.00" in page
    assert "1. " in page and "Mayor of Athens" in page
    assert "This is the plan's endorsed version." in page


def test_the_changes_page_before_any_version(client, people, plan):
    client.force_login(people["officer"])
    response = client.get(url("changes", plan))
    assert response.status_code == 200
    assert "no version to compare it with" in response.content.decode()


def _more_actions(plan: ActionPlan, officer, count: int) -> None:
    objective = plan.objectives.first()
    for n in range(count):
        parent = services.save_action(
            plan=plan,
            objective=objective,
            data=services.ActionIn(title=f"Extra {n}", lead="Office"),
            by=officer,
        )
        services.save_action(
            plan=plan,
            objective=objective,
            parent=parent,
            data=services.ActionIn(title=f"Extra {n}.1"),
            by=officer,
        )
    services.save_objective(
        plan=plan, title=f"Objective {count}", key_factors=[key_factor(5).pk], by=officer
    )


def test_query_counts_do_not_grow_with_the_plan(client, people, endorsed_plan):
    officer = people["officer"]
    client.force_login(officer)
    _more_actions(endorsed_plan, officer, 1)
    addresses = [url("version", endorsed_plan, 1), url("changes", endorsed_plan)]
    small = [count_queries(client, a) for a in addresses]
    _more_actions(endorsed_plan, officer, 8)
    services.freeze(plan=endorsed_plan, by=officer)
    endorse(endorsed_plan, "administrative")
    _more_actions(endorsed_plan, officer, 3)
    addresses[0] = url("version", endorsed_plan, 2)
    large = [count_queries(client, a) for a in addresses]
    assert large == small
