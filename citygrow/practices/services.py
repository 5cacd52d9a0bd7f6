"""The good-practice library: removing a person's mentions (the search index is kept by
`PracticeQuerySet.refresh_search_index`)."""

import re
from typing import Any

from django.db import transaction
from django.db.models import Q

from citygrow.catalogue.services import refresh_fingerprint
from citygrow.people import audit
from citygrow.people.models import AuditEntry
from citygrow.practices.models import Practice, PracticeQuerySet

REMOVED = "[removed at the person's request]"


def practices_naming(text: str) -> PracticeQuerySet:
    """Practices whose text or links contain `text` (a person's name or e-mail address)."""
    return Practice.objects.filter(
        Q(text__icontains=text) | Q(links__icontains=text)
    ).select_related("city", "key_factor", "toolkit__theme")


@transaction.atomic
def remove_from_practices(*, text: str, by: Any) -> int:
    """Remove every mention of `text` (a person's name or address) from the practices.

    Each change is recorded in the audit trail. Returns how many practices changed.
    """
    pattern = re.compile(re.escape(text), re.IGNORECASE)
    changed = []
    for practice in practices_naming(text).select_for_update(of=("self",)):
        before = {"text": practice.text, "links": list(practice.links)}
        practice.text = pattern.sub(REMOVED, practice.text)
        practice.links = [link for link in practice.links if not pattern.search(link)]
        practice.save(update_fields=["text", "links"])
        audit.record(
            actor=by,
            action=AuditEntry.Action.CHANGE,
            target=practice,
            city=practice.city,
            changes={
                field: ["(mention of a person)", "(removed)"]
                for field in ("text", "links")
                if before[field] != getattr(practice, field)
            },
        )
        changed.append(practice)
    Practice.objects.filter(pk__in=[p.pk for p in changed]).refresh_search_index()
    for toolkit in {p.toolkit for p in changed if p.toolkit is not None}:
        refresh_fingerprint(toolkit)
    return len(changed)
