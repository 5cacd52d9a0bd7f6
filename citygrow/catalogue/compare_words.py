"""The places of a toolkit comparison (catalogue.compare) in words, in the reader's language:
shared by the comparison page and the API."""

from django.utils.translation import gettext as _

from citygrow.catalogue.compare import Change, Where


def _field_words() -> dict[str, str]:
    return {
        "theme.title": _("Title"),
        "source.title": _("Source: title"),
        "source.publisher": _("Source: publisher"),
        "source.year": _("Source: year of publication"),
        "source.url": _("Source: web address"),
        "source.credit": _("Credit"),
        "standard.statement": _("Integrating Cities standard"),
        "standard.introduction": _("Introduction to the standard"),
        "coverage_notes": _("Notes on coverage"),
        "heading": _("Heading"),
        "summary": _("Summary"),
        "why": _("Why it matters"),
    }


def section_in_words(where: Where) -> str:
    """The heading of the group a change is in."""
    if where.area == "key_factor":
        return _("Key factor %(number)s: %(heading)s") % {
            "number": where.number,
            "heading": where.name,
        }
    return {
        "edition": _("The edition"),
        "terms": _("Defined terms"),
        "key_factors": _("Key factors"),
        "context_factors": _("Context factors"),
    }.get(where.area, where.area)


def label_in_words(where: Where) -> str:
    """What changed, within its group."""
    named = {"number": where.part_number, "name": where.part_name}
    parts = {
        "term": _("Term: %(name)s"),
        "key_factor": _("Key factor %(number)s: %(name)s"),
        "question": _("Guide question %(number)s"),
        "question_sub_items": _("Guide question %(number)s: its sub-items"),
        "question_note": _("Guide question %(number)s: editor's note"),
        "example": _("Example: %(name)s"),
        "example_links": _("Example: %(name)s: its links"),
        "example_note": _("Example: %(name)s: editor's note"),
        "category": _("Context factor: %(name)s"),
    }
    if where.part in parts:
        return parts[where.part] % named
    return _field_words().get(where.part, where.part)


def kind_in_words(change: Change) -> str:
    return {"added": _("Added"), "removed": _("Removed"), "reworded": _("Reworded")}[change.kind]
