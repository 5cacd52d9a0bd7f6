"""The review of contributed practices (issue 13, part 4): the list of contributions waiting
for review and of a city's own, returning, publishing and withdrawing on the practice's page,
comments, the library marking each practice by its source, and the journey of issue 13 (an
officer contributes, a facilitator publishes, the implementing city's plan cites it and the
practice's page shows the adoption)."""

import pytest
from django.urls import reverse

from citygrow.catalogue.models import Theme
from citygrow.people.models import City
from citygrow.plans import services as plan_services
from citygrow.practices import services
from citygrow.practices.models import Practice
from tests.support.clients import client_as
from tests.support.pages import form_on, has_link, link_on, text_of
from tests.support.roles import ROLES

REVIEW = reverse("practices:review")


def contributed(people, city="Athens", name="Language cafés", status="draft") -> Practice:
    practice = services.save_contribution(
        city=City.objects.get(name=city),
        data=services.ContributionIn(
            name=name,
            text="Volunteers host weekly conversation tables.",
            themes=[Theme.objects.get(code="A").pk],
        ),
        by=people["coordinator"],
    )
    if status in ("submitted", "published", "withdrawn"):
        practice = services.submit_practice(practice=practice, by=people["coordinator"])
    if status in ("published", "withdrawn"):
        practice = services.publish_practice(practice=practice, by=people["facilitator"])
    if status == "withdrawn":
        practice = services.withdraw_practice(
            practice=practice, by=people["facilitator"], reason="The service closed in 2020."
        )
    return practice


# The review list --------------------------------------------------------------------------------


def test_the_facilitator_sees_what_waits_for_review_on_their_themes(
    facilitator, other_facilitator, people
):
    waiting = contributed(people, status="submitted")
    contributed(people, name="Still a draft")
    page = text_of(facilitator.web.get(REVIEW))
    assert "Waiting for review" in page
    assert "Language cafés" in page and "Still a draft" not in page
    other = text_of(other_facilitator.web.get(REVIEW))
    assert "No contribution is waiting for your review." in other
    assert waiting.title not in other


def test_an_officer_sees_our_practices_with_their_status(officer, other_officer, people):
    contributed(people, status="submitted")
    contributed(people, name="Mentors for founders", city="Helsinki")
    response = officer.web.get(REVIEW)
    page = text_of(response)
    assert "Our practices" in page and "Waiting for review" not in page
    assert "Language cafés Athens Submitted for review" in page
    assert "Mentors for founders" not in page
    assert "Mentors for founders Helsinki Draft" in text_of(other_officer.web.get(REVIEW))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("officer", 200),
        ("other_officer", 200),
        ("mentor", 403),
        ("facilitator", 200),
        ("other_facilitator", 200),
        ("coordinator", 200),
        ("staff", 403),
        ("nobody", 403),
    ],
)
def test_who_sees_the_review_list(people, role, status):
    assert client_as(people, role).get(REVIEW).status_code == status


def test_the_library_links_to_contribute_and_review_for_those_who_may(client, people):
    library = reverse("practices:list")
    assert not has_link(client.get(library), "Contribute a practice")
    officer_page = client_as(people, "officer").get(library)
    assert link_on(officer_page, "Contribute a practice").endswith(reverse("practices:contribute"))
    assert has_link(officer_page, "Contributed practices")
    facilitator_page = client_as(people, "facilitator").get(library)
    assert not has_link(facilitator_page, "Contribute a practice")
    assert has_link(facilitator_page, "Contributed practices")


# Reviewing on the practice's page ---------------------------------------------------------------


def test_returning_needs_a_comment_then_the_city_sees_it(facilitator, officer, people):
    practice = contributed(people, status="submitted")
    page = facilitator.web.get(practice.get_absolute_url())
    form = form_on(page, action=reverse("practices:return", args=[practice.pk]))
    refused = form.submit(facilitator.web, {"comment": "  "})
    assert refused.status_code == 400
    assert "Say what should change before the practice is published." in text_of(refused)
    practice.refresh_from_db()
    assert practice.status == "submitted"
    done = form.submit(facilitator.web, {"comment": "Add the figures of 2019."}, follow=True)
    assert "Returned to the city with your comment." in text_of(done)
    practice.refresh_from_db()
    assert practice.status == "returned"
    seen = text_of(officer.web.get(practice.get_absolute_url()))
    assert "Not published: Returned for changes." in seen
    assert "Add the figures of 2019." in seen
    assert has_link(officer.web.get(practice.get_absolute_url()), "Edit")


def test_contributors_and_reviewers_comment_while_unpublished(officer, facilitator, people):
    practice = contributed(people, status="submitted")
    page = officer.web.get(practice.get_absolute_url())
    form = form_on(page, action=reverse("practices:comment", args=[practice.pk]))
    assert form.submit(officer.web, {"text": "The 2019 report is attached."}).status_code == 302
    empty = form.submit(officer.web, {"text": ""})
    assert empty.status_code == 400
    assert "This field is required." in text_of(empty)
    assert "The 2019 report is attached." in text_of(
        facilitator.web.get(practice.get_absolute_url())
    )


def test_publishing_puts_it_in_the_library_marked_by_its_source(facilitator, client, people):
    practice = contributed(people, status="submitted")
    library = reverse("practices:list")
    assert client.get(library, {"source": "contributed"}).context["page"].paginator.count == 0
    page = facilitator.web.get(practice.get_absolute_url())
    form = form_on(page, action=reverse("practices:publish", args=[practice.pk]))
    done = form.submit(facilitator.web, {"comment": "Thank you."}, follow=True)
    assert "Published: the practice is in the library." in text_of(done)
    listed = client.get(library, {"source": "contributed"})
    assert [p.pk for p in listed.context["page"].object_list] == [practice.pk]
    assert "Contributed by Athens" in text_of(listed)
    assert client.get(library, {"source": "toolkit"}).context["page"].paginator.count == 33
    everything = client.get(library)
    assert everything.context["page"].paginator.count == 34
    assert "Toolkit example" in text_of(everything)
    public = text_of(client.get(practice.get_absolute_url()))
    assert "Not published" not in public
    assert "Thank you." not in public  # comments are for the practice's people
    bad = client.get(library, {"source": "rumour"})
    assert "There is no such source." in text_of(bad)


def test_withdrawing_needs_a_reason_and_the_page_says_it(facilitator, client, people):
    practice = contributed(people, status="published")
    page = facilitator.web.get(practice.get_absolute_url())
    form = form_on(page, action=reverse("practices:withdraw", args=[practice.pk]))
    refused = form.submit(facilitator.web, {"reason": ""})
    assert refused.status_code == 400
    assert "Say why the practice is withdrawn; readers will see it." in text_of(refused)
    form.submit(facilitator.web, {"reason": "The service closed in 2020."})
    practice.refresh_from_db()
    assert practice.status == "withdrawn"
    public = client.get(practice.get_absolute_url())
    assert public.status_code == 200
    assert "Withdrawn: The service closed in 2020." in text_of(public)
    assert (
        client.get(reverse("practices:list"), {"source": "contributed"})
        .context["page"]
        .paginator.count
        == 0
    )


def test_a_second_review_of_a_published_practice_is_refused(facilitator, people):
    practice = contributed(people, status="published")
    assert facilitator.web.post(reverse("practices:publish", args=[practice.pk])).status_code == 403
    assert (
        facilitator.web.post(reverse("practices:comment", args=[practice.pk]), {"text": "x"})
    ).status_code == 403


def test_only_the_facilitators_of_its_themes_review(other_facilitator, people):
    practice = contributed(people, status="submitted")
    url = reverse("practices:publish", args=[practice.pk])
    # Another theme's facilitator does not see a submitted practice at all.
    assert other_facilitator.web.get(url).status_code == 404


def test_the_contact_is_for_signed_in_people(client, nobody, people):
    practice = contributed(people, status="published")
    Practice.objects.filter(pk=practice.pk).update(contact_name="Maria Example")
    assert "Maria Example" not in text_of(client.get(practice.get_absolute_url()))
    assert "Log in to see who to contact" in text_of(client.get(practice.get_absolute_url()))
    assert "Maria Example" in text_of(nobody.web.get(practice.get_absolute_url()))


# The permission matrix of the new routes -------------------------------------------------------

OK, REDIRECT, FORBIDDEN, HIDDEN = 200, 302, 403, 404

#: Route -> role -> (status on a public object, on a private one). The public object is a
#: published practice of Athens on theme A; the private one a draft of Athens on theme A (seen
#: by Athens's officers, its mentors on A, A's facilitators and coordinators).
TEAM_SEES = {"officer", "mentor", "facilitator", "coordinator"}


def _matrix(public: dict, private: dict) -> dict:
    return {role: (public[role], private[role]) for role in ROLES}


def _private(allowed: set, seen_status: int = FORBIDDEN) -> dict:
    result = {
        role: (OK if role in allowed else seen_status if role in TEAM_SEES else HIDDEN)
        for role in ROLES
    }
    result["anonymous"] = REDIRECT
    return result


def _public(allowed: set) -> dict:
    result = {role: OK if role in allowed else FORBIDDEN for role in ROLES}
    result["anonymous"] = REDIRECT
    return result


MATRIX = {
    # Edit, submit, discard: the city's officers and coordinators, while a draft or returned.
    "practices:edit": _matrix(_public(set()), _private({"officer", "coordinator"})),
    "practices:submit": _matrix(_public(set()), _private({"officer", "coordinator"})),
    "practices:discard": _matrix(_public(set()), _private({"officer", "coordinator"})),
    # Publish and return: the facilitators of its themes and coordinators, once submitted (the
    # draft is not submitted: refused to all who see it).
    "practices:publish": _matrix(_public(set()), _private(set())),
    "practices:return": _matrix(_public(set()), _private(set())),
    # Withdraw: reviewers, once published.
    "practices:withdraw": _matrix(_public({"facilitator", "coordinator"}), _private(set())),
    # Comment: its contributors and reviewers while unpublished.
    "practices:comment": _matrix(
        _public(set()), _private({"officer", "facilitator", "coordinator"})
    ),
}


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_every_new_route_s_status_per_role(people, route):
    public = contributed(people, name="Public", status="published")
    private = contributed(people, name="Private")
    for role in ROLES:
        client = client_as(people, role)
        got = tuple(
            client.get(reverse(route, args=[practice.pk])).status_code
            for practice in (public, private)
        )
        assert got == MATRIX[route][role], (route, role, got)


def test_the_attachment_route_follows_the_practice_s_visibility(people, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.support.plans import SIGNED_PDF

    settings.MEDIA_ROOT = tmp_path
    public = contributed(people, name="Public")
    public_file = services.attach_file(
        practice=public, upload=SimpleUploadedFile("a.pdf", SIGNED_PDF), by=None
    )
    services.submit_practice(practice=public, by=None)
    services.publish_practice(practice=public, by=None)
    private = contributed(people, name="Private")
    private_file = services.attach_file(
        practice=private, upload=SimpleUploadedFile("b.pdf", SIGNED_PDF), by=None
    )
    for role in ROLES:
        client = client_as(people, role)
        got = (
            client.get(
                reverse("practices:attachment", args=[public.pk, public_file.pk])
            ).status_code,
            client.get(
                reverse("practices:attachment", args=[private.pk, private_file.pk])
            ).status_code,
        )
        assert got == (OK, OK if role in TEAM_SEES else HIDDEN), (role, got)
    for route in ("practices:attach", "practices:attachment_remove"):
        args = [private.pk] if route == "practices:attach" else [private.pk, private_file.pk]
        assert client_as(people, "officer").get(reverse(route, args=args)).status_code == 405


# The journey of issue 13 -----------------------------------------------------------------------


def test_an_officer_contributes_a_facilitator_publishes_and_a_plan_cites_it(
    people, officer, facilitator, mentor, plan, client
):
    from datetime import date

    from tests.support.plans import assess_athens

    # Munich (the mentor city) contributes; a coordinator enters it for Munich.
    coordinator = client_as(people, "coordinator")
    page = coordinator.get(reverse("practices:contribute"))
    from tests.support.pages import Choice

    form_on(page, containing="Save the draft").submit(
        coordinator,
        {
            "city": Choice("Munich"),
            "Title": "Supplier days",
            "Full text": "The city invites migrant entrepreneurs to meet its buyers.",
            "themes": Choice("A."),
        },
    )
    practice = Practice.objects.get(name="Supplier days")
    form_on(
        coordinator.get(reverse("practices:submit", args=[practice.pk])), containing="Submit"
    ).submit(coordinator)
    review = facilitator.web.get(REVIEW)
    assert "Supplier days" in text_of(review)
    page = facilitator.web.get(link_on(review, "Supplier days"))
    form_on(page, action=reverse("practices:publish", args=[practice.pk])).submit(facilitator.web)
    practice.refresh_from_db()
    assert practice.status == "published"
    # Athens's plan cites it.
    objective = plan.objectives.get(title="Open a one-stop shop")
    plan_services.save_objective(
        plan=plan,
        objective=objective,
        title=objective.title,
        key_factors=list(objective.key_factors.values_list("pk", flat=True)),
        practices=[practice.pk],
        by=people["officer"],
    )
    shown = text_of(officer.web.get(practice.get_absolute_url()))
    year = plan.created_at.year
    assert f"Adapted by Athens in its {year} plan" in shown
    assert "Objective “Open a one-stop shop”: not measured yet" in shown
    # The plan is a draft: an anonymous reader does not see the adoption.
    assert "No plan that you can see has adapted it yet." in text_of(
        client.get(practice.get_absolute_url())
    )
    later = assess_athens({1: "yes"}, assessed_on=date(2025, 5, 1))
    plan_services.link_follow_up(plan=plan, assessment=later, by=None)
    measured = text_of(officer.web.get(practice.get_absolute_url()))
    assert "Key factor 1." in measured and "0.0 → 100.0 (+100.0)" in measured
