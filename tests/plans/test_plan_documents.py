"""The plan's PDF and Word file (issue 7 point 6): read back, they say what the plan says, to
someone outside the platform; made in a constant number of queries; private drafts stay
private."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from citygrow.plans import documents, services
from citygrow.plans.models import Action
from citygrow.plans.numbering import numbered
from tests.support.budgets import count_queries
from tests.support.plans import add_actions, athens_pairing
from tests.support.roles import PEOPLE, TEAM


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_numbering_follows_objectives_and_sub_actions():
    class A:
        def __init__(self, pk, objective_id, parent_id=None):
            self.pk, self.objective_id, self.parent_id = pk, objective_id, parent_id

    actions = [A(1, 10), A(2, 10), A(3, 20), A(4, 10, 2), A(5, 10, 4), A(6, 10, 2)]
    result = [(a.pk, ref, level) for a, ref, level in numbered([10, 20], actions)]
    assert result == [
        (1, "1.1", 0),
        (2, "1.2", 0),
        (4, "1.2.1", 1),
        (5, "1.2.1.1", 2),
        (6, "1.2.2", 1),
        (3, "2.1", 0),
    ]


def test_the_pdf_reads_as_a_plan(client, people, plan):
    client.force_login(people["mentor"])
    response = client.get(reverse("plans:pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="athens-athens-welcomes.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    text = " ".join(pdf_text(response.content).split())
    for expected in [
        "Athens welcomes",
        "Action plan of Athens (Greece)",
        "Test programme",
        "Munich",  # the mentor city
        "Athens 2024",  # the assessment it starts from
        "1 May 2024",
        "Draft, not yet endorsed",
        "Objective 1: Open a one-stop shop",
        "Objective 2: Speak the languages of newcomers",
        "1.1 Map the services",
        "1.2.1 Train the front desk",
        "2.1 Publish a guide",
        "Social services",
        "1 June 2024 to 31 December 2024",
        "EUR 5,000.00",
        "Completed",
        "63.3 %",  # overall
        "50 % (from its sub-actions)",
    ]:
        assert expected in text, expected


def test_the_word_file_has_headings_and_tables(client, people, plan):
    action = Action.objects.get(title="Map the services")
    action.indicator, action.baseline, action.target = "Newcomers advised", "120", "400"
    action.funding, action.risks = "ESF+", "Staff turnover"
    action.save()
    client.force_login(people["officer"])
    response = client.get(reverse("plans:docx", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == documents.WORD_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="athens-athens-welcomes.docx"'
    word = Document(io.BytesIO(response.content))
    headings = [
        (p.style.name, p.text)
        for p in word.paragraphs
        if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == ("Title", "Athens welcomes")
    assert ("Heading 1", "About this plan") in headings
    assert ("Heading 1", "Objectives and actions") in headings
    assert ("Heading 2", "Objective 1: Open a one-stop shop") in headings
    assert ("Heading 2", "Objective 2: Speak the languages of newcomers") in headings
    assert ("Heading 3", "1.2.1 Train the front desk") in headings
    assert ("Heading 1", "Overall progress") in headings
    cells = [[cell.text for cell in row.cells] for table in word.tables for row in table.rows]
    assert ["City", "Athens (Greece)"] in cells
    assert ["Mentor city", "Munich"] in cells
    assert ["Status", "Draft, not yet endorsed"] in cells
    assert ["No.", "Action", "Lead", "When", "Status", "Progress"] in cells
    assert [
        "1.1",
        "Map the services",
        "Social services",
        "1 June 2024 to 31 December 2024",
        "",
        "40 %",
    ] in cells
    assert ["Indicator", "Newcomers advised: from 120 to 400"] in cells
    assert ["Budget and funding", "EUR 5,000.00, funded by ESF+"] in cells
    assert ["Risks", "Staff turnover"] in cells
    text = "\n".join(p.text for p in word.paragraphs)
    assert "63.3 %" in text
    assert word.core_properties.title == "Athens welcomes"


def test_an_endorsed_plan_lists_its_endorsements(client, people, plan):
    from django.core.files.base import ContentFile

    from citygrow.plans.models import Endorsement, PlanVersion

    version = PlanVersion.objects.create(plan=plan, number=1, snapshot={})
    for level, name in [("administrative", "A. Clerk"), ("political", "M. Mayor")]:
        Endorsement.objects.create(
            version=version,
            level=level,
            endorsed_by=name,
            role="Mayor" if level == "political" else "Secretary general",
            endorsed_on=date(2024, 9, 3),
            document=ContentFile(b"%PDF-1.4", name="signed.pdf"),
        )
    plan.endorsed_version = version
    plan.save()
    response = client.get(reverse("plans:docx", args=[plan.pk]))  # public once endorsed
    assert response.status_code == 200
    cells = [
        [c.text for c in row.cells]
        for t in Document(io.BytesIO(response.content)).tables
        for row in t.rows
    ]
    assert ["Political", "M. Mayor", "Mayor", "3 September 2024"] in cells
    assert ["Status", "Endorsed at the administrative and the political level (version 1)"] in cells
    text = " ".join(pdf_text(client.get(reverse("plans:pdf", args=[plan.pk])).content).split())
    assert "M. Mayor" in text and "3 September 2024" in text


@pytest.mark.parametrize("name", ["pdf", "docx"])
def test_a_draft_is_private_to_the_team(client, people, plan, name):
    url = reverse(f"plans:{name}", args=[plan.pk])
    assert client.get(url).status_code == 404
    for role in PEOPLE:
        client.force_login(people[role])
        assert client.get(url).status_code == (200 if role in TEAM else 404), role
    assert client.get(reverse(f"plans:{name}", args=[plan.pk + 999])).status_code == 404


@pytest.mark.parametrize("name", ["pdf", "docx"])
def test_documents_take_the_same_queries_with_more_actions(officer, plan, name):
    url = reverse(f"plans:{name}", args=[plan.pk])
    officer.web.get(url)
    few = count_queries(officer.web, url)
    add_actions(plan, 12, officer.user)
    many = count_queries(officer.web, url)
    assert many == few
    if name == "docx":
        content = many.response.content
        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
        assert "1.3.1 Extra sub-action 0" in text


def test_an_empty_plan_still_reads(client, people, athens_assessment):
    plan = services.start_plan(
        pairing=athens_pairing(), assessment=athens_assessment, title="Empty", by=people["officer"]
    )
    client.force_login(people["officer"])
    text = pdf_text(client.get(reverse("plans:pdf", args=[plan.pk])).content)
    assert "The plan has no objectives yet." in text
    word = Document(io.BytesIO(client.get(reverse("plans:docx", args=[plan.pk])).content))
    assert "The plan has no actions yet." in [p.text for p in word.paragraphs]


def test_the_plan_page_links_to_the_documents(client, people, plan):
    client.force_login(people["officer"])
    page = client.get(plan.get_absolute_url()).content.decode()
    for url in [
        reverse("plans:pdf", args=[plan.pk]),
        reverse("plans:docx", args=[plan.pk]),
        reverse("plans:actions_export", args=[plan.pk, "csv"]),
        reverse("plans:actions_export", args=[plan.pk, "xlsx"]),
        reverse("plans:actions_import", args=[plan.pk]),
    ]:
        assert f'href="{url}"' in page
    client.force_login(people["mentor"])
    page = client.get(plan.get_absolute_url()).content.decode()
    assert reverse("plans:pdf", args=[plan.pk]) in page
    assert reverse("plans:actions_import", args=[plan.pk]) not in page
