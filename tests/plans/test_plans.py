"""The action plan pages: starting a plan, objectives picked from the suggestions, actions and
sub-actions with the roll-up, bad input, comments, the list, permissions and query budgets
(issue 7)."""

from datetime import date

import pytest
from django.urls import reverse

from citygrow.plans import services
from citygrow.plans.models import Action, ActionPlan, Objective, PlanComment, progress_of
from tests.support.budgets import count_queries
from tests.support.plans import assess_athens, athens_pairing, endorse, key_factor
from tests.support.roles import PEOPLE, TEAM


def url(name: str, *args: object) -> str:
    return reverse(f"plans:{name}", args=args)


def action_data(**changes: object) -> dict:
    data = {
        "title": "Open a counter",
        "description": "",
        "parent": "",
        "lead": "Town hall",
        "partners": "NGOs",
        "starts_on": "2024-09-01",
        "ends_on": "2024-12-31",
        "budget": "1200.50",
        "funding": "AMIF",
        "indicator": "Visitors a month",
        "baseline": "0",
        "target": "300",
        "risks": "",
        "status": "",
        "progress": "20",
        "weight": "",
    }
    data.update(changes)
    return data


def test_the_fixture_plan_rolls_up(plan):
    result = progress_of(list(plan.actions.select_related("status")))
    assert str(result.overall) == "63.3"
    assert plan.objectives.count() == 2


# End to end -----------------------------------------------------------------------------------


def test_an_officer_turns_a_gap_into_a_plan(officer, people, athens_assessment):
    pairing = athens_pairing()
    # The scheme page offers to start the plan.
    page = officer.web.get(pairing.scheme.get_absolute_url()).content.decode()
    assert url("start", pairing.pk) in page and "Start the action plan" in page

    page = officer.web.get(url("start", pairing.pk))
    assert page.status_code == 200 and "Athens 2024" in page.content.decode()
    response = officer.web.post(
        url("start", pairing.pk),
        {"assessment": athens_assessment.pk, "title": "Welcoming Athens"},
        follow=True,
    )
    plan = ActionPlan.objects.get(pairing=pairing)
    assert plan.title == "Welcoming Athens" and plan.assessment == athens_assessment
    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    assert "Draft" in response.content.decode()

    # The gaps are offered, largest first, with their reason; picking one fills the form.
    page = officer.web.get(url("objective_create", plan.pk)).content.decode()
    first = key_factor(1)
    assert f"Improve: {first.heading}" in page
    assert "Scored 0 against a target of 100." in page
    assert page.index(first.heading) < page.index(key_factor(2).heading)
    page = officer.web.get(url("objective_create", plan.pk) + "?pick=0").content.decode()
    assert f'value="Improve: {first.heading}"' in page
    form = officer.web.get(url("objective_create", plan.pk) + "?pick=0").context["form"]
    assert form.initial["key_factors"] == [first.pk] and form.initial["source"] == "gap"
    # The city edits the title before saving.
    response = officer.web.post(
        url("objective_create", plan.pk),
        {"title": "A one-stop shop", "key_factors": [first.pk], "source": "gap"},
        follow=True,
    )
    objective = Objective.objects.get(plan=plan)
    assert objective.title == "A one-stop shop" and objective.source == "gap"
    assert list(objective.key_factors.all()) == [first]
    # Covered now: no longer offered.
    page = officer.web.get(url("objective_create", plan.pk)).content.decode()
    assert f"Improve: {first.heading}" not in page

    # An action and a sub-action; the parent's progress rolls up from its child.
    page = officer.web.get(url("action_create", plan.pk, objective.pk))
    assert page.status_code == 200
    officer.web.post(url("action_create", plan.pk, objective.pk), action_data(progress="10"))
    parent = Action.objects.get(plan=plan)
    assert parent.budget == 1200.50 and parent.ends_on == date(2024, 12, 31)
    page = officer.web.get(url("action_create", plan.pk, objective.pk) + f"?parent={parent.pk}")
    assert f'<option value="{parent.pk}" selected>' in page.content.decode()
    officer.web.post(
        url("action_create", plan.pk, objective.pk),
        action_data(title="Hire two clerks", parent=parent.pk, progress="70", budget=""),
    )
    child = Action.objects.get(plan=plan, parent=parent)
    page = officer.web.get(plan.get_absolute_url()).content.decode()
    assert "Hire two clerks" in page and "Sub-action:" in page
    assert '70 % <span class="muted">(from its sub-actions)' in page
    assert "Overall progress</dt><dd>70 %" in page.replace("\n", "")
    assert "Visitors a month: 0 → 300" in page

    # Edit the sub-action.
    page = officer.web.get(url("action_edit", plan.pk, child.pk))
    assert 'value="Hire two clerks"' in page.content.decode()
    officer.web.post(
        url("action_edit", plan.pk, child.pk),
        action_data(title="Hire three clerks", parent=parent.pk, progress="90"),
    )
    child.refresh_from_db()
    assert child.title == "Hire three clerks" and child.progress == 90
    assert "90 %" in officer.web.get(plan.get_absolute_url()).content.decode()

    # Delete the parent: its sub-action goes too; then the objective.
    page = officer.web.get(url("action_edit", plan.pk, parent.pk)).content.decode()
    assert "also deletes its sub-action" in page
    officer.web.post(url("action_delete", plan.pk, parent.pk))
    assert not Action.objects.filter(plan=plan).exists()
    page = officer.web.get(url("objective_edit", plan.pk, objective.pk)).content.decode()
    assert "Delete the objective and its actions" in page
    response = officer.web.post(url("objective_delete", plan.pk, objective.pk), follow=True)
    assert "deleted, with its actions" in response.content.decode()
    assert not Objective.objects.filter(plan=plan).exists()
    plan.refresh_from_db()
    assert plan.content_changed_at is not None


def test_an_objective_is_edited(officer, plan):
    objective = plan.objectives.get(title="Open a one-stop shop")
    page = officer.web.get(url("objective_edit", plan.pk, objective.pk)).content.decode()
    assert 'value="Open a one-stop shop"' in page and "its 3 actions" in page
    officer.web.post(
        url("objective_edit", plan.pk, objective.pk),
        {
            "title": "Open two shops",
            "description": "North and south",
            "key_factors": [key_factor(1).pk, key_factor(4).pk],
            "source": "gap",
        },
    )
    objective.refresh_from_db()
    assert objective.title == "Open two shops" and objective.description == "North and south"
    assert {kf.position for kf in objective.key_factors.all()} == {1, 4}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"starts_on": "2024-12-01", "ends_on": "2024-11-01"}, "ends_on", "The end cannot be"),
        ({"progress": "101"}, "progress", "Progress is a percentage, from 0 to 100."),
        ({"progress": "-1"}, "progress", "greater than or equal to 0"),
        ({"budget": "ten thousand"}, "budget", "Enter a number."),
        ({"budget": "-5"}, "budget", "The budget cannot be negative."),
        ({"weight": "-1"}, "weight", "The weight cannot be negative."),
        ({"title": "  "}, "title", "This field is required."),
        ({"starts_on": "31/12/2024"}, "starts_on", "Enter a valid date."),
    ],
)
def test_bad_action_input_is_refused_with_a_message(officer, plan, changes, field, message):
    objective = plan.objectives.first()
    before = list(Action.objects.values_list("pk", "title", "progress"))
    response = officer.web.post(url("action_create", plan.pk, objective.pk), action_data(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert list(Action.objects.values_list("pk", "title", "progress")) == before
    # The same on an edit: nothing changes.
    action = plan.actions.get(title="Map the services")
    response = officer.web.post(url("action_edit", plan.pk, action.pk), action_data(**changes))
    assert field in response.context["form"].errors
    assert list(Action.objects.values_list("pk", "title", "progress")) == before


def test_a_sub_action_cannot_be_part_of_its_own_child(officer, plan):
    train = plan.actions.get(title="Train the staff")
    desk = plan.actions.get(title="Train the front desk")
    response = officer.web.post(
        url("action_edit", plan.pk, train.pk), action_data(title="Train", parent=desk.pk)
    )
    assert "An action cannot be part of itself." in response.content.decode()
    train.refresh_from_db()
    assert train.parent is None and train.title == "Train the staff"


def test_a_parent_of_another_objective_is_refused(officer, plan):
    other = plan.objectives.get(title="Speak the languages of newcomers")
    train = plan.actions.get(title="Train the staff")
    response = officer.web.post(
        url("action_create", plan.pk, other.pk), action_data(parent=train.pk)
    )
    assert "parent" in response.context["form"].errors
    assert not Action.objects.filter(title="Open a counter").exists()


def test_an_objective_needs_a_title_and_a_key_factor(officer, plan):
    response = officer.web.post(url("objective_create", plan.pk), {"title": "", "source": "own"})
    errors = response.context["form"].errors
    assert "title" in errors
    assert "Tie the objective to at least one key factor." in response.content.decode()
    assert plan.objectives.count() == 2


def test_without_a_submitted_assessment_the_plan_starts_from_the_findings(officer, people):
    pairing = athens_pairing()
    draft = assess_athens(status="draft")
    page = officer.web.get(url("start", pairing.pk)).content.decode()
    assert "has not submitted an assessment on" in page and reverse("assessments:start") in page
    assert draft.title not in page  # a draft is unfinished: not offered
    response = officer.web.post(url("start", pairing.pk), {"title": "X"})
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and plan.assessment is None


def test_a_bad_assessment_or_empty_title_is_refused(officer, athens_assessment):
    pairing = athens_pairing()
    response = officer.web.post(url("start", pairing.pk), {"assessment": 999999, "title": "T"})
    assert "assessment" in response.context["form"].errors
    response = officer.web.post(
        url("start", pairing.pk), {"assessment": athens_assessment.pk, "title": " "}
    )
    assert "title" in response.context["form"].errors
    assert not ActionPlan.objects.exists()


def test_a_second_plan_is_not_started(officer, plan):
    response = officer.web.get(url("start", plan.pairing_id))
    assert response.status_code == 302 and response.url == plan.get_absolute_url()


def test_the_plan_title_is_edited(officer, plan):
    officer.web.post(url("edit", plan.pk), {"title": "Athens, open city", "summary": "Our plan"})
    plan.refresh_from_db()
    assert plan.title == "Athens, open city" and plan.summary == "Our plan"
    response = officer.web.post(url("edit", plan.pk), {"title": "", "summary": ""})
    assert "title" in response.context["form"].errors
    plan.refresh_from_db()
    assert plan.title == "Athens, open city"


# The plan page --------------------------------------------------------------------------------


def test_the_plan_page_shows_objectives_actions_and_progress(client, people, plan):
    client.force_login(people["mentor"])
    page = client.get(plan.get_absolute_url()).content.decode()
    for text in [
        "Athens welcomes",
        "Athens",
        "Munich",
        "Athens 2024",
        "63.3 %",
        "Draft",
        "Open a one-stop shop",
        f"1. {key_factor(1).heading}",
        f"2. {key_factor(2).heading}",
        "Map the services",
        "Social services",
        "5000",
        "Train the front desk",
        '50 % <span class="muted">(from its sub-actions)',
        "Completed",
        "100 %",
    ]:
        assert text in page, text
    # The mentor does not get the edit controls.
    assert url("objective_create", plan.pk) not in page
    assert url("edit", plan.pk) not in page


# Comments -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["officer", "mentor", "facilitator", "coordinator"])
def test_the_team_comments_on_a_draft(client, people, plan, role):
    client.force_login(people[role])
    response = client.post(url("comment_add", plan.pk), {"text": f"Note by {role}"}, follow=True)
    assert response.status_code == 200
    comment = PlanComment.objects.get(plan=plan)
    assert comment.author == people[role] and comment.text == f"Note by {role}"
    assert f"Note by {role}" in response.content.decode()


def test_an_empty_comment_is_refused(officer, plan):
    response = officer.web.post(url("comment_add", plan.pk), {"text": "  "}, follow=True)
    assert "This field is required." in response.content.decode()
    assert not PlanComment.objects.exists()


def test_a_comment_whose_author_left_still_shows(officer, plan):
    """A commenter's account may be deleted (the comment's author becomes None): the plan page
    still shows the comment, by "A former member"."""
    PlanComment.objects.create(plan=plan, author=None, text="From someone who left")
    page = officer.web.get(plan.get_absolute_url())
    assert page.status_code == 200
    assert "A former member" in page.content.decode()
    assert "From someone who left" in page.content.decode()


def test_comments_stay_with_the_team_once_endorsed(client, people, plan):
    PlanComment.objects.create(plan=plan, author=people["mentor"], text="Team only")
    endorse(plan)
    client.force_login(people["other_officer"])
    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200 and "Team only" not in page.content.decode()
    assert client.post(url("comment_add", plan.pk), {"text": "x"}).status_code == 403
    client.force_login(people["mentor"])
    assert "Team only" in client.get(plan.get_absolute_url()).content.decode()


# Permissions ----------------------------------------------------------------------------------


def status_of(client, people, role: str | None, address: str, method: str = "get") -> int:
    client.logout()
    if role:
        client.force_login(people[role])
    return getattr(client, method)(address).status_code


def test_who_gets_which_page_of_a_draft(client, people, plan):
    objective = plan.objectives.first()
    action = plan.actions.first()
    pages = [
        url("edit", plan.pk),
        url("objective_create", plan.pk),
        url("objective_edit", plan.pk, objective.pk),
        url("action_create", plan.pk, objective.pk),
        url("action_edit", plan.pk, action.pk),
    ]
    for role in PEOPLE:
        seen = status_of(client, people, role, plan.get_absolute_url())
        assert seen == (200 if role in TEAM else 404), role
        for address in pages:
            expected = {"officer": 200}.get(role, 403 if role in TEAM else 404)
            assert status_of(client, people, role, address) == expected, (role, address)
        for address in [
            url("objective_delete", plan.pk, objective.pk),
            url("action_delete", plan.pk, action.pk),
        ]:
            assert status_of(client, people, role, address) == 405
    # Anonymous: the page does not exist; acting means logging in.
    assert status_of(client, people, None, plan.get_absolute_url()) == 404
    for address in pages:
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(reverse("people:login"))
    response = client.post(url("comment_add", plan.pk), {"text": "hi"})
    assert response.status_code == 302 and not PlanComment.objects.exists()


def test_who_gets_which_page_of_an_endorsed_plan(client, people, plan):
    endorse(plan)
    for role in PEOPLE:
        assert status_of(client, people, role, plan.get_absolute_url()) == 200, role
        expected = {"officer": 200}.get(role, 403)
        assert status_of(client, people, role, url("edit", plan.pk)) == expected, role
    assert status_of(client, people, None, plan.get_absolute_url()) == 200


def test_only_the_officers_write(client, people, plan):
    objective = plan.objectives.first()
    action = plan.actions.get(title="Map the services")
    for role in ["mentor", "facilitator", "coordinator"]:
        client.force_login(people[role])
        assert client.post(url("action_delete", plan.pk, action.pk)).status_code == 403
        assert client.post(url("objective_delete", plan.pk, objective.pk)).status_code == 403
        response = client.post(url("action_create", plan.pk, objective.pk), action_data())
        assert response.status_code == 403
    client.force_login(people["other_officer"])
    assert client.post(url("action_delete", plan.pk, action.pk)).status_code == 404
    assert Action.objects.filter(pk=action.pk).exists() and plan.objectives.count() == 2


@pytest.mark.parametrize("role", [r for r in PEOPLE if r != "officer"])
def test_only_the_implementing_officers_start_the_plan(client, people, athens_assessment, role):
    pairing = athens_pairing()
    assert status_of(client, people, role, url("start", pairing.pk)) == 403
    page = client.get(pairing.scheme.get_absolute_url()).content.decode()
    assert url("start", pairing.pk) not in page


def test_anonymous_is_sent_to_log_in_to_start(client, people):
    response = client.get(url("start", athens_pairing().pk))
    assert response.status_code == 302 and response.url.startswith(reverse("people:login"))


def test_an_unknown_plan_objective_or_action_is_not_found(officer, plan, people):
    assert officer.web.get(url("detail", 999999)).status_code == 404
    assert officer.web.get(url("objective_edit", plan.pk, 999999)).status_code == 404
    assert officer.web.get(url("action_edit", plan.pk, 999999)).status_code == 404
    assert officer.web.get(url("start", 999999)).status_code == 404


def test_the_scheme_page_links_the_plan_to_who_may_see_it(client, people, plan):
    scheme_url = plan.pairing.scheme.get_absolute_url()
    client.force_login(people["mentor"])
    assert plan.get_absolute_url() in client.get(scheme_url).content.decode()
    client.force_login(people["other_officer"])
    assert plan.get_absolute_url() not in client.get(scheme_url).content.decode()
    endorse(plan)
    assert plan.get_absolute_url() in client.get(scheme_url).content.decode()


# The list -------------------------------------------------------------------------------------


def test_the_list_shows_the_plans_one_may_see(client, people, plan):
    for role in PEOPLE:
        client.force_login(people[role])
        page = client.get(url("list")).content.decode()
        assert ("Athens welcomes" in page) == (role in TEAM), role
    client.logout()
    assert "Athens welcomes" not in client.get(url("list")).content.decode()
    endorse(plan)
    page = client.get(url("list")).content.decode()
    assert "Athens welcomes" in page and "63.3 %" in page and "Endorsed" in page


# Query budgets --------------------------------------------------------------------------------


def grow(plan: ActionPlan, by) -> None:
    """Adds objectives, actions, sub-actions and comments to the plan."""
    for n in range(3):
        objective = services.save_objective(
            plan=plan, title=f"More {n}", key_factors=[key_factor(n + 4).pk], by=by
        )
        for m in range(3):
            parent = services.save_action(
                plan=plan,
                objective=objective,
                data=services.ActionIn(title=f"Action {n}.{m}", progress=10 * m),
                by=by,
            )
            services.save_action(
                plan=plan,
                objective=objective,
                parent=parent,
                data=services.ActionIn(title=f"Sub {n}.{m}", progress=5),
                by=by,
            )
        PlanComment.objects.create(plan=plan, author=by, text=f"Comment {n}")


def test_the_plan_page_keeps_to_a_query_budget(officer, plan):
    before = count_queries(officer.web, plan.get_absolute_url())
    grow(plan, officer.user)
    assert count_queries(officer.web, plan.get_absolute_url()) == before


def test_the_list_keeps_to_a_query_budget(coordinator, officer, plan):
    client = coordinator.web
    before = count_queries(client, url("list"))
    grow(plan, officer.user)
    helsinki = assess_athens()  # any submitted assessment will do for a second plan
    from citygrow.mentoring.models import Pairing

    other = Pairing.objects.get(implementing_city__name="Helsinki")
    ActionPlan.objects.create(pairing=other, assessment=helsinki, title="Helsinki plan")
    assert count_queries(client, url("list")) == before
    assert "Helsinki plan" in client.get(url("list")).content.decode()


def test_the_scheme_page_query_count_does_not_grow_with_plans(officer, plan):
    scheme_url = plan.pairing.scheme.get_absolute_url()
    before = count_queries(officer.web, scheme_url)
    from citygrow.mentoring.models import Pairing

    other = Pairing.objects.get(implementing_city__name="Helsinki")
    ActionPlan.objects.create(pairing=other, assessment=assess_athens(), title="Helsinki plan")
    assert count_queries(officer.web, scheme_url) == before
