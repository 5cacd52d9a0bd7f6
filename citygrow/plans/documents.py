"""The action plan as a document for people outside the platform: its PDF and its Word file.

Cities pass their plan round their administration (in Word) before the administrative and the
political endorsement, so both files must read on their own: a title block saying whose plan it
is and where it comes from, the objectives with their key factors, every action with its
details, and the progress. No internal ids: actions are numbered "1.2" (objective 1, its second
action) and "1.2.1" (a sub-action), the same references as the actions' CSV/XLSX export.

`load_document` reads the plan in a fixed number of queries, whatever its size, into plain
data; the PDF template (plans/plan_pdf.html) and `word_file` both draw from it.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from citygrow.plans import transfer
from citygrow.plans.compare import ACTION_HEAD, ACTION_PLANNING
from citygrow.plans.models import Action, ActionPlan, Endorsement, PlanVersion, progress_of
from citygrow.plans.numbering import numbered
from citygrow.practices.models import Practice
from citygrow.publishing import tables


@dataclass(frozen=True)
class DocPractice:
    """A practice an objective or action adapts, with its address in the library."""

    title: str
    city: str
    url: str
    """Its page's address: absolute when the document was made for a request."""

    @property
    def line(self) -> str:
        return f"{self.title} ({self.city}): {self.url}"


@dataclass(frozen=True)
class DocAction:
    """One action as the documents show it."""

    ref: str
    level: int
    title: str
    description: str
    lead: str
    partners: str
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    budget: Decimal | None
    funding: str
    indicator: str
    baseline: str
    target: str
    risks: str
    status: str
    progress: Decimal
    """Its effective progress (rolled up from its sub-actions when it has any)."""
    rolled_up: bool
    practices: tuple[DocPractice, ...] = ()
    """The practices it adapts."""

    @property
    def detail_rows(self) -> list[tuple[str, str]]:
        return details(self)


@dataclass(frozen=True)
class DocObjective:
    number: int
    title: str
    description: str
    source: str
    key_factors: list[str]
    actions: list[DocAction]
    practices: tuple[DocPractice, ...] = ()
    """The practices it adapts."""


@dataclass(frozen=True)
class DocEndorsement:
    level: str
    endorsed_by: str
    role: str
    endorsed_on: datetime.date
    when: str = ""
    """The date in words: the day spelled out, or the month alone when only it is known."""


@dataclass
class PlanDocument:
    """Everything the PDF and the Word file say about a plan."""

    plan: ActionPlan
    title: str
    summary: str
    city: str
    country: str
    programme: str
    theme: str
    mentor_city: str
    assessment: str
    """Empty when the plan has no assessment (it starts from the visits' findings)."""
    assessment_on: datetime.date | None
    toolkit: str
    status: str
    endorsed_version: int | None
    changed_since_endorsement: bool
    endorsements: list[DocEndorsement]
    objectives: list[DocObjective]
    overall: Decimal | None
    total_budget: Decimal | None
    made_on: datetime.date
    counts: dict[str, int] = field(default_factory=dict)
    submitted: str = ""
    """The version the endorsements are of, and when it was submitted, in words ("" when no
    version has an endorsement)."""


def load_document(plan_id: int, absolute: Callable[[str], str] | None = None) -> PlanDocument:
    """The plan's content for its documents, in seven queries whatever its size. `absolute`
    makes a page's path a full address (the request's `build_absolute_uri`), for the practices'
    links; without it they are paths."""
    plan = ActionPlan.objects.select_related(
        "pairing__scheme__programme",
        "pairing__scheme__theme",
        "pairing__mentor_city",
        "pairing__implementing_city__country",
        "assessment__toolkit",
        "endorsed_version",
    ).get(pk=plan_id)
    cited = Prefetch("practices", queryset=Practice.objects.select_related("city", "key_factor"))
    objectives = list(plan.objectives.prefetch_related("key_factors", cited))
    actions = list(
        Action.objects.filter(plan=plan).select_related("status").prefetch_related(cited)
    )
    endorsements = list(
        Endorsement.objects.filter(version__plan=plan)
        .select_related("version")
        .order_by("-version__number", "level")
    )
    return _document(plan, objectives, actions, endorsements, absolute or (lambda path: path))


def _document(
    plan: ActionPlan,
    objectives: list[Any],
    actions: list[Action],
    endorsements: list[Endorsement],
    absolute: Callable[[str], str],
) -> PlanDocument:
    def practices(item: Any) -> tuple[DocPractice, ...]:
        return tuple(
            DocPractice(p.title, p.city.name, absolute(p.get_absolute_url()))
            for p in sorted(item.practices.all(), key=lambda p: p.pk)
        )

    rollup = progress_of(actions)
    by_objective: dict[int, list[DocAction]] = defaultdict(list)
    has_children = {a.parent_id for a in actions if a.parent_id}
    for action, ref, level in numbered([o.pk for o in objectives], actions):
        by_objective[action.objective_id].append(
            DocAction(
                ref=ref,
                level=level,
                **{name: getattr(action, name) for name in (*ACTION_HEAD, *ACTION_PLANNING)},
                status=action.status.name if action.status else "",
                progress=rollup.progress(action.pk),
                rolled_up=action.pk in has_children,
                practices=practices(action),
            )
        )
    doc_objectives = [
        DocObjective(
            number=number,
            title=objective.title,
            description=objective.description,
            source=str(objective.get_source_display()),
            key_factors=[
                f"{kf.position}. {kf.heading}"
                for kf in sorted(objective.key_factors.all(), key=lambda kf: kf.position)
            ],
            actions=by_objective[objective.pk],
            practices=practices(objective),
        )
        for number, objective in enumerate(objectives, start=1)
    ]
    pairing, version = plan.pairing, plan.endorsed_version
    shown = _endorsements_shown(plan, endorsements)
    changed = bool(
        version and plan.content_changed_at and plan.content_changed_at > version.frozen_at
    )
    if version is not None:
        status = _("Endorsed at the administrative and the political level (version %(n)s)") % {
            "n": version.number
        }
    elif shown:
        status = _("Draft, endorsed at one level so far")
    else:
        status = _("Draft, not yet endorsed")
    budgets = [a.budget for a in actions if a.budget is not None and a.pk not in has_children]
    return PlanDocument(
        plan=plan,
        title=plan.title,
        summary=plan.summary,
        city=pairing.implementing_city.name,
        country=pairing.implementing_city.country.name,
        programme=pairing.scheme.programme.name,
        theme=pairing.scheme.theme.title,
        mentor_city=pairing.mentor_city.name,
        assessment=plan.assessment.title if plan.assessment else "",
        assessment_on=plan.assessment.assessed_on if plan.assessment else None,
        toolkit=(
            f"{plan.assessment.toolkit.title} ({plan.assessment.toolkit.year})"
            if plan.assessment
            else ""
        ),
        status=status,
        endorsed_version=version.number if version else None,
        changed_since_endorsement=changed,
        endorsements=[
            DocEndorsement(
                level=str(e.get_level_display()),
                endorsed_by=e.endorsed_by,
                role=e.role,
                endorsed_on=e.endorsed_on,
                when=e.endorsed_when("j F Y"),
            )
            for e in shown
        ],
        submitted=_submitted(version or (shown[0].version if shown else None)),
        objectives=doc_objectives,
        overall=rollup.overall,
        total_budget=sum(budgets, Decimal(0)) if budgets else None,
        made_on=timezone.localdate(),
        counts={"objectives": len(objectives), "actions": len(actions)},
    )


def _submitted(version: PlanVersion | None) -> str:
    if version is None:
        return ""
    return _("Version %(number)s, submitted on %(date)s") % {
        "number": version.number,
        "date": version.submitted_when("j F Y"),
    }


def _endorsements_shown(plan: ActionPlan, endorsements: Iterable[Endorsement]) -> list[Any]:
    """The endorsements of the endorsed version; without one, those of the newest version
    that has any (a version endorsed at one level so far)."""
    endorsements = list(endorsements)
    if plan.endorsed_version_id:
        return [e for e in endorsements if e.version_id == plan.endorsed_version_id]
    if not endorsements:
        return []
    newest = endorsements[0].version_id
    return [e for e in endorsements if e.version_id == newest]


# Words shared by the PDF and the Word file ---------------------------------------------------


def long_date(day: datetime.date | None) -> str:
    """A date spelled out ("3 March 2026"), in the reader's language; "" for none."""
    return date_format(day, "j F Y") if day else ""


def period(action: DocAction) -> str:
    """When an action runs, in words."""
    if action.starts_on and action.ends_on:
        return _("%(start)s to %(end)s") % {
            "start": long_date(action.starts_on),
            "end": long_date(action.ends_on),
        }
    if action.starts_on:
        return _("from %(start)s") % {"start": long_date(action.starts_on)}
    if action.ends_on:
        return _("until %(end)s") % {"end": long_date(action.ends_on)}
    return _("no dates set")


def euros(amount: Decimal | None) -> str:
    """An amount in euros with thousands separated ("EUR 12,500.00"); "" for none."""
    return "" if amount is None else f"EUR {amount:,.2f}"


def percent(value: Decimal | None) -> str:
    """A percentage with at most one decimal ("40 %", "63.3 %"); "" for none."""
    if value is None:
        return ""
    return f"{value:.1f}".removesuffix(".0") + " %"


def indicator_line(action: DocAction) -> str:
    """The indicator with its baseline and target ("Newcomers advised: 120 → 400")."""
    if not (action.indicator or action.baseline or action.target):
        return ""
    figures = ""
    if action.baseline or action.target:
        figures = _("from %(baseline)s to %(target)s") % {
            "baseline": action.baseline or "\N{EN DASH}",
            "target": action.target or "\N{EN DASH}",
        }
    return ": ".join(part for part in (action.indicator, figures) if part)


def details(action: DocAction) -> list[tuple[str, str]]:
    """An action's details as (label, text), the empty ones left out."""
    progress = percent(action.progress)
    if action.rolled_up:
        progress = _("%(progress)s (from its sub-actions)") % {"progress": progress}
    budget = euros(action.budget)
    if action.funding:
        budget = (
            _("%(budget)s, funded by %(funding)s") % {"budget": budget, "funding": action.funding}
            if budget
            else _("Funded by %(funding)s") % {"funding": action.funding}
        )
    rows = [
        (_("Description"), action.description),
        (_("Lead department"), action.lead),
        (_("Partners and stakeholders"), action.partners),
        (_("When"), period(action)),
        (_("Budget and funding"), budget),
        (_("Indicator"), indicator_line(action)),
        (_("Risks"), action.risks),
        (_("Status"), action.status or _("No status given")),
        (_("Progress"), progress),
    ]
    return [(label, text) for label, text in rows if text]


# The Word file -------------------------------------------------------------------------------

WORD_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_file(doc: PlanDocument) -> bytes:
    """The plan as an editable Word file: a title, Heading 1 sections, a Heading 2 per
    objective and a Heading 3 per action, with an overview table per objective."""
    from docx import Document
    from docx.shared import Pt

    word = Document()
    word.core_properties.title = doc.title
    word.core_properties.subject = _("Action plan of %(city)s") % {"city": doc.city}
    word.core_properties.author = "CityGrow"
    word.styles["Normal"].font.size = Pt(10)

    word.add_heading(doc.title, level=0)
    word.add_paragraph(
        _("Action plan of %(city)s (%(country)s)") % {"city": doc.city, "country": doc.country}
    )
    if doc.summary:
        word.add_paragraph(doc.summary)

    word.add_heading(_("About this plan"), level=1)
    _table(word, about(doc), header=None)
    if doc.changed_since_endorsement:
        word.add_paragraph(
            _("This copy includes changes made after the endorsed version %(n)s.")
            % {"n": doc.endorsed_version}
        )
    if doc.endorsements:
        word.add_heading(_("Endorsements"), level=2)
        _table(
            word,
            [(e.level, e.endorsed_by, e.role, e.when) for e in doc.endorsements],
            header=(_("Level"), _("Endorsed by"), _("Role"), _("Date")),
        )

    word.add_heading(_("Objectives and actions"), level=1)
    if not doc.objectives:
        word.add_paragraph(_("The plan has no objectives yet."))
    for objective in doc.objectives:
        word.add_heading(
            _("Objective %(number)s: %(title)s")
            % {"number": objective.number, "title": objective.title},
            level=2,
        )
        if objective.description:
            word.add_paragraph(objective.description)
        word.add_paragraph(
            _("Key factors: %(factors)s") % {"factors": "; ".join(objective.key_factors)}
        )
        _adapts(word, objective.practices)
        if not objective.actions:
            word.add_paragraph(_("No actions yet."))
            continue
        _table(
            word,
            [
                (a.ref, a.title, a.lead, period(a), a.status, percent(a.progress))
                for a in objective.actions
            ],
            header=(_("No."), _("Action"), _("Lead"), _("When"), _("Status"), _("Progress")),
        )
        for action in objective.actions:
            word.add_heading(f"{action.ref} {action.title}", level=3)
            _table(word, details(action), header=None)
            _adapts(word, action.practices)

    word.add_heading(_("Overall progress"), level=1)
    word.add_paragraph(overall_sentence(doc))
    word.add_paragraph(made_with(doc))
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _adapts(word: Any, practices: Sequence[DocPractice]) -> None:
    """The practices an objective or action adapts, each with its address."""
    if not practices:
        return
    word.add_paragraph(_("Adapts these practices of the CityGrow library:"))
    for practice in practices:
        word.add_paragraph(practice.line, style="List Bullet")


def _table(word: Any, rows: Sequence[Sequence[str]], header: Sequence[str] | None) -> None:
    if not rows:
        return
    columns = len(header) if header else len(rows[0])
    table = word.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            if header is None and index == 0:
                cell.text = ""
                cell.paragraphs[0].add_run(str(text)).bold = True
            else:
                cell.text = str(text)
    word.add_paragraph()


def about(doc: PlanDocument) -> list[tuple[str, str]]:
    """The title block: whose plan, in which programme, from which assessment, its status."""
    return [
        (_("City"), f"{doc.city} ({doc.country})"),
        (_("Programme"), doc.programme),
        (_("Mentoring scheme"), doc.theme),
        (_("Mentor city"), doc.mentor_city),
        (
            _("Starts from the assessment"),
            _("%(title)s of %(date)s, against the benchmark %(toolkit)s")
            % {
                "title": doc.assessment,
                "date": long_date(doc.assessment_on),
                "toolkit": doc.toolkit,
            }
            if doc.assessment_on is not None
            else _("No assessment yet: this plan starts from the visits' findings."),
        ),
        (_("Status"), doc.status),
        *([(_("Submitted for endorsement"), doc.submitted)] if doc.submitted else []),
        (_("Total budget"), euros(doc.total_budget) or _("No budget given")),
        (_("Overall progress"), percent(doc.overall) or _("No actions yet")),
    ]


def overall_sentence(doc: PlanDocument) -> str:
    if doc.overall is None:
        return _("The plan has no actions yet.")
    return _(
        "Across its %(actions)s actions, the plan is %(progress)s done (sub-actions roll up "
        "into their actions, weighted where weights are set)."
    ) % {"actions": doc.counts.get("actions", 0), "progress": percent(doc.overall)}


def made_with(doc: PlanDocument) -> str:
    return _("Made with CityGrow on %(date)s.") % {"date": long_date(doc.made_on)}


# Files to download --------------------------------------------------------------------------


def filename(plan: ActionPlan) -> str:
    """The files' name: the city and the plan's title ("athens-athens-welcomes")."""
    return slugify(f"{plan.pairing.implementing_city.name} {plan.title}")[:80] or "action-plan"


def export_response(plan: ActionPlan, fmt: str) -> HttpResponse:
    """The plan's actions as a CSV or XLSX file to download (pages and API)."""
    rows = transfer.export_rows(plan)
    if fmt == "csv":
        response = HttpResponse(transfer.csv_bytes(rows), content_type=tables.CSV_TYPE)
    else:
        response = HttpResponse(transfer.xlsx_bytes(rows), content_type=tables.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(plan)}-actions.{fmt}"'
    return response
