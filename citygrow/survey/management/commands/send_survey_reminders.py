"""Enqueue the reminder e-mails of Charter survey cycles closing within a week."""

from citygrow.core.reminders import EnqueueRemindersCommand
from citygrow.survey.tasks import send_survey_reminders


class Command(EnqueueRemindersCommand):
    help = (
        "E-mail the officers of every city that has not submitted its answers to a Charter "
        "survey cycle closing within 7 days (once per cycle). Run it once a day from a "
        "scheduler, e.g. cron: '0 7 * * * cd /srv/citygrow && .venv/bin/python manage.py "
        "send_survey_reminders --base-url https://citygrow.example'. It enqueues the task "
        "citygrow.survey.tasks.send_survey_reminders: with the default TASKS backend "
        "(ImmediateBackend) the e-mails are sent at once; with TASKS_BACKEND=database the task "
        "is queued and a running 'manage.py db_worker' sends them."
    )
    task = send_survey_reminders
    what = "Survey reminders"
