"""What an infographic draws (`publishing.infographic.Content`), from the platform's data.

A draft is composed from the live data every time it is drawn: its chosen texts (title, items,
key factors, practices, credits) and, as they stand today, the two cities' latest key figures
and the pairing's visits. Publishing freezes that content as JSON in `Infographic.content`; a
published infographic is drawn from it alone.

`candidates` lists what a facilitator may pick the infographic's items from: the findings of the
pairing's visit reports and the actions of its plan.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from citygrow.catalogue.models import KeyFactor
from citygrow.mentoring.models import Finding, Pairing, Visit
from citygrow.people.models import CityFigure, latest_figures
from citygrow.plans.models import Action, ActionPlan
from citygrow.practices.models import Practice
from citygrow.publishing import infographic as drawing
from citygrow.reporting.models import Infographic, InfographicItem

#: Figures shown per city, moments in the timeline, key factors and practices drawn: what the
#: printed page holds (publishing.infographic).
MAX_FIGURES = drawing.MAX_ITEMS["figures"]
MAX_MOMENTS = drawing.MAX_ITEMS["timeline"]
MAX_KEY_FACTORS = drawing.MAX_ITEMS["key_factors"]
MAX_PRACTICES = drawing.MAX_ITEMS["practices"]
MAX_CREDITS = drawing.MAX_ITEMS["credits"]
#: Items per section: at least MIN_ITEMS to publish, at most MAX_ITEMS.
MIN_ITEMS = 3
MAX_ITEMS = drawing.MAX_ITEMS["strengths"]

SECTIONS = (
    (InfographicItem.Section.STRENGTH, "strengths"),
    (InfographicItem.Section.CHALLENGE, "challenges"),
    (InfographicItem.Section.ACTION, "actions"),
)


def labels() -> drawing.Labels:
    """The fixed words of the drawing, in the active language."""
    return drawing.Labels(
        mentor_to_implementing=_("mentors"),
        key_factors=_("Key factors worked on"),
        timeline=_("Visits and meetings"),
        strengths=_("Strengths"),
        challenges=_("Challenges"),
        actions=_("Future actions"),
        practices=_("Practices transferred"),
        credits=_("Credits"),
        no_visits=_("No visit yet."),
        none_yet=_("None chosen yet."),
        past=_("past visit"),
        planned=_("planned"),
    )


def default_title(pairing: Pairing) -> str:
    title = _("%(implementing)s learns from %(mentor)s") % {
        "implementing": pairing.implementing_city.name,
        "mentor": pairing.mentor_city.name,
    }
    return shorten(title, drawing.LIMITS["title"])


def default_subtitle(pairing: Pairing) -> str:
    theme = pairing.theme.title.split(":")[0]  # the theme's short name, before its colon
    return shorten(f"{pairing.scheme.programme.name} · {theme}", drawing.LIMITS["subtitle"])


def default_credits(pairing: Pairing) -> list[str]:
    programme = pairing.scheme.programme
    lines = [
        _("%(programme)s (%(start)s-%(end)s)")
        % {
            "programme": programme.name,
            "start": programme.starts_on.year,
            "end": programme.ends_on.year,
        }
    ]
    if programme.funder:
        lines.append(_("Funded by: %(funder)s") % {"funder": programme.funder})
    facilitator = pairing.scheme.facilitator
    if facilitator is not None:
        lines.append(_("Facilitated by: %(organisation)s") % {"organisation": facilitator.name})
    lines.append(_("Method: Integrating Cities (EUROCITIES)"))
    return lines


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word before `limit` characters with "…" when longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.-")
    return (cut or text[: limit - 1]) + "…"


@dataclass
class Candidate:
    """A text the facilitator may pick for a section: a finding or a plan action."""

    key: str  # "finding-12" or "action-7"
    section: str
    text: str
    source: str  # where it comes from, in words
    finding: Finding | None = None
    action: Action | None = None


def _findings(pairing: Pairing) -> list[Finding]:
    return list(
        Finding.objects.filter(report__visit__pairing=pairing)
        .select_related("report__visit")
        .prefetch_related("key_factors")
        .order_by("report__visit__starts_on", "position", "pk")
    )


def _plan(pairing: Pairing) -> ActionPlan | None:
    return (
        ActionPlan.objects.filter(pairing=pairing)
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.order_by("objective__position", "pk")),
            "objectives__key_factors",
        )
        .first()
    )


_FINDING_SECTION = {
    Finding.Kind.STRENGTH: InfographicItem.Section.STRENGTH,
    Finding.Kind.BARRIER: InfographicItem.Section.CHALLENGE,
    Finding.Kind.CHALLENGE: InfographicItem.Section.CHALLENGE,
    Finding.Kind.ACTION: InfographicItem.Section.ACTION,
}


def candidates(pairing: Pairing) -> list[Candidate]:
    """What the infographic's items may be picked from: every finding of the pairing's visit
    reports (strengths; barriers and challenges; recommended actions) and the plan's actions
    (future actions). Drafts are included: only those who may see them compose an
    infographic. Three queries."""
    found = [
        Candidate(
            key=f"finding-{finding.pk}",
            section=_FINDING_SECTION[Finding.Kind(finding.kind)],
            text=finding.text,
            source=_("%(kind)s, report of the %(visit)s of %(date)s")
            % {
                "kind": finding.get_kind_display(),
                "visit": finding.report.visit.get_kind_display().lower(),
                "date": date_format(finding.report.visit.starts_on, "M Y"),
            },
            finding=finding,
        )
        for finding in _findings(pairing)
    ]
    plan = _plan(pairing)
    if plan is not None:
        found += [
            Candidate(
                key=f"action-{action.pk}",
                section=InfographicItem.Section.ACTION,
                text=action.title,
                source=_("Action of the plan"),
                action=action,
            )
            for action in plan.actions.all()
        ]
    return found


def fill_draft(infographic: Infographic, *, limit: int) -> None:
    """Give a new draft its first content from the data: items picked from the findings and
    the plan's actions (the plan's first), the key factors of the plan's objectives and of the
    findings, and the practices the plan cites. Texts are shortened to `limit` characters."""
    pairing = infographic.pairing
    found = candidates(pairing)
    items: list[InfographicItem] = []
    for section, _slug in SECTIONS:
        picked = [c for c in found if c.section == section]
        if section == InfographicItem.Section.ACTION:
            picked.sort(key=lambda c: c.action is None)  # the plan's own actions first
        items += [
            InfographicItem(
                infographic=infographic,
                section=section,
                position=position,
                text=shorten(c.text, limit),
                finding=c.finding,
                action=c.action,
            )
            for position, c in enumerate(picked[:MAX_ITEMS], start=1)
        ]
    InfographicItem.objects.bulk_create(items)

    plan = _plan(pairing)
    factor_ids: list[int] = []
    if plan is not None:
        for objective in plan.objectives.all():
            factor_ids += [factor.pk for factor in objective.key_factors.all()]
    for c in found:
        if c.finding is not None:
            factor_ids += [factor.pk for factor in c.finding.key_factors.all()]
    infographic.key_factors.set(list(dict.fromkeys(factor_ids))[:MAX_KEY_FACTORS])
    if plan is not None:
        cited = (
            Practice.objects.filter(Q(citing_objectives__plan=plan) | Q(citing_actions__plan=plan))
            .distinct()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        infographic.practices.set(list(cited)[:MAX_PRACTICES])


def key_factor_choices(pairing: Pairing) -> list[KeyFactor]:
    """The key factors of the theme's current toolkit edition (or of the scheme's toolkit)."""
    toolkit_id = pairing.scheme.toolkit_id
    factors = KeyFactor.objects.select_related("toolkit")
    if toolkit_id is not None:
        return list(factors.filter(toolkit_id=toolkit_id).order_by("position"))
    return list(
        factors.filter(toolkit__theme=pairing.theme, toolkit__status="published").order_by(
            "-toolkit__published_at", "position"
        )
    )


def practice_choices(infographic: Infographic) -> list[Practice]:
    """Practices that may be named as transferred: those the plan cites, those of the mentor
    city in the library on the theme, and those already chosen."""
    pairing = infographic.pairing
    return list(
        Practice.objects.filter(
            Q(citing_objectives__plan__pairing=pairing)
            | Q(citing_actions__plan__pairing=pairing)
            | Q(
                city=pairing.mentor_city,
                status=Practice.Status.PUBLISHED,
            )
            & (Q(toolkit__theme=pairing.theme) | Q(themes=pairing.theme))
            | Q(pk__in=infographic.practices.values("pk"))
        )
        .select_related("city", "key_factor", "toolkit__theme")
        .distinct()
        .order_by("city__name", "pk")
    )


def _figures(pairing: Pairing) -> dict[int, list[drawing.Figure]]:
    by_city = CityFigure.objects.latest_by_city(
        [pairing.mentor_city_id, pairing.implementing_city_id]
    )
    return {
        city_id: [
            drawing.Figure(
                label=str(figure.indicator.label),
                value=figure.shown(),
                note=_("%(year)s, %(source)s") % {"year": figure.year, "source": figure.source},
            )
            for figure in latest_figures(by_city.get(city_id, {}).values())[:MAX_FIGURES]
        ]
        for city_id in (pairing.mentor_city_id, pairing.implementing_city_id)
    }


def _when(visit: Visit) -> str:
    if visit.starts_on == visit.ends_on:
        return date_format(visit.starts_on, "j M Y")
    if (visit.starts_on.year, visit.starts_on.month) == (visit.ends_on.year, visit.ends_on.month):
        return f"{visit.starts_on.day}-{date_format(visit.ends_on, 'j M Y')}"
    return f"{date_format(visit.starts_on, 'j M')} - {date_format(visit.ends_on, 'j M Y')}"


def _timeline(pairing: Pairing, on: datetime.date) -> list[drawing.Moment]:
    visits = (
        Visit.objects.filter(pairing=pairing, cancelled_at__isnull=True)
        .order_by("starts_on", "pk")
        .select_related("pairing__mentor_city", "pairing__implementing_city")
    )
    moments = []
    for visit in visits[:MAX_MOMENTS]:
        kind = (
            _("Study visit to %(city)s")
            if visit.kind == Visit.Kind.STUDY
            else _("Mentoring visit to %(city)s")
        )
        moments.append(
            drawing.Moment(
                when=_when(visit),
                title=kind % {"city": visit.host_city.name},
                past=visit.ends_on < on,
            )
        )
    return moments


def compose(infographic: Infographic, on: datetime.date | None = None) -> drawing.Content:
    """What `infographic` draws: its frozen content when published; else composed from the
    draft's choices and today's data (about eight queries, whatever the data's size)."""
    if infographic.is_published and infographic.content:
        return from_json(infographic.content)
    on = on or timezone.localdate()
    pairing = infographic.pairing
    figures = _figures(pairing)
    items: dict[str, list[str]] = {section: [] for section, _slug in SECTIONS}
    for item in infographic.items.order_by("position", "pk"):
        items[item.section].append(item.text)
    factors = infographic.key_factors.order_by("position", "pk")
    practices = infographic.practices.select_related("city", "key_factor").order_by("pk")
    return drawing.Content(
        title=infographic.title,
        subtitle=infographic.subtitle,
        mentor=drawing.CityPanel(
            name=pairing.mentor_city.name,
            country=pairing.mentor_city.country.name,
            role=_("Mentor city"),
            figures=figures[pairing.mentor_city_id],
        ),
        implementing=drawing.CityPanel(
            name=pairing.implementing_city.name,
            country=pairing.implementing_city.country.name,
            role=_("Implementing city"),
            figures=figures[pairing.implementing_city_id],
        ),
        key_factors=[factor.heading for factor in factors[:MAX_KEY_FACTORS]],
        timeline=_timeline(pairing, on),
        strengths=items[InfographicItem.Section.STRENGTH],
        challenges=items[InfographicItem.Section.CHALLENGE],
        actions=items[InfographicItem.Section.ACTION],
        practices=[_practice_line(practice) for practice in practices[:MAX_PRACTICES]],
        credits=infographic.credit_lines(),
        labels=labels(),
        notice=infographic.notice,
    )


def _practice_line(practice: Practice) -> str:
    # An untitled practice is called "City: key factor" already.
    line = f"{practice.city.name}: {practice.name}" if practice.name else practice.title
    return shorten(line, drawing.LIMITS["practice"])


def gaps(pairing: Pairing) -> list[str]:
    """What the pairing does not have yet for its infographic to tell, in words: no visit, no
    published report, no action plan. Three small queries."""
    missing = []
    visits = Visit.objects.filter(pairing=pairing, cancelled_at__isnull=True)
    if not visits.exists():
        missing.append(_("No visit has been planned yet, so the timeline is empty."))
    elif not visits.filter(report__status="published").exists():
        missing.append(
            _("No visit report is published yet: strengths and challenges come from them.")
        )
    if not ActionPlan.objects.filter(pairing=pairing).exists():
        missing.append(
            _("The implementing city has no action plan yet: future actions come from it.")
        )
    return missing


def to_json(content: drawing.Content) -> dict[str, Any]:
    return dataclasses.asdict(content)


def from_json(data: dict[str, Any]) -> drawing.Content:
    def city(raw: dict[str, Any]) -> drawing.CityPanel:
        return drawing.CityPanel(
            name=raw["name"],
            country=raw["country"],
            role=raw["role"],
            figures=[drawing.Figure(**figure) for figure in raw["figures"]],
        )

    return drawing.Content(
        **{
            **data,
            "mentor": city(data["mentor"]),
            "implementing": city(data["implementing"]),
            "timeline": [drawing.Moment(**moment) for moment in data["timeline"]],
            "labels": drawing.Labels(**data["labels"]),
        }
    )
