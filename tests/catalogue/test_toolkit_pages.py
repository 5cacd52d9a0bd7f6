"""The public toolkit pages, the PDF and the downloads."""

import io
import json

import pytest
import yaml
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from citygrow.catalogue.models import Toolkit
from citygrow.catalogue.services import load_toolkit, read_toolkit_text, refresh_fingerprint
from citygrow.catalogue.views import toolkit_content_cache_key


def test_the_toolkit_list_shows_every_theme(client, seeded):
    response = client.get(reverse("catalogue:toolkit_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Matching buyers and suppliers" in page
    assert "7 key factors" in page and "9 key factors" in page
    assert page.count("Content not yet available.") == 2  # B and D


def test_the_home_page_lists_the_themes_and_a_search(client, seeded):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Services to promote and support migrant entrepreneurs" in response.content
    assert b'action="/practices/"' in response.content


def test_a_theme_leads_to_its_current_edition(client, seeded):
    response = client.get(reverse("catalogue:theme", args=["A"]))
    assert response.status_code == 302
    assert response["Location"] == "/toolkits/A/2018/"
    assert client.get("/toolkits/a/").status_code == 302


def test_a_theme_without_content_says_so(client, seeded):
    response = client.get(reverse("catalogue:theme", args=["B"]))
    assert response.status_code == 200
    assert b"Content not yet available" in response.content
    assert b"Promoting appropriate migrant participation" in response.content


def test_an_unknown_theme_or_edition_is_not_found(client, seeded):
    assert client.get("/toolkits/Q/").status_code == 404
    assert client.get("/toolkits/A/1999/").status_code == 404
    assert client.get("/toolkits/A/99999999999999999999/").status_code == 404


def test_the_toolkit_page_shows_standard_key_factors_questions_examples_context_and_terms(
    client, toolkit_a
):
    response = client.get(toolkit_a.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Integrating Cities standard" in page
    assert "inclusive procurement programme" in page
    for factor in toolkit_a.key_factors.all():
        assert f'id="{factor.anchor}"' in page
    assert "Does the city collect and monitor data on:" in page
    assert "the procurement needs of the city." in page  # a sub-item
    assert "Phönix Prize" in page  # an example
    assert '<a href="https://bit.ly/2PlzCtg" rel="nofollow">' in page  # links are links
    assert "Political control within the city administration" in page  # a context factor
    assert "Micro enterprise" in page  # a term
    assert "EUROCITIES, 2018" in page


def test_a_term_without_definition_says_so(client, toolkit_c):
    page = client.get(toolkit_c.get_absolute_url()).content.decode()
    assert "No definition in the source document." in page


def test_the_pdf_is_made_from_the_same_content(client, toolkit_a):
    response = client.get(reverse("catalogue:toolkit_pdf", args=["A", 2018]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="integrating-cities-toolkit-A-2018.pdf"' in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Mapping and needs assessment" in text
    assert "Integrating Cities standard" in text


def test_the_toolkit_downloads_as_yaml_and_json_in_the_file_format(client, toolkit_a):
    as_yaml = client.get(reverse("catalogue:toolkit_export", args=["A", 2018, "yaml"]))
    as_json = client.get(reverse("catalogue:toolkit_export", args=["A", 2018, "json"]))
    assert as_yaml.status_code == as_json.status_code == 200
    data = yaml.safe_load(as_yaml.content)
    assert data == json.loads(as_json.content)
    assert data["theme"] == {"code": "A", "title": toolkit_a.title}
    assert len(data["key_factors"]) == 7
    assert client.get("/toolkits/A/2018/export.xml").status_code == 404


def test_another_edition_is_listed_on_the_page(client, toolkit_a):
    Toolkit.objects.filter(pk=toolkit_a.pk).update(status=Toolkit.Status.WITHDRAWN)
    newer = Toolkit.objects.get(pk=toolkit_a.pk)
    newer.pk = None
    newer.year = 2020
    newer.status = Toolkit.Status.PUBLISHED
    newer.save()
    page = client.get(toolkit_a.get_absolute_url()).content.decode()
    assert "This edition has been withdrawn" in page
    assert 'href="/toolkits/A/2020/"' in page
    assert client.get("/toolkits/A/")["Location"] == "/toolkits/A/2020/"


def test_without_pango_the_pdf_link_explains_instead_of_failing(client, toolkit_a, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    response = client.get(reverse("catalogue:toolkit_pdf", args=["A", 2018]))
    assert response.status_code == 503
    assert b"The PDF cannot be made on this server" in response.content


# The rendered content of a published edition is cached (catalogue.views._toolkit_content).


def _heading(toolkit: Toolkit) -> str:
    return toolkit.key_factors.get(position=1).heading


def test_a_published_edition_is_served_from_the_cache(client, toolkit_a):
    cache.clear()
    first = client.get(toolkit_a.get_absolute_url()).content.decode()
    key = toolkit_content_cache_key(Toolkit.objects.get(pk=toolkit_a.pk))
    assert key is not None and _heading(toolkit_a) in cache.get(key)
    # A change that bypasses the services (so no new fingerprint) is not seen: the cache is used.
    toolkit_a.key_factors.filter(position=1).update(heading="Changed behind the cache's back")
    again = client.get(toolkit_a.get_absolute_url()).content.decode()
    assert again == first
    assert "Changed behind the cache's back" not in again


def test_an_edit_through_the_admin_services_shows_at_once(client, toolkit_a):
    cache.clear()
    client.get(toolkit_a.get_absolute_url())
    toolkit_a.key_factors.filter(position=1).update(heading="A freshly edited heading")
    refresh_fingerprint(toolkit_a)  # what every admin edit of an edition calls
    page = client.get(toolkit_a.get_absolute_url()).content.decode()
    assert "A freshly edited heading" in page


def test_a_reloaded_edition_shows_its_new_content(client, toolkit_a, toolkit_a_text):
    cache.clear()
    old_heading = _heading(toolkit_a)
    assert old_heading in client.get(toolkit_a.get_absolute_url()).content.decode()
    edited = toolkit_a_text.replace(old_heading, "A heading from the replaced file", 1)
    assert edited != toolkit_a_text
    document = read_toolkit_text(edited, source="A-2018.yaml")
    load_toolkit(document=document, source="A-2018.yaml", replace=True)
    page = client.get(toolkit_a.get_absolute_url()).content.decode()
    assert "A heading from the replaced file" in page
    assert old_heading not in page


def test_the_cache_is_kept_per_language(client, toolkit_a):
    cache.clear()
    edition = Toolkit.objects.get(pk=toolkit_a.pk)
    with translation.override("en"):
        english = toolkit_content_cache_key(edition)
    with translation.override("de"):
        german = toolkit_content_cache_key(edition)
    assert english != german


@pytest.mark.parametrize("status", [Toolkit.Status.DRAFT, Toolkit.Status.WITHDRAWN])
def test_drafts_and_withdrawn_editions_are_never_cached(staff_client, toolkit_a, status):
    cache.clear()
    Toolkit.objects.filter(pk=toolkit_a.pk).update(status=status)
    assert toolkit_content_cache_key(Toolkit.objects.get(pk=toolkit_a.pk)) is None
    staff_client.get(toolkit_a.get_absolute_url())
    toolkit_a.key_factors.filter(position=1).update(heading="Edited while not published")
    page = staff_client.get(toolkit_a.get_absolute_url()).content.decode()
    assert "Edited while not published" in page


def test_a_draft_is_still_not_found_for_a_visitor_after_a_reader_filled_the_cache(
    client, staff_client, toolkit_a
):
    cache.clear()
    Toolkit.objects.filter(pk=toolkit_a.pk).update(status=Toolkit.Status.DRAFT)
    assert staff_client.get(toolkit_a.get_absolute_url()).status_code == 200
    staff_client.logout()
    assert client.get(toolkit_a.get_absolute_url()).status_code == 404
