"""Pairing by hand on the scheme page, and what a pairing gives its people (issue 12).

A coordinator pairs any mentor city with any implementing city of a scheme on the scheme page,
with or without the recommender's proposal (theme B has no toolkit, so nothing to compare), and
removes a pairing on its own page: refused, with the reason and the way out, while it has visits
or an action plan. The officers of the mentor city are mentors of the implementing city on the
pairing's theme for as long as the pairing exists, with no invitation.

Around the `people` fixture (scheme A of "Test programme": Munich → Athens, Ghent → Helsinki),
these tests add scheme B of the same programme with Lisbon (mentor) and Athens and Tampere
(implementing), and Lucas, an officer of Lisbon whom nobody ever invited.
"""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from citygrow.assessments.models import Assessment
from citygrow.catalogue.models import Theme, Toolkit
from citygrow.mentoring import services
from citygrow.mentoring.models import Pairing, Programme, Scheme, SchemeCity, Visit
from citygrow.people.models import AuditEntry, City, Invitation, Role
from citygrow.people.services import invite
from tests.support.budgets import assert_flat, count_queries
from tests.support.clients import api_client, web_client
from tests.support.plans import assess_athens
from tests.support.roles import ROLES

SCHEME_B = ("test-programme", "B")


def city(name: str) -> City:
    return City.objects.get(name=name)


def url(name: str, *args: object) -> str:
    return reverse(f"mentoring:{name}", args=args)


@pytest.fixture
def scheme_b(people) -> Scheme:
    """Scheme B of Test programme: Lisbon (mentor), Athens and Tampere (implementing)."""
    scheme = Scheme.objects.create(
        programme=Programme.objects.get(slug="test-programme"), theme=Theme.objects.get(code="B")
    )
    for name, role in [
        ("Lisbon", "mentor"),
        ("Athens", "implementing"),
        ("Tampere", "implementing"),
    ]:
        SchemeCity.objects.create(scheme=scheme, city=city(name), role=role)
    assert not Toolkit.objects.filter(theme__code="B").exists()
    return scheme


@pytest.fixture
def lucas(people, django_user_model):
    """An officer of Lisbon, never invited as a mentor."""
    user = django_user_model.objects.create_user("lucas", password="pass-1234-word")
    Role.objects.create(user=user, kind="officer", city=city("Lisbon"))
    return user


def pair(client: Client, mentor: str, implementing: str, address: tuple = SCHEME_B):
    return client.post(
        url("pairing_add", *address),
        {"mentor": city(mentor).pk, "implementing": city(implementing).pk},
        follow=True,
    )


# Pairing by hand ------------------------------------------------------------------------------


def test_a_coordinator_pairs_two_cities_of_a_theme_without_toolkit_on_the_scheme_page(
    coordinator, scheme_b
):
    page = coordinator.web.get(url("scheme", *SCHEME_B)).content.decode()
    assert "Pair two cities by hand" in page
    assert url("pairing_add", *SCHEME_B) in page
    assert "The officers of a mentor city are mentors of the implementing city" in page

    response = pair(coordinator.web, "Lisbon", "Athens")
    assert response.redirect_chain[-1][0] == f"{url('scheme', *SCHEME_B)}#pairings"
    page = response.content.decode()
    assert (
        "Lisbon → Athens paired. The officers of Lisbon are now mentors of Athens on this theme."
    ) in page
    assert "the officers of Lisbon" in page  # the pairing's mentors, in its row
    pairing = Pairing.objects.get(scheme=scheme_b)
    assert (pairing.mentor_city.name, pairing.implementing_city.name) == ("Lisbon", "Athens")
    assert pairing.theme.code == "B"
    entry = AuditEntry.objects.get(target_type="mentoring.pairing", target_id=str(pairing.pk))
    assert (entry.action, entry.actor, entry.city) == ("create", coordinator.user, city("Athens"))


def test_the_form_marks_full_mentors_and_mentored_cities_and_goes_when_all_are_paired(
    coordinator, scheme_b
):
    pair(coordinator.web, "Lisbon", "Athens")
    page = coordinator.web.get(url("scheme", *SCHEME_B)).content.decode()
    assert "Lisbon (full)" in page  # capacity 1
    assert "Athens (mentored by Lisbon)" in page
    SchemeCity.objects.create(scheme=scheme_b, city=city("Riga"), role="mentor")
    pair(coordinator.web, "Riga", "Tampere")
    page = coordinator.web.get(url("scheme", *SCHEME_B)).content.decode()
    assert url("pairing_add", *SCHEME_B) not in page
    assert "Every implementing city of this scheme has a mentor." in page


def test_the_proposal_page_offers_pairing_by_hand_when_there_is_nothing_to_compare(
    coordinator, scheme_b
):
    page = coordinator.web.get(url("proposal", *SCHEME_B)).content.decode()
    assert "This theme has no published toolkit yet" in page
    assert "Pair two cities by hand" in page and url("pairing_add", *SCHEME_B) in page
    assert "Accept these pairings" not in page
    response = pair(coordinator.web, "Lisbon", "Tampere")
    assert "Lisbon → Tampere paired." in response.content.decode()


def test_a_theme_with_a_toolkit_is_paired_by_hand_too(coordinator, people):
    SchemeCity.objects.create(
        scheme=Scheme.objects.get(theme__code="A"), city=city("Riga"), role="implementing"
    )
    Scheme.objects.filter(theme__code="A").update(capacity=2)
    response = pair(coordinator.web, "Ghent", "Riga", ("test-programme", "A"))
    assert "Ghent → Riga paired." in response.content.decode()


@pytest.mark.parametrize(
    "mentor,implementing,message",
    [
        ("Lisbon", "Lisbon", "Choose one of the scheme&#x27;s implementing cities."),
        ("Athens", "Tampere", "Choose one of the scheme&#x27;s mentor cities."),
        ("Munich", "Athens", "Choose one of the scheme&#x27;s mentor cities."),  # not in B
        ("Lisbon", "Riga", "Choose one of the scheme&#x27;s implementing cities."),
    ],
)
def test_cities_that_are_not_of_the_scheme_in_that_role_are_refused(
    coordinator, scheme_b, mentor, implementing, message
):
    response = pair(coordinator.web, mentor, implementing)
    assert response.redirect_chain[-1][0] == f"{url('scheme', *SCHEME_B)}#pair"
    assert message in response.content.decode()
    assert not Pairing.objects.filter(scheme=scheme_b).exists()


def test_the_scheme_s_rules_apply_by_hand(coordinator, scheme_b):
    pair(coordinator.web, "Lisbon", "Athens")
    # Capacity 1: Lisbon is full.
    response = pair(coordinator.web, "Lisbon", "Tampere")
    assert (
        "Lisbon would mentor 2 implementing cities; this scheme allows 1 per mentor."
    ) in response.content.decode()
    # One mentor per implementing city.
    SchemeCity.objects.create(scheme=scheme_b, city=city("Rotterdam"), role="mentor")
    response = pair(coordinator.web, "Rotterdam", "Athens")
    assert "Athens already has a mentor in this scheme: Lisbon." in response.content.decode()
    # No pair within one country, when the scheme says so.
    Scheme.objects.filter(pk=scheme_b.pk).update(forbid_same_country=True)
    SchemeCity.objects.create(scheme=scheme_b, city=city("Utrecht"), role="implementing")
    response = pair(coordinator.web, "Rotterdam", "Utrecht")
    assert "Rotterdam and Utrecht are in the same country" in response.content.decode()
    assert Pairing.objects.filter(scheme=scheme_b).count() == 1


@pytest.mark.parametrize(
    "data",
    [{}, {"mentor": "abc", "implementing": ""}, {"mentor": "999999", "implementing": "-1"}],
)
def test_bad_input_is_a_message_never_a_server_error(coordinator, scheme_b, data):
    response = coordinator.web.post(url("pairing_add", *SCHEME_B), data, follow=True)
    assert response.status_code == 200
    assert "Mentor city:" in response.content.decode()
    assert not Pairing.objects.filter(scheme=scheme_b).exists()


@pytest.mark.parametrize("role", [r for r in ROLES if r != "coordinator"])
def test_only_coordinators_pair_by_hand(client, people, scheme_b, role):
    if role != "anonymous":
        client.force_login(people[role])
    data = {"mentor": city("Lisbon").pk, "implementing": city("Athens").pk}
    response = client.post(url("pairing_add", *SCHEME_B), data)
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert not Pairing.objects.filter(scheme=scheme_b).exists()
    page = client.get(url("scheme", *SCHEME_B)).content.decode()
    assert "Pair two cities by hand" not in page


# A pairing gives its people access ----------------------------------------------------------


def test_an_officer_of_the_mentor_city_reads_the_mentee_s_private_items_at_once(
    coordinator, people, plan, lucas
):
    """On theme A (where a plan can start): a second programme's scheme A pairs Lisbon with
    Athens; Lucas, never invited, reads Athens's draft plan and draft assessment on A at once,
    and no longer once the pairing is removed."""
    draft = assess_athens(assessed_on=date(2025, 1, 1), status=Assessment.Status.DRAFT)
    other = Programme.objects.create(
        name="Second programme",
        slug="second",
        starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    scheme = Scheme.objects.create(programme=other, theme=Theme.objects.get(code="A"))
    SchemeCity.objects.create(scheme=scheme, city=city("Lisbon"), role="mentor")
    SchemeCity.objects.create(scheme=scheme, city=city("Athens"), role="implementing")
    private = [plan.get_absolute_url(), draft.get_absolute_url()]
    for address in private:
        assert web_client(lucas).get(address).status_code == 404
    assert api_client(lucas).get(f"/api/v1/plans/{plan.pk}").status_code == 404

    pair(coordinator.web, "Lisbon", "Athens", ("second", "A"))
    for address in private:
        assert web_client(lucas).get(address).status_code == 200, address
    assert api_client(lucas).get(f"/api/v1/plans/{plan.pk}").status_code == 200
    # A mentor reads; editing stays with Athens's officers.
    assert web_client(lucas).get(reverse("plans:edit", args=[plan.pk])).status_code == 403
    # Nobody was invited: the pairing alone gave the access.
    assert not Invitation.objects.exists()

    pairing = Pairing.objects.get(scheme=scheme)
    response = coordinator.web.post(url("pairing_remove", pairing.pk), follow=True)
    assert "The pairing Lisbon → Athens was removed." in response.content.decode()
    for address in private:
        assert web_client(lucas).get(address).status_code == 404


def test_an_officer_of_the_mentor_city_reads_a_draft_visit_report_on_theme_b(
    coordinator, people, scheme_b, lucas
):
    pair(coordinator.web, "Lisbon", "Athens")
    pairing = Pairing.objects.get(scheme=scheme_b)
    visit = Visit.objects.create(
        pairing=pairing, kind="study", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 2)
    )
    services.save_report(
        visit=visit,
        summary="Draft notes",
        findings=[services.FindingIn(kind="strength", text="A test finding")],
        by=coordinator.user,
    )
    address = f"/api/v1/visits/{visit.pk}/report"
    assert api_client(lucas).get(address).status_code == 200
    assert api_client(people["other_officer"]).get(address).status_code == 404
    # The pairing gives access on its theme only: Athens's items on A stay Munich's to mentor.
    draft = assess_athens(assessed_on=date(2025, 1, 1), status=Assessment.Status.DRAFT)
    assert web_client(lucas).get(draft.get_absolute_url()).status_code == 404


def test_an_invited_mentor_who_is_not_an_officer_still_gets_access(coordinator, people, plan):
    """Individual invitations still work: mia mentors Athens through her invitation alone."""
    assert not Role.objects.filter(user=people["mentor"], kind="officer").exists()
    assert web_client(people["mentor"]).get(plan.get_absolute_url()).status_code == 200


# Removing a pairing -------------------------------------------------------------------------


def test_removing_is_refused_while_the_pairing_has_visits_or_a_plan_with_the_way_out(
    coordinator, people, plan
):
    pairing = plan.pairing
    visit = Visit.objects.create(
        pairing=pairing, kind="study", starts_on=date(2024, 5, 2), ends_on=date(2024, 5, 4)
    )
    page = coordinator.web.get(url("pairing_remove", pairing.pk)).content.decode()
    reason = "This pairing has 1 visit and an action plan, which would be lost with it."
    assert reason in page
    assert url("visit", visit.pk) in page and plan.get_absolute_url() in page
    assert "What to do" in page and "Remove the pairing</button>" not in page

    response = coordinator.web.post(url("pairing_remove", pairing.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("pairing_remove", pairing.pk)
    assert reason in response.content.decode()
    assert Pairing.objects.filter(pk=pairing.pk).exists()

    # The API refuses with the same reason.
    response = coordinator.api.delete(f"/api/v1/pairings/{pairing.pk}")
    assert response.status_code == 422
    assert reason in response.json()["detail"]

    # With the visit gone, the plan alone still holds it.
    visit.delete()
    response = coordinator.api.delete(f"/api/v1/pairings/{pairing.pk}")
    assert response.status_code == 422
    assert "This pairing has an action plan" in response.json()["detail"]
    assert Pairing.objects.filter(pk=pairing.pk).exists()


def test_staff_get_links_to_delete_what_holds_the_pairing(people, plan):
    Role.objects.create(user=people["staff"], kind="coordinator")
    page = web_client(people["staff"]).get(url("pairing_remove", plan.pairing_id)).content
    assert reverse("admin:plans_actionplan_delete", args=[plan.pk]) in page.decode()


def test_removing_a_pairing_ends_its_invited_mentors_roles_on_the_record(coordinator, people):
    pairing = Pairing.objects.get(implementing_city__name="Athens")
    invite(
        email="new@example.org",
        kind="mentor",
        pairing=pairing,
        by=coordinator.user,
        accept_url=lambda token: f"/accounts/invitation/{token}/",
    )
    page = coordinator.web.get(url("pairing_remove", pairing.pk)).content.decode()
    assert "the officers of Munich" in page or "officers of Munich" in page
    assert "The 1 person invited as a mentor into this pairing loses that role." in page

    response = coordinator.web.post(url("pairing_remove", pairing.pk), follow=True)
    assert response.redirect_chain[-1][0] == f"{url('scheme', 'test-programme', 'A')}#pairings"
    assert not Pairing.objects.filter(pk=pairing.pk).exists()
    assert not Role.objects.filter(user=people["mentor"], kind="mentor").exists()
    assert not Invitation.objects.filter(email="new@example.org").exists()
    deleted = set(
        AuditEntry.objects.filter(action="delete", actor=coordinator.user).values_list(
            "target_type", "about__username"
        )
    )
    assert deleted >= {
        ("mentoring.pairing", None),
        ("people.role", "mia"),
        ("people.invitation", None),
    }


@pytest.mark.parametrize("role", [r for r in ROLES if r != "coordinator"])
def test_only_coordinators_remove_a_pairing(client, people, role):
    pairing = Pairing.objects.get(implementing_city__name="Athens")
    if role != "anonymous":
        client.force_login(people[role])
    expected = 302 if role == "anonymous" else 403
    assert client.get(url("pairing_remove", pairing.pk)).status_code == expected
    assert client.post(url("pairing_remove", pairing.pk)).status_code == expected
    assert Pairing.objects.filter(pk=pairing.pk).exists()


def test_a_pairing_that_does_not_exist_is_not_found(coordinator):
    assert coordinator.web.get(url("pairing_remove", 999999)).status_code == 404
    assert coordinator.web.post(url("pairing_remove", 999999)).status_code == 404


# Query budgets ------------------------------------------------------------------------------


def test_the_removal_page_keeps_to_a_query_budget(coordinator, people, plan):
    pairing = plan.pairing
    address = url("pairing_remove", pairing.pk)
    Visit.objects.create(
        pairing=pairing, kind="study", starts_on=date(2024, 5, 2), ends_on=date(2024, 5, 4)
    )
    small = count_queries(coordinator.web, address)
    for day in range(5, 15):
        Visit.objects.create(
            pairing=pairing,
            kind="mentoring",
            starts_on=date(2024, 6, day),
            ends_on=date(2024, 6, day),
        )
    for number in range(5):
        invite(
            email=f"m{number}@example.org",
            kind="mentor",
            pairing=pairing,
            by=coordinator.user,
            accept_url=lambda token: f"/accounts/invitation/{token}/",
        )
    assert_flat(small, count_queries(coordinator.web, address), budget=12)


def test_the_scheme_page_keeps_to_its_budget_with_the_pairing_form(coordinator, scheme_b):
    address = url("scheme", *SCHEME_B)
    pair(coordinator.web, "Lisbon", "Athens")
    small = count_queries(coordinator.web, address)
    for name in ["Riga", "Dresden", "Gdansk"]:
        SchemeCity.objects.create(scheme=scheme_b, city=city(name), role="mentor")
    for name in ["Nantes", "Nicosia", "Utrecht"]:
        SchemeCity.objects.create(scheme=scheme_b, city=city(name), role="implementing")
    pair(coordinator.web, "Riga", "Nantes")
    pair(coordinator.web, "Dresden", "Nicosia")
    assert_flat(small, count_queries(coordinator.web, address), budget=15)


def test_roles_are_read_in_one_query_however_many_pairings_the_city_mentors_in(
    people, lucas, scheme_b, django_assert_num_queries
):
    from citygrow.people.rules import forget_roles, roles_of

    Pairing.objects.create(
        scheme=scheme_b, mentor_city=city("Lisbon"), implementing_city=city("Athens")
    )
    with django_assert_num_queries(1):
        roles = roles_of(lucas)
    assert roles.mentors(city("Athens").pk, scheme_b.theme_id)
    forget_roles(lucas)
    Scheme.objects.filter(pk=scheme_b.pk).update(capacity=2)
    Pairing.objects.create(
        scheme=scheme_b, mentor_city=city("Lisbon"), implementing_city=city("Tampere")
    )
    with django_assert_num_queries(1):
        roles = roles_of(lucas)
    assert roles.mentors(city("Tampere").pk, scheme_b.theme_id)
    assert not roles.mentors(city("Tampere").pk, Theme.objects.get(code="A").pk)


def test_a_plan_started_while_the_pairing_is_being_removed_keeps_it(
    coordinator, people, plan, monkeypatch
):
    """The check and the delete are not one step: when a plan or a visit arrives in between,
    the database's protection refuses the delete, and the refusal is a message, not an error;
    nothing is recorded."""
    monkeypatch.setattr(services, "why_pairing_stays", lambda pairing: None)
    entries = AuditEntry.objects.count()
    response = coordinator.web.post(url("pairing_remove", plan.pairing_id), follow=True)
    assert response.status_code == 200
    assert "This pairing has a visit, an action plan or an infographic" in (
        response.content.decode()
    )
    assert Pairing.objects.filter(pk=plan.pairing_id).exists()
    assert AuditEntry.objects.count() == entries
