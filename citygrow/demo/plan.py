"""The demo action plan: Athens in the demo programme's Munich → Athens pairing on theme A.

`create_demo_plan` builds it through the assessments and plans services, for
`manage.py seed --demo`, after the demo programme (citygrow.demo.programme), so that the demo
shows issue 7's loop from end to end: Athens assesses itself (April 2017), turns two gaps and a
finding of its study visit to Munich into a plan, has it endorsed at the administrative and the
political level (December 2017), reports progress through 2018, moves an action's end date
after the endorsement (a new draft, compared with the endorsed version), re-assesses (October
2018) and measures the change per objective.

All of it is illustrative, made up to show how the platform works, not the City of Athens's
plan or position in CITIES GROW, and says so where it is shown: the plan's title and summary,
the assessments' titles and evidence, the objectives' and actions' descriptions, the updates,
the endorsers' names and the signed documents.

Each step happens on a demo day: the assessments and plans services are given it as `at=`
(`_at`), stamp their records with it (the audit trail, when an assessment was started, answered,
submitted, reviewed and published, when the plan was started, a version frozen, an endorsement
recorded, an update made) and check dates ("not in the future") against it, so the history
reads as 2017-2018. Nothing patches the clock.
Running it again changes nothing once the pairing has a plan (whoever made it, whatever has
been done to it since): a demo someone has been working in survives `bin/serve`, which runs
`seed --demo` at every start.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from citygrow.assessments import services as assessments
from citygrow.assessments.models import Answer, Assessment
from citygrow.catalogue.models import GuideQuestion, KeyFactor, Toolkit
from citygrow.mentoring import services as mentoring
from citygrow.mentoring.models import Pairing, Visit
from citygrow.mentoring.services import toolkit_of
from citygrow.people.models import User
from citygrow.plans import services
from citygrow.plans.models import Action, ActionPlan, ActionStatus, Objective
from citygrow.practices.models import Practice

TITLE = "Athens action plan: access to public contracts for migrant entrepreneurs (illustrative)"
SUMMARY = (
    "Illustrative: a plan made up for the CITIES GROW demo, not the City of Athens's action "
    "plan. It shows how an implementing city turns the gaps of its self-assessment and the "
    "findings of its study visit into objectives and actions, has the plan endorsed, reports "
    "progress and measures the change with a later assessment.\n\n"
    "Athens wants more immigrant entrepreneurs to win the city's contracts: it will first find "
    "out who they are and what stops them, then agree an inclusive procurement policy, and "
    "make its tenders simpler and better known."
)

#: The demo people the plan needs: olga (Athens's officer) makes it, fatima (the facilitator)
#: reviews the assessments, mia (the mentor) and fatima comment on the draft.
PEOPLE = ("olga", "mia", "fatima")

EVIDENCE = "Illustrative answer made up for the demo, not Athens's position."

# The self-assessment Athens starts from, and the one it measures the change with. Per key
# factor of toolkit A (by position), the answer to each of its questions in order (the last
# one repeats). Key factors 1, 4 and 5 are the plan's: clear gaps in 2017, better in 2018.
FIRST = (
    "Illustrative self-assessment (Athens, CITIES GROW demo, 2017)",
    datetime.date(2017, 4, 3),
    {
        1: ["no", "no", "dont_know"],  # 0: the largest gap
        2: ["yes"],
        3: ["yes"],
        4: ["no", "no", "partly"],  # 16.7
        5: ["partly", "no", "no", "partly", "no"],  # 20
        6: ["partly", "yes", "yes"],
        7: ["yes", "partly"],
    },
)
LATER = (
    "Illustrative re-assessment (Athens, CITIES GROW demo, 2018)",
    datetime.date(2018, 10, 15),
    {
        1: ["yes", "partly", "yes"],  # 83.3
        4: ["partly", "yes", "partly"],  # 66.7
        5: ["yes", "partly", "yes", "partly", "partly"],  # 70
    },
)

# The demo days of the steps (given to the services as `at=`; see `_at`).
FIRST_SUBMITTED = datetime.date(2017, 4, 3)
FIRST_REVIEWED = datetime.date(2017, 4, 19)
FIRST_PUBLISHED = datetime.date(2017, 4, 24)
PLAN_STARTED = datetime.date(2017, 6, 12)
FIRST_DRAFT = datetime.date(2017, 11, 6)  # olga's work log: "First draft"
COMMENTS = [
    (
        "mia",
        datetime.date(2017, 11, 8),
        "Illustrative: in Munich the survey worked best when migrant associations sent it "
        "out themselves; plan for a reminder round.",
    ),
    (
        "fatima",
        datetime.date(2017, 11, 9),
        "Illustrative: the indicators are clear. Consider a target for the share of small "
        "contracts won by immigrant-owned businesses once the data exists.",
    ),
]
FROZEN = datetime.date(2017, 11, 24)
ENDORSEMENTS = [
    # level, by, role, date
    (
        "administrative",
        "Illustrative: Director of Development Programming",
        "Illustrative: Director of Development Programming, City of Athens",
        datetime.date(2017, 12, 4),
    ),
    (
        "political",
        "Illustrative: Deputy Mayor",
        "Illustrative: Deputy Mayor for Economic Development, City of Athens",
        datetime.date(2017, 12, 14),
    ),
]
EDITED = datetime.date(2018, 9, 10)
LATER_SUBMITTED = datetime.date(2018, 10, 15)
LATER_REVIEWED = datetime.date(2018, 10, 29)
LATER_PUBLISHED = datetime.date(2018, 11, 5)


@dataclasses.dataclass(frozen=True)
class DemoAction:
    """An action of the demo plan; `key` names it for the updates below."""

    key: str
    title: str
    description: str
    starts_on: datetime.date
    ends_on: datetime.date
    lead: str = ""
    partners: str = ""
    budget: str | None = None
    funding: str = ""
    indicator: str = ""
    baseline: str = ""
    target: str = ""
    risks: str = ""
    weight: str | None = None
    children: tuple[DemoAction, ...] = ()


@dataclasses.dataclass(frozen=True)
class DemoObjective:
    """An objective, taken from the suggestion of `source` on key factor `position`."""

    position: int
    source: str
    fallback_title: str
    description: str
    actions: tuple[DemoAction, ...]


AMIF = "AMIF, through CITIES GROW (illustrative)"
CITY = "City of Athens budget (illustrative)"

OBJECTIVES = (
    DemoObjective(
        position=1,
        source=Objective.Source.GAP,
        fallback_title="Improve: Mapping and needs assessment",
        description=(
            "Illustrative: know how many immigrant entrepreneurs there are in Athens, in which "
            "sectors, and what keeps them from bidding for the city's contracts."
        ),
        actions=(
            DemoAction(
                key="survey",
                title="Survey immigrant entrepreneurs on their barriers to public contracts",
                description=(
                    "Illustrative: a survey of immigrant-owned businesses, sent out with "
                    "migrant associations, on what they sell and what stops them tendering."
                ),
                starts_on=datetime.date(2017, 9, 1),
                ends_on=datetime.date(2018, 3, 31),
                lead="Department of Development Programming",
                partners="Migrant community organisations; the chamber of small businesses; "
                "a university research team",
                budget="25000",
                funding=AMIF,
                indicator="Immigrant-owned businesses surveyed",
                baseline="0",
                target="300",
                risks="Businesses that distrust public authorities do not answer; the survey "
                "goes out through the migrant associations they know.",
                children=(
                    DemoAction(
                        key="questionnaire",
                        title="Design the questionnaire with migrant associations",
                        description="Illustrative: two workshops with five associations.",
                        starts_on=datetime.date(2017, 9, 1),
                        ends_on=datetime.date(2017, 10, 31),
                        lead="Department of Development Programming",
                        budget="3000",
                        funding=CITY,
                        indicator="Questionnaire agreed",
                        baseline="No",
                        target="Yes",
                        weight="1",
                    ),
                    DemoAction(
                        key="fieldwork",
                        title="Run the survey",
                        description="Illustrative: online and face to face, in five languages.",
                        starts_on=datetime.date(2017, 11, 1),
                        ends_on=datetime.date(2018, 1, 31),
                        lead="Department of Development Programming",
                        partners="Migrant community organisations",
                        budget="17000",
                        funding=AMIF,
                        indicator="Answers received",
                        baseline="0",
                        target="300",
                        risks="Too few answers in the holiday season.",
                        weight="3",
                    ),
                    DemoAction(
                        key="findings",
                        title="Publish the survey's findings",
                        description="Illustrative: a short report and a public presentation.",
                        starts_on=datetime.date(2018, 2, 1),
                        ends_on=datetime.date(2018, 3, 31),
                        lead="Department of Development Programming",
                        budget="5000",
                        funding=AMIF,
                        indicator="Report published",
                        baseline="No",
                        target="Yes",
                        weight="1",
                    ),
                ),
            ),
            DemoAction(
                key="data",
                title="Record a migrant background in the city's business support data",
                description=(
                    "Illustrative: as Munich does, the city's business support services record "
                    "(voluntarily, anonymised) whether an entrepreneur has a migrant background, "
                    "in one dataset shared across departments."
                ),
                starts_on=datetime.date(2017, 12, 1),
                ends_on=datetime.date(2018, 9, 30),
                lead="Department of Economic Development",
                partners="Data protection officer; the city's IT department",
                budget="8000",
                funding=CITY,
                indicator="Business support services recording a migrant background",
                baseline="0 of 4",
                target="4 of 4",
                risks="Data protection: the question must be voluntary and the data anonymised.",
            ),
        ),
    ),
    DemoObjective(
        position=4,
        source=Objective.Source.GAP,
        fallback_title="Improve: Municipal inclusive procurement policy is agreed and implemented",
        description=(
            "Illustrative: the city agrees how its procurement opens up to small and "
            "immigrant-owned businesses, and its procurement officers apply it."
        ),
        actions=(
            DemoAction(
                key="policy",
                title="Draft an inclusive procurement policy",
                description=(
                    "Illustrative: with the procurement department and the legal service, "
                    "drawing on Munich's practice."
                ),
                starts_on=datetime.date(2018, 1, 8),
                ends_on=datetime.date(2018, 5, 31),
                lead="Procurement Department",
                partners="Legal Service; Department of Economic Development; the City of "
                "Munich (mentor)",
                budget="5000",
                funding=CITY,
                indicator="Draft policy consulted on",
                baseline="No policy",
                target="Draft consulted on",
                risks="National procurement law leaves little room; the legal service checks "
                "each measure.",
            ),
            DemoAction(
                key="adoption",
                title="Submit the policy to the City Council for adoption",
                description="Illustrative: a decision of the City Council.",
                starts_on=datetime.date(2018, 6, 1),
                ends_on=datetime.date(2018, 10, 31),
                lead="Department of Development Programming",
                partners="Office of the Deputy Mayor for Economic Development",
                budget="2000",
                funding=CITY,
                indicator="Policy adopted by the City Council",
                baseline="No",
                target="Yes",
                risks="Other priorities delay the Council's vote.",
            ),
            DemoAction(
                key="training",
                title="Train procurement officers in inclusive procurement",
                description="Illustrative: half-day sessions, with a guide.",
                starts_on=datetime.date(2018, 3, 1),
                ends_on=datetime.date(2018, 11, 30),
                lead="Procurement Department",
                partners="A national school of public administration",
                budget="6000",
                funding=AMIF,
                indicator="Procurement officers trained",
                baseline="0",
                target="40",
                risks="Officers cannot leave their desks; sessions are short and repeated.",
            ),
        ),
    ),
    DemoObjective(
        position=5,
        source=Objective.Source.FINDING,
        fallback_title="Make tenders simpler and better known to small businesses",
        description=(
            "Illustrative: from the study visit to Munich: simpler tender documents for small "
            "contracts, and information events with migrant associations."
        ),
        actions=(
            DemoAction(
                key="simplify",
                title="Simplify the tender documents of small contracts",
                description=(
                    "Illustrative: a standard, shorter tender file for contracts under the EU "
                    "thresholds, in plain language."
                ),
                starts_on=datetime.date(2017, 12, 1),
                ends_on=datetime.date(2018, 6, 30),
                lead="Procurement Department",
                partners="Legal Service; the chamber of small businesses",
                budget="10000",
                funding=CITY,
                indicator="Pages of the standard small-contract tender file",
                baseline="42",
                target="15",
                risks="Legal requirements keep some documents long.",
            ),
            DemoAction(
                key="events",
                title="Hold information events on tendering with migrant associations",
                description=(
                    "Illustrative: how to find the city's tenders, register and bid; with "
                    "entrepreneurs who have won contracts."
                ),
                starts_on=datetime.date(2018, 2, 1),
                ends_on=datetime.date(2018, 9, 30),
                lead="Department of Economic Development",
                partners="Migrant associations; the chamber of small businesses",
                budget="12000",
                funding=AMIF,
                indicator="Immigrant entrepreneurs attending",
                baseline="0",
                target="150",
                risks="Low attendance; events are held in the neighbourhoods, in the evening.",
            ),
        ),
    ),
)

# The progress updates: (day, action key, status name or "", progress or None, text,
# attachment (file name, title) or None). Reported by olga, oldest first.
UPDATES: list[tuple[datetime.date, str, str, int | None, str, tuple[str, str] | None]] = [
    (
        datetime.date(2018, 1, 15),
        "questionnaire",
        "Completed",
        None,
        "Illustrative: the questionnaire was agreed with five migrant associations.",
        None,
    ),
    (
        datetime.date(2018, 1, 15),
        "fieldwork",
        "Delayed",
        45,
        "Illustrative: fewer answers than expected over the holidays; the associations send "
        "a reminder, and the survey runs to the end of February.",
        None,
    ),
    (
        datetime.date(2018, 1, 22),
        "policy",
        "In progress",
        40,
        "Illustrative: a first outline of the policy is discussed with the legal service "
        "(attached).",
        ("policy-outline.pdf", "Illustrative: outline of an inclusive procurement policy"),
    ),
    (
        datetime.date(2018, 1, 29),
        "data",
        "In progress",
        25,
        "Illustrative: the data protection officer agreed the question; one service asks it.",
        None,
    ),
    (
        datetime.date(2018, 2, 12),
        "simplify",
        "In progress",
        30,
        "Illustrative: the procurement department listed the documents small contracts need.",
        None,
    ),
    (
        datetime.date(2018, 3, 5),
        "fieldwork",
        "Completed",
        None,
        "Illustrative: 312 businesses answered.",
        None,
    ),
    (
        datetime.date(2018, 3, 12),
        "events",
        "In progress",
        25,
        "Illustrative: the first information event, with 38 entrepreneurs.",
        None,
    ),
    (
        datetime.date(2018, 4, 16),
        "training",
        "In progress",
        25,
        "Illustrative: ten procurement officers trained in the first session.",
        None,
    ),
    (
        datetime.date(2018, 4, 23),
        "findings",
        "Completed",
        None,
        "Illustrative: the findings were presented at City Hall and published.",
        None,
    ),
    (
        datetime.date(2018, 4, 23),
        "survey",
        "Completed",
        None,
        "Illustrative: the survey is done; its findings shape the procurement policy.",
        None,
    ),
    (
        datetime.date(2018, 5, 28),
        "policy",
        "Completed",
        None,
        "Illustrative: the draft policy was consulted on with business and migrant associations.",
        None,
    ),
    (
        datetime.date(2018, 6, 25),
        "data",
        "In progress",
        75,
        "Illustrative: three of the four business support services record a migrant background.",
        None,
    ),
    (
        datetime.date(2018, 7, 2),
        "simplify",
        "Completed",
        None,
        "Illustrative: the standard small-contract tender file is down to 16 pages.",
        None,
    ),
    (
        datetime.date(2018, 9, 10),
        "adoption",
        "Delayed",
        20,
        "Illustrative: the Council's vote is moved to December; the end date moves with it.",
        None,
    ),
    (
        datetime.date(2018, 9, 24),
        "training",
        "In progress",
        80,
        "Illustrative: 32 procurement officers trained so far.",
        None,
    ),
    (
        datetime.date(2018, 10, 1),
        "events",
        "Completed",
        None,
        "Illustrative: four events, 164 entrepreneurs in all.",
        None,
    ),
]

#: The edit after the endorsement: the Council's vote is moved (see the update of 2018-09-10).
MOVED = ("adoption", datetime.date(2018, 12, 20))


@transaction.atomic
def create_demo_plan(
    pairing: Pairing, people: Mapping[str, User] | None = None
) -> ActionPlan | None:
    """Create the demo plan of `pairing` (the demo programme's Munich → Athens pairing on theme
    A) with its assessments, endorsements, updates and follow-up, and return it. When the
    pairing has a plan already, return it unchanged. None when the demo people (olga, mia,
    fatima) or the scheme's toolkit are missing."""
    existing = ActionPlan.objects.filter(pairing=pairing).first()
    if existing is not None:
        return existing
    if people is None:
        people = {u.username: u for u in User.objects.filter(username__in=PEOPLE)}
    if not all(name in people for name in PEOPLE):
        return None
    toolkit = toolkit_of(pairing.scheme)
    if toolkit is None:
        return None
    olga = people["olga"]
    first = _first_assessment(pairing, toolkit, people)
    started = _at(PLAN_STARTED)
    plan = services.start_plan(
        pairing=pairing, assessment=first, title=TITLE, summary=SUMMARY, by=olga, at=started
    )
    objectives = _objectives(plan, olga, started)
    actions = _actions(plan, objectives, olga, _at(FIRST_DRAFT))
    for username, day, text in COMMENTS:
        services.add_comment(plan=plan, text=text, by=people[username], at=_at(day))
    version = services.freeze(plan=plan, by=olga, at=_at(FROZEN), submitted_on=FROZEN)
    for level, endorsed_by, role, day in ENDORSEMENTS:
        services.record_endorsement(
            version=version,
            level=level,
            endorsed_by=endorsed_by,
            role=role,
            endorsed_on=day,
            document=SimpleUploadedFile(
                f"signed-{level}.pdf",
                pdf(
                    [
                        TITLE,
                        f"Version {version.number}: {level} endorsement",
                        f"Signed: {endorsed_by}, {day.isoformat()}",
                        "Illustrative: a document made up for the CITIES GROW demo.",
                    ]
                ),
                content_type="application/pdf",
            ),
            by=olga,
            at=_at(day),
        )
    _updates(actions, olga)
    key, moved_to = MOVED
    _move_end(plan, Action.objects.get(pk=actions[key].pk), moved_to, olga, _at(EDITED))
    later = _later_assessment(first, people)
    services.link_follow_up(plan=plan, assessment=later, by=olga, at=_at(LATER_PUBLISHED))
    return plan


# The demo's moments ---------------------------------------------------------------------------


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    """The moment a step happens: `day` at `hour`, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


# Assessments ----------------------------------------------------------------------------------


def _questions(toolkit_id: int) -> list[GuideQuestion]:
    return list(
        GuideQuestion.objects.filter(key_factor__toolkit=toolkit_id)
        .select_related("key_factor")
        .order_by("key_factor__position", "position")
    )


def _answer_of(answers: Mapping[int, Sequence[str]], question: GuideQuestion, index: int) -> str:
    values = answers[question.key_factor.position]
    return values[min(index, len(values) - 1)]


def _by_factor(questions: Sequence[GuideQuestion]) -> Iterator[tuple[int, GuideQuestion]]:
    """Each question with its index among its key factor's questions."""
    seen: dict[int, int] = {}
    for question in questions:
        index = seen.get(question.key_factor_id, 0)
        seen[question.key_factor_id] = index + 1
        yield index, question


def _publish(
    assessment: Assessment,
    people: Mapping[str, User],
    days: tuple[datetime.date, datetime.date, datetime.date],
) -> None:
    """Submit (olga), review (fatima) and publish (olga) `assessment` on the demo `days`."""
    submitted, reviewed, published = days
    assessments.submit(assessment=assessment, by=people["olga"], at=_at(submitted, 17))
    assessments.mark_reviewed(assessment=assessment, by=people["fatima"], at=_at(reviewed))
    assessments.publish(assessment=assessment, by=people["olga"], at=_at(published))


def _first_assessment(pairing: Pairing, toolkit: Toolkit, people: Mapping[str, User]) -> Assessment:
    """Athens's 2017 self-assessment (published), made unless an earlier seed made it."""
    title, assessed_on, answers = FIRST
    found = _demo_assessment(pairing.implementing_city_id, toolkit.pk, title)
    if found is not None:
        return found
    olga, at = people["olga"], _at(assessed_on, 9)
    assessment = assessments.start_assessment(
        city=pairing.implementing_city,
        toolkit=toolkit,
        title=title,
        assessed_on=assessed_on,
        by=olga,
        at=at,
    )
    for index, question in _by_factor(_questions(toolkit.pk)):
        assessments.save_answer(
            assessment=assessment,
            question=question,
            value=_answer_of(answers, question, index),
            evidence=EVIDENCE,
            links=[],
            seen_version=None,
            by=olga,
            at=at,
        )
    _publish(assessment, people, (FIRST_SUBMITTED, FIRST_REVIEWED, FIRST_PUBLISHED))
    return assessment


def _demo_assessment(city_id: int, toolkit_id: int, title: str) -> Assessment | None:
    """The published demo assessment called `title`, if an earlier seed made it."""
    return (
        Assessment.objects.filter(city=city_id, toolkit=toolkit_id, title=title)
        .exclude(status=Assessment.Status.DRAFT)
        .order_by("pk")
        .first()
    )


def _later_assessment(first: Assessment, people: Mapping[str, User]) -> Assessment:
    """Athens's 2018 re-assessment: a copy of the first with better answers on the plan's key
    factors (published), made unless an earlier seed made it."""
    title, assessed_on, answers = LATER
    found = _demo_assessment(first.city_id, first.toolkit_id, title)
    if found is not None:
        return found
    olga, at = people["olga"], _at(assessed_on, 9)
    later = assessments.copy_assessment(
        source=first, title=title, assessed_on=assessed_on, by=olga, at=at
    )
    current = {
        answer.question_id: answer
        for answer in Answer.objects.filter(assessment=later).select_related("question")
    }
    for index, question in _by_factor(_questions(first.toolkit_id)):
        if question.key_factor.position not in answers:
            continue
        answer = current.get(question.pk)
        assessments.save_answer(
            assessment=later,
            question=question,
            value=_answer_of(answers, question, index),
            evidence=EVIDENCE,
            links=[],
            seen_version=answer.version if answer is not None else None,
            by=olga,
            at=at,
        )
    _publish(later, people, (LATER_SUBMITTED, LATER_REVIEWED, LATER_PUBLISHED))
    return later


# The plan's content ---------------------------------------------------------------------------


#: What was transferred (issue 13, part 5): the objective on key factor 1 adapts the mentor
#: city's example of toolkit A on that key factor (a real example: Munich's Integration Report
#: and its study of migrant companies); the survey action adapts the practice Munich's officer
#: contributed (citygrow.demo.practices, illustrative).
OBJECTIVE_ADAPTS = {1: "Munich"}
ACTION_ADAPTS = {
    "survey": "Surveying migrant-owned businesses with migrant associations (illustrative)"
}


def _adapted(plan: ActionPlan, position: int) -> list[int] | None:
    """The example of toolkit A that the objective on key factor `position` adapts, if any."""
    city = OBJECTIVE_ADAPTS.get(position)
    if city is None:
        return None
    found = Practice.objects.filter(
        toolkit=services.toolkit_of_plan(plan), key_factor__position=position, city__name=city
    ).values_list("pk", flat=True)[:1]
    return list(found) or None


def _contributed(key: str) -> list[int] | None:
    """The published contributed practice that the action `key` adapts, if the demo has it."""
    name = ACTION_ADAPTS.get(key)
    if name is None:
        return None
    found = Practice.objects.filter(
        origin=Practice.Origin.CONTRIBUTED, status=Practice.Status.PUBLISHED, name=name
    ).values_list("pk", flat=True)[:1]
    return list(found) or None


def _objectives(plan: ActionPlan, by: User, at: datetime.datetime) -> list[Objective]:
    """The objectives, taken from the plan's suggestions (two gaps, one finding of the study
    visit); the city's own when a suggestion is not there (e.g. the report was changed)."""
    offered = services.suggestions(plan)
    factor_ids = dict(
        KeyFactor.objects.filter(toolkit=services.toolkit_of_plan(plan)).values_list(
            "position", "pk"
        )
    )
    made = []
    for spec in OBJECTIVES:
        factor = factor_ids[spec.position]
        suggestion = next(
            (s for s in offered if s.source == spec.source and factor in s.key_factors), None
        )
        if suggestion is None:
            title, key_factors = spec.fallback_title, [factor]
            source: str = Objective.Source.OWN
        else:
            title, key_factors, source = (
                suggestion.title,
                list(suggestion.key_factors),
                suggestion.source,
            )
        made.append(
            services.save_objective(
                plan=plan,
                title=title,
                description=spec.description,
                key_factors=key_factors,
                source=source,
                by=by,
                practices=_adapted(plan, spec.position),
                at=at,
            )
        )
    return made


def _status(name: str) -> ActionStatus | None:
    """A status by name; None when a coordinator has renamed or removed it."""
    return ActionStatus.objects.filter(name=name).first() if name else None


def _actions(
    plan: ActionPlan, objectives: Sequence[Objective], by: User, at: datetime.datetime
) -> dict[str, Action]:
    """The actions of each objective, with their sub-actions, by key."""
    made: dict[str, Action] = {}
    not_started = _status("Not started")

    def add(spec: DemoAction, objective: Objective, parent: Action | None) -> None:
        data = services.ActionIn(
            title=spec.title,
            description=spec.description,
            lead=spec.lead,
            partners=spec.partners,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            budget=Decimal(spec.budget) if spec.budget is not None else None,
            funding=spec.funding,
            indicator=spec.indicator,
            baseline=spec.baseline,
            target=spec.target,
            risks=spec.risks,
            status=not_started,
            weight=Decimal(spec.weight) if spec.weight is not None else None,
        )
        action = services.save_action(
            plan=plan,
            objective=objective,
            data=data,
            parent=parent,
            by=by,
            practices=_contributed(spec.key),
            at=at,
        )
        made[spec.key] = action
        for child in spec.children:
            add(child, objective, action)

    for spec, objective in zip(OBJECTIVES, objectives, strict=True):
        for action_spec in spec.actions:
            add(action_spec, objective, None)
    return made


def _updates(actions: Mapping[str, Action], by: User) -> None:
    for day, key, status, progress, text, attachment in UPDATES:
        files = []
        if attachment is not None:
            name, heading = attachment
            files.append(
                SimpleUploadedFile(
                    name,
                    pdf([heading, TITLE, "Illustrative: made up for the CITIES GROW demo."]),
                    content_type="application/pdf",
                )
            )
        services.report_progress(
            action=Action.objects.get(pk=actions[key].pk),
            reported_on=day,
            text=text,
            status=_status(status),
            progress=progress,
            attachments=files,
            by=by,
            at=_at(day, 16),
        )


def _move_end(
    plan: ActionPlan, action: Action, ends_on: datetime.date, by: User, at: datetime.datetime
) -> None:
    """Change `action`'s end date (everything else as it is): a change of content after the
    endorsement, so the plan is a new draft compared with the endorsed version."""
    data = services.ActionIn(
        **{
            field.name: getattr(action, field.name)
            for field in dataclasses.fields(services.ActionIn)
        }
    )
    data.ends_on = ends_on
    services.save_action(
        plan=plan,
        objective=action.objective,
        data=data,
        parent=action.parent,
        action=action,
        by=by,
        at=at,
    )


# A plan on a theme without a toolkit ----------------------------------------------------------
#
# Nicosia, in the demo programme's Barcelona → Nicosia pairing on theme D (whose toolkit is not in
# the platform: data/themes.yaml), starts its plan from the findings of its study visit to
# Barcelona, before any assessment (issue 12). Everything here is illustrative, made up for the
# demo, and says so: the visit's agenda, the report's findings, the plan and its objectives.

#: nico (Nicosia's officer) starts the plan and takes part in the visit; fatima (the facilitator
#: of theme D) writes the report; cora (the coordinator) plans the visit.
FINDINGS_PEOPLE = ("nico", "fatima", "cora")

FINDINGS_VISIT = (
    datetime.date(2017, 6, 20),
    datetime.date(2017, 6, 22),
    "Illustrative: an agenda made up for the demo, not the historical visit.\n"
    "Day 1: welcome by the city of Barcelona; how the city's departments work together.\n"
    "Day 2: meetings with employers' organisations and local associations.\n"
    "Day 3: peer-to-peer discussion of Nicosia's first ideas for its action plan.",
)
FINDINGS_SUMMARY = (
    "Illustrative: findings made up for the demo, not those of the CITIES GROW visit. The "
    "theme's toolkit is not in the platform yet, so the findings have no key factors."
)
#: (kind, text), kept without key factors.
FINDINGS = [
    (
        "strength",
        "Illustrative: Nicosia's officers already meet local associations regularly.",
    ),
    (
        "barrier",
        "Illustrative: the city's departments have no shared way of recording complaints "
        "about the local job market.",
    ),
    (
        "action",
        "Illustrative: agree with Barcelona's officers on a short exchange of working methods "
        "between the two cities' departments.",
    ),
]
FINDINGS_PLAN_STARTED = datetime.date(2017, 7, 10)
FINDINGS_TITLE = "Nicosia action plan, started from the visit's findings (illustrative)"
FINDINGS_PLAN_SUMMARY = (
    "Illustrative: a plan made up for the CITIES GROW demo, not the City of Nicosia's action "
    "plan. The theme's toolkit is not in the platform, so the plan starts from the findings of "
    "the study visit to Barcelona and from the city's own objectives, before any assessment. "
    "Once a toolkit is published and the city assesses itself against it, its officers tie the "
    "plan to that assessment and its objectives to key factors."
)
FINDINGS_OWN_OBJECTIVE = (
    "Illustrative: name one contact person per department for the plan",
    "Illustrative: an objective of the city's own, made up for the demo.",
)
FINDINGS_ACTION = DemoAction(
    key="contacts",
    title="Illustrative: list the contact person of each department",
    description="Illustrative: an action made up for the demo.",
    starts_on=datetime.date(2017, 9, 1),
    ends_on=datetime.date(2017, 12, 15),
    lead="Illustrative: the mayor's office",
)


def findings_pairing() -> Pairing | None:
    """The demo programme's Barcelona → Nicosia pairing on theme D, if it exists."""
    return (
        Pairing.objects.filter(
            scheme__programme__slug="cities-grow",
            theme__code="D",
            mentor_city__name="Barcelona",
            implementing_city__name="Nicosia",
        )
        .select_related("scheme__theme", "scheme__toolkit", "mentor_city", "implementing_city")
        .first()
    )


@transaction.atomic
def create_demo_plan_from_findings(
    pairing: Pairing | None = None, people: Mapping[str, User] | None = None
) -> ActionPlan | None:
    """Create the demo plan of Nicosia in the Barcelona → Nicosia pairing on theme D, started
    from its study visit's findings before any assessment (the visit and its published report
    are made too, unless the pairing has visits already), and return it. When the pairing has a
    plan already, return it unchanged. None when the pairing or the demo people (nico, fatima,
    cora) are missing."""
    pairing = pairing or findings_pairing()
    if pairing is None:
        return None
    existing = ActionPlan.objects.filter(pairing=pairing).first()
    if existing is not None:
        return existing
    if people is None:
        people = {u.username: u for u in User.objects.filter(username__in=FINDINGS_PEOPLE)}
    if not all(name in people for name in FINDINGS_PEOPLE):
        return None
    nico = people["nico"]
    if not pairing.visits.exists():
        _findings_visit(pairing, people)
    started = _at(FINDINGS_PLAN_STARTED)
    plan = services.start_plan(
        pairing=pairing,
        assessment=None,
        title=FINDINGS_TITLE,
        summary=FINDINGS_PLAN_SUMMARY,
        by=nico,
        at=started,
    )
    offered = [s for s in services.suggestions(plan) if s.source == Objective.Source.FINDING]
    objectives = [
        services.save_objective(
            plan=plan,
            title=suggestion.title,
            description="Illustrative: taken from a finding of the study visit, for the demo.",
            key_factors=list(suggestion.key_factors),
            source=suggestion.source,
            by=nico,
            at=started,
        )
        for suggestion in offered[:1]
    ]
    title, description = FINDINGS_OWN_OBJECTIVE
    objectives.append(
        services.save_objective(
            plan=plan, title=title, description=description, key_factors=[], by=nico, at=started
        )
    )
    action = FINDINGS_ACTION
    services.save_action(
        plan=plan,
        objective=objectives[-1],
        data=services.ActionIn(
            title=action.title,
            description=action.description,
            lead=action.lead,
            starts_on=action.starts_on,
            ends_on=action.ends_on,
            status=_status("Not started"),
        ),
        by=nico,
        at=started,
    )
    return plan


def _findings_visit(pairing: Pairing, people: Mapping[str, User]) -> None:
    """Nicosia's study visit to Barcelona, with its published report (findings without key
    factors: the theme has no toolkit in the platform)."""
    starts_on, ends_on, agenda = FINDINGS_VISIT
    visit = mentoring.save_visit(
        pairing=pairing,
        kind=Visit.Kind.STUDY,
        starts_on=starts_on,
        ends_on=ends_on,
        agenda=agenda,
        participants=[people["nico"], people["fatima"]],
        by=people["cora"],
    )
    report = mentoring.save_report(
        visit=visit,
        summary=FINDINGS_SUMMARY,
        findings=[mentoring.FindingIn(kind=kind, text=text) for kind, text in FINDINGS],
        by=people["fatima"],
    )
    mentoring.publish_report(report=report, by=people["fatima"])


# Signed documents -----------------------------------------------------------------------------


def pdf(lines: Sequence[str]) -> bytes:
    """A small, valid one-page PDF showing `lines` (ASCII; others become "?"), for the demo's
    signed documents and attachments, without WeasyPrint (seed runs at every `bin/serve`)."""

    def text(line: str) -> str:
        line = line.encode("ascii", "replace").decode("ascii")
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    commands = ["BT", "/F1 11 Tf", "14 TL", "56 780 Td"]
    for line in lines:
        commands += [f"({text(line)}) Tj", "T*"]
    commands.append("ET")
    stream = "\n".join(commands).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
