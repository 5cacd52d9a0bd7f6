"""What was transferred (issue 13, part 5): the plans whose objectives or actions cite a practice
they adapt, for a practice's page and a city's page, with the change measured on the citing
objectives once the city has assessed itself again.

Only plans the reader may see are counted (endorsed plans are public; drafts follow the access
rule of people.access). A fixed number of queries however many plans cite the practice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from citygrow.assessments.insights import results_of
from citygrow.people.models import City
from citygrow.plans.followup import FactorChange, ObjectiveChange
from citygrow.plans.models import Action, ActionPlan, Objective
from citygrow.practices.models import Practice


@dataclass
class Adoption:
    """One plan that adapts a practice: the objectives citing it (directly, or through one of
    their actions) and, once measured, the change on their key factors."""

    plan: ActionPlan
    practice: Practice
    changes: list[ObjectiveChange] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def city(self) -> City:
        return self.plan.pairing.implementing_city

    @property
    def year(self) -> int:
        """The plan's year: that of its endorsed version's submission, else of its start."""
        version = self.plan.endorsed_version
        if version is not None:
            return version.submitted_on.year
        return self.plan.created_at.year

    @property
    def measured(self) -> bool:
        return any(change.factors for change in self.changes)


def adoptions(practice_ids: Iterable[int], user: Any) -> list[Adoption]:
    """Every (plan, practice) adoption of the practices `practice_ids` in the plans `user` may
    see, newest plan first."""
    ids = sorted(set(practice_ids))
    if not ids:
        return []
    visible_plans = ActionPlan.objects.visible_to(user)
    objective_links = list(
        Objective.practices.through.objects.filter(
            practice_id__in=ids, objective__plan__in=visible_plans
        ).values_list("objective_id", "practice_id")
    )
    action_links = list(
        Action.practices.through.objects.filter(
            practice_id__in=ids, action__plan__in=visible_plans
        ).values_list("action_id", "practice_id")
    )
    if not objective_links and not action_links:
        return []
    actions = {
        action.pk: action
        for action in Action.objects.filter(pk__in={a for a, _p in action_links}).only(
            "pk", "title", "objective_id", "plan_id"
        )
    }
    cited: dict[int, set[int]] = defaultdict(set)  # objective -> practices
    for objective_id, practice_id in objective_links:
        cited[objective_id].add(practice_id)
    action_cited: dict[tuple[int, int], list[Action]] = defaultdict(list)
    for action_id, practice_id in action_links:
        action = actions[action_id]
        cited[action.objective_id].add(practice_id)
        action_cited[(action.plan_id, practice_id)].append(action)
    objectives = list(
        Objective.objects.filter(pk__in=cited)
        .select_related(
            "plan__pairing__implementing_city",
            "plan__pairing__mentor_city",
            "plan__pairing__theme",
            "plan__endorsed_version",
            "plan__assessment",
            "plan__follow_up",
        )
        .prefetch_related("key_factors")
    )
    practices = {
        p.pk: p for p in Practice.objects.filter(pk__in=ids).select_related("city", "key_factor")
    }
    scores = _scores({objective.plan for objective in objectives})
    found: dict[tuple[int, int], Adoption] = {}
    for objective in sorted(objectives, key=lambda o: (o.plan_id, o.position, o.pk)):
        plan = objective.plan
        for practice_id in sorted(cited[objective.pk]):
            key = (plan.pk, practice_id)
            adoption = found.get(key)
            if adoption is None:
                adoption = found[key] = Adoption(
                    plan=plan,
                    practice=practices[practice_id],
                    actions=action_cited.get(key, []),
                )
            adoption.changes.append(_change(objective, scores))
    return sorted(found.values(), key=lambda a: (-a.year, a.city.name, a.plan.pk))


def adoptions_of(practice: Practice, user: Any) -> list[Adoption]:
    """Where `practice` was adapted, in the plans `user` may see."""
    return adoptions([practice.pk], user)


def adopted_by(city: City, user: Any) -> list[Adoption]:
    """The practices `city` adapted in its plans (those `user` may see)."""
    plans = ActionPlan.objects.visible_to(user).filter(pairing__implementing_city=city)
    ids = set(
        Objective.practices.through.objects.filter(objective__plan__in=plans).values_list(
            "practice_id", flat=True
        )
    ) | set(
        Action.practices.through.objects.filter(action__plan__in=plans).values_list(
            "practice_id", flat=True
        )
    )
    return [a for a in adoptions(ids, user) if a.plan.pairing.implementing_city_id == city.pk]


Scores = dict[int, dict[int, float | None]]
"""Per assessment id, the score of each key factor position."""


def _scores(plans: Iterable[ActionPlan]) -> Scores:
    """The key factor scores of the plans' assessments and follow-ups, for those plans with a
    follow-up (one reading of the results per toolkit)."""
    by_toolkit: dict[int, list[Any]] = defaultdict(list)
    for plan in plans:
        if plan.assessment is not None and plan.follow_up is not None:
            by_toolkit[plan.assessment.toolkit_id] += [plan.assessment, plan.follow_up]
    scores: Scores = {}
    for toolkit_id, assessments in by_toolkit.items():
        for assessment_id, result in results_of(assessments, toolkit_id).items():
            scores[assessment_id] = {
                row.key: (None if row.score is None else round(row.score, 1))
                for row in result.factors
            }
    return scores


def _change(objective: Objective, scores: Scores) -> ObjectiveChange:
    """The measured change on `objective`'s key factors (no factors while not measured)."""
    plan = objective.plan
    if plan.assessment_id is None or plan.follow_up_id is None:
        return ObjectiveChange(objective)
    before, after = scores.get(plan.assessment_id, {}), scores.get(plan.follow_up_id, {})
    factors = sorted(objective.key_factors.all(), key=lambda factor: factor.position)
    return ObjectiveChange(
        objective,
        [
            FactorChange(
                number=factor.position,
                heading=factor.heading,
                before=before.get(factor.position),
                after=after.get(factor.position),
            )
            for factor in factors
        ],
    )
