"""Actions to and from CSV and XLSX (issue 7 point 6): the export, the import with its preview,
errors by row and column with nothing written, the round trip, the API, permissions and query
budgets."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from citygrow.plans import transfer
from citygrow.plans.models import Action, ActionPlan
from citygrow.publishing import tables
from tests.support.budgets import count_queries
from tests.support.clients import bearer, web_client
from tests.support.plans import add_actions, endorse
from tests.support.roles import PEOPLE, TEAM


def export(client, plan, fmt: str) -> bytes:
    response = client.get(reverse("plans:actions_export", args=[plan.pk, fmt]))
    assert response.status_code == 200
    return response.content


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_values(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content))["Actions"]
    return list(sheet.iter_rows(values_only=True))


def write_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def upload(client, plan, content: bytes, name: str = "actions.csv"):
    return client.post(
        reverse("plans:actions_import", args=[plan.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def confirm(client, plan, preview):
    token = preview.context["token"]
    return client.post(reverse("plans:actions_import", args=[plan.pk]), {"token": token})


def snapshot(plan) -> list[tuple]:
    return list(
        Action.objects.filter(plan=plan)
        .order_by("pk")
        .values_list(
            "pk", "title", "objective_id", "parent_id", "starts_on", "ends_on", "budget",
            "progress", "status_id", "weight", "description",
        )
    )  # fmt: skip


# The export ---------------------------------------------------------------------------------


def test_the_csv_export_has_one_row_per_action_with_plain_columns(officer, plan):
    Action.objects.filter(title="Map the services").update(
        description='=HYPERLINK("http://evil")', weight=Decimal("2")
    )
    rows = csv_rows(export(officer.web, plan, "csv"))
    assert rows[0] == list(transfer.COLUMNS)
    as_dicts = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [(r["ref"], r["parent ref"], r["title"]) for r in as_dicts] == [
        ("1.1", "", "Map the services"),
        ("1.2", "", "Train the staff"),
        ("1.2.1", "1.2", "Train the front desk"),
        ("2.1", "", "Publish a guide"),
    ]
    first = as_dicts[0]
    assert first["objective"] == "Open a one-stop shop"
    assert (first["start"], first["end"]) == ("2024-06-01", "2024-12-31")
    assert (first["budget"], first["progress"], first["weight"]) == ("5000.00", "40", "2.00")
    assert first["description"] == '\'=HYPERLINK("http://evil")'  # defused
    assert as_dicts[3]["status"] == "Completed"
    response = officer.web.get(reverse("plans:actions_export", args=[plan.pk, "csv"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="athens-athens-welcomes-actions.csv"'
    )


def test_the_xlsx_export_keeps_numbers_and_dates(officer, plan):
    values = xlsx_values(export(officer.web, plan, "xlsx"))
    assert values[0] == transfer.COLUMNS
    first = dict(zip(values[0], values[1], strict=True))
    assert first["budget"] == 5000 and first["progress"] == 40
    assert first["start"].date() == date(2024, 6, 1)
    assert first["ref"] == "1.1"


def test_an_unknown_format_is_not_found(officer, plan):
    assert (
        officer.web.get(reverse("plans:actions_export", args=[plan.pk, "pdf"])).status_code == 404
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_draft_s_actions_are_private_to_the_team(client, people, plan, fmt):
    url = reverse("plans:actions_export", args=[plan.pk, fmt])
    assert client.get(url).status_code == 404
    for role in PEOPLE:
        client.force_login(people[role])
        assert client.get(url).status_code == (200 if role in TEAM else 404), role


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_takes_the_same_queries_with_more_actions(officer, plan, fmt):
    url = reverse("plans:actions_export", args=[plan.pk, fmt])
    officer.web.get(url)
    few = count_queries(officer.web, url, status=None)
    add_actions(plan, 10, officer.user)
    many = count_queries(officer.web, url, status=None)
    assert many == few


# The round trip -----------------------------------------------------------------------------


def test_csv_round_trip_gives_the_same_file_and_writes_nothing(officer, plan):
    Action.objects.filter(title="Train the staff").update(
        description='- first\n- second, "quoted"', risks="'quoted'", weight=Decimal("1.5")
    )
    first = export(officer.web, plan, "csv")
    before = snapshot(plan)
    changed_at = ActionPlan.objects.get(pk=plan.pk).content_changed_at
    preview = upload(officer.web, plan, first)
    assert preview.status_code == 200
    assert preview.context["counts"] == {"create": 0, "update": 0, "unchanged": 4}
    response = confirm(officer.web, plan, preview)
    assert response.status_code == 302
    assert snapshot(plan) == before
    assert ActionPlan.objects.get(pk=plan.pk).content_changed_at == changed_at
    assert export(officer.web, plan, "csv") == first


def test_xlsx_round_trip_gives_the_same_cells(officer, plan):
    first = export(officer.web, plan, "xlsx")
    preview = upload(officer.web, plan, first, "actions.xlsx")
    assert preview.context["counts"]["unchanged"] == 4, preview.context.get("parsed")
    confirm(officer.web, plan, preview)
    assert xlsx_values(export(officer.web, plan, "xlsx")) == xlsx_values(first)


def test_an_import_previews_then_updates_and_creates(officer, people, plan):
    rows = csv_rows(export(officer.web, plan, "csv"))
    header = rows[0]
    col = {name: header.index(name) for name in header}
    rows[1][col["progress"]] = "60"  # Map the services
    rows[1][col["status"]] = "in progress"  # any case
    new = [""] * len(header)
    new[col["objective"]] = "Speak the languages of newcomers"
    new[col["ref"]] = "2.9"
    new[col["title"]] = "Translate the forms"
    new[col["start"]], new[col["end"]] = "2025-01-01", "2025-06-30"
    new[col["budget"]] = "1200.5"
    child = list(new)
    child[col["ref"]], child[col["parent ref"]], child[col["title"]] = "", "2.9", "Into Arabic"
    child[col["budget"]] = ""
    rows += [new, child]
    before = snapshot(plan)
    preview = upload(officer.web, plan, write_csv(rows))
    assert preview.status_code == 200
    assert preview.context["counts"] == {"create": 2, "update": 1, "unchanged": 3}
    page = preview.content.decode()
    assert "Changes: status, progress" in page
    assert "Adds a new action" in page
    assert snapshot(plan) == before  # the preview wrote nothing
    response = confirm(officer.web, plan, preview)
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    mapped = Action.objects.get(title="Map the services")
    assert mapped.progress == 60 and mapped.status.name == "In progress"
    translate = Action.objects.get(title="Translate the forms")
    assert translate.budget == Decimal("1200.50")
    assert translate.objective.title == "Speak the languages of newcomers"
    assert Action.objects.get(title="Into Arabic").parent == translate
    refs = [row[col["ref"]] for row in csv_rows(export(officer.web, plan, "csv"))[1:]]
    assert refs == ["1.1", "1.2", "1.2.1", "2.1", "2.2", "2.2.1"]
    page = officer.web.get(plan.get_absolute_url()).content.decode()
    assert "Actions imported: 2 added, 1 changed, 3 unchanged." in page


def test_errors_are_listed_by_row_and_column_and_nothing_is_written(officer, plan):
    rows = csv_rows(export(officer.web, plan, "csv"))
    col = {name: rows[0].index(name) for name in rows[0]}
    rows[1][col["start"]], rows[1][col["end"]] = "2025-05-01", "2025-01-01"
    rows[2][col["progress"]] = "140"
    rows[3][col["budget"]] = "about 5000 euros"
    rows[4][col["objective"]] = "Something else"
    rows[4][col["status"]] = "Sleeping"
    rows[3][col["start"]] = "31/12/2024"
    rows[2][col["parent ref"]] = "9.9"
    before = snapshot(plan)
    response = upload(officer.web, plan, write_csv(rows))
    assert response.status_code == 422
    errors = [str(error) for error in response.context["parsed"].errors]
    assert errors == [
        "Row 2, column end: the end cannot be before the start.",
        'Row 3, column parent ref: no action has the ref "9.9", in the file or in the plan.',
        "Row 3, column progress: progress is a whole percentage, from 0 to 100.",
        "Row 4, column start: write the date as YYYY-MM-DD, e.g. 2026-03-31.",
        "Row 4, column budget: write a number with a point for decimals, e.g. 12500.50 (no "
        "text or signs).",
        'Row 5, column objective: the plan has no objective "Something else"; use an '
        "objective's title as in the export.",
        'Row 5, column status: no status is called "Sleeping"; the statuses are: Not '
        "started, In progress, Delayed, Completed, Cancelled.",
    ]
    page = response.content.decode()
    assert "The file has 7 errors; nothing was imported." in page
    assert "Row 3, column progress" in page
    assert 'name="token"' not in page  # no confirming a file with errors
    assert snapshot(plan) == before


def test_parents_are_checked(officer, plan):
    rows = csv_rows(export(officer.web, plan, "csv"))
    col = {name: rows[0].index(name) for name in rows[0]}
    rows[2][col["parent ref"]] = "1.2.1"  # Train the staff under its own sub-action
    rows[4][col["parent ref"]] = "1.1"  # Publish a guide (objective 2) under an action of 1
    rows.append(list(rows[1]))  # the same ref twice
    response = upload(officer.web, plan, write_csv(rows))
    errors = [str(error) for error in response.context["parsed"].errors]
    assert errors == [
        "Row 3, column parent ref: this makes the action part of itself (through 1.2).",
        "Row 4, column parent ref: this makes the action part of itself (through 1.2.1).",
        "Row 5, column parent ref: action 1.1 is under another objective; a sub-action is "
        "under the objective of its action.",
        "Row 6, column ref: row 2 has the same ref.",
    ]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"title,when\nA,B\n", "a.csv", "Missing: objective, ref, parent ref"),
        (b"title,when\nA,B\n", "a.csv", "Not expected: when."),
        (b"", "a.csv", "The file is empty."),
        (b"%PDF-1.4 not a table", "a.pdf", "Upload a CSV or an XLSX file"),
        (b"PK\x03\x04broken", "a.xlsx", "The file is not a readable XLSX workbook."),
        ("objective,ref\n".encode("utf-16"), "a.csv", "The file is not UTF-8 text."),
    ],
)
def test_a_file_that_is_not_an_actions_file_is_refused(officer, plan, content, name, message):
    response = upload(officer.web, plan, content, name)
    assert response.status_code == 422
    assert message in response.context["file_error"]
    assert message.split(",")[0] in response.content.decode()


def test_a_million_rows_are_refused_without_reading_them_all(officer, plan, monkeypatch):
    header = ",".join(transfer.COLUMNS) + "\n"
    row = "Open a one-stop shop,,,A,,,,,,,,,,,,,,\n"
    big = (header + row * 1_000_000).encode()
    response = upload(officer.web, plan, big)
    assert response.status_code == 422
    assert "larger than 2 MB" in response.context["file_error"]
    many = (header + row * 1_001).encode()  # small enough, too many rows
    response = upload(officer.web, plan, many)
    assert "more than 1,000 rows" in response.context["file_error"]
    assert Action.objects.filter(plan=plan).count() == 4


def test_a_workbook_that_unpacks_to_a_huge_sheet_is_refused(officer, plan):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(transfer.COLUMNS))
    for _number in range(1500):
        sheet.append(["Open a one-stop shop", "", "", "x" * 20_000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(buffer.getvalue()) < transfer.MAX_BYTES
    response = upload(officer.web, plan, buffer.getvalue(), "big.xlsx")
    assert response.status_code == 422
    assert "unpacks to more than" in response.context["file_error"]


def test_a_tampered_or_stale_preview_is_not_imported(officer, people, plan):
    rows = csv_rows(export(officer.web, plan, "csv"))
    rows[1][rows[0].index("title")] = "Map every service"
    preview = upload(officer.web, plan, write_csv(rows))
    url = reverse("plans:actions_import", args=[plan.pk])
    response = officer.web.post(url, {"token": preview.context["token"] + "x"})
    assert response.status_code == 422
    assert "The preview has expired" in response.context["file_error"]
    # Someone changes the plan meanwhile: the new preview is shown, nothing written.
    from citygrow.plans import services

    services.save_action(
        plan=plan,
        objective=plan.objectives.first(),
        data=services.ActionIn(title="Added meanwhile"),
        by=people["officer"],
    )
    response = confirm(officer.web, plan, preview)
    assert response.status_code == 200
    assert response.context["stale"]
    assert not Action.objects.filter(title="Map every service").exists()
    assert confirm(officer.web, plan, response).status_code == 302
    assert Action.objects.filter(title="Map every service").exists()
    # Another person cannot replay the officer's preview.
    other = web_client(people["coordinator"])
    assert other.post(url, {"token": response.context["token"]}).status_code == 403


def test_import_page_permissions(client, people, plan):
    url = reverse("plans:actions_import", args=[plan.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"].lower()
    for role in PEOPLE:
        client.force_login(people[role])
        expected = 200 if role == "officer" else 403 if role in TEAM else 404
        assert client.get(url).status_code == expected, role
    client.force_login(people["mentor"])
    assert upload(client, plan, b"x").status_code == 403
    client.force_login(people["officer"])
    page = client.get(url).content.decode()
    assert '<label for="id_file">' in page
    assert client.post(url, {}).status_code == 422


def test_the_pure_reader_and_parser_without_the_database():
    known = transfer.Known(
        objectives={"open a one-stop shop": 1},
        objective_titles={1: "Open a one-stop shop"},
        statuses={"completed": 7},
        status_names=["Completed"],
        actions={},
    )
    content = (
        "\ufeffObjective;Ref;Parent_ref;Title;Description;Lead;Partners;Start;End;Budget;"
        "Funding;Indicator;Baseline;Target;Risks;Status;Progress;Weight\n"
        "Open a one-stop shop;1.1;;'=SUM(A1);;;;2025-01-01;;10;;;;;;COMPLETED;100 %;0.5\n"
    ).encode()
    table = transfer.read_table("a.csv", io.BytesIO(content))
    parsed = transfer.parse(table, known)
    assert parsed.errors == []
    row = parsed.rows[0]
    assert row.values["title"] == "=SUM(A1)"
    assert row.values["status_id"] == 7 and row.values["progress"] == 100
    assert row.values["budget"] == Decimal("10.00") and row.values["weight"] == Decimal("0.50")
    assert row.change == "create"
    for text in ["=1", "'x", "''", "-", "@a", "plain", "'plain"]:
        assert transfer.undefuse(transfer.defuse(text)) == text


# The API ------------------------------------------------------------------------------------


def test_the_api_exports_files(client, people, plan):
    url = f"/api/v1/plans/{plan.pk}/actions.csv"
    assert client.get(url).status_code == 404  # a draft, to an anonymous caller
    headers = bearer(people["mentor"], "read")
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content == export(web_client(people["officer"]), plan, "csv")
    response = client.get(f"/api/v1/plans/{plan.pk}/actions.xlsx", headers=headers)
    assert response["Content-Type"] == tables.XLSX_TYPE
    assert client.get(url, headers=bearer(people["other_officer"])).status_code == 404


def test_the_api_import_dry_run_then_applies(client, people, plan):
    content = export(web_client(people["officer"]), plan, "csv")
    rows = csv_rows(content)
    rows[1][rows[0].index("progress")] = "70"
    url = f"/api/v1/plans/{plan.pk}/actions-import"
    headers = bearer(people["officer"])
    response = client.post(
        url, {"file": SimpleUploadedFile("a.csv", write_csv(rows))}, headers=headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] and not body["applied"] and body["valid"]
    assert body["counts"] == {"create": 0, "update": 1, "unchanged": 3}
    assert body["rows"][0] == {
        "row": 2, "ref": "1.1", "title": "Map the services", "change": "update",
        "changed": ["progress"],
    }  # fmt: skip
    assert Action.objects.get(title="Map the services").progress == 40
    response = client.post(
        url,
        {"file": SimpleUploadedFile("a.csv", write_csv(rows)), "dry_run": "false"},
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["applied"]
    assert Action.objects.get(title="Map the services").progress == 70


def test_the_api_import_refuses_errors_and_other_people(client, people, plan):
    content = export(web_client(people["officer"]), plan, "csv")
    rows = csv_rows(content)
    rows[2][rows[0].index("budget")] = "lots"
    url = f"/api/v1/plans/{plan.pk}/actions-import"
    headers = bearer(people["officer"])
    data = {"file": SimpleUploadedFile("a.csv", write_csv(rows)), "dry_run": "false"}
    response = client.post(url, data, headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "The file has errors; nothing was imported."
    assert body["cells"][0]["row"] == 3 and body["cells"][0]["column"] == "budget"
    assert "row 3.budget" in body["errors"]
    dry = client.post(url, {"file": SimpleUploadedFile("a.csv", write_csv(rows))}, headers=headers)
    assert dry.status_code == 200 and not dry.json()["valid"]
    assert dry.json()["errors"][0]["column"] == "budget"
    bad = client.post(url, {"file": SimpleUploadedFile("a.csv", b"a,b\n1,2\n")}, headers=headers)
    assert bad.status_code == 422 and "Missing: objective" in bad.json()["detail"]
    file = SimpleUploadedFile("a.csv", content)
    assert client.post(url, {"file": file}).status_code == 401
    mentor = bearer(people["mentor"])
    assert (
        client.post(url, {"file": SimpleUploadedFile("a.csv", content)}, headers=mentor).status_code
        == 403
    )
    other = bearer(people["other_officer"])
    assert (
        client.post(url, {"file": SimpleUploadedFile("a.csv", content)}, headers=other).status_code
        == 404
    )
    read_only = bearer(people["officer"], "read")
    assert (
        client.post(
            url, {"file": SimpleUploadedFile("a.csv", content)}, headers=read_only
        ).status_code
        == 403
    )


def test_empty_header_cells_are_ignored():
    known = transfer.Known({}, {}, {}, [], {})
    header = ",".join(transfer.COLUMNS) + ",,\n"
    table = transfer.read_table("a.csv", io.BytesIO((header + "x,,,A\n").encode()))
    parsed = transfer.parse(table, known)
    assert [str(e) for e in parsed.errors] == [
        'Row 2, column objective: the plan has no objective "x"; use an objective\'s title as '
        "in the export."
    ]


@pytest.mark.parametrize("endorsed", [True, False])
def test_every_route_s_status_per_role(client, people, plan, endorsed):
    """The matrix reported for tests/site/test_permissions.py."""
    if endorsed:
        endorse(plan)
    view = [
        reverse("plans:pdf", args=[plan.pk]),
        reverse("plans:docx", args=[plan.pk]),
        reverse("plans:actions_export", args=[plan.pk, "csv"]),
        reverse("plans:actions_export", args=[plan.pk, "xlsx"]),
        f"/api/v1/plans/{plan.pk}/actions.csv",
        f"/api/v1/plans/{plan.pk}/actions.xlsx",
    ]
    import_url = reverse("plans:actions_import", args=[plan.pk])
    for url in view:
        assert client.get(url).status_code == (200 if endorsed else 404), url
    assert client.get(import_url).status_code == 302
    for role in PEOPLE:
        client.force_login(people[role])
        sees = endorsed or role in TEAM
        for url in view:
            assert client.get(url).status_code == (200 if sees else 404), (role, url)
        expected = 200 if role == "officer" else 403 if sees else 404
        assert client.get(import_url).status_code == expected, role
