"""A cycle's answers as CSV and XLSX (a row per city, codes and labels in the header), the
city's results as PDF, and the pure table they are made from (issue 15 part 6)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from citygrow.people.models import City
from citygrow.publishing import tables
from citygrow.survey import export_table, services
from tests.support.clients import web_client
from tests.support.survey import open_cycle_for, rate, response_of

ROLES = [
    export_table.RoleColumn(
        code="policy-maker",
        title="The city as a policy-maker",
        commitments=[
            export_table.CommitmentColumn(
                "PM1", "Communicate", [export_table.Question("plan", "A written plan?")]
            ),
            export_table.CommitmentColumn("PM2", "Equal access"),
        ],
    )
]


def test_the_table_has_codes_then_labels_and_a_row_per_city():
    city = export_table.CityRow(
        city="Athens",
        country="Greece",
        status="submitted",
        submitted=date(2026, 11, 2),
        answers={
            "PM1": export_table.Answer(
                "fully", "=SUM(A1)", ["https://a.example", "https://b.example"], {"plan": True}
            )
        },
        notes={"policy-maker": "A note"},
        scores={"policy-maker": Decimal("100.0"), "overall": Decimal("100.0")},
    )
    heads, rows = export_table.table(ROLES, [city])
    assert heads[0] == [
        "city", "country", "status", "submitted",
        "PM1", "PM1_evidence", "PM1_links", "PM1.plan",
        "PM2", "PM2_evidence", "PM2_links",
        "policy-maker_note", "policy-maker_score", "overall_score",
    ]  # fmt: skip
    assert heads[1][4] == "PM1: Communicate" and heads[1][7] == "PM1: A written plan?"
    assert rows == [
        [
            "Athens", "Greece", "submitted", date(2026, 11, 2),
            "fully", "=SUM(A1)", "https://a.example\nhttps://b.example", "yes",
            None, None, None,
            "A note", Decimal("100.0"), Decimal("100.0"),
        ]
    ]  # fmt: skip
    assert len(export_table.table(ROLES, [], header=export_table.Header.CODES)[0]) == 1
    labels = export_table.table(ROLES, [], header=export_table.Header.LABELS)[0]
    assert labels[0][0] == "City"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "'quoted"])
def test_formula_like_text_is_defused_and_restored(text):
    assert tables.defuse(text) == "'" + text
    assert tables.undefuse(tables.defuse(text)) == text
    assert tables.defuse("plain") == "plain" and tables.defuse(3) == 3


@pytest.fixture
def cycle(people):
    cycle = open_cycle_for(people)
    athens = response_of(cycle)
    rate(athens, {"PM1": "fully", "PM2": "not_at_all"}, by=people["officer"])
    services.save_rating(
        response=athens,
        commitment=athens.cycle.questionnaire.commitments.get(code="SP1"),
        rating="partly",
        evidence='=HYPERLINK("http://evil")',
        links=["https://athens.example/plan"],
        extra={},
        seen_version=None,
        by=people["officer"],
    )
    services.submit_response(response=athens, by=people["officer"])
    return cycle


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_a_coordinator_downloads_every_invited_city(people, cycle):
    client = web_client(people["coordinator"])
    page = client.get(f"/charter/cycles/{cycle.pk}/answers.csv")
    assert page.status_code == 200
    assert page["Content-Type"] == tables.CSV_TYPE
    assert 'filename="charter-survey-2019.csv"' in page["Content-Disposition"]
    rows = read_csv(page.content)
    codes, labels, athens, helsinki = rows
    assert codes[:5] == ["city", "country", "status", "submitted", "PM1"]
    assert labels[0] == "City"
    record = dict(zip(codes, athens, strict=True))
    assert (record["city"], record["status"], record["PM1"], record["PM2"]) == (
        "Athens", "submitted", "fully", "not_at_all",
    )  # fmt: skip
    assert record["SP1_evidence"] == '\'=HYPERLINK("http://evil")'  # defused
    assert record["SP1_links"] == "https://athens.example/plan"
    assert record["policy-maker_score"] == "50.0"
    assert dict(zip(codes, helsinki, strict=True))["status"] == "invited"
    only_codes = read_csv(
        client.get(f"/charter/cycles/{cycle.pk}/answers.csv?header=codes").content
    )
    assert only_codes[1][0] == "Athens"
    workbook = load_workbook(
        io.BytesIO(client.get(f"/charter/cycles/{cycle.pk}/answers.xlsx").content)
    )
    sheet = workbook.active
    assert sheet.title == "2019"
    assert [cell.value for cell in sheet[3]][:5] == [
        "Athens",
        City.objects.get(name="Athens").country.name,
        "submitted",
        sheet["D3"].value,
        "fully",
    ]
    assert sheet.freeze_panes == "A3"


def test_the_public_gets_only_the_cities_that_published_their_answers(people, cycle):
    url = f"/charter/cycles/{cycle.pk}/answers.csv"
    assert Client().get(url).status_code == 404  # results not published
    services.publish_results(cycle=cycle, by=people["coordinator"])
    assert len(read_csv(Client().get(url).content)) == 2  # the header rows only
    athens = response_of(cycle)
    services.accept_response(response=athens, by=people["coordinator"])
    services.set_answers_public(response=athens, public=True, by=people["officer"])
    rows = read_csv(Client().get(url).content)
    assert [row[0] for row in rows[2:]] == ["Athens"]
    assert Client().get(f"/charter/cycles/{cycle.pk}/answers.json").status_code == 404


def test_the_citys_results_as_pdf(people, cycle):
    athens = response_of(cycle)
    page = web_client(people["officer"]).get(f"/charter/responses/{athens.pk}/results.pdf")
    assert page.status_code == 200
    assert page["Content-Type"] == "application/pdf"
    assert page.content.startswith(b"%PDF")
    assert 'filename="charter-athens-2019.pdf"' in page["Content-Disposition"]
    assert (
        web_client(people["other_officer"])
        .get(f"/charter/responses/{athens.pk}/results.pdf")
        .status_code
        == 404
    )
