"""Enqueue the e-mail reminders of overdue and soon-due plan actions."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from citygrow.plans.tasks import send_plan_reminders


class Command(BaseCommand):
    help = (
        "E-mail each city officer the overdue actions of their city's action plans and those "
        "due within 30 days (one e-mail per officer). Run it once a day from a scheduler, e.g. "
        "cron: '0 7 * * * cd /srv/citygrow && .venv/bin/python manage.py send_plan_reminders "
        "--base-url https://citygrow.example'. It enqueues the task "
        "citygrow.plans.tasks.send_plan_reminders: with the default TASKS backend "
        "(ImmediateBackend) the e-mails are sent at once; with TASKS_BACKEND=database the task "
        "is queued and a running 'manage.py db_worker' sends them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default=os.environ.get("CITYGROW_BASE_URL", ""),
            help="Put before the plans' links in the e-mails (default: $CITYGROW_BASE_URL).",
        )
        parser.add_argument(
            "--date", default=None, help="Reckon from this day (YYYY-MM-DD) instead of today."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_plan_reminders.enqueue(on=options["date"], base_url=options["base_url"])
        self.stdout.write(f"Plan reminders enqueued (task {result.id}, {result.status}).")
