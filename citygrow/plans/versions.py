"""Versions of an action plan and their endorsement (issue 7, point 3).

The plan's objectives and actions are its working copy. Submitting it for endorsement
*freezes* a version: a snapshot of its content (`snapshot`, see plans.compare for the shape)
stored in a `PlanVersion`, never changed again. The city then records the administrative and
the political endorsement of that version, each with who signed, in what role, when, and the
signed document (a PDF or a Word file). With both, the version is the plan's endorsed version,
and the plan is public. Edits after that make the working copy a new draft, compared with the
endorsed version; submitting it freezes the next version, which needs both endorsements again.

Progress and status are follow-up, not content: they are not in a snapshot and change without
making a new version. This module reads, compares and checks; freezing a version and recording
an endorsement are in plans.services. Permissions are checked by the callers (plans.rules:
plans.endorse_plan).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citygrow.core.errors import ServiceError
from citygrow.plans import compare
from citygrow.plans.models import Action, ActionPlan, Endorsement, Objective, PlanVersion
from citygrow.practices.models import Practice

#: What the error says when someone tries to change a frozen version (pages have no route for
#: it; the API answers 409 with it).
FROZEN = gettext_lazy(
    "A frozen version cannot be changed; edit the plan, and submit a new version."
)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: The content type of a stored signed document, by its extension (the service names the file).
CONTENT_TYPES = {".pdf": PDF, ".docx": DOCX}


# Snapshots ----------------------------------------------------------------------------------


def _value(value: Any) -> Any:
    """A field's value as JSON data: dates in ISO format, decimals as text."""
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _cited(item: Objective | Action) -> dict[str, Any]:
    """The practices `item` adapts as snapshot data (`{"practices": [{"id", "title"}]}`), or
    nothing when it cites none: a snapshot frozen before plans cited practices has no such key,
    and stays equal to the plan's content while nothing is cited."""
    practices = sorted(item.practices.all(), key=lambda p: p.pk)
    if not practices:
        return {}
    return {"practices": [{"id": p.pk, "title": p.title} for p in practices]}


def snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The plan's content as plain JSON data (five queries): its title and summary, its
    objectives in order with their key factors, and under each the tree of its actions with
    their content fields; objectives and actions with the practices they adapt (id and title,
    when they cite any). Not their status or progress, which follow-up changes."""
    cited = Prefetch("practices", queryset=Practice.objects.select_related("city", "key_factor"))
    objectives = list(
        Objective.objects.filter(plan=plan)
        .order_by("position", "pk")
        .prefetch_related("key_factors", cited)
    )
    actions = list(
        Action.objects.filter(plan=plan).order_by("position", "pk").prefetch_related(cited)
    )
    under: dict[tuple[int, int | None], list[Action]] = {}
    for action in actions:
        under.setdefault((action.objective_id, action.parent_id), []).append(action)

    def tree(objective_id: int, parent_id: int | None) -> list[dict[str, Any]]:
        return [
            {
                "id": action.pk,
                **{name: _value(getattr(action, name)) for name in compare.ACTION_FIELDS},
                **_cited(action),
                "children": tree(objective_id, action.pk),
            }
            for action in under.get((objective_id, parent_id), [])
        ]

    return {
        "title": plan.title,
        "summary": plan.summary,
        "objectives": [
            {
                "id": objective.pk,
                "title": objective.title,
                "description": objective.description,
                "source": objective.source,
                "key_factors": [
                    {"number": kf.position, "heading": kf.heading}
                    for kf in sorted(objective.key_factors.all(), key=lambda kf: kf.position)
                ],
                **_cited(objective),
                "actions": tree(objective.pk, None),
            }
            for objective in objectives
        ],
    }


# Freezing -----------------------------------------------------------------------------------


def latest_version(plan: ActionPlan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


# Endorsing ----------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def document_kind(document: IO[bytes], size: int | None) -> str:
    """The extension (".pdf", ".docx") of an uploaded signed document, after checking that it
    is what it claims: a PDF starts with %PDF-, a Word file is a zip holding
    word/document.xml. Raises ServiceError (field "document") for anything else."""
    limit = settings.CITYGROW_MAX_UPLOAD
    if size is not None and size > limit:
        raise ServiceError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)},
            "document",
        )
    if not size:
        raise ServiceError(_("The file is empty."), "document")
    document.seek(0)
    head = document.read(5)
    document.seek(0)
    if head == b"%PDF-":
        return ".pdf"
    if head[:2] == b"PK":
        try:
            with zipfile.ZipFile(document) as archive:
                if "word/document.xml" in archive.namelist():
                    return ".docx"
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            pass
        finally:
            document.seek(0)
    raise ServiceError(
        _(
            "The signed document must be a PDF or a Word (.docx) file; this file is neither. "
            "Scan or export the signed document as a PDF, and upload that."
        ),
        "document",
    )


def upload_size(document: Any) -> int | None:
    size = getattr(document, "size", None)
    if size is None:
        try:
            document.seek(0, io.SEEK_END)
            size = document.tell()
            document.seek(0)
        except (AttributeError, OSError):
            return None
    return int(size)


def missing_levels(version: PlanVersion) -> list[str]:
    """The levels (Endorsement.Level values) `version` has no endorsement at yet."""
    done = {e.level for e in version.endorsements.all()}
    return [level for level in Endorsement.Level.values if level not in done]


# The plan's state ---------------------------------------------------------------------------


class State(StrEnum):
    DRAFT = "draft"
    AWAITING = "awaiting"
    ENDORSED = "endorsed"
    NEW_DRAFT = "new_draft"


@dataclass(frozen=True)
class PlanState:
    """Where the plan is in its endorsement."""

    state: State
    versions: list[PlanVersion]
    """Every version, oldest first, with its endorsements."""
    latest: PlanVersion | None
    endorsed: PlanVersion | None
    changed: bool
    """Whether the working copy differs from the latest version (True when there is none)."""
    working: dict[str, Any]
    """The working copy's snapshot."""

    @property
    def words(self) -> str:
        """The state in a sentence."""
        latest, endorsed = self.latest, self.endorsed
        if self.state == State.DRAFT:
            return _("Draft: not yet submitted for endorsement.")
        if self.state == State.ENDORSED and endorsed is not None:
            return _("Endorsed: version %(number)s is endorsed at both levels.") % {
                "number": endorsed.number
            }
        if self.state == State.NEW_DRAFT and endorsed is not None:
            return _(
                "Endorsed, with a new draft: version %(number)s is endorsed, and the plan has "
                "changed since."
            ) % {"number": endorsed.number}
        assert latest is not None
        missing = missing_levels(latest)
        if not missing:  # both recorded, but not (yet) the plan's endorsed version
            words = _("Version %(number)s has both endorsements recorded.") % {
                "number": latest.number
            }
        elif len(missing) == 2:
            words = _(
                "Awaiting endorsement: version %(number)s needs its administrative and its "
                "political endorsement."
            ) % {"number": latest.number}
        else:
            words = _(
                "Awaiting endorsement: version %(number)s needs its %(level)s endorsement."
            ) % {
                "number": latest.number,
                "level": str(Endorsement.Level(missing[0]).label).lower(),
            }
        if endorsed is not None:
            words += " " + _("Version %(number)s remains the endorsed one.") % {
                "number": endorsed.number
            }
        if self.changed:
            words += " " + _("The plan has changed since version %(number)s was submitted.") % {
                "number": latest.number
            }
        return words

    @property
    def compared_with(self) -> PlanVersion | None:
        """The version the working copy is compared with: the endorsed one, else the latest."""
        return self.endorsed or self.latest


def versions_of(plan: ActionPlan) -> list[PlanVersion]:
    """The plan's versions, oldest first, with their endorsements and who froze them (two
    queries)."""
    return list(
        plan.versions.order_by("number")
        .select_related("frozen_by")
        .prefetch_related(Prefetch("endorsements", queryset=Endorsement.objects.order_by("level")))
    )


def state(plan: ActionPlan) -> PlanState:
    """Draft (never submitted), awaiting endorsement (the latest version lacks one or both
    endorsements), endorsed (the latest version is endorsed, no change since) or endorsed with
    a new draft (changes since the endorsed version), in a fixed number of queries."""
    versions = versions_of(plan)
    working = snapshot(plan)
    latest = versions[-1] if versions else None
    endorsed = next((v for v in versions if v.pk == plan.endorsed_version_id), None)
    changed = latest is None or latest.snapshot != working
    if latest is None:
        code = State.DRAFT
    elif endorsed is not None and endorsed.pk == latest.pk:
        code = State.NEW_DRAFT if changed else State.ENDORSED
    else:
        code = State.AWAITING
    return PlanState(code, versions, latest, endorsed, changed, working)


def changes(plan_state: PlanState) -> compare.Comparison | None:
    """The working copy compared with the endorsed version (else the latest); None when the
    plan was never submitted."""
    base = plan_state.compared_with
    if base is None:
        return None
    return compare.compare(base.snapshot, plan_state.working)
