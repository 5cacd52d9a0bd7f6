"""The versions frozen before 0004 were submitted when they were frozen: their submission date
is the local date of `frozen_at` (0004 gave them the day the migration ran)."""

from django.db import migrations
from django.utils import timezone


def submitted_when_frozen(apps, schema_editor):
    PlanVersion = apps.get_model("plans", "PlanVersion")
    for version in PlanVersion.objects.only("pk", "frozen_at").iterator():
        PlanVersion.objects.filter(pk=version.pk).update(
            submitted_on=timezone.localdate(version.frozen_at)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_history_dates_and_precision"),
    ]

    operations = [
        migrations.RunPython(submitted_when_frozen, migrations.RunPython.noop),
    ]
