"""The audit trail page, and what the trail may hold."""

from datetime import timedelta

import pytest
from django.utils import timezone

from citygrow.people import audit
from citygrow.people.models import ApiToken, AuditEntry, City, Invitation
from citygrow.people.services import create_token, invite, personal_data

URL = "/coordination/audit/"


@pytest.fixture
def entries(people) -> list[AuditEntry]:
    """Three entries, an hour apart, oldest first: Olga's token, Cora's invitation of an officer
    of Athens, Cora's export of Olga's data."""
    olga, cora = people["officer"], people["coordinator"]
    create_token(user=olga, name="monthly report", scope="read")
    invite(
        by=cora,
        email="ana@example.org",
        kind="officer",
        city=City.objects.get(name="Athens"),
        accept_url=lambda token: f"http://testserver/accounts/invitation/{token}/",
    )
    personal_data(person=olga, by=cora)
    recorded = list(AuditEntry.objects.order_by("pk"))
    now = timezone.now()
    for age, entry in zip((3, 2, 1), recorded, strict=True):
        AuditEntry.objects.filter(pk=entry.pk).update(at=now - timedelta(hours=age))
    return recorded


def listed(response) -> list[int]:
    return [entry.pk for entry in response.context["page"].object_list]


def test_the_audit_page_is_for_coordinators(client, people):
    client.force_login(people["officer"])
    assert client.get(URL).status_code == 403
    client.force_login(people["staff"])
    assert client.get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, people):
    assert client.get(URL)["Location"] == "/accounts/login/?next=/coordination/audit/"


def test_it_lists_the_entries_newest_first(client, people, entries):
    client.force_login(people["coordinator"])
    response = client.get(URL)
    assert response.status_code == 200
    assert listed(response) == [entry.pk for entry in reversed(entries)]
    page = response.content.decode()
    export, invitation, token = (
        page.index(text) for text in ("exported", "ana@example.org", "monthly report")
    )
    assert export < invitation < token


def test_it_shows_who_did_what_to_which_record(client, people, entries):
    client.force_login(people["coordinator"])
    page = client.get(URL).content.decode()
    assert "<td>cora</td><td>created</td><td>ana@example.org: City officer" in page
    assert "(people.invitation)</span></td><td>Athens</td>" in page


def test_it_filters_by_city(client, people, entries):
    client.force_login(people["coordinator"])
    response = client.get(URL, {"city": "athens"})
    assert listed(response) == [entries[1].pk]
    assert listed(client.get(URL, {"city": "helsinki"})) == []


def test_it_filters_by_person(client, people, entries):
    client.force_login(people["coordinator"])
    assert listed(client.get(URL, {"person": "cora"})) == [entries[2].pk, entries[1].pk]
    assert listed(client.get(URL, {"person": "olga"})) == [entries[0].pk]
    assert listed(client.get(URL, {"person": "cora", "city": "athens"})) == [entries[1].pk]


@pytest.mark.parametrize(
    "query, message",
    [
        ({"city": "atlantis"}, "There is no such city."),
        ({"person": "nemo"}, "There is no such person."),
        ({"city": "athens", "person": "x" * 5000}, "There is no such person."),
        ({"city": "<script>"}, "There is no such city."),
    ],
    ids=["unknown city", "unknown person", "very long person", "markup"],
)
def test_an_unknown_city_or_person_gets_a_clear_message_and_no_entries(
    client, people, entries, query, message
):
    client.force_login(people["coordinator"])
    response = client.get(URL, query)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "No entry." in page
    assert listed(response) == []
    assert "<script>" not in page


def test_an_empty_filter_lists_everything(client, people, entries):
    client.force_login(people["coordinator"])
    assert len(listed(client.get(URL, {"city": "", "person": ""}))) == 3


def test_the_audit_page_is_paged(client, people, entries):
    AuditEntry.objects.bulk_create(
        AuditEntry(actor_name="system", action="change", target_type="x", target_id=str(n))
        for n in range(60)
    )
    client.force_login(people["coordinator"])
    first = client.get(URL, {"person": ""})
    assert len(listed(first)) == 50
    assert 'href="?person=&amp;page=2"' in first.content.decode()
    assert len(listed(client.get(URL, {"page": 2}))) == 13


# -- what the trail holds ----------------------------------------------------------------------


def test_a_password_is_never_a_value_in_the_changes(people):
    olga = people["officer"]
    values = audit.field_values(olga)
    assert values["password"] == "(secret)"
    assert olga.password not in values.values()
    assert values["username"] == "olga"
    olga.set_unusable_password()
    assert audit.field_values(olga, ["password"]) == {"password": "(secret)"}


def test_token_and_invitation_hashes_are_never_values_in_the_changes(people, entries):
    token = ApiToken.objects.get()
    invitation = Invitation.objects.get()
    assert audit.field_values(token)["secret_hash"] == "(secret)"
    assert audit.field_values(invitation)["token_hash"] == "(secret)"


def test_comparing_before_and_after_a_password_change_reveals_no_hash(people):
    olga = people["officer"]
    old_hash = olga.password
    before = audit.field_values(olga, ["password", "email"])
    olga.set_password("Seven-Lanterns-over-Piraeus-42")
    olga.email = "o.new@example.org"
    after = audit.field_values(olga, ["password", "email"])
    changes = audit.changes_between(before, after)
    assert changes["email"] == ["olga@example.org", "o.new@example.org"]
    assert old_hash not in str(changes)
    assert olga.password not in str(changes)


def test_no_entry_holds_a_password_hash_or_token_secret(client, people):
    client.force_login(people["officer"])
    response = client.post("/accounts/tokens/new/", {"name": "monthly report", "scope": "read"})
    secret = response.context["secret"]
    client.post(
        "/accounts/password/change/",
        {
            "old_password": "pass-1234-word",
            "new_password1": "Seven-Lanterns-over-Piraeus-42",
            "new_password2": "Seven-Lanterns-over-Piraeus-42",
        },
    )
    people["officer"].refresh_from_db()
    secrets = (secret, ApiToken.objects.get().secret_hash, people["officer"].password)
    for entry in AuditEntry.objects.all():
        text = f"{entry.actor_name} {entry.target_repr} {entry.changes}"
        assert not any(value in text for value in secrets)
