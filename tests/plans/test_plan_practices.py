"""Plans cite the practices they adapt (issue 13, part 5): the practices offered to a plan (its
assessment report's per gap, its mentor city's on the theme), the objective and action forms
that cite them, the plan page, its PDF, Word file and versions."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citygrow.catalogue.models import Theme
from citygrow.people.models import City
from citygrow.plans import compare, documents, services, versions
from citygrow.practices.models import Practice
from tests.support.budgets import count_queries
from tests.support.plans import endorse, key_factor


def contributed(city: str, name: str, theme: str = "A", status: str = "published") -> Practice:
    """A practice contributed by `city` on `theme`, in `status`."""
    practice = Practice.objects.create(
        city=City.objects.get(name=city),
        origin=Practice.Origin.CONTRIBUTED,
        status=status,
        name=name,
        text=f"How {city} does it.",
        source="",
    )
    practice.themes.add(Theme.objects.get(code=theme))
    return practice


def example(city: str, position: int) -> Practice:
    """The toolkit A (2018) example of `city` on key factor `position`."""
    return Practice.objects.get(
        city__name=city, toolkit__theme__code="A", toolkit__year=2018, key_factor__position=position
    )


# What is offered ------------------------------------------------------------------------------


def test_it_offers_the_report_practices_for_each_gap_then_the_mentor_city_practices(people, plan):
    mentoring = contributed("Munich", "Welcome desks in every district")
    contributed("Munich", "A practice on another theme", theme="C")
    contributed("Munich", "A withdrawn practice", status="withdrawn")
    contributed("Munich", "A draft", status="draft")
    contributed("Vienna", "Another city's contribution")

    offered = services.practice_suggestions(plan, people["officer"])

    by_practice = {s.practice: s for s in offered}
    # Gap on key factor 1 (score 0) and 2 (50): the report's practices, with their gap.
    first = by_practice[example("Munich", 1)]
    assert "gap" in first.reason and key_factor(1).heading in first.reason
    assert first.key_factors == (key_factor(1).pk,)
    shop = plan.objectives.get(title="Open a one-stop shop")
    assert first.objectives == (shop.pk,)
    assert example("Vienna", 2) in by_practice
    # No gap on key factor 3: its examples are not offered (not the mentor city's either).
    assert example("Birmingham", 3) not in by_practice
    # Seen on the visits: the mentor city's contribution on the theme; each practice once.
    assert "mentor city" in by_practice[mentoring].reason
    assert [s.practice.title for s in offered].count(example("Munich", 1).title) == 1
    titles = {s.practice.title for s in offered}
    assert not titles & {
        "A practice on another theme",
        "A withdrawn practice",
        "A draft",
        "Another city's contribution",
    }
    # The gaps come first, the largest first.
    assert offered[0].practice == example("Munich", 1)
    assert offered[-1].practice == mentoring


def test_without_an_assessment_it_offers_the_mentor_city_practices(people, plan):
    plan.assessment = None
    plan.save(update_fields=["assessment"])
    mentoring = contributed("Munich", "Welcome desks in every district")

    offered = services.practice_suggestions(plan, people["officer"])

    assert {s.practice for s in offered} == {example("Munich", 1), example("Munich", 2), mentoring}
    assert all("mentor city" in s.reason for s in offered)


def test_the_suggestions_take_a_fixed_number_of_queries(people, plan):
    officer = people["officer"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            services.practice_suggestions(plan, officer)
        return len(captured)

    queries()  # what is read once per request (the person's roles, the plan's relations)
    before = queries()
    for n in range(5):
        contributed("Munich", f"Practice {n}").key_factors.add(key_factor(1))
        services.save_objective(
            plan=plan, title=f"More {n}", key_factors=[key_factor(n + 1).pk], by=officer
        )
    assert queries() == before


# The forms ------------------------------------------------------------------------------------


def objective_data(**changes: object) -> dict:
    data = {
        "title": "Open a one-stop shop",
        "description": "",
        "key_factors": [str(key_factor(1).pk)],
        "suggested": [],
        "practices": "",
        "source": "gap",
    }
    data.update(changes)
    return data


def test_an_objective_cites_an_offered_practice_and_another_from_the_library(officer, plan):
    shop = plan.objectives.get(title="Open a one-stop shop")
    edit = reverse("plans:objective_edit", args=[plan.pk, shop.pk])
    page = officer.web.get(edit).content.decode()
    offered = example("Munich", 1)
    assert offered.title in page and "Suggested by the assessment report" in page
    other = example("London", 3)

    response = officer.web.post(
        edit,
        objective_data(
            suggested=[str(offered.pk)], practices=f"https://x.org/practices/{other.pk}/"
        ),
    )

    assert response.status_code == 302
    assert list(shop.practices.order_by("pk")) == sorted([offered, other], key=lambda p: p.pk)
    # The plan page says what each objective adapts, linked; the offer leaves out cited ones.
    page = officer.web.get(plan.get_absolute_url()).content.decode()
    assert "Adapts:" in page and f'href="{other.get_absolute_url()}"' in page
    offered_section = page.split('id="practices-offered"')[1]
    assert offered.title not in offered_section and example("Vienna", 2).title in offered_section
    # The edit page shows the other practice back with its title.
    page = officer.web.get(edit).content.decode()
    assert f"{other.pk} {other.title}" in page


def test_an_action_cites_a_practice_by_number(officer, plan):
    action = plan.actions.get(title="Map the services")
    practice = contributed("Munich", "Welcome desks in every district")
    edit = reverse("plans:action_edit", args=[plan.pk, action.pk])
    data = {
        "title": action.title,
        "lead": action.lead,
        "starts_on": "2024-06-01",
        "ends_on": "2024-12-31",
        "budget": "5000",
        "progress": "40",
        "practices": f"#{practice.pk}",
    }
    assert officer.web.post(edit, data).status_code == 302
    assert list(action.practices.all()) == [practice]
    page = officer.web.get(plan.get_absolute_url()).content.decode()
    row = page.split(f'id="action-{action.pk}"')[1].split("</tr>")[0]
    assert "Adapts:" in row and "Welcome desks in every district" in row


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("withdrawn", "is not in the library (withdrawn or not yet published)"),
        ("999999", "There is no practice 999999 in the library."),
        ("a welcome desk", "Line 1: write a practice&#x27;s number or its address"),
    ],
)
def test_a_practice_that_cannot_be_cited_is_refused_beside_the_field(officer, plan, line, message):
    shop = plan.objectives.get(title="Open a one-stop shop")
    shop.practices.set([example("Munich", 1)])
    if line == "withdrawn":
        line = str(contributed("Munich", "Gone", status="withdrawn").pk)
    edit = reverse("plans:objective_edit", args=[plan.pk, shop.pk])

    response = officer.web.post(edit, objective_data(title="A new title", practices=line))

    assert response.status_code == 400
    assert "practices" in response.context["form"].errors
    assert message in response.content.decode()
    shop.refresh_from_db()
    assert shop.title == "Open a one-stop shop"
    assert list(shop.practices.all()) == [example("Munich", 1)]
    # What was typed is kept.
    assert "A new title" in response.content.decode()


def test_the_plan_page_stays_flat_with_citations(officer, plan):
    url = plan.get_absolute_url()
    shop = plan.objectives.get(title="Open a one-stop shop")
    shop.practices.set([example("Munich", 1)])
    before = count_queries(officer.web, url)
    for n, action in enumerate(plan.actions.all()):
        action.practices.set([example("London", 3), contributed("Munich", f"Practice {n}")])
    for objective in plan.objectives.all():
        objective.practices.add(example("Vienna", 2))
    assert count_queries(officer.web, url) == before


def test_outsiders_see_the_citations_but_not_the_offer(client, people, plan):
    plan.objectives.first().practices.set([example("Munich", 1)])
    endorse(plan)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Adapts:" in page and 'id="practices-offered"' not in page


# The documents and versions -------------------------------------------------------------------


def test_the_word_file_lists_the_practices_with_their_addresses(officer, plan):
    plan.objectives.first().practices.set([example("Munich", 1)])
    plan.actions.get(title="Map the services").practices.set([example("London", 3)])
    response = officer.web.get(reverse("plans:docx", args=[plan.pk]))
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert f"http://testserver{example('Munich', 1).get_absolute_url()}" in text
    assert example("London", 3).title in text


def test_the_document_lists_each_objective_and_action_practices(plan):
    plan.objectives.first().practices.set([example("Munich", 1)])
    plan.actions.get(title="Map the services").practices.set([example("London", 3)])
    doc = documents.load_document(plan.pk, lambda path: f"https://citygrow.eu{path}")
    first = doc.objectives[0]
    assert [p.url for p in first.practices] == [
        f"https://citygrow.eu{example('Munich', 1).get_absolute_url()}"
    ]
    mapped = next(a for a in first.actions if a.title == "Map the services")
    assert [p.title for p in mapped.practices] == [example("London", 3).title]


def test_a_version_records_the_practices_and_older_snapshots_still_compare(plan):
    old = versions.snapshot(plan)  # nothing cited: no "practices" key, as before
    assert "practices" not in old["objectives"][0]
    practice = example("Munich", 1)
    plan.objectives.first().practices.set([practice])
    new = versions.snapshot(plan)
    assert new["objectives"][0]["practices"] == [{"id": practice.pk, "title": practice.title}]
    changed = compare.compare(old, new).objectives_changed
    assert changed[0].changes[0].field == "practices"
    assert changed[0].changes[0].new == practice.title
    assert changed[0].changes[0].old == ""
    # Citing nothing again makes the plan its older snapshot again.
    plan.objectives.first().practices.clear()
    assert versions.snapshot(plan) == old


def test_the_pdf_lists_the_practices_with_their_addresses(officer, plan):
    from tests.plans.test_plan_documents import pdf_text

    plan.actions.get(title="Map the services").practices.set([example("London", 3)])
    response = officer.web.get(reverse("plans:pdf", args=[plan.pk]))
    text = " ".join(pdf_text(response.content).split())
    assert "Adapts these practices of the CityGrow library:" in text
    address = f"http://testserver{example('London', 3).get_absolute_url()}"
    assert address in "".join(text.split())  # the PDF may break the line inside it


def test_the_practices_offered_per_gap_are_those_of_the_assessment_report(people, plan):
    from citygrow.assessments.insights import insights_for, practices_to_read
    from citygrow.assessments.models import Answer, Assessment
    from citygrow.assessments.sheet import load_sheet
    from citygrow.catalogue.models import GuideQuestion

    # Vienna, in the network, scores 100 on key factor 2: its example there is read first.
    vienna = Assessment.objects.create(
        city=City.objects.get(name="Vienna"),
        toolkit=plan.assessment.toolkit,
        title="Vienna",
        assessed_on=plan.assessment.assessed_on,
        status=Assessment.Status.PUBLISHED,
    )
    Answer.objects.bulk_create(
        Answer(assessment=vienna, question=q, value="yes")
        for q in GuideQuestion.objects.filter(key_factor=key_factor(2))
    )
    assessment = plan.assessment

    read = practices_to_read(assessment)

    report = insights_for(assessment, load_sheet(assessment)).practices
    assert {factor.position: practices for factor, practices in read} == report
    assert [factor.position for factor, _practices in read] == [1, 2]
    assert dict((f.position, p) for f, p in read)[2][0] == example("Vienna", 2)
    offered = [s.practice for s in services.practice_suggestions(plan, people["officer"])]
    assert offered.index(example("Vienna", 2)) < offered.index(example("Munich", 2))


def test_a_practice_withdrawn_after_it_was_cited_stays_cited_and_the_objective_still_saves(
    officer, plan
):
    """Editing an objective that cites a practice withdrawn since is not refused: the citation
    stays (the plan's history is not rewritten); citing a withdrawn practice anew is."""
    shop = plan.objectives.get(title="Open a one-stop shop")
    cafes = contributed("Munich", "Language cafés")
    edit = reverse("plans:objective_edit", args=[plan.pk, shop.pk])
    assert officer.web.post(edit, objective_data(practices=str(cafes.pk))).status_code == 302
    Practice.objects.filter(pk=cafes.pk).update(status=Practice.Status.WITHDRAWN)

    response = officer.web.post(
        edit, objective_data(title="Open two one-stop shops", practices=str(cafes.pk))
    )

    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.title == "Open two one-stop shops" and list(shop.practices.all()) == [cafes]
    other = plan.objectives.exclude(pk=shop.pk).first() or services.save_objective(
        plan=plan, title="Another", key_factors=[key_factor(2).pk], by=officer.user
    )
    refused = officer.web.post(
        reverse("plans:objective_edit", args=[plan.pk, other.pk]),
        objective_data(title=other.title, practices=str(cafes.pk)),
    )
    assert refused.status_code == 400
    assert not other.practices.exists()
