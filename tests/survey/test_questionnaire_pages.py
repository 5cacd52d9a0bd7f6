"""Loading questionnaire files into the database, the Charter pages per role, and the API."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citygrow.people.models import AuditEntry
from citygrow.survey import services
from citygrow.survey.models import CharterRole, Commitment, ExtraQuestion, Questionnaire
from citygrow.survey.questionnaire_file import QuestionnaireFileError, parse_questionnaire
from tests.support.clients import bearer
from tests.survey.conftest import SHIPPED

SUMMARY_MARK = "Our summary, not the Charter's wording"
OFFICIAL = (
    SHIPPED.read_text(encoding="utf-8")
    .replace("label: charter-2010", "label: charter-2010-official")
    .replace("summary: true", "summary: false")
)


def load(text: str, **options) -> services.LoadResult:
    return services.load_questionnaire(
        document=parse_questionnaire(text, source="test.yaml"), source="test.yaml", **options
    )


def counts() -> tuple[int, int, int, int]:
    return (
        Questionnaire.objects.count(),
        CharterRole.objects.count(),
        Commitment.objects.count(),
        ExtraQuestion.objects.count(),
    )


def big_questionnaire(roles: int, per_role: int) -> str:
    """A questionnaire with `roles` roles of `per_role` commitments, each with two questions."""
    lines = [
        "format: 1",
        "edition: {label: big, year: 2030, status: published}",
        "title: A big questionnaire",
        "source: {title: The Charter, publisher: EUROCITIES, year: 2010, credit: Summaries.}",
        "scale: {fully: 100, partly: 50, not_at_all: 0}",
        "roles:",
        *(f"  - {{code: role-{r}, title: Role {r}}}" for r in range(roles)),
        "commitments:",
    ]
    for r in range(roles):
        for c in range(per_role):
            lines += [
                f"  - code: R{r}C{c}",
                f"    role: role-{r}",
                f"    text: Commitment {c} of role {r}.",
                "    summary: true",
                "    questions:",
                "      - {code: a, kind: yes_no, text: Is it so?}",
                "      - {code: b, kind: choice, text: Which?, choices: [one, two]}",
            ]
    return "\n".join(lines) + "\n"


# -- loading ------------------------------------------------------------------------------------


def test_the_shipped_file_loads_four_roles_and_eleven_summaries(charter):
    assert [r.code for r in charter.roles.order_by("position")] == [
        "policy-maker",
        "service-provider",
        "employer",
        "buyer",
    ]
    commitments = Commitment.objects.filter(questionnaire=charter).order_by("position")
    assert [c.code for c in commitments][:3] == ["PM1", "PM2", "PM3"]
    assert commitments.count() == 11
    assert all(c.is_summary for c in commitments)
    assert (charter.source_title, charter.source_publisher, charter.source_year) == (
        "EUROCITIES Charter on Integrating Cities",
        "EUROCITIES",
        2010,
    )
    # Loaded from the command line: not a person's act, so not in the audit trail (as toolkits).
    assert not AuditEntry.objects.filter(target_type="survey.questionnaire").exists()


def test_loading_the_same_file_twice_changes_nothing(charter):
    before = (counts(), charter.loaded_at, AuditEntry.objects.count())
    out = StringIO()
    call_command("load_questionnaire", SHIPPED.parent, stdout=out)
    assert "charter-2010: unchanged" in out.getvalue()
    assert (counts(), Questionnaire.objects.get().loaded_at, AuditEntry.objects.count()) == before


def test_different_content_for_a_stored_edition_is_refused_unless_replaced(charter):
    changed = SHIPPED.read_text(encoding="utf-8").replace(
        "Develop a more diverse base of suppliers.", "Widen the base of suppliers."
    )
    with pytest.raises(QuestionnaireFileError) as caught:
        load(changed)
    assert caught.value.problems[0].path == "edition.label"
    assert "already loaded with different content" in caught.value.problems[0].message
    assert Commitment.objects.get(code="BU3").text == "Develop a more diverse base of suppliers."
    result = load(changed, replace=True)
    assert result.outcome is services.Outcome.REPLACED
    assert Commitment.objects.get(code="BU3").text == "Widen the base of suppliers."
    assert counts() == (1, 4, 11, 0)


def test_the_official_wording_loads_as_a_new_edition_beside_the_summaries(charter):
    result = load(OFFICIAL)
    assert result.outcome is services.Outcome.CREATED
    assert Questionnaire.objects.count() == 2
    assert not Commitment.objects.filter(questionnaire=result.questionnaire, is_summary=True)


def test_the_command_checks_without_writing_and_refuses_a_bad_file(db, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(SHIPPED.read_text(encoding="utf-8").replace("code: BU3", "code: BU2"))
    out = StringIO()
    call_command("load_questionnaire", "--check", SHIPPED, stdout=out)
    assert "charter-2010.yaml: no problems" in out.getvalue()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_questionnaire", bad, stdout=StringIO(), stderr=err)
    assert "commitments[10].code (line" in err.getvalue()
    assert "the commitment code 'BU2' is used twice" in err.getvalue()
    assert counts() == (0, 0, 0, 0)


def test_an_export_loads_back_to_the_same_file(charter, tmp_path):
    load(big_questionnaire(2, 2))
    for label in ("charter-2010", "big"):
        out = StringIO()
        call_command("export_questionnaire", label, stdout=out)
        document = parse_questionnaire(out.getvalue())
        assert document.fingerprint() == Questionnaire.objects.get(label=label).fingerprint
    shipped = parse_questionnaire(SHIPPED.read_text(encoding="utf-8"))
    assert services.export_questionnaire(questionnaire=charter) == services.dump_questionnaire(
        shipped.as_data()
    )


# -- pages --------------------------------------------------------------------------------------


def test_the_charter_page_shows_the_current_edition_credited_and_marked(client, charter):
    response = client.get("/charter/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(f'<em class="badge summary-mark">{SUMMARY_MARK}</em>') == 11
    assert "EUROCITIES Charter on Integrating Cities" in page
    assert "February 2010, London" in page
    assert "not applicable" in page and "data gap" in page
    assert "The city as a buyer of goods and services" in page
    assert "Load a new edition" not in page


def test_the_charter_page_without_an_edition_says_so(client, db):
    assert "No questionnaire edition is loaded yet" in client.get("/charter/").content.decode()


def test_an_edition_has_its_page_and_its_file(client, charter):
    official = load(OFFICIAL).questionnaire
    page = client.get(f"/charter/questionnaires/{official.pk}/").content.decode()
    assert SUMMARY_MARK not in page
    response = client.get(f"/charter/questionnaires/{charter.pk}/file/")
    assert response["Content-Type"].startswith("application/yaml")
    assert parse_questionnaire(response.content.decode()).fingerprint() == charter.fingerprint
    assert client.get("/charter/questionnaires/999/").status_code == 404


def test_a_coordinator_loads_a_file_as_a_new_edition(coordinator, charter):
    upload = SimpleUploadedFile("official.yaml", OFFICIAL.encode())
    response = coordinator.web.post(reverse("survey:questionnaire_new"), {"file": upload})
    official = Questionnaire.objects.get(label="charter-2010-official")
    assert response.status_code == 302
    assert response["Location"] == official.get_absolute_url()
    entry = AuditEntry.objects.get(target_id=str(official.pk))
    assert entry.actor == coordinator.user


def test_a_refused_file_lists_its_problems_and_stores_nothing(coordinator, db):
    bad = SHIPPED.read_text(encoding="utf-8").replace("code: BU3", "code: BU2")
    upload = SimpleUploadedFile("bad.yaml", bad.encode())
    response = coordinator.web.post(reverse("survey:questionnaire_new"), {"file": upload})
    assert response.status_code == 422
    page = response.content.decode()
    assert "<code>commitments[10].code</code>" in page
    assert "the commitment code &#x27;BU2&#x27; is used twice" in page
    assert counts() == (0, 0, 0, 0)


def test_an_upload_with_aliases_or_binary_data_is_refused(coordinator, db):
    aliased = "format: 1\ntitle: &t A title\nroles: *t\n"
    for name, data in [("a.yaml", aliased.encode()), ("b.yaml", b"\x00\x01\xff")]:
        upload = SimpleUploadedFile(name, data)
        response = coordinator.web.post(reverse("survey:questionnaire_new"), {"file": upload})
        assert response.status_code == 422
    assert counts() == (0, 0, 0, 0)


def test_the_upload_page_is_for_coordinators(coordinator, officer, nobody, db):
    url = reverse("survey:questionnaire_new")
    assert coordinator.web.get(url).status_code == 200
    assert officer.web.get(url).status_code == 403
    assert nobody.web.get(url).status_code == 403
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))
    upload = SimpleUploadedFile("official.yaml", OFFICIAL.encode())
    assert officer.web.post(url, {"file": upload}).status_code == 403
    assert counts() == (0, 0, 0, 0)


def test_coordinators_see_the_link_to_load_an_edition(coordinator, officer, charter):
    assert "Load a new edition" in coordinator.web.get("/charter/").content.decode()
    assert "Load a new edition" not in officer.web.get("/charter/").content.decode()


def test_the_pages_query_counts_do_not_grow_with_the_questionnaire(client, db):
    load(big_questionnaire(1, 1))
    small = Questionnaire.objects.get()
    with CaptureQueriesContext(connection) as few:
        client.get("/charter/")
        client.get(f"/charter/questionnaires/{small.pk}/")
        client.get(f"/charter/questionnaires/{small.pk}/file/")
    small.delete()
    load(big_questionnaire(6, 5))
    big = Questionnaire.objects.get()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/charter/")
        client.get(f"/charter/questionnaires/{big.pk}/")
        client.get(f"/charter/questionnaires/{big.pk}/file/")
    assert response.content.decode().count("Which?") == 30
    assert len(many) == len(few) <= 17  # the edition page reads the commitments' links


# -- API ----------------------------------------------------------------------------------------


def test_the_api_lists_and_shows_editions(client, charter):
    official = load(OFFICIAL).questionnaire
    editions = client.get("/api/v1/charter/questionnaires").json()
    assert [e["label"] for e in editions] == ["charter-2010-official", "charter-2010"]
    assert editions[0]["is_current"] and not editions[1]["is_current"]
    body = client.get(f"/api/v1/charter/questionnaires/{charter.pk}").json()
    assert [role["code"] for role in body["roles"]] == [
        "policy-maker",
        "service-provider",
        "employer",
        "buyer",
    ]
    assert body["roles"][3]["commitments"][2]["code"] == "BU3"
    assert body["roles"][0]["commitments"][0]["is_summary"] is True
    assert body["scale"]["fully"] == 100 and body["scale"]["partly"] == 50
    assert body["source"]["publisher"] == "EUROCITIES"
    response = client.get(f"/api/v1/charter/questionnaires/{official.pk}/file")
    assert response.status_code == 200
    assert parse_questionnaire(response.content.decode()).fingerprint() == official.fingerprint
    assert client.get("/api/v1/charter/questionnaires/999").status_code == 404


def test_a_coordinator_loads_an_edition_through_the_api(coordinator, db):
    url = "/api/v1/charter/questionnaires"
    response = coordinator.api.post(url, {"text": OFFICIAL}, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["label"] == "charter-2010-official"
    again = coordinator.api.post(url, {"text": OFFICIAL}, content_type="application/json")
    assert again.status_code == 200
    assert Questionnaire.objects.count() == 1


def test_the_api_refuses_a_bad_file_with_its_problems_by_path(coordinator, db):
    bad = OFFICIAL.replace("code: BU3", "code: BU2")
    response = coordinator.api.post(
        "/api/v1/charter/questionnaires", {"text": bad}, content_type="application/json"
    )
    assert response.status_code == 422
    problem = response.json()["problems"][0]
    assert problem["path"] == "commitments[10].code"
    assert "is used twice" in problem["message"]
    assert problem["line"] > 0
    assert counts() == (0, 0, 0, 0)


def test_only_coordinators_load_through_the_api(officer, coordinator, db):
    url = "/api/v1/charter/questionnaires"
    body = {"text": OFFICIAL}
    assert officer.api.post(url, body, content_type="application/json").status_code == 403
    assert Client().post(url, body, content_type="application/json").status_code == 401
    read_only = Client(headers=bearer(coordinator.user, scope="read"))
    assert read_only.post(url, body, content_type="application/json").status_code == 403
    assert counts() == (0, 0, 0, 0)
