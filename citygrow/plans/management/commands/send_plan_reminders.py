"""Enqueue the e-mail reminders of overdue and soon-due plan actions."""

from citygrow.core.reminders import EnqueueRemindersCommand
from citygrow.plans.tasks import send_plan_reminders


class Command(EnqueueRemindersCommand):
    help = (
        "E-mail each city officer the overdue actions of their city's action plans and those "
        "due within 30 days (one e-mail per officer). Run it once a day from a scheduler, e.g. "
        "cron: '0 7 * * * cd /srv/citygrow && .venv/bin/python manage.py send_plan_reminders "
        "--base-url https://citygrow.example'. It enqueues the task "
        "citygrow.plans.tasks.send_plan_reminders: with the default TASKS backend "
        "(ImmediateBackend) the e-mails are sent at once; with TASKS_BACKEND=database the task "
        "is queued and a running 'manage.py db_worker' sends them."
    )
    task = send_plan_reminders
    what = "Plan reminders"
