"""Background work of the action plans: the e-mail reminders of overdue and soon-due actions.

A django-tasks task, enqueued once a day by `manage.py send_plan_reminders` (run by cron or
another scheduler). With the default ImmediateBackend (development, tests) it runs at once;
with TASKS_BACKEND=database it is queued and `manage.py db_worker` runs it.
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from citygrow.plans import followup


@task()
def send_plan_reminders(on: str | None = None, base_url: str = "") -> int:
    """E-mail each city officer the overdue and soon-due actions of their city's plans (one
    e-mail per officer, in the site's language). `on`: the day to reckon from (ISO date;
    today when None); `base_url`: put before the plans' links (e.g. https://citygrow.eu).
    Returns the number of e-mails sent. Arguments are plain JSON values, as a queued task's
    must be."""
    day = datetime.date.fromisoformat(on) if on else followup.today()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for reminder in followup.reminders(day):
            plans: dict[int, dict] = {}
            for due in [*reminder.overdue, *reminder.soon]:
                plan = due.action.plan
                entry = plans.setdefault(
                    plan.pk,
                    {
                        "plan": plan,
                        "url": base_url.rstrip("/") + reverse("plans:detail", args=[plan.pk]),
                        "overdue": [],
                        "soon": [],
                    },
                )
                entry["overdue" if due.overdue else "soon"].append(due)
            officer = reminder.officer
            message = render_to_string(
                "plans/reminder_email.txt",
                {
                    "officer": officer,
                    "name": officer.get_full_name() or officer.get_username(),
                    "plans": list(plans.values()),
                    "today": day,
                    "days": followup.SOON_DAYS,
                },
            )
            send_mail(
                subject=_("Action plan reminder: %(overdue)s overdue, %(soon)s due soon")
                % {"overdue": len(reminder.overdue), "soon": len(reminder.soon)},
                message=message,
                from_email=None,
                recipient_list=[officer.email],
            )
            sent += 1
    return sent
