"""Store the key factor scores of the assessments published before PublishedScore existed.

Self-contained: it copies the scoring rule as it stood when it was written (assessments.scoring,
2026-11: yes 100, partly 50, no and don't know 0, not applicable and unanswered left out, a key
factor's score the exact mean of its points) instead of importing app code that may change.
"""

from collections import Counter, defaultdict
from fractions import Fraction

from django.db import migrations

#: Assessments scored and stored per round trip.
BATCH = 500


POINTS = {"yes": 100, "partly": 50, "no": 0, "dont_know": 0}
COUNTED = ["yes", "partly", "no", "dont_know", "not_applicable"]


def score_rows(assessment_id, by_factor, given, targets):
    """The PublishedScore field values of one assessment: a row per key factor."""
    rows = []
    for position, question_ids in by_factor.items():
        answers = [given.get(q) for q in question_ids]
        points = [POINTS[a] for a in answers if a in POINTS]
        counts = Counter(answers)
        rows.append(
            {
                "assessment_id": assessment_id,
                "position": position,
                "score": float(sum(map(Fraction, points), Fraction(0)) / len(points))
                if points
                else None,
                "target": int(targets.get(position, 100)),
                **{name: counts[name] for name in COUNTED},
                "unanswered": counts[None],
            }
        )
    return rows


def fill(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    Answer = apps.get_model("assessments", "Answer")
    FactorNote = apps.get_model("assessments", "FactorNote")
    GuideQuestion = apps.get_model("catalogue", "GuideQuestion")
    PublishedScore = apps.get_model("assessments", "PublishedScore")
    published = Assessment.objects.filter(status="published", published_scores__isnull=True)
    for toolkit_id in published.values_list("toolkit_id", flat=True).distinct().order_by():
        by_factor = defaultdict(list)
        for question_id, position in (
            GuideQuestion.objects.filter(key_factor__toolkit=toolkit_id)
            .order_by("key_factor__position", "position")
            .values_list("pk", "key_factor__position")
        ):
            by_factor[position].append(question_id)
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
            rows = [
                row
                for pk in chunk
                for row in score_rows(pk, by_factor, answers[pk], targets[pk])
            ]
            PublishedScore.objects.bulk_create(
                (PublishedScore(**row) for row in rows), batch_size=1000
            )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_published_score"),
        ("catalogue", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
