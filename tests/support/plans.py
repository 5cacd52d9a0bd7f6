"""The action plan fixtures and helpers (pytest plugin, see tests/conftest.py; issue 7).

The fixtures need no import; the helpers are imported by name.

- `athens_assessment`: a submitted assessment of Athens on toolkit A (2018), assessed on
  2024-05-01: key factor 1 answered "no" (score 0, gap 100), key factor 2 "partly" (score 50,
  gap 50), key factor 3 "yes" (100, no gap); the others unanswered.
- `plan`: a draft plan "Athens welcomes" started by the officer from that assessment in the
  Munich → Athens pairing of the `people` fixture, with two objectives and four actions:

    1. "Open a one-stop shop" (key factor 1, from the gap)
       - "Map the services" (lead "Social services", 2024-06-01..2024-12-31, budget 5000,
         progress 40)
       - "Train the staff" (2024-07-01..2025-06-30), with the sub-action
         - "Train the front desk" (progress 50)
    2. "Speak the languages of newcomers" (key factors 2 and 3, the city's own)
       - "Publish a guide" (status Completed: 100)

  Rolled up: Map 40, Train 50 (from its sub-action), Guide 100; overall (40 + 50 + 100) / 3
  = 63.3.
- `endorsed_plan`: the `plan` submitted as version 1 and endorsed at both levels, so public.

Helpers: `assess_athens`, `athens_pairing`, `key_factor`, `add_actions`, `endorse` (a real
endorsement at a level, or a plan marked endorsed at once), and the documents `SIGNED_PDF`,
`signed_pdf` and `docx_bytes`.
"""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from citygrow.assessments.models import Answer, Assessment
from citygrow.catalogue.models import GuideQuestion, KeyFactor, Toolkit
from citygrow.mentoring.models import Pairing
from citygrow.people.models import City
from citygrow.plans import services, versions
from citygrow.plans.models import ActionPlan, ActionStatus, Endorsement, PlanVersion

#: Key factor position -> the answer given to each of its questions.
ANSWERS = {1: "no", 2: "partly", 3: "yes"}

#: A minimal valid PDF, as the signed document of an endorsement.
SIGNED_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def signed_pdf(name: str = "signed.pdf", content: bytes = SIGNED_PDF) -> SimpleUploadedFile:
    """An uploaded PDF (by default `SIGNED_PDF`, named signed.pdf)."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx_bytes() -> bytes:
    """The smallest file that passes for a Word (.docx) file: a zip with its two parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def assess_athens(
    answers: dict[int, str] = ANSWERS,
    assessed_on: date = date(2024, 5, 1),
    status: str = Assessment.Status.SUBMITTED,
) -> Assessment:
    """An assessment of Athens on toolkit A, each question of key factor `position` answered
    `answers[position]`."""
    toolkit = Toolkit.objects.get(theme__code="A", year=2018)
    assessment = Assessment.objects.create(
        city=City.objects.get(name="Athens"),
        toolkit=toolkit,
        title=f"Athens {assessed_on.year}",
        assessed_on=assessed_on,
        status=status,
    )
    questions = GuideQuestion.objects.filter(
        key_factor__toolkit=toolkit, key_factor__position__in=answers
    ).select_related("key_factor")
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=q, value=answers[q.key_factor.position])
        for q in questions
    )
    return assessment


def athens_pairing() -> Pairing:
    """The Munich → Athens pairing of the `people` fixture."""
    return Pairing.objects.get(mentor_city__name="Munich", implementing_city__name="Athens")


def key_factor(position: int) -> KeyFactor:
    return KeyFactor.objects.get(toolkit__theme__code="A", toolkit__year=2018, position=position)


def add_actions(plan: ActionPlan, count: int, by) -> None:
    """`count` more actions "Extra action N" (In progress, 10 %) in the plan's first objective,
    each with a sub-action "Extra sub-action N" of weight 2."""
    objective = plan.objectives.first()
    status = ActionStatus.objects.get(name="In progress")
    for number in range(count):
        parent = services.save_action(
            plan=plan,
            objective=objective,
            data=services.ActionIn(
                title=f"Extra action {number}",
                lead="Culture",
                starts_on=date(2025, 1, 1),
                ends_on=date(2025, 3, 1),
                budget=Decimal("100"),
                status=status,
                progress=10,
            ),
            by=by,
        )
        services.save_action(
            plan=plan,
            objective=objective,
            parent=parent,
            data=services.ActionIn(title=f"Extra sub-action {number}", weight=Decimal("2")),
            by=by,
        )


def endorse(
    plan: ActionPlan,
    level: str | None = None,
    by: str = "Eleni Papadopoulou",
    *,
    role: str = "Director-General",
    endorsed_on: date | None = None,
    document: SimpleUploadedFile | None = None,
    user=None,
) -> Endorsement | None:
    """Endorse the plan.

    With a `level` ("administrative" or "political"): records that endorsement of the plan's
    latest version as the pages do (citygrow.plans.versions), by `by` in `role` on
    `endorsed_on` (today), with the signed `document` (`signed_pdf()`), recorded by `user`.

    Without: marks the plan endorsed at once, by a bare version 1 with no endorsements and no
    documents, for tests of what an endorsed (public) plan shows rather than of endorsing.
    """
    if level is None:
        version = PlanVersion.objects.create(plan=plan, number=1, snapshot={})
        ActionPlan.objects.filter(pk=plan.pk).update(endorsed_version=version)
        plan.refresh_from_db()
        return None
    return services.record_endorsement(
        version=versions.latest_version(plan),
        level=level,
        endorsed_by=by,
        role=role,
        endorsed_on=timezone.localdate() if endorsed_on is None else endorsed_on,
        document=signed_pdf() if document is None else document,
        by=user,
    )


@pytest.fixture
def athens_assessment(people) -> Assessment:
    return assess_athens()


@pytest.fixture
def plan(people, athens_assessment) -> ActionPlan:
    officer = people["officer"]
    plan = services.start_plan(
        pairing=athens_pairing(), assessment=athens_assessment, title="Athens welcomes", by=officer
    )
    shop = services.save_objective(
        plan=plan,
        title="Open a one-stop shop",
        key_factors=[key_factor(1).pk],
        source="gap",
        by=officer,
    )
    languages = services.save_objective(
        plan=plan,
        title="Speak the languages of newcomers",
        key_factors=[key_factor(2).pk, key_factor(3).pk],
        by=officer,
    )
    services.save_action(
        plan=plan,
        objective=shop,
        data=services.ActionIn(
            title="Map the services",
            lead="Social services",
            starts_on=date(2024, 6, 1),
            ends_on=date(2024, 12, 31),
            budget=Decimal("5000"),
            progress=40,
        ),
        by=officer,
    )
    train = services.save_action(
        plan=plan,
        objective=shop,
        data=services.ActionIn(
            title="Train the staff", starts_on=date(2024, 7, 1), ends_on=date(2025, 6, 30)
        ),
        by=officer,
    )
    services.save_action(
        plan=plan,
        objective=shop,
        parent=train,
        data=services.ActionIn(title="Train the front desk", progress=50),
        by=officer,
    )
    services.save_action(
        plan=plan,
        objective=languages,
        data=services.ActionIn(
            title="Publish a guide", status=ActionStatus.objects.get(name="Completed")
        ),
        by=officer,
    )
    plan.refresh_from_db()
    return plan


@pytest.fixture
def endorsed_plan(plan, people, settings, tmp_path) -> ActionPlan:
    """The `plan` submitted as version 1 and endorsed at both levels (administrative: Eleni
    Papadopoulou, Director-General; political: Mayor of Athens, Mayor; each with a PDF, stored
    under a temporary MEDIA_ROOT), so public. (Versions area: citygrow.plans.versions.)"""
    settings.MEDIA_ROOT = tmp_path / "media"
    officer = people["officer"]
    services.freeze(plan=plan, by=officer)
    for level, name, role in [
        ("administrative", "Eleni Papadopoulou", "Director-General"),
        ("political", "Mayor of Athens", "Mayor"),
    ]:
        document = SimpleUploadedFile(f"{level}.pdf", SIGNED_PDF)
        endorse(plan, level, name, role=role, document=document, user=officer)
    plan.refresh_from_db()
    return plan
