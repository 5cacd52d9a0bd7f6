"""Loading toolkit files into the database."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction
from pydantic import ValidationError

from citygrow.catalogue.models import (
    ContextFactor,
    GuideQuestion,
    KeyFactor,
    Term,
    Theme,
    Toolkit,
)
from citygrow.catalogue.toolkit_file import (
    Problem,
    ToolkitDocument,
    ToolkitFileError,
    parse_toolkit,
)
from citygrow.people.models import City
from citygrow.practices.models import Practice


class Outcome(enum.Enum):
    CREATED = "created"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"


@dataclass(frozen=True)
class LoadResult:
    toolkit: Toolkit
    outcome: Outcome

    def __str__(self) -> str:
        return f"{self.toolkit.theme.code} {self.toolkit.year}: {self.outcome.value}"


@transaction.atomic
def load_themes(path: Path) -> int:
    """Create the themes listed in a themes file that do not exist yet. Returns how many."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    made = 0
    for item in items:
        _, created = Theme.objects.get_or_create(
            code=item["code"], defaults={"title": item["title"]}
        )
        made += created
    return made


def read_toolkit_file(path: Path) -> ToolkitDocument:
    """Parse and check the toolkit file at `path` against the cities in the database."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ToolkitFileError(path.name, [Problem("", f"cannot be read: {error}")]) from None
    return read_toolkit_text(text, source=path.name)


def read_toolkit_text(text: str, *, source: str) -> ToolkitDocument:
    known = set(City.objects.values_list("name", flat=True))
    return parse_toolkit(text, source=source, known_cities=known)


@transaction.atomic
def load_toolkit(*, document: ToolkitDocument, source: str, replace: bool = False) -> LoadResult:
    """Store one toolkit edition, with its examples as good practices, in one transaction.

    The same content loaded twice changes nothing. Different content for a stored edition is
    refused (ToolkitFileError) unless `replace` is true, when the edition's content is replaced.
    """
    theme, _ = Theme.objects.get_or_create(
        code=document.theme.code, defaults={"title": document.theme.title}
    )
    fingerprint = document.fingerprint()
    existing = (
        Toolkit.objects.select_for_update().filter(theme=theme, year=document.edition.year).first()
    )
    if existing is not None:
        if existing.content_hash == fingerprint:
            return LoadResult(existing, Outcome.UNCHANGED)
        if not replace:
            raise ToolkitFileError(
                source,
                [
                    Problem(
                        "edition",
                        f"edition {theme.code} {document.edition.year} is already loaded with "
                        "different content; load it with --replace to replace it, or give the "
                        "file a new edition year to add it beside the old one",
                    )
                ],
            )
        existing.delete()
    toolkit = _create_toolkit(theme, document, fingerprint)
    return LoadResult(toolkit, Outcome.REPLACED if existing is not None else Outcome.CREATED)


def _create_toolkit(theme: Theme, document: ToolkitDocument, fingerprint: str) -> Toolkit:
    toolkit = Toolkit.objects.create(
        theme=theme,
        title=document.theme.title,
        year=document.edition.year,
        status=document.edition.status,
        source_title=document.source.title,
        source_publisher=document.source.publisher,
        source_year=document.source.year,
        source_url=document.source.url or "",
        credit=document.source.credit,
        standard=document.standard.statement,
        standard_introduction=document.standard.introduction or "",
        coverage_notes=document.coverage_notes or "",
        content_hash=fingerprint,
    )
    Term.objects.bulk_create(
        Term(toolkit=toolkit, position=i, term=term.term, definition=term.definition or "")
        for i, term in enumerate(document.terms, start=1)
    )
    key_factors = KeyFactor.objects.bulk_create(
        KeyFactor(
            toolkit=toolkit,
            position=i,
            heading=factor.heading,
            summary=factor.summary or "",
            why=factor.why,
        )
        for i, factor in enumerate(document.key_factors, start=1)
    )
    cities = {city.name: city for city in City.objects.filter(name__in=document.cities())}
    source = f"{document.source.title}, {document.source.publisher}, {document.source.year}"
    questions = []
    practices = []
    for key_factor, factor in zip(key_factors, document.key_factors, strict=True):
        questions += [
            GuideQuestion(
                key_factor=key_factor,
                position=j,
                text=question.text,
                sub_items=question.sub_items,
                note=question.note or "",
            )
            for j, question in enumerate(factor.guide_questions, start=1)
        ]
        practices += [
            Practice(
                toolkit=toolkit,
                key_factor=key_factor,
                city=cities[example.city],
                position=k,
                text=example.text,
                links=example.links,
                note=example.note or "",
                year=document.source.year,
                source=source,
            )
            for k, example in enumerate(factor.examples, start=1)
        ]
    GuideQuestion.objects.bulk_create(questions)
    Practice.objects.bulk_create(practices)
    Practice.objects.filter(pk__in=[practice.pk for practice in practices]).refresh_search_index()
    ContextFactor.objects.bulk_create(
        ContextFactor(
            toolkit=toolkit, position=i, category=factor.category, examples=factor.examples
        )
        for i, factor in enumerate(document.context_factors, start=1)
    )
    return toolkit


def refresh_fingerprint(toolkit: Toolkit) -> None:
    """Record the fingerprint of a toolkit's content after it was edited by hand (the admin),
    and refresh the search index of its practices (a heading may have changed).

    Loading the file it came from then counts as different content, not as "unchanged".
    """
    toolkit.practices.all().refresh_search_index()
    fresh = Toolkit.objects.with_content().get(pk=toolkit.pk)
    try:
        toolkit.content_hash = ToolkitDocument.model_validate(fresh.as_data()).fingerprint()
    except ValidationError:
        # Edited into something no file can say; no file will match it either.
        toolkit.content_hash = "edited"
    toolkit.save(update_fields=["content_hash"])
