from django.db import migrations

# The same list as citygrow.plans.services.DEFAULT_STATUSES, copied so that this migration
# keeps working whatever that list becomes.
STATUSES = [
    ("Not started", 0, False),
    ("In progress", None, False),
    ("Delayed", None, False),
    ("Completed", 100, True),
    ("Cancelled", None, True),
]


def add_statuses(apps, schema_editor):
    ActionStatus = apps.get_model("plans", "ActionStatus")
    for position, (name, progress, closed) in enumerate(STATUSES, start=1):
        ActionStatus.objects.get_or_create(
            name=name,
            defaults={"default_progress": progress, "is_closed": closed, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_action_plans")]

    operations = [migrations.RunPython(add_statuses, migrations.RunPython.noop)]
