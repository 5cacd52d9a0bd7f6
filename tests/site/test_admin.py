"""Staff edit toolkits, practices and cities in the admin, with import and export."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from citygrow.catalogue.models import Toolkit
from citygrow.people.models import City
from citygrow.practices.models import Practice
from tests.support.toolkits import TOOLKITS

LOAD_URL = "/admin/catalogue/toolkit/load/"


def upload(client, name: str, content: bytes, **data):
    return client.post(LOAD_URL, {"file": SimpleUploadedFile(name, content), **data})


def test_staff_load_a_toolkit_file_in_the_admin(seeded, admin_client):
    text = (
        (TOOLKITS / "A-2018.yaml")
        .read_text()
        .replace("  year: 2018\n  status", "  year: 2022\n  status")
    )
    response = upload(admin_client, "A-2022.yaml", text.encode())
    assert response.status_code == 302
    assert Toolkit.objects.filter(theme__code="A", year=2022).exists()
    assert "A 2022: created" in admin_client.get(response["Location"]).content.decode()


def test_a_bad_upload_lists_every_problem_and_loads_nothing(seeded, admin_client):
    text = (TOOLKITS / "A-2018.yaml").read_text()
    text = text.replace("  year: 2018\n  status", "  year: 2023\n  status").replace(
        "city: Munich", "city: Atlantis"
    )
    response = upload(admin_client, "A-2023.yaml", text.encode())
    assert response.status_code == 200
    page = response.content.decode()
    assert "The file was not loaded: 2 problems." in page
    assert "key_factors[1].examples[0].city" in page
    assert not Toolkit.objects.filter(year=2023).exists()


def test_a_binary_upload_is_refused_clearly(seeded, admin_client):
    response = upload(admin_client, "junk.yaml", b"\xff\xfe\x00\x01")
    assert "the file is not UTF-8 text" in response.content.decode()


def test_the_load_page_is_for_staff_only(client, seeded):
    assert client.get(LOAD_URL).status_code == 302
    assert "/admin/login/" in client.get(LOAD_URL)["Location"]


def test_staff_export_an_edition_from_the_admin(toolkit_a, admin_client):
    response = admin_client.post(
        "/admin/catalogue/toolkit/",
        {"action": "export_yaml", "_selected_action": [toolkit_a.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="A-2018.yaml"'
    assert b"heading: Mapping and needs assessment" in response.content


def test_editing_a_key_factor_in_the_admin_changes_the_page(toolkit_a, admin_client, client):
    factor = toolkit_a.key_factors.get(position=1)
    questions = list(factor.guide_questions.all())
    data = {
        "toolkit": toolkit_a.pk,
        "position": 1,
        "heading": "Mapping and needs assessment (revised)",
        "summary": "",
        "why": factor.why,
        "guide_questions-TOTAL_FORMS": len(questions),
        "guide_questions-INITIAL_FORMS": len(questions),
        "guide_questions-MIN_NUM_FORMS": 0,
        "guide_questions-MAX_NUM_FORMS": 1000,
    }
    for i, question in enumerate(questions):
        data |= {
            f"guide_questions-{i}-id": question.pk,
            f"guide_questions-{i}-key_factor": factor.pk,
            f"guide_questions-{i}-position": question.position,
            f"guide_questions-{i}-text": question.text,
            f"guide_questions-{i}-sub_items": json.dumps(question.sub_items),
        }
    data["guide_questions-0-note"] = "Checked against the source."
    response = admin_client.post(f"/admin/catalogue/keyfactor/{factor.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "(revised)" in client.get(toolkit_a.get_absolute_url()).content.decode()
    assert Toolkit.objects.get(pk=toolkit_a.pk).content_hash != toolkit_a.content_hash
    # The edit raises the versions of what changed, so a page save made over it is a conflict.
    factor.refresh_from_db()
    assert factor.version == 2 and factor.guide_questions.get(position=1).version == 2


def test_cities_import_from_csv_and_export(seeded, admin_client):
    csv = "name,slug,country,charter_signatory,charter_signed_on\nBonn,bonn,DE,true,\n"
    response = admin_client.post(
        "/admin/people/city/import/",
        {
            "import_file": SimpleUploadedFile("cities.csv", csv.encode()),
            "format": "0",
            "resource": "0",
        },
    )
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    response = admin_client.post("/admin/people/city/process_import/", confirm.initial)
    assert response.status_code == 302
    assert City.objects.get(name="Bonn").charter_signatory is True
    fields = [
        name for name in admin_client.get("/admin/people/city/export/").context["form"].fields
    ]
    exported = admin_client.post(
        "/admin/people/city/export/",
        {
            "format": "0",
            "resource": "0",
            **{f: "on" for f in fields if f.startswith("cityresource_")},
        },
    )
    assert exported["Content-Type"] == "text/csv"
    assert "Bonn,bonn,DE,1," in exported.content.decode()


def test_practices_list_in_the_admin(toolkit_a, admin_client):
    response = admin_client.get("/admin/practices/practice/")
    assert response.status_code == 200
    assert Practice.objects.count() == 33


def test_a_city_renamed_in_the_admin_is_found_by_its_new_name(seeded, admin_client, client):
    city = City.objects.get(name="Munich")
    response = admin_client.post(
        f"/admin/people/city/{city.pk}/change/",
        {"name": "München", "slug": "munchen", "country": city.country_id},
    )
    assert response.status_code == 302
    found = client.get("/practices/", {"q": "München"}).context["page"].paginator.count
    assert found == Practice.objects.filter(city=city).count() == 2


def test_a_practice_edited_in_the_admin_is_found_by_its_new_words(toolkit_a, admin_client, client):
    practice = Practice.objects.get(toolkit=toolkit_a, key_factor__position=1)
    response = admin_client.post(
        f"/admin/practices/practice/{practice.pk}/change/",
        {
            "city": practice.city_id,
            "toolkit": toolkit_a.pk,
            "key_factor": practice.key_factor_id,
            "position": 1,
            "text": practice.text + " Zeppelinfeld.",
            "links": json.dumps(practice.links),
            "year": 2018,
            "source": practice.source,
            "origin": "toolkit",
            "status": "published",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert client.get("/practices/", {"q": "zeppelinfeld"}).context["page"].paginator.count == 1


def test_admin_changes_to_people_are_in_the_audit_trail(people, admin_client):
    from citygrow.mentoring.models import Pairing
    from citygrow.people.models import AuditEntry

    pairing = Pairing.objects.get(implementing_city__name="Athens")
    response = admin_client.post(
        "/admin/people/role/add/",
        {"user": people["nobody"].pk, "kind": "mentor", "pairing": pairing.pk},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(target_type="people.role", action="create")
    assert entry.actor_name == "admin"
    assert entry.city.name == "Athens"
    user = people["nobody"]
    response = admin_client.post(
        f"/admin/people/user/{user.pk}/change/",
        {
            "username": user.username,
            "first_name": "Nora",
            "last_name": "",
            "email": user.email,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    change = AuditEntry.objects.get(target_type="people.user", action="change")
    assert change.changes["first_name"] == ["", "Nora"]
    assert "password" not in change.changes
