"""The whole journey of a self-assessment, as the demo's people would make it: Athens's officer
starts and answers, submits; Athens's mentor and the theme's facilitator comment; the facilitator
marks it reviewed; the officer publishes, compares with Munich, and downloads the report."""

import io
from datetime import date

from django.test import Client
from pypdf import PdfReader

from citygrow.assessments.models import Answer, Assessment
from citygrow.catalogue.models import GuideQuestion, Toolkit
from citygrow.people.models import City
from tests.support.clients import web_client


def test_a_city_assesses_itself_from_start_to_published_report(people):
    toolkit = Toolkit.objects.get(theme__code="A", year=2018)
    athens, munich = City.objects.get(name="Athens"), City.objects.get(name="Munich")
    # Munich published an assessment earlier: all "yes".
    earlier = Assessment.objects.create(
        city=munich, toolkit=toolkit, title="Munich 2025", assessed_on=date(2025, 5, 1),
        status=Assessment.Status.PUBLISHED,
    )  # fmt: skip
    questions = list(
        GuideQuestion.objects.filter(key_factor__toolkit=toolkit).select_related("key_factor")
    )
    Answer.objects.bulk_create(
        Answer(assessment=earlier, question=q, value="yes") for q in questions
    )

    officer = web_client(people["officer"])
    response = officer.post(
        "/assessments/new/",
        {
            "city": athens.pk,
            "toolkit": toolkit.pk,
            "title": "Athens 2026",
            "assessed_on": "2026-11-01",
        },
    )
    assessment = Assessment.objects.get(title="Athens 2026")
    assert response["Location"] == f"/assessments/{assessment.pk}/answer/"
    # Key factor 1: yes, partly, no -> 50. Every other question: "no", but one "don't know".
    for question in questions:
        value = "no"
        if question.key_factor.position == 1:
            value = {1: "yes", 2: "partly", 3: "no"}[question.position]
        if question.key_factor.position == 2 and question.position == 1:
            value = "dont_know"
        response = officer.post(
            f"/assessments/{assessment.pk}/questions/{question.pk}/",
            {f"q{question.pk}-value": value, f"q{question.pk}-evidence": "Council minutes"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200 and b"Saved" in response.content
    response = officer.post(f"/assessments/{assessment.pk}/submit/", follow=True)
    assert "Submitted for review." in response.content.decode()

    kf1 = toolkit.key_factors.get(position=1)
    for who, text in [
        ("mentor", "Munich's report helps here."),
        ("facilitator", "Well evidenced."),
    ]:
        response = web_client(people[who]).post(
            f"/assessments/{assessment.pk}/key-factors/{kf1.pk}/comments/", {"text": text}
        )
        assert response.status_code == 302
    response = web_client(people["facilitator"]).post(f"/assessments/{assessment.pk}/review/")
    assert response.status_code == 302
    response = officer.post(f"/assessments/{assessment.pk}/publish/", follow=True)
    assert "Published" in response.content.decode()

    page = Client().get(f"/assessments/{assessment.pk}/").content.decode()  # now public
    assert "report helps here" not in page  # the review's comments stay with the team
    assert (
        "Munich&#x27;s report helps here."
        in officer.get(assessment.get_absolute_url()).content.decode()
    )
    assert "Network mean (1 city)" in page
    assert "Cities that could mentor on it:" in page and ">Munich</a> (100)" in page
    assert "1 answer is “don't know”: a data gap to close." in page

    pdf = officer.get(f"/assessments/{assessment.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Athens: Athens 2026" in text
    assert "Overall score: 7.1" in text  # key factor 1: 50; the six others: 0 -> 50 / 7
    assert "Gaps" in text and "Mapping and needs assessment" in text

    csv = officer.get(f"/assessments/{assessment.pk}/answers.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("key factor,key factor heading,question")
    assert "1.2,Does the city work together" not in csv  # questions are quoted in full
    assert csv.count("Council minutes") == len(questions)
    xlsx = officer.get(f"/assessments/{assessment.pk}/answers.xlsx")
    assert xlsx.content[:2] == b"PK"
