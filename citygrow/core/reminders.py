"""The one shape of the commands that queue a day's reminder e-mails (`send_plan_reminders`,
`send_survey_reminders`): run once a day from a scheduler, they enqueue a django-tasks task
that takes the day to reckon from and the base URL of the links."""

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class EnqueueRemindersCommand(BaseCommand):
    """Set `task` (a django-tasks task taking `on` and `base_url`) and `what` ("Plan
    reminders")."""

    task: Any
    what: str

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
        result = self.task.enqueue(on=options["date"], base_url=options["base_url"])
        self.stdout.write(f"{self.what} enqueued (task {result.id}, {result.status}).")
