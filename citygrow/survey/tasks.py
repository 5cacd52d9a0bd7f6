"""Background work of the Charter survey: the reminder e-mails a week before a cycle closes.

A django-tasks task, enqueued once a day by `manage.py send_survey_reminders` (cron or another
scheduler), like the action plans' reminders: with the default ImmediateBackend it runs at once;
with TASKS_BACKEND=database it is queued and `manage.py db_worker` runs it. Each cycle's
reminders go out once: on the first run within REMINDER_DAYS of its closing day.
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tasks import task

from citygrow.people.models import Role
from citygrow.survey import services


@task()
def send_survey_reminders(on: str | None = None, base_url: str = "") -> int:
    """E-mail the officers of every invited city that has not submitted its response to a
    cycle closing within a week (one e-mail per officer and cycle, in the site's language), and
    mark the cycle reminded. `on`: the day to reckon from (ISO date; today when None);
    `base_url`: put before the links. Returns the number of e-mails sent."""
    day = datetime.date.fromisoformat(on) if on else services.today()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for cycle, waiting in services.reminders_due(day):
            by_city = {response.city_id: response for response in waiting}
            officers = (
                Role.objects.filter(
                    kind=Role.Kind.OFFICER, city__in=list(by_city), user__is_active=True
                )
                .exclude(user__email="")
                .select_related("user", "city")
                .order_by("city__name", "user_id")
            )
            for role in officers:
                assert role.city_id is not None  # an officer's role names their city
                response = by_city[role.city_id]
                user = role.user
                send_mail(
                    subject=_("Charter survey %(cycle)s: %(city)s's answers are due on %(day)s")
                    % {
                        "cycle": cycle.label,
                        "city": role.city,
                        "day": date_format(cycle.closes_on),
                    },
                    message=render_to_string(
                        "survey/reminder_email.txt",
                        {
                            "name": user.get_full_name() or user.get_username(),
                            "cycle": cycle,
                            "response": response,
                            "days": (cycle.closes_on - day).days,
                            "url": base_url.rstrip("/")
                            + reverse("survey:response_answer", args=[response.pk]),
                        },
                    ),
                    from_email=None,
                    recipient_list=[user.email],
                )
                sent += 1
            services.mark_reminded(cycle=cycle, on=day)
    return sent
