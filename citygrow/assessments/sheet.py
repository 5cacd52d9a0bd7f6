"""An assessment with everything its pages show, loaded in a fixed number of queries, and its
scores (assessments.scoring)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from citygrow.assessments import scoring
from citygrow.assessments.models import Answer, Assessment, Comment, ContextNote, FactorNote
from citygrow.catalogue.models import ContextFactor, GuideQuestion, KeyFactor


@dataclass
class QuestionRow:
    question: GuideQuestion
    answer: Answer | None


@dataclass
class FactorRow:
    key_factor: KeyFactor
    questions: list[QuestionRow]
    note: FactorNote | None
    score: scoring.FactorScore
    comments: list[Comment] = field(default_factory=list)

    @property
    def target(self) -> int:
        return self.note.target if self.note else 100


@dataclass
class ContextRow:
    factor: ContextFactor
    note: ContextNote | None


@dataclass
class Sheet:
    assessment: Assessment
    factors: list[FactorRow]
    context: list[ContextRow]
    result: scoring.Result

    @property
    def progress_percent(self) -> int:
        total = self.result.total
        return round(100 * self.result.answered / total) if total else 0

    def factor(self, key_factor_id: int) -> FactorRow:
        return next(row for row in self.factors if row.key_factor.pk == key_factor_id)

    def factor_by_position(self, position: int) -> FactorRow:
        return next(row for row in self.factors if row.key_factor.position == position)


def load_sheet(assessment: Assessment, *, with_comments: bool = True) -> Sheet:
    """The assessment's questions, answers, notes, context and comments, and its scores."""
    key_factors = list(
        KeyFactor.objects.filter(toolkit=assessment.toolkit_id).prefetch_related(
            Prefetch("guide_questions", queryset=GuideQuestion.objects.order_by("position"))
        )
    )
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(assessment=assessment).select_related("updated_by")
    }
    notes = {n.key_factor_id: n for n in FactorNote.objects.filter(assessment=assessment)}
    comments: dict[int, list[Comment]] = {}
    if with_comments:
        for comment in Comment.objects.filter(assessment=assessment).select_related("author"):
            comments.setdefault(comment.key_factor_id, []).append(comment)
    inputs = []
    for factor in key_factors:
        questions = list(factor.guide_questions.all())
        note = notes.get(factor.pk)
        inputs.append(
            scoring.FactorInput(
                key=factor.position,
                answers=[
                    scoring.Answer(answers[q.pk].value) if q.pk in answers else None
                    for q in questions
                ],
                target=float(note.target) if note else 100.0,
            )
        )
    result = scoring.score(inputs)
    rows = [
        FactorRow(
            key_factor=factor,
            questions=[QuestionRow(q, answers.get(q.pk)) for q in factor.guide_questions.all()],
            note=notes.get(factor.pk),
            score=result.factor(factor.position),
            comments=comments.get(factor.pk, []),
        )
        for factor in key_factors
    ]
    context_notes = {
        c.context_factor_id: c for c in ContextNote.objects.filter(assessment=assessment)
    }
    context = [
        ContextRow(factor, context_notes.get(factor.pk))
        for factor in ContextFactor.objects.filter(toolkit=assessment.toolkit_id)
    ]
    return Sheet(assessment=assessment, factors=rows, context=context, result=result)
