"""Writing infographics and deliverables: started, saved, published, versioned, discarded; a
programme's promises. Every write is one transaction and recorded in the audit trail."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citygrow.catalogue.models import KeyFactor
from citygrow.core.errors import ServiceError
from citygrow.core.forms import MAX_LINKS
from citygrow.mentoring.models import Finding, Pairing, Programme
from citygrow.people import audit
from citygrow.people.models import AuditEntry
from citygrow.plans.models import Action
from citygrow.practices.models import Practice
from citygrow.publishing import infographic as drawing
from citygrow.reporting import infographics
from citygrow.reporting.models import Deliverable, Infographic, InfographicItem

ITEM_LIMIT = drawing.LIMITS["item"]


class Conflict(ServiceError):
    """A save based on an older revision of the infographic than the stored one (409 in the
    API): `current` is the stored infographic."""

    def __init__(self, message: str, current: Infographic) -> None:
        super().__init__(message, None)
        self.current = current


def _record(infographic: Infographic, by: Any, action: str, **changes: Any) -> None:
    audit.record(
        actor=by,
        action=action,
        target=infographic,
        city=infographic.pairing.implementing_city,
        changes=changes or None,
    )


@transaction.atomic
def start_infographic(*, pairing: Pairing, by: Any) -> Infographic:
    """A new draft of `pairing`'s infographic: the first one is filled from the data (see
    `infographics.fill_draft`); a later one copies the latest published version. Refused when
    the pairing already has a draft."""
    Pairing.objects.select_for_update().get(pk=pairing.pk)
    existing = list(Infographic.objects.filter(pairing=pairing).order_by("-number"))
    if any(not version.is_published for version in existing):
        raise ServiceError(_("This pairing's infographic already has a draft: edit it."), "status")
    latest = existing[0] if existing else None
    draft = Infographic(
        pairing=pairing,
        number=(latest.number + 1) if latest else 1,
        created_by=by,
        title=latest.title if latest else infographics.default_title(pairing),
        subtitle=latest.subtitle if latest else infographics.default_subtitle(pairing),
        notice=latest.notice if latest else "",
        credits=latest.credits if latest else "\n".join(infographics.default_credits(pairing)),
    )
    draft.save()
    if latest is None:
        infographics.fill_draft(draft, limit=ITEM_LIMIT)
    else:
        draft.key_factors.set(latest.key_factors.all())
        draft.practices.set(latest.practices.all())
        InfographicItem.objects.bulk_create(
            InfographicItem(
                infographic=draft,
                section=item.section,
                position=item.position,
                text=item.text,
                finding_id=item.finding_id,
                action_id=item.action_id,
            )
            for item in latest.items.all()
        )
    _record(draft, by, AuditEntry.Action.CREATE)
    return draft


@dataclass
class ItemIn:
    """One item as a person wrote it: its text and, when picked, where it came from."""

    text: str
    finding: int | None = None
    action: int | None = None


@dataclass
class InfographicIn:
    title: str
    subtitle: str = ""
    notice: str = ""
    credits: Sequence[str] = ()
    key_factors: Sequence[int] = ()
    practices: Sequence[int] = ()
    strengths: Sequence[ItemIn] = ()
    challenges: Sequence[ItemIn] = ()
    actions: Sequence[ItemIn] = ()
    sections: dict[str, Sequence[ItemIn]] = field(init=False)

    def __post_init__(self) -> None:
        self.sections = {
            InfographicItem.Section.STRENGTH: self.strengths,
            InfographicItem.Section.CHALLENGE: self.challenges,
            InfographicItem.Section.ACTION: self.actions,
        }


#: The parts of the drawing a composer writes or chooses. The others (the cities' names and
#: figures, the timeline, key factor headings, practices' titles) come from the data as they are:
#: the drawing shortens them with "…" where they are longer than their place.
EDITABLE = ("title", "subtitle", "notice", "credits", "strengths", "challenges", "actions")
CHOSEN = ("key_factors", "practices")


def _field_of(path: str) -> str:
    """A drawing's path as the editor's field: "strengths[2]" is "strengths-2"; a line of the
    credits, a key factor or a practice is the whole field."""
    base = path.split("[")[0]
    if base in ("credits", *CHOSEN):
        return base
    return path.replace("[", "-").replace("]", "")


def _problems(content: drawing.Content) -> list[drawing.Problem]:
    """What does not fit, among what the composer writes or chooses."""
    return [
        problem
        for problem in drawing.check(content)
        if problem.path.split("[")[0] in EDITABLE
        or (problem.path in CHOSEN)  # too many (a list's own path)
    ]


def _check(infographic: Infographic, data: InfographicIn) -> None:
    """Refuse what the printed page cannot hold: more items than a section holds, a text over
    its limit or longer than its box (publishing.infographic.check)."""
    for section, slug in infographics.SECTIONS:
        if len(data.sections[section]) > infographics.MAX_ITEMS:
            raise ServiceError(
                _("At most %(max)s items fit in this section; you gave %(count)s.")
                % {"max": infographics.MAX_ITEMS, "count": len(data.sections[section])},
                slug,
            )
    if len(data.key_factors) > infographics.MAX_KEY_FACTORS:
        raise ServiceError(
            _("At most %(max)s key factors fit on the page.")
            % {"max": infographics.MAX_KEY_FACTORS},
            "key_factors",
        )
    if len(data.practices) > infographics.MAX_PRACTICES:
        raise ServiceError(
            _("At most %(max)s practices fit on the page.") % {"max": infographics.MAX_PRACTICES},
            "practices",
        )
    if len(data.credits) > infographics.MAX_CREDITS:
        raise ServiceError(
            _("At most %(max)s lines of credits fit on the page.")
            % {"max": infographics.MAX_CREDITS},
            "credits",
        )
    if not data.title.strip():
        raise ServiceError(_("Give the infographic a title."), "title")
    # What the page will draw with these texts, checked box by box.
    content = dataclasses.replace(
        infographics.compose(infographic),
        title=data.title.strip(),
        subtitle=data.subtitle.strip(),
        notice=data.notice.strip(),
        credits=[line.strip() for line in data.credits],
        strengths=[item.text.strip() for item in data.strengths],
        challenges=[item.text.strip() for item in data.challenges],
        actions=[item.text.strip() for item in data.actions],
    )
    problems = _problems(content)
    if problems:
        raise ServiceError(problem_message(problems[0]), _field_of(problems[0].path))


def problem_message(problem: drawing.Problem) -> str:
    """What does not fit the printed page, in the reader's language."""
    if problem.path.split("[")[0] in drawing.MAX_ITEMS and "[" not in problem.path:
        return _("At most %(limit)s fit on the printed page.") % {"limit": problem.limit}
    return _(
        "Too long for its place on the printed page: shorten it to at most about %(limit)s "
        "characters."
    ) % {"limit": problem.limit}


def _check_revision(infographic: Infographic, seen: int | None) -> None:
    if seen is not None and infographic.revision != seen:
        raise Conflict(
            _(
                "Someone saved this infographic after you opened it (revision %(now)s, you had "
                "%(seen)s). Your text is kept below: read theirs, then save again."
            )
            % {"now": infographic.revision, "seen": seen},
            infographic,
        )


def _sources(data: InfographicIn, pairing: Pairing) -> tuple[dict[int, Finding], dict[int, Action]]:
    """The findings and actions the items name, if they are the pairing's (else refused)."""
    items = [item for section in data.sections.values() for item in section]
    finding_ids = {item.finding for item in items if item.finding is not None}
    action_ids = {item.action for item in items if item.action is not None}
    findings = Finding.objects.filter(pk__in=finding_ids, report__visit__pairing=pairing).in_bulk()
    actions = Action.objects.filter(pk__in=action_ids, plan__pairing=pairing).in_bulk()
    if set(findings) != finding_ids or set(actions) != action_ids:
        raise ServiceError(
            _("An item names a finding or an action that is not this pairing's."), None
        )
    return findings, actions


@transaction.atomic
def save_infographic(
    *, infographic: Infographic, data: InfographicIn, by: Any, seen_revision: int | None = None
) -> Infographic:
    """Write a draft's texts and choices. `seen_revision`, when given, is the revision the
    person read: a newer stored one raises Conflict and nothing is saved."""
    infographic = (
        Infographic.objects.select_for_update()
        .select_related("pairing__scheme__programme", "pairing__theme")
        .get(pk=infographic.pk)
    )
    if infographic.is_published:
        raise ServiceError(
            _("A published infographic does not change: make a new version of it."), "status"
        )
    _check_revision(infographic, seen_revision)
    _check(infographic, data)
    factors = list(KeyFactor.objects.filter(pk__in=data.key_factors))
    allowed = {factor.pk for factor in infographics.key_factor_choices(infographic.pairing)}
    chosen_factors = [factor for factor in factors if factor.pk in allowed]
    if len(chosen_factors) != len(set(data.key_factors)):
        raise ServiceError(_("Choose key factors of the pairing's theme."), "key_factors")
    practices = Practice.objects.visible_to(by).filter(pk__in=data.practices)
    if practices.count() != len(set(data.practices)):
        raise ServiceError(_("Choose practices from the library."), "practices")
    findings, actions = _sources(data, infographic.pairing)

    infographic.title = data.title.strip()
    infographic.subtitle = data.subtitle.strip()
    infographic.notice = data.notice.strip()
    infographic.credits = "\n".join(line.strip() for line in data.credits if line.strip())
    infographic.revision += 1
    infographic.save()
    infographic.key_factors.set(chosen_factors)
    infographic.practices.set(practices)
    infographic.items.all().delete()
    InfographicItem.objects.bulk_create(
        InfographicItem(
            infographic=infographic,
            section=section,
            position=position,
            text=item.text.strip(),
            finding=findings.get(item.finding) if item.finding else None,
            action=actions.get(item.action) if item.action else None,
        )
        for section, items in data.sections.items()
        for position, item in enumerate((i for i in items if i.text.strip()), start=1)
    )
    _record(infographic, by, AuditEntry.Action.CHANGE)
    return infographic


def missing_for_publication(
    infographic: Infographic, content: drawing.Content | None = None
) -> list[str]:
    """What keeps a draft from being published, in words (empty when it may be). `content` is
    what it draws, when already composed."""
    counts: dict[str, int] = {str(section): 0 for section, _slug in infographics.SECTIONS}
    for item in infographic.items.all():
        counts[item.section] += 1
    names: dict[str, str] = {
        InfographicItem.Section.STRENGTH: _("strengths"),
        InfographicItem.Section.CHALLENGE: _("challenges"),
        InfographicItem.Section.ACTION: _("future actions"),
    }
    missing = [
        _("Give at least %(min)s %(section)s (it has %(count)s).")
        % {"min": infographics.MIN_ITEMS, "section": names[section], "count": count}
        for section, count in counts.items()
        if count < infographics.MIN_ITEMS
    ]
    problems = _problems(content or infographics.compose(infographic))
    missing += [problem_message(problem) for problem in problems]
    return missing


@transaction.atomic
def publish_infographic(
    *, infographic: Infographic, by: Any, at: datetime.datetime | None = None
) -> Infographic:
    """Publish a draft: its content is frozen as it is drawn now, and it becomes public."""
    infographic = Infographic.objects.select_for_update().get(pk=infographic.pk)
    if infographic.is_published:
        raise ServiceError(_("This infographic is already published."), "status")
    missing = missing_for_publication(infographic)
    if missing:
        raise ServiceError(" ".join(missing), "status")
    infographic.content = infographics.to_json(infographics.compose(infographic))
    infographic.status = Infographic.Status.PUBLISHED
    infographic.published_at = at or timezone.now()
    infographic.published_by = by
    infographic.revision += 1
    infographic.save()
    _record(infographic, by, AuditEntry.Action.CHANGE, status=["draft", "published"])
    return infographic


@transaction.atomic
def discard_infographic(*, infographic: Infographic, by: Any) -> None:
    """Delete a draft (a published version stays: it is public and may have been printed)."""
    infographic = Infographic.objects.select_for_update().get(pk=infographic.pk)
    if infographic.is_published:
        raise ServiceError(_("A published infographic is kept; only a draft can be discarded."))
    _record(infographic, by, AuditEntry.Action.DELETE)
    infographic.delete()


# -- Deliverables ------------------------------------------------------------------------------


@dataclass
class DeliverableIn:
    kind: str
    promised: int
    note: str = ""
    links: Sequence[str] = ()


@transaction.atomic
def save_deliverables(
    *, programme: Programme, rows: Sequence[DeliverableIn], by: Any
) -> list[Deliverable]:
    """Replace what `programme` promised to deliver with `rows` (in their order)."""
    kinds = set(Deliverable.Kind.values)
    seen: set[str] = set()
    check_url = URLValidator(schemes=["http", "https"])
    built = []
    for position, row in enumerate(rows, start=1):
        if row.kind not in kinds:
            raise ServiceError(
                _("Unknown kind of deliverable: %(kind)s.") % {"kind": row.kind}, "kind"
            )
        if row.kind != Deliverable.Kind.OTHER and row.kind in seen:
            raise ServiceError(
                _("%(kind)s is listed twice; give one count.")
                % {"kind": Deliverable.Kind(row.kind).label},
                "kind",
            )
        seen.add(row.kind)
        if isinstance(row.promised, bool) or not isinstance(row.promised, int) or row.promised < 0:
            raise ServiceError(_("A promised count is a whole number, 0 or more."), "promised")
        if row.promised > 10_000:
            raise ServiceError(_("A promised count is at most 10,000."), "promised")
        links = [link.strip() for link in row.links if link.strip()]
        if len(links) > MAX_LINKS:
            raise ServiceError(
                _("At most %(max)s links per deliverable.") % {"max": MAX_LINKS}, "links"
            )
        for link in links:
            try:
                check_url(link)
            except ValidationError:
                raise ServiceError(
                    _("“%(link)s” is not a web address (http:// or https://).") % {"link": link},
                    "links",
                ) from None
        built.append(
            Deliverable(
                programme=programme,
                kind=row.kind,
                promised=row.promised,
                note=row.note.strip()[:300],
                links=links,
                position=position,
            )
        )
    programme.deliverables.all().delete()
    try:
        created = Deliverable.objects.bulk_create(built)
    except IntegrityError:  # pragma: no cover - the checks above come first
        raise ServiceError(_("Each kind of deliverable is listed once."), "kind") from None
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=programme,
        changes={"deliverables": [f"{row.promised} {row.kind}" for row in built]},
    )
    return created
