"""Practices contributed by cities (issue 13, part 4): the pages to write one, change it,
attach its files, submit or discard it, and remove a person's mentions from it."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from citygrow.catalogue.models import Theme
from citygrow.people.models import City
from citygrow.practices import services
from citygrow.practices.models import Practice
from tests.support.pages import Choice, form_on, text_of
from tests.support.plans import SIGNED_PDF, docx_bytes

NEW = reverse("practices:contribute")


def contribute(person, **changes):
    """Fill in the contribution page as `person` and save; the response, not followed."""
    page = person.web.get(NEW)
    assert page.status_code == 200
    form = form_on(page, containing="Save the draft")
    fields = {
        "Title": "One-stop shop for newcomers",
        "Summary": "One desk for every first step.",
        "Full text": "The city opened one desk where newcomers register, ask and get help.",
        "themes": Choice("A."),
        "Year it started": "2016",
        "Links": "https://example.org/shop\nhttps://example.org/report",
        "Contact person": "Maria Example",
        "Contact e-mail": "maria@example.org",
        "Results and outcomes, in words": "Fewer trips between offices.",
        "outcomes-0-description": "Newcomers served",
        "outcomes-0-value": "1200",
        "outcomes-0-unit": "people",
        "outcomes-0-year": "2018",
    }
    fields.update(changes)
    return form.submit(person.web, fields)


def a_draft(people, name="Language cafés", **extra) -> Practice:
    data = services.ContributionIn(
        name=name,
        text="Volunteers host weekly conversation tables.",
        themes=[Theme.objects.get(code="A").pk],
        **extra,
    )
    return services.save_contribution(
        city=City.objects.get(name="Athens"), data=data, by=people["officer"]
    )


def published_elsewhere(people, name="Mentors for founders", city="Munich") -> Practice:
    practice = services.save_contribution(
        city=City.objects.get(name=city),
        data=services.ContributionIn(
            name=name, text="Founders meet mentors.", themes=[Theme.objects.get(code="A").pk]
        ),
        by=people["coordinator"],
    )
    services.submit_practice(practice=practice, by=people["coordinator"])
    return services.publish_practice(practice=practice, by=people["facilitator"])


# Writing one ------------------------------------------------------------------------------------


def test_an_officer_contributes_a_draft_and_lands_on_its_page(officer, toolkit_a):
    factor = toolkit_a.key_factors.get(position=1)
    response = contribute(officer, key_factors=Choice(f"A1. {factor.heading}"))
    practice = Practice.objects.get(name="One-stop shop for newcomers")
    assert response.status_code == 302
    assert response.url == practice.get_absolute_url()
    assert practice.city.name == "Athens"
    assert (practice.origin, practice.status) == ("contributed", "draft")
    assert list(practice.key_factors.all()) == [factor]
    assert practice.links == ["https://example.org/shop", "https://example.org/report"]
    assert [(o.description, o.value, o.unit, o.year) for o in practice.outcomes.all()] == [
        ("Newcomers served", Decimal("1200.00"), "people", 2018)
    ]
    page = text_of(officer.web.get(practice.get_absolute_url()))
    assert "Draft saved." in page
    assert "Not published: Draft." in page
    assert "Contributed by Athens" in page
    assert "Newcomers served 1,200 people 2018" in page
    assert "Maria Example" in page


def test_the_key_factors_are_grouped_by_published_toolkit(officer, toolkit_a, toolkit_c):
    page = officer.web.get(NEW)
    html = page.content.decode()
    assert f"<legend>A. {toolkit_a.title} (2018)</legend>" in html
    assert f"<legend>C. {toolkit_c.title} (2018)</legend>" in html
    assert "<legend>Themes it serves:</legend>" in html  # the themes' checkboxes: a fieldset
    form = form_on(page, containing="Save the draft")
    assert "city" not in form.names  # an officer of one city does not choose it


def test_a_coordinator_chooses_the_city(coordinator, seeded):
    page = coordinator.web.get(NEW)
    form = form_on(page, containing="Save the draft")
    assert ("", "---------") in form.choices("city")
    response = contribute(coordinator, city=Choice("Ghent"))
    assert response.status_code == 302
    assert Practice.objects.get(name="One-stop shop for newcomers").city.name == "Ghent"


def test_a_missing_title_and_a_bad_figure_are_shown_and_what_was_typed_is_kept(officer, seeded):
    response = contribute(officer, **{"Title": "", "outcomes-0-value": "lots"})
    assert response.status_code == 400
    page = text_of(response)
    assert "Please correct what is marked:" in page
    assert "Title: This field is required." in page
    assert "Result 1, Figure: Enter a number." in page
    form = form_on(response, containing="Save the draft")
    assert form.defaults()["text"] == [
        "The city opened one desk where newcomers register, ask and get help."
    ]
    assert not Practice.objects.filter(origin="contributed").exists()


def test_key_factors_of_another_theme_are_refused_with_the_service_message(
    officer, toolkit_a, toolkit_c
):
    factor = toolkit_c.key_factors.get(position=1)
    response = contribute(officer, key_factors=Choice(f"C1. {factor.heading}"))
    assert response.status_code == 400
    assert "Choose key factors of the published toolkits of the themes you chose." in text_of(
        response
    )


def test_adapted_from_takes_numbers_and_addresses_and_shows_their_titles(officer, people):
    mentors = published_elsewhere(people)
    example = Practice.objects.filter(origin="toolkit").first()
    response = contribute(
        officer,
        **{"Adapted from": f"{mentors.pk}\nhttps://citygrow.example/practices/{example.pk}/"},
    )
    assert response.status_code == 302
    practice = Practice.objects.get(name="One-stop shop for newcomers")
    assert set(practice.adapted_from.all()) == {mentors, example}
    edit = officer.web.get(reverse("practices:edit", args=[practice.pk]))
    box = form_on(edit, containing="Save the changes").defaults()["adapted_from"][0]
    assert f"{mentors.pk} — Mentors for founders" in box
    assert f"{example.pk} — {example.title}" in box
    # What the page shows back is accepted again as it stands.
    again = form_on(edit, containing="Save the changes").submit(officer.web)
    assert again.status_code == 302
    assert set(practice.adapted_from.all()) == {mentors, example}
    shown = text_of(officer.web.get(practice.get_absolute_url()))
    # Listed under "Adapted from" (toolkit examples and contributions in the library's order,
    # which differs between databases where a practice has no toolkit).
    assert "Adapted from" in shown and "Mentors for founders (Munich)" in shown


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("withdrawn", "is not published (or was withdrawn): it cannot be cited."),
        ("999999", "There is no practice 999999 in the library."),
        ("a practice I liked", "“a practice I liked” is not a practice number or a library"),
    ],
)
def test_a_source_that_cannot_be_cited_is_refused_with_a_message(officer, people, line, message):
    if line == "withdrawn":
        gone = published_elsewhere(people)
        services.withdraw_practice(practice=gone, by=people["facilitator"], reason="Outdated.")
        line = str(gone.pk)
    response = contribute(officer, **{"Adapted from": line})
    assert response.status_code == 400
    assert message in text_of(response)
    assert not Practice.objects.filter(name="One-stop shop for newcomers").exists()


def test_a_practice_cannot_be_adapted_from_itself(officer, people):
    practice = a_draft(people)
    edit = officer.web.get(reverse("practices:edit", args=[practice.pk]))
    response = form_on(edit, containing="Save the changes").submit(
        officer.web, {"Adapted from": str(practice.pk)}
    )
    assert response.status_code == 400
    assert "A practice cannot be adapted from itself." in text_of(response)


# Changing one -----------------------------------------------------------------------------------


def test_an_officer_edits_a_draft_and_its_figures(officer, people):
    practice = a_draft(people, outcomes=[services.OutcomeIn("Tables a week", Decimal("12"))])
    edit = officer.web.get(reverse("practices:edit", args=[practice.pk]))
    form = form_on(edit, containing="Save the changes")
    assert form.defaults()["outcomes-0-description"] == ["Tables a week"]
    response = form.submit(
        officer.web,
        {"Title": "Language cafés in every district", "outcomes-0-value": "15"},
    )
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.name == "Language cafés in every district"
    assert practice.version == 2
    assert [o.value for o in practice.outcomes.all()] == [Decimal("15.00")]


def test_a_stale_save_shows_their_text_and_keeps_mine(officer, coordinator, people):
    practice = a_draft(people)
    mine = form_on(
        officer.web.get(reverse("practices:edit", args=[practice.pk])), containing="Save"
    )
    theirs = form_on(
        coordinator.web.get(reverse("practices:edit", args=[practice.pk])), containing="Save"
    )
    assert theirs.submit(coordinator.web, {"Full text": "Their better text."}).status_code == 302
    response = mine.submit(officer.web, {"Full text": "My own text."})
    assert response.status_code == 409 or response.status_code == 400
    page = text_of(response)
    assert "Someone else saved this practice after you opened it" in page
    assert "Their better text." in page
    kept = form_on(response, containing="Save mine")
    assert kept.defaults()["text"] == ["My own text."]
    practice.refresh_from_db()
    assert practice.text == "Their better text."
    assert kept.submit(officer.web).status_code == 302  # knowingly replaces theirs
    practice.refresh_from_db()
    assert practice.text == "My own text."


def test_a_submitted_practice_is_no_longer_edited_by_its_city(officer, people):
    practice = a_draft(people)
    submit = officer.web.get(reverse("practices:submit", args=[practice.pk]))
    assert form_on(submit, containing="Submit for review").submit(officer.web).status_code == 302
    practice.refresh_from_db()
    assert practice.status == "submitted"
    assert officer.web.get(reverse("practices:edit", args=[practice.pk])).status_code == 403
    again = officer.web.post(reverse("practices:submit", args=[practice.pk]))
    assert again.status_code == 403


def test_discarding_asks_first_then_deletes(officer, people):
    practice = a_draft(people)
    url = reverse("practices:discard", args=[practice.pk])
    confirm = officer.web.get(url)
    assert "This cannot be undone." in text_of(confirm)
    assert Practice.objects.filter(pk=practice.pk).exists()
    response = form_on(confirm, containing="Discard for good").submit(officer.web, follow=True)
    assert "“Language cafés” was discarded." in text_of(response)
    assert not Practice.objects.filter(pk=practice.pk).exists()


# Files ------------------------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def attach(person, practice, *uploads):
    url = reverse("practices:attach", args=[practice.pk])
    return person.web.post(url, {"files": list(uploads)})


def test_several_files_are_attached_downloaded_and_removed(officer, people, media, client):
    practice = a_draft(people)
    response = attach(
        officer,
        practice,
        SimpleUploadedFile("report.pdf", SIGNED_PDF),
        SimpleUploadedFile("plan.docx", docx_bytes()),
    )
    assert response.status_code == 302
    items = list(practice.attachments.order_by("pk"))
    assert [item.name for item in items] == ["report.pdf", "plan.docx"]
    download = officer.web.get(reverse("practices:attachment", args=[practice.pk, items[0].pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="report.pdf"')
    assert b"".join(download.streaming_content) == SIGNED_PDF
    # A draft's file is private like the draft.
    anonymous = client.get(reverse("practices:attachment", args=[practice.pk, items[0].pk]))
    assert anonymous.status_code == 404
    edit = officer.web.get(reverse("practices:edit", args=[practice.pk]))
    remove = form_on(
        edit, action=reverse("practices:attachment_remove", args=[practice.pk, items[0].pk])
    )
    assert remove.submit(officer.web).status_code == 302
    assert [item.name for item in practice.attachments.all()] == ["plan.docx"]


def test_a_file_too_large_or_of_the_wrong_kind_is_named_and_the_others_are_kept(
    officer, people, media
):
    media.CITYGROW_MAX_UPLOAD = 1024
    practice = a_draft(people)
    response = attach(
        officer,
        practice,
        SimpleUploadedFile("big.pdf", SIGNED_PDF + b"x" * 2048),
        SimpleUploadedFile("script.exe", b"MZ\x90\x00"),
        SimpleUploadedFile("ok.pdf", SIGNED_PDF),
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "big.pdf is too large: the limit is 0.000976562 MB." in page
    assert "script.exe is not a PDF, a Word (.docx) file or a PNG or JPEG image" in page
    assert [item.name for item in practice.attachments.all()] == ["ok.pdf"]
    assert form_on(response, containing="Save the changes").defaults()["name"] == ["Language cafés"]


def test_no_file_chosen_is_a_message(officer, people, media):
    practice = a_draft(people)
    response = officer.web.post(reverse("practices:attach", args=[practice.pk]), {})
    assert response.status_code == 400
    assert "Choose at least one file." in text_of(response)


# Who may ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 200),
        ("other_officer", 200),
        ("mentor", 403),
        ("facilitator", 403),
        ("coordinator", 200),
        ("nobody", 403),
    ],
)
def test_who_may_contribute(people, role, status):
    from tests.support.clients import client_as

    assert client_as(people, role).get(NEW).status_code == status


def test_an_officer_of_another_city_cannot_contribute_for_athens(other_officer, seeded):
    page = other_officer.web.get(NEW)
    assert "city" not in form_on(page, containing="Save the draft").names
    contribute(other_officer)
    assert Practice.objects.get(name="One-stop shop for newcomers").city.name == "Helsinki"
    forged = other_officer.web.post(
        NEW, {"city": City.objects.get(name="Athens").pk, "name": "X", "text": "Y"}
    )
    assert forged.status_code in (302, 400)
    assert not Practice.objects.filter(city__name="Athens", name="X").exists()


def test_another_city_s_draft_does_not_exist_for_its_officers(other_officer, people):
    practice = a_draft(people)
    for name in ("edit", "submit", "discard"):
        assert (
            other_officer.web.get(reverse(f"practices:{name}", args=[practice.pk])).status_code
            == 404
        )


# A person's mentions ----------------------------------------------------------------------------


def test_removing_a_person_covers_the_new_texts_and_the_contact(people):
    practice = a_draft(
        people,
        name="Maria's language cafés",
        summary="Started by Maria Example.",
        results="Maria Example counted 300 guests.",
        contact_name="Maria Example",
        contact_email="maria@example.org",
    )
    other = a_draft(people, name="Another", contact_email="maria.example@example.org")
    assert set(services.practices_naming("Maria Example")) == {practice}
    assert set(services.practices_naming("maria")) == {practice, other}
    assert services.remove_from_practices(text="Maria Example", by=people["coordinator"]) == 1
    practice.refresh_from_db()
    assert practice.summary == f"Started by {services.REMOVED}."
    assert practice.results == f"{services.REMOVED} counted 300 guests."
    assert (practice.contact_name, practice.contact_email) == ("", "")
    assert practice.version == 2
    assert services.remove_from_practices(text="maria.example@", by=people["coordinator"]) == 1
    other.refresh_from_db()
    assert other.contact_email == ""
    assert not services.practices_naming("Maria Example").exists()


# Query budgets ----------------------------------------------------------------------------------


def test_the_contribution_pages_keep_their_query_count(officer, people, media):
    from citygrow.practices.models import Outcome
    from tests.support.budgets import assert_flat, count_queries

    source = published_elsewhere(people)
    practice = a_draft(people, adapted_from=[source.pk])
    edit = reverse("practices:edit", args=[practice.pk])
    review = reverse("practices:review")
    small = [count_queries(officer.web, url) for url in (NEW, edit, review)]
    for n in range(4):
        Outcome.objects.create(practice=practice, description=f"F{n}", value=n, position=n)
        services.attach_file(
            practice=practice, upload=SimpleUploadedFile(f"{n}.pdf", SIGNED_PDF), by=None
        )
        a_draft(people, name=f"More {n}", adapted_from=[published_elsewhere(people, f"S{n}").pk])
    Practice.objects.get(pk=practice.pk).adapted_from.add(
        *Practice.objects.filter(name__startswith="S")
    )
    large = [count_queries(officer.web, url) for url in (NEW, edit, review)]
    for before, after, budget in zip(small, large, (12, 16, 10), strict=True):
        assert_flat(before, after, budget)
