"""Editing a draft edition on the pages and through the services: the edition's fields, terms,
key factors with their guide questions and examples, and context factors (issue 12)."""

from datetime import date

import pytest
from django.urls import reverse

from citygrow.assessments.models import Assessment
from citygrow.catalogue import services
from citygrow.catalogue.models import ContextFactor, GuideQuestion, KeyFactor, Term, Toolkit
from citygrow.catalogue.services import EditConflict, InvalidFields, ItemKind
from citygrow.catalogue.toolkit_file import ToolkitDocument
from citygrow.core.errors import ServiceError
from citygrow.people.models import AuditEntry, City
from citygrow.practices.models import Practice
from tests.support.toolkits import blank_draft

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(people) -> Toolkit:
    """A blank draft edition of theme A (whose facilitator is `facilitator`), in made-up text."""
    return blank_draft("A", 2030)


def add(draft, kind, by, key_factor=None, **values):
    return services.add_item(toolkit=draft, kind=kind, values=values, key_factor=key_factor, by=by)


@pytest.fixture
def factor(draft, people) -> KeyFactor:
    """Key factor 1 of the draft, with two guide questions and an example from Athens."""
    by = people["facilitator"]
    factor = add(draft, ItemKind.KEY_FACTOR, by, heading="Test heading one", why="Test why.")
    add(draft, ItemKind.GUIDE_QUESTION, by, factor, text="Test question one?")
    add(draft, ItemKind.GUIDE_QUESTION, by, factor, text="Test question two?", sub_items=["a", "b"])
    add(
        draft,
        ItemKind.EXAMPLE,
        by,
        factor,
        city="Athens",
        text="Test example text.",
        links=["https://example.org/one"],
    )
    return factor


def edit_url(toolkit: Toolkit) -> str:
    return reverse("catalogue:toolkit_edit", args=[toolkit.theme.code, toolkit.year])


def item_url(toolkit: Toolkit, kind: str, item, action: str = "item_save") -> str:
    return reverse(f"catalogue:{action}", args=[toolkit.theme.code, toolkit.year, kind, item.pk])


# Services --------------------------------------------------------------------------------------


def test_a_short_toolkit_entered_item_by_item_is_what_a_toolkit_file_says(draft, factor, people):
    by = people["facilitator"]
    add(draft, ItemKind.TERM, by, term="Test term", definition="Test definition.")
    add(draft, ItemKind.CONTEXT_FACTOR, by, category="Test category", examples=["One", "Two"])
    draft.refresh_from_db()
    data = Toolkit.objects.with_content().get(pk=draft.pk).as_data()
    document = ToolkitDocument.model_validate(data)
    assert draft.content_hash == document.fingerprint()
    assert data["key_factors"][0]["guide_questions"][1] == {
        "text": "Test question two?",
        "sub_items": ["a", "b"],
    }
    assert data["key_factors"][0]["examples"][0]["city"] == "Athens"
    assert data["terms"] == [{"term": "Test term", "definition": "Test definition."}]
    example = Practice.objects.get(key_factor=factor)
    assert (example.year, example.source) == (2030, "Test source, Test publisher, 2030")


def test_an_item_is_changed_with_the_version_it_saw_and_raises_its_version(draft, factor, people):
    changed = services.change_item(
        item=factor,
        values={"heading": "  Test heading new  "},
        seen_version=1,
        by=people["coordinator"],
    )
    assert (changed.heading, changed.version, changed.why) == ("Test heading new", 2, "Test why.")


def test_a_stale_save_is_refused_with_the_stored_item_and_stores_nothing(draft, factor, people):
    services.change_item(
        item=factor, values={"why": "Hers."}, seen_version=1, by=people["facilitator"]
    )
    with pytest.raises(EditConflict) as refused:
        services.change_item(
            item=factor, values={"why": "His."}, seen_version=1, by=people["coordinator"]
        )
    assert refused.value.current.why == "Hers."
    factor.refresh_from_db()
    assert (factor.why, factor.version) == ("Hers.", 2)


def test_the_same_text_saved_again_with_an_old_version_is_no_conflict(draft, factor, people):
    services.change_item(item=factor, values={"why": "Same."}, seen_version=1, by=people["staff"])
    again = services.change_item(
        item=factor, values={"why": "Same."}, seen_version=1, by=people["staff"]
    )
    assert again.version == 2


def test_the_edition_s_fields_are_changed_with_conflict_protection(draft, factor, people):
    by = people["facilitator"]
    services.change_edition(
        toolkit=draft,
        values={"source_year": 2031, "source_url": "https://example.org/source"},
        seen_version=1,
        by=by,
    )
    draft.refresh_from_db()
    assert (draft.source_year, draft.version) == (2031, 2)
    assert Practice.objects.get(key_factor=factor).source == "Test source, Test publisher, 2031"
    with pytest.raises(EditConflict):
        services.change_edition(toolkit=draft, values={"title": "Other"}, seen_version=1, by=by)


@pytest.mark.parametrize(
    ("kind", "values", "field", "message"),
    [
        (ItemKind.KEY_FACTOR, {"heading": "   ", "why": "Why."}, "heading", "Must not be empty."),
        (ItemKind.KEY_FACTOR, {"heading": "x" * 301, "why": "Why."}, "heading", "at most 300"),
        (ItemKind.KEY_FACTOR, {"heading": "TEST HEADING ONE", "why": "W."}, "heading", "Another"),
        (ItemKind.TERM, {"term": ""}, "term", "Must not be empty."),
        (ItemKind.CONTEXT_FACTOR, {"category": "C", "examples": []}, "examples", "at least one"),
        (ItemKind.GUIDE_QUESTION, {"text": "x" * 20_001}, "text", "at most 20000"),
    ],
)
def test_what_a_toolkit_file_refuses_the_pages_refuse_with_a_field_message(
    draft, factor, people, kind, values, field, message
):
    in_factor = factor if kind is ItemKind.GUIDE_QUESTION else None
    with pytest.raises(InvalidFields) as refused:
        add(draft, kind, people["facilitator"], in_factor, **values)
    assert message in refused.value.errors[field][0]


def test_an_example_needs_a_known_city_and_links_a_file_accepts(draft, factor, people):
    with pytest.raises(InvalidFields) as refused:
        add(
            draft,
            ItemKind.EXAMPLE,
            people["facilitator"],
            factor,
            city="Atlantis",
            text="Test.",
            links=["https://example.org/ok", "javascript:alert(1)"],
        )
    assert "Unknown city “Atlantis”" in refused.value.errors["city"][0]
    assert refused.value.errors["links"] == [
        "Line 2: is not a web address (http:// or https://) or a mailto: link."
    ]
    assert Practice.objects.filter(key_factor=factor).count() == 1


def test_items_are_moved_and_removed_and_the_numbers_stay_contiguous(draft, people):
    by = people["facilitator"]
    terms = [add(draft, ItemKind.TERM, by, term=f"Test term {n}") for n in (1, 2, 3)]
    services.move_item(item=terms[2], direction="up", seen_version=1, by=by)
    assert list(draft.terms.values_list("term", flat=True)) == [
        "Test term 1",
        "Test term 3",
        "Test term 2",
    ]
    with pytest.raises(ServiceError, match="already the first"):
        services.move_item(item=terms[0], direction="up", seen_version=1, by=by)
    services.remove_item(item=terms[0], seen_version=1, by=by)
    assert list(draft.terms.values_list("position", "term")) == [
        (1, "Test term 3"),
        (2, "Test term 2"),
    ]


def test_a_key_factor_is_removed_with_its_questions_and_examples(draft, factor, people):
    by = people["facilitator"]
    second = add(draft, ItemKind.KEY_FACTOR, by, heading="Test heading two", why="Why.")
    services.remove_item(item=factor, seen_version=1, by=by)
    second.refresh_from_db()
    assert second.position == 1
    assert not GuideQuestion.objects.filter(key_factor__toolkit=draft).exists()
    assert not Practice.objects.filter(toolkit=draft).exists()


def test_a_key_factor_is_not_removed_while_an_assessment_uses_the_edition(draft, factor, people):
    Assessment.objects.create(
        city=City.objects.get(name="Athens"), toolkit=draft, title="T", assessed_on=date(2030, 1, 1)
    )
    with pytest.raises(ServiceError, match="Assessments use this edition"):
        services.remove_item(item=factor, seen_version=1, by=people["facilitator"])
    assert KeyFactor.objects.filter(pk=factor.pk).exists()


def test_a_published_edition_does_not_change(toolkit_a, people):
    by = people["coordinator"]
    term = toolkit_a.terms.first()
    refusal = "A published edition does not change: start a new edition to change it."
    attempts = [
        lambda: services.change_edition(
            toolkit=toolkit_a, values={"title": "X"}, seen_version=1, by=by
        ),
        lambda: add(toolkit_a, ItemKind.TERM, by, term="X"),
        lambda: services.change_item(item=term, values={"term": "X"}, seen_version=1, by=by),
        lambda: services.move_item(item=term, direction="down", seen_version=1, by=by),
        lambda: services.remove_item(item=term, seen_version=1, by=by),
    ]
    for attempt in attempts:
        with pytest.raises(ServiceError) as refused:
            attempt()
        assert refused.value.message == refusal
    assert toolkit_a.terms.first().term == term.term


def test_every_change_is_in_the_audit_trail(draft, people):
    by = people["facilitator"]
    context = add(draft, ItemKind.CONTEXT_FACTOR, by, category="Test category", examples=["One"])
    services.change_item(item=context, values={"examples": ["One", "Two"]}, seen_version=1, by=by)
    services.remove_item(item=ContextFactor.objects.get(pk=context.pk), seen_version=2, by=by)
    entries = AuditEntry.objects.filter(target_type="catalogue.contextfactor").order_by("pk")
    assert [(e.action, e.actor_name) for e in entries] == [
        ("create", "fatima"),
        ("change", "fatima"),
        ("delete", "fatima"),
    ]
    assert entries[1].changes == {"examples": ["One", "One\nTwo"]}


# Pages -----------------------------------------------------------------------------------------


def test_the_edit_page_shows_every_part_to_the_theme_s_authors(draft, factor, facilitator):
    response = facilitator.web.get(edit_url(draft))
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "Test standard statement.",
        "Test heading one",
        "Test question two?",
        "Test example text.",
        "https://example.org/one",
        'role="status"',
        "Add a key factor",
        "Add a guide question to key factor 1",
    ]:
        assert text in page, text


def test_the_draft_s_page_links_its_authors_to_the_edit_page(draft, facilitator):
    page = facilitator.web.get(draft.get_absolute_url()).content.decode()
    assert f'href="{edit_url(draft)}"' in page


def test_the_edit_page_is_for_the_theme_s_authors_only(draft, toolkit_a, client, people):
    from tests.support.clients import web_client

    assert client.get(edit_url(draft)).status_code == 302  # anonymous: log in
    for role in ("officer", "mentor", "other_facilitator", "nobody"):
        assert web_client(people[role]).get(edit_url(draft)).status_code == 404, role
    for role in ("facilitator", "coordinator", "staff"):
        assert web_client(people[role]).get(edit_url(draft)).status_code == 200, role
    # A published edition is not edited: its authors are told why, others just refused.
    response = web_client(people["facilitator"]).get(edit_url(toolkit_a))
    assert response.status_code == 403
    assert "start a new edition to change it" in response.content.decode()
    response = web_client(people["officer"]).get(edit_url(toolkit_a))
    assert response.status_code == 403
    assert "start a new edition" not in response.content.decode()


def test_a_save_without_javascript_goes_back_to_the_item(draft, factor, facilitator):
    question = factor.guide_questions.get(position=2)
    response = facilitator.web.post(
        item_url(draft, "questions", question),
        {
            f"question-{question.pk}-text": "Test question two, reworded?",
            f"question-{question.pk}-sub_items": "a\n\n c \n",
            f"question-{question.pk}-note": "Test note.",
            f"question-{question.pk}-version": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{edit_url(draft)}#question-{question.pk}"
    question.refresh_from_db()
    assert (question.text, question.sub_items, question.note, question.version) == (
        "Test question two, reworded?",
        ["a", "c"],
        "Test note.",
        2,
    )


def test_a_save_with_htmx_answers_with_the_new_version_and_a_saved_status(draft, facilitator):
    response = facilitator.web.post(
        reverse("catalogue:edition_save", args=["A", 2030]),
        {
            **{f"edition-{name}": getattr(draft, name) for name in services.EDITION_FIELDS},
            "edition-coverage_notes": "Test coverage.",
            "edition-version": "1",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    page = response.content.decode()
    assert 'id="edition-fields-status" hx-swap-oob="innerHTML">Saved<' in page
    assert 'value="2" id="id_edition-version" hx-swap-oob="true"' in page
    draft.refresh_from_db()
    assert draft.coverage_notes == "Test coverage."


def test_a_conflict_shows_their_text_and_keeps_mine_unsaved(draft, factor, facilitator, people):
    services.change_item(
        item=factor, values={"why": "Their why."}, seen_version=1, by=people["coordinator"]
    )
    data = {
        f"factor-{factor.pk}-heading": "Test heading one",
        f"factor-{factor.pk}-why": "My why.",
        f"factor-{factor.pk}-version": "1",
    }
    for extra, status in ((HTMX, 200), ({}, 409)):
        response = facilitator.web.post(item_url(draft, "key-factors", factor), data, **extra)
        assert response.status_code == status
        page = response.content.decode()
        assert "Someone else changed this after you loaded the page." in page
        assert "<dd>Their why.</dd>" in page
        assert ">\nMy why.</textarea>" in page
        assert f'name="factor-{factor.pk}-version" value="2"' in page  # saving again replaces
        assert 'hx-trigger="submit"' in page  # only "Save mine" saves over theirs
    factor.refresh_from_db()
    assert factor.why == "Their why."
    data[f"factor-{factor.pk}-version"] = "2"
    facilitator.web.post(item_url(draft, "key-factors", factor), data, **HTMX)
    factor.refresh_from_db()
    assert factor.why == "My why."


def test_a_refused_value_is_shown_beside_its_field_and_kept(draft, factor, facilitator):
    example = Practice.objects.get(key_factor=factor)
    response = facilitator.web.post(
        item_url(draft, "examples", example),
        {
            f"example-{example.pk}-city": "Athens",
            f"example-{example.pk}-text": "Test example text.",
            f"example-{example.pk}-links": "not a link",
            f"example-{example.pk}-version": "1",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 1: is not a web address" in page
    assert ">\nnot a link</textarea>" in page
    example.refresh_from_db()
    assert example.links == ["https://example.org/one"]


def test_items_are_added_moved_and_removed_on_the_page(draft, factor, facilitator):
    base = ["A", 2030]
    response = facilitator.web.post(
        reverse("catalogue:item_add", args=[*base, "key-factors"]),
        {"new-factor-heading": "Test heading two", "new-factor-why": "Test why two."},
    )
    second = KeyFactor.objects.get(toolkit=draft, position=2)
    assert response["Location"] == f"{edit_url(draft)}#factor-{second.pk}"
    response = facilitator.web.post(
        reverse("catalogue:child_add", args=[*base, second.pk, "examples"]),
        {f"new-example-{second.pk}-city": "Ghent", f"new-example-{second.pk}-text": "Test."},
    )
    assert Practice.objects.get(key_factor=second).city.name == "Ghent"
    facilitator.web.post(
        item_url(draft, "key-factors", second, "item_move"), {"direction": "up", "version": 1}
    )
    second.refresh_from_db()
    assert second.position == 1
    response = facilitator.web.post(
        item_url(draft, "key-factors", factor, "item_remove"), {"version": 1}
    )
    assert response["Location"] == f"{edit_url(draft)}#key-factors"
    assert list(draft.key_factors.values_list("heading", flat=True)) == ["Test heading two"]


def test_a_refused_addition_keeps_what_was_typed(draft, facilitator):
    response = facilitator.web.post(
        reverse("catalogue:item_add", args=["A", 2030, "terms"]),
        {"new-term-term": "", "new-term-definition": "Kept definition."},
    )
    assert response.status_code == 400
    assert "Kept definition." in response.content.decode()
    assert not Term.objects.filter(toolkit=draft).exists()


def test_a_stale_removal_is_refused_with_a_message(draft, factor, facilitator, people):
    services.change_item(item=factor, values={"why": "New."}, seen_version=1, by=people["staff"])
    response = facilitator.web.post(
        item_url(draft, "key-factors", factor, "item_remove"), {"version": 1}, follow=True
    )
    assert "Someone else changed this" in response.content.decode()
    assert KeyFactor.objects.filter(pk=factor.pk).exists()
