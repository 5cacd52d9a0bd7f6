"""Survey cycles and responses through their services (issue 15 part 3): opening a cycle and
inviting cities, rating commitments safely when two officers work at once, extra questions,
starting from the previous cycle, the workflow submit → return → accept, who sees a response,
and the reminder e-mails a week before the close."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from citygrow.people.models import AuditEntry, City
from citygrow.survey import services
from citygrow.survey.models import CommitmentAnswer, Cycle, Questionnaire, Response, RoleNote
from citygrow.survey.questionnaire_file import parse_questionnaire
from citygrow.survey.tasks import send_survey_reminders
from tests.support.survey import charter_edition, commitment, open_cycle_for, rate, response_of

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)

EXTRA_EDITION = """\
format: 1
edition: {label: extra-2021, year: 2021, status: published}
title: A questionnaire with extra questions
source:
  title: EUROCITIES Charter on Integrating Cities
  publisher: EUROCITIES
  year: 2010
  credit: Our summaries.
scale: {fully: 100, partly: 50, not_at_all: 0}
roles:
  - {code: policy-maker, title: The city as a policy-maker}
commitments:
  - code: PM1
    role: policy-maker
    text: Communicate the commitment to equal opportunities.
    summary: true
    questions:
      - {code: plan, kind: yes_no, text: Is there a written plan?}
      - {code: budget, kind: number, text: How much is spent each year?}
      - {code: channel, kind: choice, text: Which channel mostly?, choices: [press, web]}
      - {code: how, kind: text, text: How is it communicated?}
"""


def extra_cycle(people) -> Cycle:
    document = parse_questionnaire(EXTRA_EDITION, source="extra.yaml")
    edition = services.load_questionnaire(document=document, source="extra.yaml").questionnaire
    City.objects.filter(name="Athens").update(charter_signatory=True)
    return services.open_cycle(
        questionnaire=edition,
        label="extra",
        title="Extra",
        opens_on=TODAY - DAY,
        closes_on=TODAY + DAY,
        cities=City.objects.filter(name="Athens"),
        by=people["coordinator"],
    )


def save(response, code, rating="fully", *, version=None, by, extra=None, evidence=""):
    return services.save_rating(
        response=response,
        commitment=commitment(response.cycle, code),
        rating=rating,
        evidence=evidence,
        links=[],
        extra=extra or {},
        seen_version=version,
        by=by,
    )


# -- opening and inviting ---------------------------------------------------------------------


def test_a_cycle_invites_every_signatory_by_default(people):
    City.objects.filter(name__in=["Ghent", "Munich"]).update(charter_signatory=True)
    cycle = services.open_cycle(
        questionnaire=charter_edition(),
        label="2019",
        title="Integrating Cities survey 2019",
        opens_on=TODAY,
        closes_on=TODAY + 30 * DAY,
        by=people["coordinator"],
    )
    invited = set(cycle.responses.values_list("city__name", flat=True))
    assert invited == {"Ghent", "Munich"}
    assert set(cycle.responses.values_list("status", flat=True)) == {"invited"}
    assert AuditEntry.objects.filter(target_type="survey.cycle").count() == 1
    assert AuditEntry.objects.filter(target_type="survey.response").count() == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"closes_on": TODAY - 2 * DAY}, "closes_on", "closes on or after"),
        ({"label": "2019"}, "label", "already a cycle called “2019”"),
    ],
)
def test_opening_a_cycle_refuses_bad_dates_and_a_label_taken(people, change, field, message):
    open_cycle_for(people)
    arguments = {
        "questionnaire": charter_edition(),
        "label": "2021",
        "title": "Survey 2021",
        "opens_on": TODAY,
        "closes_on": TODAY + DAY,
        "cities": [],
        "by": people["coordinator"],
    }
    with pytest.raises(services.SurveyError) as refused:
        services.open_cycle(**{**arguments, **change})
    assert refused.value.field == field
    assert message in refused.value.message
    assert Cycle.objects.count() == 1


def test_a_cycle_is_opened_on_a_published_edition_only(people):
    edition = charter_edition()
    Questionnaire.objects.filter(pk=edition.pk).update(status="withdrawn")
    edition.refresh_from_db()
    with pytest.raises(services.SurveyError, match="published edition"):
        services.open_cycle(
            questionnaire=edition,
            label="2021",
            title="Survey",
            opens_on=TODAY,
            closes_on=TODAY,
            by=people["coordinator"],
        )


def test_inviting_again_leaves_invited_cities_alone_and_a_closed_cycle_takes_no_one(people):
    cycle = open_cycle_for(people)
    rate(response_of(cycle), {"PM1": "fully"}, by=people["officer"])
    with pytest.raises(services.SurveyError, match="Not signatories: Ghent, Munich") as refused:
        services.invite(
            cycle=cycle, cities=City.objects.filter(name__in=["Ghent", "Munich"]), by=None
        )
    assert refused.value.field == "cities"
    City.objects.filter(name__in=["Ghent", "Munich"]).update(charter_signatory=True)
    new = services.invite(
        cycle=cycle, cities=City.objects.filter(name__in=["Athens", "Ghent"]), by=people["staff"]
    )
    assert [r.city.name for r in new] == ["Ghent"]
    assert response_of(cycle).status == "draft"  # untouched
    services.change_cycle(
        cycle=cycle,
        title=cycle.title,
        opens_on=TODAY - 10 * DAY,
        closes_on=TODAY - DAY,
        by=people["coordinator"],
    )
    with pytest.raises(services.SurveyError, match="closed"):
        services.invite(cycle=cycle, cities=City.objects.filter(name="Munich"), by=None)
    assert cycle.responses.count() == 3


# -- answering --------------------------------------------------------------------------------


def test_a_rating_is_saved_and_a_stale_save_is_refused_with_the_newer_rating(people):
    cycle = open_cycle_for(people)
    response = response_of(cycle)
    first = save(response, "PM1", "partly", by=people["officer"], evidence="A council decision")
    assert (first.rating, first.version, first.evidence) == ("partly", 1, "A council decision")
    response.refresh_from_db()
    assert response.status == "draft"
    second = save(response, "PM1", "fully", version=1, by=people["officer"])
    assert second.version == 2
    with pytest.raises(services.RatingConflict) as conflict:
        save(response, "PM1", "not_at_all", version=1, by=people["officer"])
    assert conflict.value.current.rating == "fully"
    assert CommitmentAnswer.objects.get(response=response).rating == "fully"
    # Two first answers at once: the second is a conflict too, not a duplicate.
    with pytest.raises(services.RatingConflict):
        save(response, "PM1", "partly", version=None, by=people["officer"])
    changes = AuditEntry.objects.filter(target_type="survey.commitmentanswer")
    assert changes.count() == 2


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [(1, 10, "opens on"), (-10, -1, "closed on")],
)
def test_answers_are_taken_only_while_the_cycle_is_open(people, opens, closes, message):
    cycle = open_cycle_for(people, opens_on=TODAY + opens * DAY, closes_on=TODAY + closes * DAY)
    with pytest.raises(services.SurveyError, match=message):
        save(response_of(cycle), "PM1", by=people["officer"])
    assert not CommitmentAnswer.objects.exists()


def test_a_commitment_of_another_edition_and_an_unknown_rating_are_refused(people):
    cycle = open_cycle_for(people)
    other = extra_cycle(people)
    with pytest.raises(services.SurveyError, match="not in this cycle"):
        services.save_rating(
            response=response_of(cycle),
            commitment=commitment(other, "PM1"),
            rating="fully",
            evidence="",
            links=[],
            extra={},
            seen_version=None,
            by=people["officer"],
        )
    with pytest.raises(services.SurveyError, match="Choose a rating"):
        save(response_of(cycle), "PM1", "mostly", by=people["officer"])
    assert not CommitmentAnswer.objects.exists()


def test_extra_questions_take_answers_of_their_kind(people):
    cycle = extra_cycle(people)
    response = response_of(cycle)
    extra = {"plan": True, "budget": 25000, "channel": "web", "how": "Posters", "unused": None}
    with pytest.raises(services.SurveyError, match="no question “unused”"):
        save(response, "PM1", by=people["officer"], extra=extra)
    del extra["unused"]
    saved = save(response, "PM1", by=people["officer"], extra={**extra, "how": ""})
    assert saved.extra == {"plan": True, "budget": 25000, "channel": "web"}


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("plan", "yes"),
        ("budget", "a lot"),
        ("budget", True),
        ("budget", float("nan")),
        ("budget", 1e13),
        ("channel", "radio"),
        ("how", 12),
        ("how", "x" * 2001),
    ],
)
def test_an_extra_answer_of_the_wrong_kind_is_refused(people, code, value):
    response = response_of(extra_cycle(people))
    with pytest.raises(services.SurveyError) as refused:
        save(response, "PM1", by=people["officer"], extra={code: value})
    assert refused.value.field == "extra"
    assert not CommitmentAnswer.objects.exists()


def test_a_role_note_is_saved_with_the_same_protection(people):
    cycle = open_cycle_for(people)
    response = response_of(cycle)
    role = cycle.questionnaire.roles.get(code="employer")
    note = services.save_role_note(
        response=response,
        role=role,
        note="New HR strategy",
        seen_version=None,
        by=people["officer"],
    )
    services.save_role_note(
        response=response, role=role, note="Adopted", seen_version=1, by=people["officer"]
    )
    with pytest.raises(services.RoleNoteConflict) as conflict:
        services.save_role_note(
            response=response, role=role, note="Mine", seen_version=note.version, by=None
        )
    assert conflict.value.current.note == "Adopted"
    assert RoleNote.objects.get().version == 2


# -- the previous cycle as a starting point ------------------------------------------------------


def test_a_response_starts_from_the_citys_previous_submitted_answers(people):
    earlier = open_cycle_for(people, label="2017")
    old = response_of(earlier)
    save(old, "PM1", "partly", by=people["officer"], evidence="The 2016 plan")
    save(old, "SP1", "fully", by=people["officer"])
    services.save_role_note(
        response=old,
        role=earlier.questionnaire.roles.get(code="buyer"),
        note="Procurement rules under review",
        seen_version=None,
        by=people["officer"],
    )
    later = open_cycle_for(people, label="2019")
    new = response_of(later)
    with pytest.raises(services.SurveyError, match="no response in an earlier cycle"):
        services.start_from_previous(response=new, by=people["officer"])  # not submitted
    services.submit_response(response=old, by=people["officer"])
    # A cycle that opened earlier makes 2017 the previous one.
    Cycle.objects.filter(pk=earlier.pk).update(opens_on=TODAY - 60 * DAY)
    save(new, "SP1", "not_at_all", by=people["officer"])  # already rated: kept
    assert services.start_from_previous(response=new, by=people["officer"]) == 1
    ratings = dict(new.answers.values_list("commitment__code", "rating"))
    assert ratings == {"PM1": "partly", "SP1": "not_at_all"}
    assert new.answers.get(commitment__code="PM1").evidence == "The 2016 plan"
    assert new.role_notes.get().note == "Procurement rules under review"
    assert old.answers.count() == 2  # the previous response is untouched


# -- the workflow --------------------------------------------------------------------------------


def test_submit_return_and_accept(people):
    cycle = open_cycle_for(people)
    response = response_of(cycle)
    with pytest.raises(services.SurveyError, match="at least one"):
        services.submit_response(response=response, by=people["officer"])
    rate(response, {"PM1": "fully", "PM2": "partly"}, by=people["officer"])
    missing = services.submit_response(response=response, by=people["officer"])
    assert [c.code for c in missing] == [
        "PM3",
        "SP1",
        "SP2",
        "EM1",
        "EM2",
        "EM3",
        "BU1",
        "BU2",
        "BU3",
    ]
    assert response.status == "submitted" and response.submitted_at
    with pytest.raises(services.SurveyError, match="can no longer change"):
        save(response, "PM3", by=people["officer"])
    with pytest.raises(services.SurveyError, match="Say what"):
        services.return_response(response=response, note="  ", by=people["coordinator"])
    services.return_response(
        response=response, note="Please add evidence for PM1.", by=people["coordinator"]
    )
    assert response.status == "returned"
    save(response, "PM1", "fully", version=1, by=people["officer"], evidence="Council decision 12")
    response.refresh_from_db()
    assert response.status == "returned"  # until it is submitted again
    services.submit_response(response=response, by=people["officer"])
    services.accept_response(response=response, by=people["coordinator"])
    response.refresh_from_db()
    assert (response.status, response.decided_by) == ("accepted", people["coordinator"])
    with pytest.raises(services.SurveyError, match="Only a submitted"):
        services.accept_response(response=response, by=people["coordinator"])
    statuses = [
        entry.changes["status"][1]
        for entry in AuditEntry.objects.filter(target_type="survey.response").order_by("pk")
        if "status" in entry.changes
    ]
    assert statuses == ["submitted", "returned", "submitted", "accepted"]


def test_a_response_is_seen_by_its_team_and_coordinators_and_by_all_once_accepted_and_public(
    people, django_user_model
):
    from django.contrib.auth.models import AnonymousUser

    cycle = open_cycle_for(people)
    athens = response_of(cycle)

    def sees(user) -> set[str]:
        return set(Response.objects.visible_to(user).values_list("city__name", flat=True))

    assert sees(people["officer"]) == {"Athens"}
    assert sees(people["other_officer"]) == {"Helsinki"}
    assert sees(people["coordinator"]) == {"Athens", "Helsinki"}
    assert sees(AnonymousUser()) == set()
    services.set_answers_public(response=athens, public=True, by=people["officer"])
    assert sees(AnonymousUser()) == set()  # not accepted yet
    rate(athens, {"PM1": "fully"}, by=people["officer"])
    services.submit_response(response=athens, by=people["officer"])
    services.accept_response(response=athens, by=people["coordinator"])
    assert sees(AnonymousUser()) == {"Athens"}
    assert sees(people["other_officer"]) == {"Athens", "Helsinki"}
    assert people["other_officer"].has_perm("survey.view_response", athens)
    assert not people["other_officer"].has_perm("survey.answer_response", athens)


# -- reminders -----------------------------------------------------------------------------------


def test_reminders_go_once_to_the_officers_of_cities_that_have_not_submitted(people):
    cycle = open_cycle_for(people, closes_on=TODAY + 10 * DAY)
    Response.objects.create(cycle=cycle, city=City.objects.get(name="Ghent"))  # no officer
    helsinki = response_of(cycle, "Helsinki")
    rate(helsinki, {"PM1": "fully"}, by=people["other_officer"])
    services.submit_response(response=helsinki, by=people["other_officer"])
    assert send_survey_reminders.call(on=TODAY.isoformat()) == 0  # 10 days left: not yet
    on = (TODAY + 4 * DAY).isoformat()
    assert send_survey_reminders.call(on=on, base_url="https://citygrow.example") == 1
    (message,) = mail.outbox
    assert message.to == [people["officer"].email]
    assert "Athens" in message.subject
    assert "closes in 6 days" in message.body
    assert f"https://citygrow.example/charter/responses/{response_of(cycle).pk}/answer/" in (
        message.body
    )
    cycle.refresh_from_db()
    assert cycle.reminded_on == TODAY + 4 * DAY
    assert send_survey_reminders.call(on=on) == 0  # once per cycle
    assert len(mail.outbox) == 1


def test_the_reminder_command_enqueues_the_task(people, capsys):
    open_cycle_for(people, closes_on=TODAY + 3 * DAY)
    call_command("send_survey_reminders", "--date", TODAY.isoformat())
    assert "Survey reminders enqueued" in capsys.readouterr().out
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people["officer"].email, people["other_officer"].email]
    )
