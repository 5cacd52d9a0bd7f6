"""Issue 12's acceptance story: every theme runs the whole method, told through the pages.

The "Done when" of issue 12, end to end, as the people of the `people` fixture would do it in a
browser without scripts: each page is fetched, and its own forms are posted with the fields the
page gives them (tests/support/pages.py reads them), so that a page that cannot do its part
fails here. Theme B has no toolkit in the seeded site. All toolkit text is made-up test text.

1. Bea, a facilitator of theme B, starts the first edition of B's toolkit, enters a short
   toolkit of two key factors (each with why it matters and guide questions; one example from
   Lisbon) on the edit page, previews it (a visitor gets 404 for the draft) and publishes it
   (the visitor now reads it).
2. Cora, a coordinator, pairs Lisbon (mentor) with Athens (implementing) by hand on the page of
   "Test programme"'s scheme B.
3. Bea plans a study visit of the pairing and publishes its report, with a barrier finding kept
   without a key factor.
4. Olga, an officer of Athens, starts Athens's action plan from that finding before any
   assessment; Lucas, an officer of Lisbon whom nobody invited, reads the draft plan at once,
   and Hugo, an officer of Helsinki, gets 404.
5. Athens assesses itself against the new toolkit; Olga ties the plan to that assessment and
   the objective to a key factor; a second round, better on that key factor, is linked as the
   plan's follow-up, and the measured change shows the difference.
"""

from datetime import date

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import resolve, reverse

from citygrow.catalogue.models import Theme, Toolkit
from citygrow.mentoring.models import Programme, Scheme, SchemeCity
from citygrow.people.models import City, Invitation, Organisation, Role
from tests.support.pages import Choice, form_on, has_link, link_on, row_of, text_of
from tests.support.people import Person

YEAR = 2030
TOOLKIT = "Test toolkit B"
FACTOR_ONE = "Test key factor one"
FACTOR_TWO = "Test key factor two"
QUESTION_ONE = "Test guide question 1.1: is there a test plan?"
QUESTION_TWO = "Test guide question 1.2: is the test plan funded?"
QUESTION_THREE = "Test guide question 2.1: is there a test forum?"
EXAMPLE = "Test example: Lisbon's made-up test desk."
FINDING = "Test barrier: the test offices share no data on newcomers."
PLAN = "Test plan of Athens on theme B"
SCHEME_B = ("test-programme", "B")


@pytest.fixture
def bea(people, django_user_model) -> Person:
    """A facilitator of theme B: of the organisation that facilitates scheme B."""
    organisation = Organisation.objects.create(name="Test organisation for B")
    organisation.themes.add(Theme.objects.get(code="B"))
    user = django_user_model.objects.create_user("bea", password="pass-1234-word")
    Role.objects.create(user=user, kind="facilitator", organisation=organisation)
    return Person(user)


@pytest.fixture
def scheme_b(bea) -> Scheme:
    """Scheme B of Test programme, facilitated by Bea's organisation: Lisbon (mentor), Athens
    and Tampere (implementing); theme B has no toolkit yet."""
    scheme = Scheme.objects.create(
        programme=Programme.objects.get(slug="test-programme"),
        theme=Theme.objects.get(code="B"),
        facilitator=Organisation.objects.get(name="Test organisation for B"),
    )
    for name, role in [
        ("Lisbon", "mentor"),
        ("Athens", "implementing"),
        ("Tampere", "implementing"),
    ]:
        SchemeCity.objects.create(scheme=scheme, city=City.objects.get(name=name), role=role)
    assert not Toolkit.objects.filter(theme__code="B").exists()
    cache.clear()  # no toolkit page rendered by an earlier test
    return scheme


@pytest.fixture
def lucas(people, django_user_model) -> Person:
    """An officer of Lisbon, never invited as a mentor."""
    user = django_user_model.objects.create_user("lucas", password="pass-1234-word")
    Role.objects.create(user=user, kind="officer", city=City.objects.get(name="Lisbon"))
    return Person(user)


def test_every_theme_runs_the_method_from_its_toolkit_to_measured_change(
    scheme_b, bea, coordinator, officer, other_officer, lucas
):
    visitor = Client()
    author_preview_and_publish_the_toolkit(bea, visitor)
    pair_lisbon_with_athens(coordinator)
    report_a_barrier_from_a_study_visit(bea)
    plan_url = start_the_plan_from_the_finding(officer)
    the_mentor_city_reads_the_draft_plan(lucas, other_officer, visitor, plan_url)
    assess_tie_and_measure_the_change(officer, lucas, other_officer, plan_url)


# 1. The toolkit ---------------------------------------------------------------------------------


def author_preview_and_publish_the_toolkit(bea: Person, visitor: Client) -> None:
    """Bea starts B's first edition, enters it on the edit page, previews and publishes it."""
    web = bea.web
    toolkits = web.get(reverse("catalogue:toolkit_list"))
    start = web.get(link_on(toolkits, "Start the first edition (B)"))
    assert start.status_code == 200
    started = form_on(start, containing="Start the first edition").submit(
        web,
        {
            "Edition year": YEAR,
            "Title": TOOLKIT,
            "Source: title": "Test source, made up for the tests",
            "Source: publisher": "Test publisher",
            "Source: year of publication": YEAR,
            "Credit": "Test credit.",
            "Integrating Cities standard": "Test standard statement.",
        },
        follow=True,
    )
    page = text_of(started)
    assert f"The {YEAR} edition was started as a draft. Only the theme's authors see it." in page
    assert f"{YEAR} edition Draft" in page

    # The edit page: the edition's own fields, then two key factors with their questions.
    edit_url = link_on(started, f"Edit the {YEAR} draft")
    edit = web.get(edit_url)
    assert "Test standard statement." in edit.content.decode()
    saved = form_on(edit, containing="The edition's title, source and standard").submit(
        web, {"Introduction to the standard": "Test introduction to the standard."}
    )
    assert saved.status_code == 302, text_of(saved)  # saved: back to the form on the page
    add_key_factor(web, edit_url, FACTOR_ONE, "Test why one: it matters for the tests.")
    add_to_key_factor(web, edit_url, 1, "guide question", {"Question": QUESTION_ONE})
    add_to_key_factor(
        web,
        edit_url,
        1,
        "guide question",
        {"Question": QUESTION_TWO, "Sub-items": "Test sub-item a\nTest sub-item b"},
    )
    add_to_key_factor(
        web,
        edit_url,
        1,
        "example",
        {"City": Choice("Lisbon"), "Text": EXAMPLE, "Links": "https://example.org/test"},
    )
    add_key_factor(web, edit_url, FACTOR_TWO, "Test why two: it matters too.")
    add_to_key_factor(web, edit_url, 2, "guide question", {"Question": QUESTION_THREE})

    # The preview: the toolkit page as it will be, with the draft banner, for its authors only.
    preview_url = link_on(web.get(edit_url), "Preview the edition")
    preview = web.get(preview_url)
    page = text_of(preview)
    assert f"Draft preview of the {YEAR} edition" in page
    for text in [
        TOOLKIT,
        "Test standard statement.",
        "Test introduction to the standard.",
        FACTOR_ONE,
        "Test why one: it matters for the tests.",
        QUESTION_ONE,
        QUESTION_TWO,
        "Test sub-item b",
        EXAMPLE,
        "Lisbon",
        FACTOR_TWO,
        QUESTION_THREE,
    ]:
        assert text in page, text
    assert visitor.get(preview_url).status_code == 404, "a visitor must not see the draft"
    assert visitor.get(reverse("catalogue:toolkit_list")).content.decode().count(TOOLKIT) == 0

    # Publishing: nothing is missing, and the edition becomes public.
    publish = web.get(link_on(preview, "Publish"))
    assert "Not ready to publish" not in text_of(publish)
    published = form_on(publish, containing=f"Publish the {YEAR} edition").submit(web, follow=True)
    page = text_of(published)
    assert f"The {YEAR} edition is published: everyone can read it and assess against it." in page
    assert "Draft preview" not in page

    public = visitor.get(reverse("catalogue:theme", args=["B"]), follow=True)
    assert public.status_code == 200
    assert public.redirect_chain[-1][0] == preview_url
    page = text_of(public)
    for text in [TOOLKIT, FACTOR_ONE, QUESTION_ONE, EXAMPLE, FACTOR_TWO, QUESTION_THREE]:
        assert text in page, text
    assert "Draft preview" not in page


def add_key_factor(web: Client, edit_url: str, heading: str, why: str) -> None:
    added = form_on(web.get(edit_url), containing="Add a key factor").submit(
        web, {"Heading": heading, "Why it matters": why}, follow=True
    )
    assert added.status_code == 200, text_of(added)
    assert heading in text_of(added)


def add_to_key_factor(web: Client, edit_url: str, number: int, what: str, fields: dict) -> None:
    """Add a guide question or an example to key factor `number` with its add form."""
    article = "an" if what == "example" else "a"
    form = form_on(web.get(edit_url), containing=f"Add {article} {what} to key factor {number}")
    added = form.submit(web, fields, follow=True)
    assert added.status_code == 200, text_of(added)


# 2. The pairing ---------------------------------------------------------------------------------


def pair_lisbon_with_athens(coordinator: Person) -> None:
    """Cora pairs Lisbon with Athens by hand on the scheme page (B has no proposal to offer)."""
    web = coordinator.web
    scheme = web.get(reverse("mentoring:scheme", args=SCHEME_B))
    assert "Pair two cities by hand" in text_of(scheme)
    paired = form_on(scheme, containing="Pair the two cities").submit(
        web,
        {"Mentor city": Choice("Lisbon"), "Implementing city": Choice("Athens")},
        follow=True,
    )
    page = text_of(paired)
    assert (
        "Lisbon → Athens paired. The officers of Lisbon are now mentors of Athens on this theme."
    ) in page
    # The mentors are the officers of Lisbon; nobody was invited.
    row = row_of(paired, "Lisbon → Athens", linked=True)  # linked to the pairing's page
    assert row.startswith("Lisbon → Athens the officers of Lisbon ")
    assert "invited" not in row


# 3. The visit and its finding -------------------------------------------------------------------


def report_a_barrier_from_a_study_visit(bea: Person) -> None:
    """Bea plans a study visit of the pairing, writes its report with a barrier finding (kept
    without a key factor) and publishes it."""
    web = bea.web
    scheme = web.get(reverse("mentoring:scheme", args=SCHEME_B))
    form = form_on(
        web.get(link_on(scheme, "Plan a study visit for Athens")), containing="Plan the visit"
    )
    planned = form.submit(
        web,
        {"First day": "2018-01-22", "Last day": "2018-01-24", "Agenda": "Test agenda."},
        follow=True,
    )
    assert "Visit planned." in text_of(planned)
    report = web.get(link_on(planned, "Write the report"))
    form = form_on(report, containing="Save the report")
    # The new toolkit's key factors are offered; the finding is kept without one.
    assert [label for _value, label in form.choices("findings-0-key_factors")] == [
        f"1. {FACTOR_ONE}",
        f"2. {FACTOR_TWO}",
    ]
    saved = form.submit(
        web,
        {
            "Summary": "Test summary of the visit.",
            "findings-0-kind": Choice("Barrier"),
            "findings-0-text": FINDING,
        },
        follow=True,
    )
    assert "Report saved. It stays a draft until published." in text_of(saved)
    published = form_on(saved, containing="Publish the report").submit(web, follow=True)
    page = text_of(published)
    assert "Report published. It is now public and final." in page
    assert FINDING in page


# 4. The plan, and who reads it ------------------------------------------------------------------


def start_the_plan_from_the_finding(officer: Person) -> str:
    """Olga starts Athens's plan before any assessment and takes the finding as its first
    objective, without a key factor. Returns the plan's address."""
    web = officer.web
    scheme = web.get(reverse("mentoring:scheme", args=SCHEME_B))
    start = web.get(link_on(scheme, "Start the action plan of Athens"))
    page = text_of(start)
    assert "Athens has not submitted an assessment on" in page
    form = form_on(start, containing="Start the plan")
    assert "assessment" not in form.names  # nothing to start from but the visits
    started = form.submit(web, {"Title": PLAN}, follow=True)
    page = text_of(started)
    assert "Plan started. Now add its objectives." in page
    assert "No assessment yet: this plan starts from the visits' findings" in page
    plan_url = started.redirect_chain[-1][0]

    new = web.get(link_on(started, "Add an objective"))
    picked = web.get(link_on(new, FINDING))
    form = form_on(picked, containing="Save the objective")
    assert form.data()["title"] == [FINDING]
    assert form.data()["key_factors"] == []  # offered, not required before an assessment
    added = form.submit(web, follow=True)
    page = text_of(added)
    assert "Objective added. Now add its actions." in page
    assert f"{FINDING} Key factors: none yet (A finding of a visit)" in page
    return plan_url


def the_mentor_city_reads_the_draft_plan(
    lucas: Person, other_officer: Person, visitor: Client, plan_url: str
) -> None:
    """Lucas, an officer of Lisbon whom nobody invited, reads Athens's draft plan as soon as it
    is started; an officer of an unrelated city does not learn it exists."""
    read = lucas.web.get(plan_url)
    assert read.status_code == 200
    page = text_of(read)
    assert PLAN in page and FINDING in page
    assert "Draft (private to the city's team until endorsed)" in page
    assert PLAN in text_of(lucas.web.get(reverse("plans:list")))
    # Reading, not writing: the plan stays Athens's to change.
    assert not has_link(read, "Add an objective")
    new_objective = reverse("plans:objective_create", args=[resolve(plan_url).kwargs["pk"]])
    assert lucas.web.get(new_objective).status_code == 403
    assert not Invitation.objects.exists(), "the pairing alone gave the access"

    assert other_officer.web.get(plan_url).status_code == 404
    assert PLAN not in text_of(other_officer.web.get(reverse("plans:list")))
    assert visitor.get(plan_url).status_code == 404


# 5. The assessments, the ties and the measured change ------------------------------------------


def assess_tie_and_measure_the_change(
    officer: Person, lucas: Person, other_officer: Person, plan_url: str
) -> None:
    """Athens assesses itself against the new toolkit; Olga ties the plan to the assessment and
    the objective to key factor 1; a second round is the follow-up, and the change shows."""
    web = officer.web
    # Before any assessment, the plan says it can be tied once there is one.
    plan = web.get(plan_url)
    assert "Objectives can already be tied to the key factors of" in text_of(plan)

    first = assess(
        web,
        title="Test assessment of Athens on B, round 1",
        assessed_on=date(2024, 3, 1),
        answers={QUESTION_ONE: "no", QUESTION_TWO: "partly", QUESTION_THREE: "partly"},
        scores=(25, 50),
    )
    # The mentor city's officers read the city's unpublished assessment too; others do not.
    private = link_on(lucas.web.get(reverse("assessments:list")), first)
    assert f"Athens: {first}" in text_of(lucas.web.get(private))
    assert other_officer.web.get(private).status_code == 404

    # The plan's page offers to tie the plan to that assessment.
    plan = web.get(plan_url)
    assert "Athens has submitted an assessment on the scheme's toolkit." in text_of(plan)
    tied = form_on(plan, containing="Tie the plan to this assessment").submit(
        web, {"assessment": Choice(first)}, follow=True
    )
    page = text_of(tied)
    assert f"The plan now starts from Athens: {first}." in page
    assert f"Starts from {first} (1 Mar 2024)" in page
    assert "One objective is not tied to a key factor yet" in page

    # The objective from the finding is tied to key factor 1.
    edit = web.get(link_on(tied, f"Edit or delete the objective {FINDING}"))
    saved = form_on(edit, containing="Save the objective").submit(
        web, {"key_factors": Choice(FACTOR_ONE)}, follow=True
    )
    page = text_of(saved)
    assert "Objective saved." in page
    assert f"{FINDING} Key factors: 1. {FACTOR_ONE} (A finding of a visit)" in page
    assert "not tied to a key factor yet" not in page

    # A second round, copied from the first and better on key factor 1.
    second = assess(
        web,
        title="Test assessment of Athens on B, round 2",
        assessed_on=date(2025, 3, 1),
        answers={QUESTION_ONE: "yes", QUESTION_TWO: "yes"},
        scores=(100, 50),
        copy_of=first,
    )

    # The measured change: the second round is the follow-up.
    change = web.get(link_on(web.get(plan_url), "Measured change since the plan started"))
    measured = form_on(change, containing="Measure the change").submit(
        web, {"assessment": Choice(second)}, follow=True
    )
    page = text_of(measured)
    assert f"The change is measured with Athens: {second}." in page
    # Key factor 1: (0 + 50) / 2 = 25 when the plan started, 100 later.
    assert row_of(measured, f"1. {FACTOR_ONE}") == f"1. {FACTOR_ONE} 25 100 +75 (better)"


def assess(
    web: Client,
    *,
    title: str,
    assessed_on: date,
    answers: dict[str, str],
    scores: tuple[int, int],
    copy_of: str | None = None,
) -> str:
    """Start an assessment of Athens on toolkit B (or a new round copied from the one titled
    `copy_of`), answer the questions `answers` names, and submit it; its report shows the key
    factors' `scores`. Returns its title."""
    if copy_of is None:
        start = web.get(reverse("assessments:start"))
        answering = form_on(start, action=reverse("assessments:start")).submit(
            web,
            {
                "city": Choice("Athens"),
                "toolkit": Choice(f"B. {TOOLKIT} ({YEAR})"),
                "title": title,
                "assessed_on": assessed_on.isoformat(),
            },
            follow=True,
        )
        assert "Assessment started." in text_of(answering)
    else:
        listed = web.get(reverse("assessments:list"))
        earlier = web.get(link_on(listed, copy_of))
        copy = web.get(link_on(earlier, "Start a new round from this one"))
        answering = form_on(copy, containing="Copy into a new draft").submit(
            web, {"title": title, "assessed_on": assessed_on.isoformat()}, follow=True
        )
        assert "A new draft, with the answers of the one you copied." in text_of(answering)
    for question, value in answers.items():
        form = form_on(answering, containing=question)
        answering = form.submit(web, {"-value": value}, follow=True)
        assert answering.status_code == 200, text_of(answering)
    report = web.get(link_on(answering, "See scores and submit"))
    submitted = form_on(report, containing="Submit for review").submit(web, follow=True)
    page = text_of(submitted)
    assert "Submitted for review." in page
    assert f"Self-assessment against toolkit B ({YEAR}) · Submitted for review" in page
    for heading, score in zip((f"1. {FACTOR_ONE}", f"2. {FACTOR_TWO}"), scores, strict=True):
        assert row_of(submitted, heading).startswith(f"{heading} {score} "), heading
    return title
