"""The follow-up of action plans (issue 7, points 4 and 5): progress updates with attachments,
the timeline, the schedule on the plan's page, overdue actions on the city's page, the e-mail
reminders and the measured change."""

import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citygrow.core.errors import ServiceError
from citygrow.people.models import City, Role
from citygrow.plans import followup, services
from citygrow.plans.models import Action, ActionStatus, Attachment, ProgressUpdate, progress_of
from tests.support.budgets import assert_flat, count_queries
from tests.support.plans import assess_athens, docx_bytes, key_factor

TODAY = date(2025, 1, 15)
"""The fixture plan on this day: "Map the services" (ended 2024-12-31, 40 %) is overdue;
"Train the staff" (ends 2025-06-30) is neither; "Publish a guide" is completed."""


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(followup, "today", lambda: TODAY)
    settings.MEDIA_ROOT = tmp_path


def action(title: str) -> Action:
    return Action.objects.get(title=title)


def add_action(plan, title: str, ends_on: date, **extra) -> Action:
    return services.save_action(
        plan=plan,
        objective=plan.objectives.first(),
        data=services.ActionIn(title=title, starts_on=date(2024, 9, 1), ends_on=ends_on, **extra),
        by=None,
    )


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


# Progress updates ---------------------------------------------------------------------------


def test_reporting_progress_end_to_end(client, people, plan):
    client.force_login(people["officer"])
    map_ = action("Map the services")
    url = f"/plans/{plan.pk}/actions/{map_.pk}/updates/new/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Report progress on" in page.content.decode()
    changed_before = plan.content_changed_at
    completed = ActionStatus.objects.get(name="Completed")
    response = client.post(
        url,
        {
            "reported_on": "2025-01-10",
            "text": "All services mapped.",
            "status": completed.pk,
            "progress": "",
            "attachments": [
                upload("report.pdf", b"%PDF-1.4 a report"),
                upload("notes.docx", docx_bytes()),
                upload("photo.png", b"\x89PNG\r\n\x1a\n rest"),
            ],
        },
    )
    assert response.status_code == 302, response.content.decode()
    update = ProgressUpdate.objects.get(action=map_)
    assert (update.reported_on, update.status, update.progress) == (
        date(2025, 1, 10),
        completed,
        None,
    )
    assert update.author == people["officer"]
    assert sorted(a.name for a in update.attachments.all()) == [
        "notes.docx",
        "photo.png",
        "report.pdf",
    ]
    map_.refresh_from_db()
    # The status's default progress counts: the own progress (40) is cleared.
    assert (map_.status, map_.progress) == (completed, None)
    result = progress_of(followup.plan_actions(plan))
    assert result.progress(map_.pk) == 100
    # (100 + 50 + 100) / 3
    assert str(result.overall) == "83.3"
    plan.refresh_from_db()
    assert plan.content_changed_at == changed_before  # progress is not content
    # The attachment downloads for those who may see the plan, with its checked type.
    pdf = update.attachments.get(name="report.pdf")
    download = client.get(f"/plans/{plan.pk}/attachments/{pdf.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    client.force_login(people["nobody"])
    assert client.get(f"/plans/{plan.pk}/attachments/{pdf.pk}/").status_code == 404


def test_a_status_without_default_keeps_the_progress_and_a_given_progress_is_set(people, plan):
    map_ = action("Map the services")
    services.report_progress(
        action=map_,
        reported_on=TODAY,
        text="Going on.",
        status=ActionStatus.objects.get(name="Delayed"),
        by=people["officer"],
    )
    map_.refresh_from_db()
    assert map_.progress == 40
    services.report_progress(action=map_, reported_on=TODAY, text="More.", progress=70, by=None)
    map_.refresh_from_db()
    assert map_.progress == 70


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"progress": "101"}, "progress", "less than or equal to 100"),
        ({"progress": "-1"}, "progress", "greater than or equal to 0"),
        ({"reported_on": "2025-01-16"}, "reported_on", "cannot be in the future"),
        ({"text": "  "}, "text", "required"),
        (
            {"attachments": [upload("fake.pdf", b"MZ not a pdf at all")]},
            "attachments",
            "is not a PDF, a Word (.docx) file or a PNG or JPEG image",
        ),
        (
            {"attachments": [upload("fake.docx", b"PK\x03\x04 broken zip")]},
            "attachments",
            "is not a PDF",
        ),
    ],
)
def test_bad_progress_updates_are_refused_with_a_message(
    client,
    people,
    plan,
    data,
    field,
    message,
):
    client.force_login(people["officer"])
    map_ = action("Map the services")
    form = {"reported_on": "2025-01-10", "text": "Done.", "status": "", "progress": "55"}
    form.update(data)
    response = client.post(f"/plans/{plan.pk}/actions/{map_.pk}/updates/new/", form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()
    assert not Attachment.objects.exists()
    map_.refresh_from_db()
    assert map_.progress == 40


def test_a_too_large_attachment_is_refused(client, people, plan, settings):
    settings.CITYGROW_MAX_UPLOAD = 10
    client.force_login(people["officer"])
    map_ = action("Map the services")
    response = client.post(
        f"/plans/{plan.pk}/actions/{map_.pk}/updates/new/",
        {
            "reported_on": "2025-01-10",
            "text": "Done.",
            "attachments": [upload("a.pdf", b"%PDF-" + b"x" * 20)],
        },
    )
    assert response.status_code == 400
    assert "is too large" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_progress_on_an_action_with_sub_actions_is_refused(people, plan):
    with pytest.raises(ServiceError, match="rolled up from its sub-actions"):
        services.report_progress(
            action=action("Train the staff"), reported_on=TODAY, text="x", progress=10, by=None
        )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("officer", 200),
        ("other_officer", 404),
        ("mentor", 403),
        ("facilitator", 403),
        ("coordinator", 403),
        ("nobody", 404),
    ],
)
def test_who_may_report_progress(client, people, plan, who, status):
    if who != "anonymous":
        client.force_login(people[who])
    map_ = action("Map the services")
    assert client.get(f"/plans/{plan.pk}/actions/{map_.pk}/updates/new/").status_code == status


# Timeline -----------------------------------------------------------------------------------


def test_the_timeline_lists_the_history_newest_first(client, people, plan):
    map_ = action("Map the services")
    services.report_progress(action=map_, reported_on=date(2024, 8, 1), text="Early.", by=None)
    services.report_progress(action=map_, reported_on=date(2025, 1, 2), text="Late.", by=None)
    client.force_login(people["mentor"])
    page = client.get(f"/plans/{plan.pk}/timeline/")
    assert page.status_code == 200
    text = page.content.decode()
    kinds = [event.kind for event in page.context["events"]]
    days = [event.day for event in page.context["events"]]
    assert days == sorted(days, reverse=True)
    assert kinds.count("objective") == 2 and kinds.count("action") == 4
    assert kinds[-1] == "created" or "created" in kinds
    assert text.index("Late.") < text.index("Early.")
    assert "Objective added: Open a one-stop shop" in text
    assert "Action added: Train the front desk" in text
    assert "Plan started from" in text


def test_the_timeline_keeps_its_query_count(client, people, plan):
    client.force_login(people["officer"])
    url = f"/plans/{plan.pk}/timeline/"
    map_ = action("Map the services")
    services.report_progress(
        action=map_, reported_on=date(2024, 8, 1), text="One.", by=None,
        attachments=[upload("a.pdf", b"%PDF-1")],
    )  # fmt: skip
    small = count_queries(client, url)
    for n in range(5):
        add_action(plan, f"More {n}", date(2025, 3, 1))
        services.report_progress(
            action=map_, reported_on=date(2024, 9, n + 1), text=f"Update {n}.", by=None,
            attachments=[upload("b.png", b"\x89PNG\r\n\x1a\n")],
        )  # fmt: skip
    assert_flat(small, count_queries(client, url))


# The schedule on the plan's page --------------------------------------------------------------


def test_the_plan_page_shows_the_gantt_chart_and_the_overdue_actions(client, people, plan):
    add_action(plan, "Hire interpreters", date(2025, 2, 1))  # due in 17 days
    client.force_login(people["mentor"])
    page = client.get(f"/plans/{plan.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-gantt"' in text
    assert "40%, overdue" in text  # in words on the chart
    assert "Overdue:</strong> Map the services" in text
    assert "Due soon:</strong> Hire interpreters" in text
    assert "The schedule as a table" in text
    # The mentor may not report progress: no links to do so.
    assert "/updates/new/" not in text
    client.force_login(people["officer"])
    text = client.get(f"/plans/{plan.pk}/").content.decode()
    assert f"/plans/{plan.pk}/actions/{action('Map the services').pk}/updates/new/" in text


def test_the_schedule_context_keeps_its_query_count(rf, people, plan):
    from citygrow.plans.views_followup import context_for_detail

    request = rf.get("/")
    request.user = people["officer"]
    context_for_detail(request, plan)  # the person's roles are loaded once per request
    with CaptureQueriesContext(connection) as small:
        context_for_detail(request, plan)
    for n in range(6):
        add_action(plan, f"More {n}", date(2024, 10, n + 1), status=ActionStatus.objects.first())
    with CaptureQueriesContext(connection) as large:
        context = context_for_detail(request, plan)
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(context["followup"]["overdue"]) == 7


# The city's page ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("anonymous", False),
        ("officer", True),
        ("mentor", True),
        ("facilitator", True),
        ("coordinator", True),
        ("other_officer", False),
        ("other_mentor", False),
        ("other_facilitator", False),
        ("nobody", False),
    ],
)
def test_the_city_page_flags_overdue_actions_for_the_team_only(client, people, plan, who, shown):
    add_action(plan, "Hire interpreters", date(2025, 2, 1))
    if who != "anonymous":
        client.force_login(people[who])
    text = client.get("/cities/athens/").content.decode()
    assert ("Map the services" in text) is shown
    assert ("Hire interpreters" in text) is shown
    assert "Publish a guide" not in text
    # Another city's page shows nothing of Athens' plan.
    assert "Map the services" not in client.get("/cities/munich/").content.decode()


def test_the_city_page_keeps_its_query_count_for_the_team(client, people, plan):
    client.force_login(people["officer"])
    small = count_queries(client, "/cities/athens/")
    for n in range(5):
        add_action(plan, f"Late {n}", date(2024, 11, n + 1))
    large = count_queries(client, "/cities/athens/", status=None)
    assert "Late 4" in large.response.content.decode()
    assert_flat(small, large)


# Reminders ------------------------------------------------------------------------------------


def test_reminders_go_to_the_city_officers_with_their_actions(people, plan, django_user_model):
    athens = City.objects.get(name="Athens")
    add_action(plan, "Hire interpreters", date(2025, 2, 1))
    add_action(
        plan,
        "Closed long ago",
        date(2024, 10, 1),
        status=ActionStatus.objects.get(name="Cancelled"),
    )
    add_action(plan, "Far away", date(2025, 9, 1))
    gone = django_user_model.objects.create_user("gone", email="gone@example.org", is_active=False)
    Role.objects.create(user=gone, kind="officer", city=athens)
    second = django_user_model.objects.create_user("ana", email="ana@example.org")
    Role.objects.create(user=second, kind="officer", city=athens)
    mail.outbox = []
    call_command("send_plan_reminders", stdout=io.StringIO())
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "olga@example.org",
    ]
    body = next(m for m in mail.outbox if m.to == ["olga@example.org"]).body
    assert "Athens welcomes" in body
    assert "Map the services: ended on 31 December 2024, 15 days ago" in body
    assert "Hire interpreters: ends on 1 February 2025" in body
    assert body.index("Overdue:") < body.index("Map the services") < body.index("Hire interpreters")
    for absent in ("Closed long ago", "Publish a guide", "Far away", "Train the staff"):
        assert absent not in body
    assert "1 overdue, 1 due soon" in mail.outbox[0].subject


def test_no_reminder_when_nothing_is_due(people, plan):
    for item in Action.objects.filter(ends_on__isnull=False):
        item.status = ActionStatus.objects.get(name="Completed")
        item.save()
    mail.outbox = []
    from citygrow.plans.tasks import send_plan_reminders

    assert send_plan_reminders.enqueue().return_value == 0
    assert mail.outbox == []


# Measured change ------------------------------------------------------------------------------


def test_the_measured_change_per_objective(client, people, plan):
    # Started: key factor 1 scored 0 ("no"), 2 scored 50 ("partly"), 3 scored 100 ("yes").
    later = assess_athens({1: "yes", 2: "yes", 3: "partly"}, assessed_on=date(2025, 5, 1))
    client.force_login(people["officer"])
    page = client.get(f"/plans/{plan.pk}/change/")
    assert page.status_code == 200
    assert "No later assessment is linked yet" in page.content.decode()
    response = client.post(f"/plans/{plan.pk}/change/", {"assessment": later.pk})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.follow_up == later
    page = client.get(f"/plans/{plan.pk}/change/")
    figures = {
        change.objective.title: [
            (f.number, f.before, f.after, f.difference) for f in change.factors
        ]
        for change in page.context["changes"]
    }
    assert figures == {
        "Open a one-stop shop": [(1, 0, 100, 100)],
        "Speak the languages of newcomers": [(2, 50, 100, 50), (3, 100, 50, -50)],
    }
    text = page.content.decode()
    assert "+100 (better)" in text and "-50 (worse)" in text
    # Anyone who may see the plan sees the change; only officers choose the assessment.
    client.force_login(people["mentor"])
    page = client.get(f"/plans/{plan.pk}/change/")
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(f"/plans/{plan.pk}/change/", {"assessment": later.pk}).status_code == 403


def test_a_wrong_follow_up_is_refused_with_a_message(client, people, plan):
    from citygrow.assessments.models import Assessment
    from citygrow.catalogue.models import Toolkit

    earlier = assess_athens(assessed_on=date(2024, 1, 1))
    draft = assess_athens(assessed_on=date(2025, 6, 1), status=Assessment.Status.DRAFT)
    other_toolkit = Assessment.objects.create(
        city=City.objects.get(name="Athens"),
        toolkit=Toolkit.objects.get(theme__code="C"),
        title="Athens C",
        assessed_on=date(2025, 6, 1),
        status=Assessment.Status.SUBMITTED,
    )
    other_city = Assessment.objects.create(
        city=City.objects.get(name="Munich"),
        toolkit=plan.assessment.toolkit,
        title="Munich",
        assessed_on=date(2025, 6, 1),
        status=Assessment.Status.PUBLISHED,
    )
    client.force_login(people["officer"])
    for chosen, message in [
        (earlier, "made after the plan&#x27;s assessment"),
        (draft, "not a draft"),
        (other_toolkit, "on the toolkit the plan started from"),
        (other_city, "Choose an assessment of Athens"),
        (None, "There is no such assessment"),
    ]:
        response = client.post(
            f"/plans/{plan.pk}/change/", {"assessment": chosen.pk if chosen else 999999}
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    plan.refresh_from_db()
    assert plan.follow_up is None


def test_the_measured_change_keeps_its_query_count(client, people, plan):
    later = assess_athens({1: "yes"}, assessed_on=date(2025, 5, 1))
    services.link_follow_up(plan=plan, assessment=later, by=None)
    client.force_login(people["mentor"])
    url = f"/plans/{plan.pk}/change/"
    small = count_queries(client, url)
    for n in range(4):
        services.save_objective(
            plan=plan, title=f"More {n}", key_factors=[key_factor(n + 1).pk], by=None
        )
    assert_flat(small, count_queries(client, url))
