"""A theme's editions: starting one (blank or as a copy), uploading a toolkit file into a draft,
publishing, deleting, and the pages that do it (issue 12, part 1)."""

from datetime import date

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from citygrow.assessments.models import Assessment
from citygrow.catalogue import services
from citygrow.catalogue.models import Theme, Toolkit
from citygrow.catalogue.toolkit_file import ToolkitFileError
from citygrow.core.errors import ServiceError
from citygrow.people.models import AuditEntry, City
from tests.support.toolkits import made_up_toolkit

HEADER = services.EditionHeader(
    year=2026,
    title="Test toolkit B",
    source_title="Test source",
    source_publisher="Test publisher",
    source_year=2026,
    credit="Test credit.",
    standard="Test standard statement.",
)


def blank_b(by=None) -> Toolkit:
    return services.start_blank_edition(theme=Theme.objects.get(code="B"), header=HEADER, by=by)


def upload(toolkit: Toolkit, text: str, by=None) -> Toolkit:
    document = services.read_upload(text.encode(), source="b.yaml")
    return services.upload_into_draft(toolkit=toolkit, document=document, source="b.yaml", by=by)


def audit_of(toolkit: Toolkit) -> list[tuple[str, dict]]:
    entries = AuditEntry.objects.filter(target_type="catalogue.toolkit", target_id=str(toolkit.pk))
    return [(entry.action, entry.changes) for entry in entries.order_by("pk")]


# -- starting --------------------------------------------------------------------------------


def test_a_blank_edition_is_a_draft_with_only_its_header(seeded):
    toolkit = blank_b()
    assert toolkit.status == Toolkit.Status.DRAFT
    assert toolkit.standard == "Test standard statement."
    assert not toolkit.key_factors.exists()
    assert audit_of(toolkit) == [("create", {"edition": [None, "B 2026 (blank)"]})]


def test_a_blank_edition_cannot_be_published_before_it_has_a_key_factor(seeded):
    toolkit = blank_b()
    with pytest.raises(ServiceError, match="no key factor"):
        services.publish_edition(toolkit=toolkit, by=None)
    toolkit.refresh_from_db()
    assert toolkit.status == Toolkit.Status.DRAFT


def test_a_copy_of_the_last_edition_has_everything_in_it(toolkit_c):
    copy = services.start_copy_edition(theme=toolkit_c.theme, year=2026, by=None)
    assert copy.based_on == toolkit_c
    assert copy.status == Toolkit.Status.DRAFT
    old = Toolkit.objects.with_content().get(pk=toolkit_c.pk).as_data()
    new = Toolkit.objects.with_content().get(pk=copy.pk).as_data()
    assert new["edition"] == {"year": 2026, "status": "draft"}
    assert {k: v for k, v in new.items() if k != "edition"} == {
        k: v for k, v in old.items() if k != "edition"
    }
    # The examples are new practices of the copy, not the old edition's.
    assert copy.practices.count() == toolkit_c.practices.count() > 0
    assert not copy.practices.filter(pk__in=toolkit_c.practices.values("pk")).exists()


def test_a_copy_keeps_the_editors_notes(toolkit_c):
    question = toolkit_c.key_factors.first().guide_questions.first()
    question.note = "Test note: a restored word."
    question.save()
    copy = services.start_copy_edition(theme=toolkit_c.theme, year=2026, by=None)
    assert copy.key_factors.first().guide_questions.first().note == "Test note: a restored word."


def test_a_theme_has_one_draft_at_a_time(seeded):
    blank_b()
    with pytest.raises(ServiceError, match="already has a draft edition \\(2026\\)"):
        services.start_blank_edition(
            theme=Theme.objects.get(code="B"),
            header=services.EditionHeader(**{**HEADER.__dict__, "year": 2027}),
            by=None,
        )


def test_a_year_the_theme_has_an_edition_of_is_refused(toolkit_c):
    with pytest.raises(ServiceError, match="already has a 2018 edition") as caught:
        services.start_copy_edition(theme=toolkit_c.theme, year=2018, by=None)
    assert caught.value.field == "year"


def test_a_theme_without_editions_cannot_be_copied(seeded):
    with pytest.raises(ServiceError, match="no edition to copy"):
        services.start_copy_edition(theme=Theme.objects.get(code="B"), year=2026, by=None)


# -- uploading -------------------------------------------------------------------------------


def test_an_upload_replaces_the_drafts_content_and_keeps_its_year(seeded):
    toolkit = upload(blank_b(), made_up_toolkit("B", 2019))
    assert toolkit.year == 2026 and toolkit.status == Toolkit.Status.DRAFT
    assert list(toolkit.key_factors.values_list("heading", flat=True)) == [
        "Test factor 1",
        "Test factor 2",
    ]
    assert toolkit.practices.count() == 2
    assert toolkit.terms.get().term == "Test term"
    assert audit_of(toolkit)[-1] == (
        "change",
        {"content": [None, "uploaded b.yaml (2 key factors)"]},
    )
    # A second upload replaces, not adds.
    upload(toolkit, made_up_toolkit("B", 2026, factors=1))
    assert toolkit.key_factors.count() == 1 and toolkit.practices.count() == 1


def test_the_fingerprint_of_an_uploaded_draft_is_that_of_the_file_with_its_year(seeded):
    toolkit = upload(blank_b(), made_up_toolkit("B", 2026))
    expected = services.read_upload(made_up_toolkit("B", 2026).encode(), source="b").fingerprint()
    assert toolkit.content_hash == expected


def test_a_file_of_another_theme_is_refused_and_the_draft_is_untouched(seeded):
    toolkit = upload(blank_b(), made_up_toolkit("B"))
    with pytest.raises(ServiceError, match="theme C; this draft is an edition of theme B"):
        upload(toolkit, made_up_toolkit("C"))
    assert toolkit.key_factors.count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "not text"),
        (b"plain\x00text", "binary data"),
        (b"a: [unclosed", "not valid YAML"),
        (b"- a list\n- not a toolkit\n", "mapping of keys"),
        (b"a: &x [1, 2]\nb: *x\n", "anchors and aliases"),
        (b" " * (services.UPLOAD_MAX_BYTES + 1), "too big"),
    ],
)
def test_a_file_that_is_not_a_toolkit_is_refused_with_a_clear_message(seeded, data, message):
    with pytest.raises(ToolkitFileError) as caught:
        services.read_upload(data, source="bad.yaml")
    assert message in str(caught.value)


def test_a_billion_laughs_file_is_refused_before_it_is_expanded(seeded):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    with pytest.raises(ToolkitFileError, match="anchors and aliases"):
        services.read_upload("\n".join(lines).encode(), source="laughs.yaml")


def test_every_problem_of_a_bad_file_is_reported_with_its_line(seeded):
    text = made_up_toolkit("B").replace("why: Test reason 1.", "wy: Test reason 1.")
    text = text.replace(
        "city: Munich\n        text: Munich test example 2.", "city: Nowhere\n        text: x"
    )
    with pytest.raises(ToolkitFileError) as caught:
        services.read_upload(text.encode(), source="b.yaml")
    paths = {(problem.path, problem.line is not None) for problem in caught.value.problems}
    assert ("key_factors[0].wy", True) in paths
    assert ("key_factors[0].why", True) in paths


def test_a_published_edition_does_not_take_an_upload(toolkit_c):
    document = services.read_upload(made_up_toolkit("C").encode(), source="c.yaml")
    with pytest.raises(ServiceError, match="Only a draft"):
        services.upload_into_draft(toolkit=toolkit_c, document=document, source="c", by=None)


# -- publishing ------------------------------------------------------------------------------


def test_publishing_makes_the_draft_public_and_withdraws_the_published_edition(toolkit_c):
    athens = City.objects.get(name="Athens")
    assessment = Assessment.objects.create(
        city=athens, toolkit=toolkit_c, title="Before", assessed_on=date(2025, 1, 1)
    )
    draft = services.start_copy_edition(theme=toolkit_c.theme, year=2026, by=None)
    published = services.publish_edition(toolkit=draft, by=None)
    toolkit_c.refresh_from_db()
    assert published.status == Toolkit.Status.PUBLISHED and published.published_at is not None
    assert toolkit_c.status == Toolkit.Status.WITHDRAWN
    assert assessment.toolkit.is_public  # still readable
    assert list(Toolkit.objects.published().filter(theme=toolkit_c.theme)) == [published]
    assert audit_of(toolkit_c)[-1] == ("change", {"status": ["published", "withdrawn"]})
    assert audit_of(published)[-1] == ("change", {"status": ["draft", "published"]})


def test_publishing_lists_what_is_missing(seeded):
    toolkit = upload(blank_b(), made_up_toolkit("B"))
    factor = toolkit.key_factors.get(position=2)
    factor.guide_questions.all().delete()
    factor.why = ""
    factor.save()
    with pytest.raises(ServiceError) as caught:
        services.publish_edition(toolkit=toolkit, by=None)
    assert "Key factor 2 (Test factor 2) does not say why it matters." in caught.value.message
    assert "Key factor 2 (Test factor 2) has no guide question." in caught.value.message


def test_a_published_page_shows_the_new_edition_not_a_cached_draft(client, seeded):
    cache.clear()
    toolkit = upload(blank_b(), made_up_toolkit("B"))
    services.publish_edition(toolkit=toolkit, by=None)
    response = client.get("/toolkits/B/2026/")
    assert response.status_code == 200
    assert "Test factor 2" in response.content.decode()
    assert "Draft preview" not in response.content.decode()
    assert client.get("/toolkits/B/").url == "/toolkits/B/2026/"


# -- deleting --------------------------------------------------------------------------------


def test_a_draft_nothing_uses_is_deleted_with_its_content(seeded):
    toolkit = upload(blank_b(), made_up_toolkit("B"))
    services.delete_draft(toolkit=toolkit, by=None)
    assert not Toolkit.objects.filter(theme__code="B").exists()
    assert AuditEntry.objects.filter(action="delete", target_id=str(toolkit.pk)).exists()


def test_a_draft_in_use_is_not_deleted(toolkit_c):
    draft = services.start_copy_edition(theme=toolkit_c.theme, year=2026, by=None)
    Assessment.objects.create(
        city=City.objects.get(name="Athens"), toolkit=draft, title="T", assessed_on=date.today()
    )
    with pytest.raises(ServiceError, match="in use"):
        services.delete_draft(toolkit=draft, by=None)
    assert Toolkit.objects.filter(pk=draft.pk).exists()


def test_a_draft_whose_key_factor_a_visit_finding_names_is_not_deleted(pairing):
    from citygrow.mentoring.models import Finding, Visit, VisitReport

    draft = services.start_copy_edition(theme=pairing.theme, year=2026, by=None)
    visit = Visit.objects.create(
        pairing=pairing, kind="study", starts_on=date(2026, 5, 2), ends_on=date(2026, 5, 4)
    )
    report = VisitReport.objects.create(visit=visit, summary="Test")
    finding = Finding.objects.create(report=report, kind="strength", text="Test strength")
    finding.key_factors.add(draft.key_factors.first())
    assert services.users_of(draft) == ["findings: 1"]
    with pytest.raises(ServiceError, match="in use: findings: 1"):
        services.delete_draft(toolkit=draft, by=None)
    with pytest.raises(ServiceError, match="in use"):
        upload(draft, made_up_toolkit("A"))
    assert finding.key_factors.get().toolkit_id == draft.pk


def test_a_published_edition_is_not_deleted(toolkit_c):
    with pytest.raises(ServiceError, match="Only a draft"):
        services.delete_draft(toolkit=toolkit_c, by=None)


# -- pages -----------------------------------------------------------------------------------


@pytest.fixture
def b_facilitator(people, django_user_model):
    """A facilitator of theme B (of an organisation that facilitates B)."""
    from citygrow.people.models import Organisation, Role

    organisation = Organisation.objects.create(name="Test organisation for B")
    organisation.themes.add(Theme.objects.get(code="B"))
    user = django_user_model.objects.create_user("bea", password="pass-1234-word")
    Role.objects.create(user=user, kind="facilitator", organisation=organisation)
    return user


def test_the_editions_page_offers_to_start_the_first_edition(client, b_facilitator):
    client.force_login(b_facilitator)
    page = client.get("/toolkits/B/editions/").content.decode()
    assert "Start the first edition" in page
    assert "Start the first edition" in client.get("/toolkits/B/").content.decode()
    assert "Editions of B." in client.get("/toolkits/").content.decode()


def test_a_facilitator_starts_uploads_previews_and_publishes_on_the_pages(client, b_facilitator):
    client.force_login(b_facilitator)
    form = {f"blank-{k}": v for k, v in HEADER.__dict__.items()} | {"how": "blank"}
    response = client.post("/toolkits/B/editions/new/", form)
    assert response.status_code == 302, response.content.decode()
    file = SimpleUploadedFile("b.yaml", made_up_toolkit("B").encode())
    response = client.post("/toolkits/B/2026/upload/", {"file": file})
    assert response.status_code == 302
    preview = client.get("/toolkits/B/2026/").content.decode()
    assert "Draft preview of the 2026 edition" in preview
    assert "exactly as the public" in preview
    assert "Test factor 2" in preview
    assert "Publish" in client.get("/toolkits/B/2026/publish/").content.decode()
    response = client.post("/toolkits/B/2026/publish/")
    assert response.status_code == 302
    assert Toolkit.objects.get(theme__code="B").status == "published"


def test_the_upload_page_lists_every_problem_and_leaves_the_draft(client, b_facilitator):
    client.force_login(b_facilitator)
    toolkit = upload(blank_b(), made_up_toolkit("B"))
    bad = made_up_toolkit("B").replace("why: Test reason 1.", "wy: Test reason 1.")
    response = client.post(
        "/toolkits/B/2026/upload/", {"file": SimpleUploadedFile("bad.yaml", bad.encode())}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "bad.yaml" in page and "key_factors[0].wy" in page and "unknown key" in page
    assert toolkit.key_factors.count() == 2


def test_the_start_page_says_why_a_second_draft_is_refused(client, b_facilitator):
    client.force_login(b_facilitator)
    blank_b()
    form = {f"blank-{k}": v for k, v in HEADER.__dict__.items()} | {
        "how": "blank",
        "blank-year": 2027,
    }
    response = client.post("/toolkits/B/editions/new/", form)
    assert response.status_code == 422
    assert "already has a draft edition (2026)" in response.content.decode()


def test_the_publish_page_lists_what_is_missing(client, b_facilitator):
    client.force_login(b_facilitator)
    blank_b()
    page = client.get("/toolkits/B/2026/publish/").content.decode()
    assert "Not ready to publish" in page and "no key factor" in page


def test_the_delete_page_deletes_a_draft(client, b_facilitator):
    client.force_login(b_facilitator)
    blank_b()
    assert client.post("/toolkits/B/2026/delete/").status_code == 302
    assert not Toolkit.objects.filter(theme__code="B").exists()


def test_the_facilitator_of_another_theme_may_not_start_its_editions(client, b_facilitator):
    client.force_login(b_facilitator)
    assert client.get("/toolkits/A/editions/").status_code == 403
    assert (
        client.post("/toolkits/A/editions/new/", {"how": "copy", "copy-year": 2026}).status_code
        == 403
    )


def test_the_compare_page_shows_what_changed_with_text_labels(client, toolkit_c):
    draft = services.start_copy_edition(theme=toolkit_c.theme, year=2026, by=None)
    factor = draft.key_factors.get(position=1)
    factor.why = factor.why + " Test addition."
    factor.save()
    Toolkit.objects.filter(pk=draft.pk).update(status="published")
    page = client.get("/toolkits/C/compare/2018/2026/").content.decode()
    assert "Reworded" in page and "Why it matters" in page
    assert "<ins>" in page and "added:" in page and "Test addition" in page
    assert (
        client.get("/toolkits/C/compare/2018/2018/").content.decode().count("No differences") == 1
    )
