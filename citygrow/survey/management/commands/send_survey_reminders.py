"""Enqueue the reminder e-mails of Charter survey cycles closing within a week."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from citygrow.survey.tasks import send_survey_reminders


class Command(BaseCommand):
    help = (
        "E-mail the officers of every city that has not submitted its answers to a Charter "
        "survey cycle closing within 7 days (once per cycle). Run it once a day from a "
        "scheduler, e.g. cron: '0 7 * * * cd /srv/citygrow && .venv/bin/python manage.py "
        "send_survey_reminders --base-url https://citygrow.example'. It enqueues the task "
        "citygrow.survey.tasks.send_survey_reminders: with the default TASKS backend "
        "(ImmediateBackend) the e-mails are sent at once; with TASKS_BACKEND=database the task "
        "is queued and a running 'manage.py db_worker' sends them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=os.environ.get("CITYGROW_BASE_URL", ""),
            help="Put before the links in the e-mails (default: $CITYGROW_BASE_URL).",
        )
        parser.add_argument(
            "--date", default=None, help="Reckon from this day (YYYY-MM-DD) instead of today."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_survey_reminders.enqueue(on=options["date"], base_url=options["base_url"])
        self.stdout.write(f"Survey reminders enqueued (task {result.id}, {result.status}).")
