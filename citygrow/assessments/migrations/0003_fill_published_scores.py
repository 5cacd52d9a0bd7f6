"""Store the key factor scores of the assessments published before PublishedScore existed."""

from collections import defaultdict

from django.db import migrations

#: Assessments scored and stored per round trip.
BATCH = 500


def fill(apps, schema_editor):
    from citygrow.assessments.insights import factor_inputs, questions_per_factor, score_rows

    Assessment = apps.get_model("assessments", "Assessment")
    Answer = apps.get_model("assessments", "Answer")
    FactorNote = apps.get_model("assessments", "FactorNote")
    GuideQuestion = apps.get_model("catalogue", "GuideQuestion")
    PublishedScore = apps.get_model("assessments", "PublishedScore")
    published = Assessment.objects.filter(status="published", published_scores__isnull=True)
    for toolkit_id in published.values_list("toolkit_id", flat=True).distinct().order_by():
        by_factor = questions_per_factor(
            GuideQuestion.objects.filter(key_factor__toolkit=toolkit_id)
            .order_by("key_factor__position", "position")
            .values_list("pk", "key_factor__position")
        )
        ids = list(published.filter(toolkit=toolkit_id).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            answers = defaultdict(dict)
            for assessment_id, question_id, value in Answer.objects.filter(
                assessment__in=chunk
            ).values_list("assessment_id", "question_id", "value"):
                answers[assessment_id][question_id] = value
            targets = defaultdict(dict)
            for assessment_id, position, target in FactorNote.objects.filter(
                assessment__in=chunk
            ).values_list("assessment_id", "key_factor__position", "target"):
                targets[assessment_id][position] = target
            inputs = {pk: factor_inputs(by_factor, answers[pk], targets[pk]) for pk in chunk}
            PublishedScore.objects.bulk_create(
                (PublishedScore(**row) for row in score_rows(inputs)), batch_size=1000
            )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_published_score"),
        ("catalogue", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
