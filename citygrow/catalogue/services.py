"""Loading toolkit files into the database."""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from django.db import router, transaction
from django.db.models import Max, QuerySet
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext
from pydantic import BaseModel, TypeAdapter, ValidationError

from citygrow.catalogue.models import (
    ContextFactor,
    GuideQuestion,
    KeyFactor,
    Term,
    Theme,
    Toolkit,
)
from citygrow.catalogue.toolkit_file import (
    ContextFactorSpec,
    ExampleSpec,
    GuideQuestionSpec,
    KeyFactorSpec,
    Problem,
    SourceSpec,
    StandardSpec,
    TermSpec,
    ThemeSpec,
    ToolkitDocument,
    ToolkitFileError,
    parse_toolkit,
    problem_message,
)
from citygrow.core.errors import ServiceError
from citygrow.people import audit
from citygrow.people.models import AuditEntry, City
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
    _create_content(toolkit, document)
    return toolkit


def _create_content(toolkit: Toolkit, document: ToolkitDocument) -> None:
    """Create an edition's terms, key factors, questions, examples (as practices) and context
    factors from `document` (the edition's own fields are the caller's)."""
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
                name=example.title or "",
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


# Editions: starting, uploading, publishing ---------------------------------------------------
# A theme's authors (catalogue.rules) start an edition as a draft, blank or as a copy of the
# newest edition; fill it on the edit pages or by uploading a toolkit file; publish it (the
# theme's published edition before it is withdrawn); or delete it while nothing uses it.

#: The largest toolkit file an upload may be (the shipped files are about 60 KiB).
UPLOAD_MAX_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class EditionHeader:
    """What a blank edition starts with: its year and the fields every edition needs."""

    year: int
    title: str
    source_title: str
    source_publisher: str
    source_year: int
    credit: str
    standard: str
    source_url: str = ""


def _refuse_second_draft(theme: Theme, year: int) -> None:
    draft = Toolkit.objects.filter(theme=theme, status=Toolkit.Status.DRAFT).first()
    if draft is not None:
        raise ServiceError(
            gettext(
                "Theme %(code)s already has a draft edition (%(year)s): publish it or delete "
                "it before starting another one."
            )
            % {"code": theme.code, "year": draft.year},
            "year",
        )
    if Toolkit.objects.filter(theme=theme, year=year).exists():
        raise ServiceError(
            gettext("Theme %(code)s already has a %(year)s edition: choose another year.")
            % {"code": theme.code, "year": year},
            "year",
        )


@transaction.atomic
def start_blank_edition(
    *, theme: Theme, header: EditionHeader, by: object, at: datetime | None = None
) -> Toolkit:
    """A new draft edition of `theme` with only the header fields: no terms, key factors or
    context factors yet (so it cannot be published before it has a key factor). Refused while
    the theme has a draft, and for a year the theme has an edition of."""
    Theme.objects.select_for_update().filter(pk=theme.pk).first()  # one start at a time
    _refuse_second_draft(theme, header.year)
    toolkit = Toolkit.objects.create(
        theme=theme,
        status=Toolkit.Status.DRAFT,
        year=header.year,
        title=header.title,
        source_title=header.source_title,
        source_publisher=header.source_publisher,
        source_year=header.source_year,
        source_url=header.source_url,
        credit=header.credit,
        standard=header.standard,
        content_hash="edited",  # no file says a toolkit without key factors
    )
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE,
        target=toolkit,
        changes={"edition": [None, f"{theme.code} {header.year} (blank)"]},
        at=at,
    )
    return toolkit


def newest_edition(theme: Theme) -> Toolkit | None:
    """The edition a new one is copied from: the theme's newest by year, whatever its status."""
    return Toolkit.objects.filter(theme=theme).order_by("-year").first()


@transaction.atomic
def start_copy_edition(
    *, theme: Theme, year: int, by: object, at: datetime | None = None
) -> Toolkit:
    """A new draft edition of `theme` for `year`, a copy of its newest edition with everything
    in it (fields, terms, key factors, questions, examples as new practices, context factors,
    editor's notes); `based_on` names the edition it was copied from. Refused as a blank
    start is, and for a theme with no edition."""
    Theme.objects.select_for_update().filter(pk=theme.pk).first()
    last = newest_edition(theme)
    if last is None:
        raise ServiceError(
            gettext("Theme %(code)s has no edition to copy yet: start a blank one.")
            % {"code": theme.code},
            "year",
        )
    _refuse_second_draft(theme, year)
    toolkit = _copy_edition(last, year=year)
    refresh_fingerprint(toolkit)
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE,
        target=toolkit,
        changes={"edition": [None, f"{theme.code} {year} (copy of {last.year})"]},
        at=at,
    )
    return toolkit


def _copy_edition(last: Toolkit, *, year: int) -> Toolkit:
    fields = [
        "theme_id", "title", "source_title", "source_publisher", "source_year", "source_url",
        "credit", "standard", "standard_introduction", "coverage_notes",
    ]  # fmt: skip
    toolkit = Toolkit.objects.create(
        **{name: getattr(last, name) for name in fields},
        year=year,
        status=Toolkit.Status.DRAFT,
        based_on=last,
        content_hash="edited",
    )
    Term.objects.bulk_create(
        Term(toolkit=toolkit, position=t.position, term=t.term, definition=t.definition)
        for t in last.terms.all()
    )
    old_factors = list(last.key_factors.prefetch_related("guide_questions"))
    new_factors = KeyFactor.objects.bulk_create(
        KeyFactor(
            toolkit=toolkit, position=f.position, heading=f.heading, summary=f.summary, why=f.why
        )
        for f in old_factors
    )
    factor_of = {old.pk: new for old, new in zip(old_factors, new_factors, strict=True)}
    GuideQuestion.objects.bulk_create(
        GuideQuestion(
            key_factor=factor_of[old.pk],
            position=q.position,
            text=q.text,
            sub_items=q.sub_items,
            note=q.note,
        )
        for old in old_factors
        for q in old.guide_questions.all()
    )
    Practice.objects.bulk_create(
        Practice(
            toolkit=toolkit,
            key_factor=factor_of[p.key_factor_id or 0],
            city_id=p.city_id,
            position=p.position,
            text=p.text,
            links=p.links,
            note=p.note,
            year=p.year,
            source=p.source,
        )
        for p in last.practices.filter(key_factor__isnull=False)
    )
    ContextFactor.objects.bulk_create(
        ContextFactor(
            toolkit=toolkit, position=c.position, category=c.category, examples=c.examples
        )
        for c in last.context_factors.all()
    )
    return toolkit


def read_upload(data: bytes, *, source: str) -> ToolkitDocument:
    """Check an uploaded file, then read it as the loader does (`read_toolkit_text`).

    Refused as a ToolkitFileError with one problem: a file over UPLOAD_MAX_BYTES, one that is
    not UTF-8 text (a binary file, a spreadsheet), and YAML with anchors or aliases (`&a`,
    `*a`): the format never needs them, and expanding them is how a small file becomes a
    huge document ("billion laughs"). The check reads the file's parse events once, in time
    proportional to its size, and builds nothing.
    """

    def refuse(message: str, line: int | None = None) -> ToolkitFileError:
        return ToolkitFileError(source, [Problem("", message, line)])

    if len(data) > UPLOAD_MAX_BYTES:
        raise refuse(
            gettext("the file is too big (%(size)s KiB): a toolkit file is at most %(limit)s MiB")
            % {"size": len(data) // 1024, "limit": UPLOAD_MAX_BYTES // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise refuse(
            gettext(
                "this is not a toolkit file: it is not text (UTF-8). Upload a toolkit's YAML "
                "or JSON file"
            )
        ) from None
    if "\x00" in text:
        raise refuse(gettext("this is not a toolkit file: it holds binary data"))
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise refuse(
                    gettext(
                        "anchors and aliases (& and *) are not allowed in a toolkit file: "
                        "write each text out in full"
                    ),
                    event.start_mark.line + 1 if event.start_mark else None,
                )
    except yaml.YAMLError:
        pass  # the loader reports the syntax error, with its line
    return read_toolkit_text(text, source=source)


@transaction.atomic
def upload_into_draft(
    *,
    toolkit: Toolkit,
    document: ToolkitDocument,
    source: str,
    by: object,
    at: datetime | None = None,
) -> Toolkit:
    """Replace a draft's content (its fields, terms, key factors, questions, examples and
    context factors) with a checked toolkit file's (`read_upload`), in one transaction.

    The file must be of the draft's theme. Its edition year and status are not used: the
    draft keeps its own year and stays a draft (so an earlier edition's file can fill a new
    edition). Refused for a published or withdrawn edition, and while anything uses the
    draft's content (`users_of`).
    """
    toolkit = Toolkit.objects.select_for_update().get(pk=toolkit.pk)
    theme = Theme.objects.get(pk=toolkit.theme_id)
    if toolkit.status != Toolkit.Status.DRAFT:
        raise ServiceError(
            gettext("Only a draft's content can be replaced: start a new edition instead."),
            "file",
        )
    if document.theme.code != theme.code:
        raise ServiceError(
            gettext(
                "This file is a toolkit of theme %(file)s; this draft is an edition of theme "
                "%(draft)s."
            )
            % {"file": document.theme.code, "draft": theme.code},
            "file",
        )
    users = users_of(toolkit)
    if users:
        raise ServiceError(
            gettext("The draft's content is in use (%(users)s): it cannot be replaced.")
            % {"users": "; ".join(users)},
            "file",
        )
    toolkit.practices.all().delete()
    toolkit.terms.all().delete()
    toolkit.key_factors.all().delete()
    toolkit.context_factors.all().delete()
    _create_content(toolkit, document)
    edition = document.edition.model_copy(update={"year": toolkit.year, "status": "draft"})
    toolkit.title = document.theme.title
    toolkit.source_title = document.source.title
    toolkit.source_publisher = document.source.publisher
    toolkit.source_year = document.source.year
    toolkit.source_url = document.source.url or ""
    toolkit.credit = document.source.credit
    toolkit.standard = document.standard.statement
    toolkit.standard_introduction = document.standard.introduction or ""
    toolkit.coverage_notes = document.coverage_notes or ""
    toolkit.content_hash = document.model_copy(update={"edition": edition}).fingerprint()
    toolkit.version += 1
    toolkit.save()
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=toolkit,
        changes={"content": [None, f"uploaded {source} ({len(document.key_factors)} key factors)"]},
        at=at,
    )
    return toolkit


def _used_by(obj: Any, own: set[type]) -> dict[str, int]:
    """What outside `own` (the edition's own content) deleting `obj` would touch or is refused
    by, counted by kind ("assessments", "objectives"...). Found through Django's deletion
    collector, so no app above this one is imported. Practices count when people added them
    (no key factor); the examples of the edition's key factors are its own content."""
    collector = Collector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError) as error:
        blocked: set[Any] = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        counts: dict[str, int] = {}
        for row in blocked:
            name = str(row._meta.verbose_name_plural)
            counts[name] = counts.get(name, 0) + 1
        return counts
    found: dict[str, int] = {}

    def add(model: Any, count: int) -> None:
        if count:
            linked = model._meta.auto_created  # a many-to-many link, e.g. an objective's
            named: Any = linked if isinstance(linked, type) else model
            name = str(named._meta.verbose_name_plural)
            found[name] = found.get(name, 0) + count

    for model, rows in collector.data.items():
        if model is Practice and Practice not in own:
            add(model, sum(1 for p in rows if getattr(p, "key_factor_id", None) is None))
        elif model not in own:
            add(model, len(rows))
    for queryset in collector.fast_deletes:
        model = queryset.model
        if model is Practice and Practice not in own:
            add(model, queryset.filter(key_factor__isnull=True).count())
        elif model not in own:
            add(model, queryset.count())
    return found


def users_of(toolkit: Toolkit) -> list[str]:
    """What uses an edition or its content, in words (empty: nothing does): assessments,
    schemes, plan objectives or visit findings tied to its key factors, practices people added
    to it."""
    used = _used_by(toolkit, {Toolkit, Term, KeyFactor, GuideQuestion, ContextFactor})
    return [f"{name}: {count}" for name, count in sorted(used.items())]


def publication_problems(toolkit: Toolkit) -> list[str]:
    """What an edition lacks before it can be published, in words (empty: nothing): the
    standard, at least one key factor, and for each key factor why it matters and at least one
    guide question. Use on a toolkit fetched `with_content()`."""
    problems = []
    if not toolkit.standard.strip():
        problems.append(gettext("The Integrating Cities standard is empty."))
    factors = list(toolkit.key_factors.all())
    if not factors:
        problems.append(gettext("The edition has no key factor: add at least one."))
    for factor in factors:
        named = {"number": factor.position, "heading": factor.heading}
        if not factor.why.strip():
            problems.append(
                gettext("Key factor %(number)s (%(heading)s) does not say why it matters.") % named
            )
        if not factor.guide_questions.all():
            problems.append(
                gettext("Key factor %(number)s (%(heading)s) has no guide question.") % named
            )
    return problems


@transaction.atomic
def publish_edition(*, toolkit: Toolkit, by: object, at: datetime | None = None) -> Toolkit:
    """Publish a draft: it becomes public and assessable (`published_at` set), and the
    theme's published edition is withdrawn (still readable; assessments on it keep working).
    Refused, with the list of what is missing, while the draft is incomplete
    (`publication_problems`)."""
    Theme.objects.select_for_update().filter(pk=toolkit.theme_id).first()
    locked = Toolkit.objects.select_for_update().get(pk=toolkit.pk)
    if locked.status != Toolkit.Status.DRAFT:
        raise ServiceError(
            gettext("The %(year)s edition is not a draft: it is %(status)s.")
            % {"year": locked.year, "status": locked.get_status_display().lower()}
        )
    problems = publication_problems(Toolkit.objects.with_content().get(pk=locked.pk))
    if problems:
        raise ServiceError(
            gettext("The draft cannot be published yet. %(problems)s")
            % {"problems": " ".join(problems)}
        )
    previous = Toolkit.objects.filter(theme=locked.theme_id, status=Toolkit.Status.PUBLISHED)
    for edition in previous.select_related("theme"):
        edition.status = Toolkit.Status.WITHDRAWN
        edition.save(update_fields=["status"])
        audit.record(
            actor=by,
            action=AuditEntry.Action.CHANGE,
            target=edition,
            changes={"status": ["published", "withdrawn"]},
            at=at,
        )
    refresh_fingerprint(locked)  # the key of the published page's cache (catalogue.views)
    locked.status = Toolkit.Status.PUBLISHED
    locked.published_at = at or timezone.now()
    locked.version += 1
    locked.save(update_fields=["status", "published_at", "version"])
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=locked,
        changes={"status": ["draft", "published"]},
        at=at,
    )
    return locked


@transaction.atomic
def delete_draft(*, toolkit: Toolkit, by: object, at: datetime | None = None) -> None:
    """Delete a draft edition with its content; refused for a published or withdrawn edition,
    and while anything uses the draft (`users_of`)."""
    locked = Toolkit.objects.select_for_update().get(pk=toolkit.pk)
    if locked.status != Toolkit.Status.DRAFT:
        raise ServiceError(
            gettext("Only a draft can be deleted; a published edition is withdrawn by the next.")
        )
    users = users_of(locked)
    if users:
        raise ServiceError(
            gettext("The draft cannot be deleted while it is in use: %(users)s.")
            % {"users": "; ".join(users)}
        )
    audit.record(
        actor=by,
        action=AuditEntry.Action.DELETE,
        target=toolkit,
        changes={"edition": [f"{toolkit.theme.code} {toolkit.year}", None]},
        at=at,
    )
    locked.delete()


# Authoring: editing a draft edition ----------------------------------------------------------
# The theme's authors (catalogue.rules, `edit_toolkit`) change a draft's own fields and its
# items (terms, key factors, guide questions, examples, context factors) one at a time, on the
# edit page and through the API. Each change checks the values against the toolkit file's own
# specs (toolkit_file.py), so the pages accept exactly what a file does; names the version it
# saw (a stale one is an `EditConflict` with the stored item, and nothing is stored); keeps the
# positions contiguous; is audited; and refreshes the edition's fingerprint and its examples'
# search index. A published or withdrawn edition does not change.

#: An item of a draft that the edit page and the API change one at a time.
AuthoredItem = Term | KeyFactor | GuideQuestion | Practice | ContextFactor


class ItemKind(enum.StrEnum):
    TERM = "term"
    KEY_FACTOR = "key_factor"
    GUIDE_QUESTION = "guide_question"
    EXAMPLE = "example"
    CONTEXT_FACTOR = "context_factor"


_KIND_OF_MODEL: dict[type[Any], ItemKind] = {
    Term: ItemKind.TERM,
    KeyFactor: ItemKind.KEY_FACTOR,
    GuideQuestion: ItemKind.GUIDE_QUESTION,
    Practice: ItemKind.EXAMPLE,
    ContextFactor: ItemKind.CONTEXT_FACTOR,
}


def kind_of(item: AuthoredItem) -> ItemKind:
    return _KIND_OF_MODEL[type(item)]


def published_does_not_change() -> str:
    return gettext("A published edition does not change: start a new edition to change it.")


class EditConflict(ServiceError):
    """Someone changed the item (or the edition's fields) after the person read it. `current`
    is it as stored now; nothing was stored."""

    def __init__(self, current: Toolkit | AuthoredItem) -> None:
        self.current = current
        super().__init__(
            gettext(
                "Someone else changed this after you loaded the page. Their text is shown; "
                "yours is kept in the form and is not saved yet: save it to replace theirs."
            )
        )


class InvalidFields(ServiceError):
    """Values a toolkit file would not accept, with every message by field (`errors`); the
    first is also the error's `message` and `field`."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        field, messages = next(iter(errors.items()))
        super().__init__(messages[0], field)

    def show_on(self, form: Any) -> None:
        for field, messages in self.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)


#: Each field a page or the API may change: the spec (and its field) in the toolkit file format
#: that says what it accepts. The names are the models' (and the forms' and the API's).
_Spec = tuple[type[BaseModel], str]
EDITION_FIELDS: dict[str, _Spec] = {
    "title": (ThemeSpec, "title"),
    "source_title": (SourceSpec, "title"),
    "source_publisher": (SourceSpec, "publisher"),
    "source_year": (SourceSpec, "year"),
    "source_url": (SourceSpec, "url"),
    "credit": (SourceSpec, "credit"),
    "standard": (StandardSpec, "statement"),
    "standard_introduction": (StandardSpec, "introduction"),
    "coverage_notes": (ToolkitDocument, "coverage_notes"),
}
ITEM_FIELDS: dict[ItemKind, dict[str, _Spec]] = {
    ItemKind.TERM: {"term": (TermSpec, "term"), "definition": (TermSpec, "definition")},
    ItemKind.KEY_FACTOR: {
        "heading": (KeyFactorSpec, "heading"),
        "summary": (KeyFactorSpec, "summary"),
        "why": (KeyFactorSpec, "why"),
    },
    ItemKind.GUIDE_QUESTION: {
        "text": (GuideQuestionSpec, "text"),
        "sub_items": (GuideQuestionSpec, "sub_items"),
        "note": (GuideQuestionSpec, "note"),
    },
    ItemKind.EXAMPLE: {
        "city": (ExampleSpec, "city"),
        "name": (ExampleSpec, "title"),
        "text": (ExampleSpec, "text"),
        "links": (ExampleSpec, "links"),
        "note": (ExampleSpec, "note"),
    },
    ItemKind.CONTEXT_FACTOR: {
        "category": (ContextFactorSpec, "category"),
        "examples": (ContextFactorSpec, "examples"),
    },
}


@functools.cache
def _adapter(spec: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """What the file format accepts for one field of a spec (its type and constraints)."""
    info = spec.model_fields[name]
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]
    return TypeAdapter(annotation)


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else f"{message}."


def _check(fields: dict[str, _Spec], values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` as the models store them (stripped), checked as a toolkit file's are; raises
    InvalidFields with every problem. An optional field left empty is stored empty."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        spec, field = fields[name]
        info = spec.model_fields[field]
        if not info.is_required() and value in (None, "", []):
            cleaned[name] = [] if isinstance(info.default, list) else ""
            continue
        try:
            checked = _adapter(spec, field).validate_python(value, strict=True)
        except ValidationError as error:
            for problem in error.errors():
                where = [part for part in problem["loc"] if isinstance(part, int)]
                message = problem_message(problem)
                if where:
                    message = gettext("line %(line)d: %(message)s") % {
                        "line": where[0] + 1,
                        "message": message,
                    }
                errors.setdefault(name, []).append(_sentence(message))
            continue
        cleaned[name] = "" if checked is None else checked
    if errors:
        raise InvalidFields(errors)
    return cleaned


def _locked_draft(toolkit_id: int) -> Toolkit:
    """The edition, locked for this transaction (one change of an edition at a time); refused
    unless it is a draft."""
    toolkit = Toolkit.objects.select_for_update().get(pk=toolkit_id)
    if toolkit.status != Toolkit.Status.DRAFT:
        raise ServiceError(published_does_not_change())
    return toolkit


def _toolkit_id(item: AuthoredItem) -> int:
    if isinstance(item, GuideQuestion):
        return KeyFactor.objects.values_list("toolkit_id", flat=True).get(pk=item.key_factor_id)
    toolkit_id = item.toolkit_id
    assert toolkit_id is not None  # an example of a key factor always has its toolkit
    return toolkit_id


def _siblings(kind: ItemKind, toolkit_id: int, key_factor_id: int | None) -> QuerySet[Any]:
    """The items an item is numbered among: its edition's of its kind, or its key factor's."""
    if kind is ItemKind.TERM:
        return Term.objects.filter(toolkit_id=toolkit_id)
    if kind is ItemKind.KEY_FACTOR:
        return KeyFactor.objects.filter(toolkit_id=toolkit_id)
    if kind is ItemKind.CONTEXT_FACTOR:
        return ContextFactor.objects.filter(toolkit_id=toolkit_id)
    if kind is ItemKind.GUIDE_QUESTION:
        return GuideQuestion.objects.filter(key_factor_id=key_factor_id)
    return Practice.objects.filter(key_factor_id=key_factor_id)


def siblings_of(item: AuthoredItem, toolkit_id: int) -> QuerySet[Any]:
    """The items `item` is numbered among (itself included)."""
    return _siblings(kind_of(item), toolkit_id, getattr(item, "key_factor_id", None))


def _shown(value: Any) -> str:
    """A value as the audit trail keeps it."""
    if isinstance(value, City):
        return value.name
    if isinstance(value, list):
        return "\n".join(str(line) for line in value)
    return str(value)


def _unique_problem(
    kind: ItemKind, toolkit_id: int, cleaned: Mapping[str, Any], exclude: int | None
) -> dict[str, list[str]]:
    """The toolkit file's rule that a term, heading or category is given once per edition."""
    field = {
        ItemKind.TERM: "term",
        ItemKind.KEY_FACTOR: "heading",
        ItemKind.CONTEXT_FACTOR: "category",
    }.get(kind)
    if field is None or field not in cleaned:
        return {}
    others = _siblings(kind, toolkit_id, None).exclude(pk=exclude).values_list(field, flat=True)
    value = str(cleaned[field])
    if value.casefold() in {other.casefold() for other in others}:
        message = {
            "term": gettext("This edition already defines the term “%(value)s”."),
            "heading": gettext("Another key factor of this edition has the heading “%(value)s”."),
            "category": gettext("This edition already lists the category “%(value)s”."),
        }[field]
        return {field: [message % {"value": value}]}
    return {}


def _check_item(
    kind: ItemKind, toolkit_id: int, values: Mapping[str, Any], exclude: int | None
) -> dict[str, Any]:
    """`_check` for an item, with the file's other rules: a term, heading or category once per
    edition, and an example's city one of the cities in the database (stored as the City)."""
    fields = ITEM_FIELDS[kind]
    unknown = set(values) - set(fields)
    if unknown:
        raise ServiceError(
            gettext("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    try:
        cleaned = _check(fields, values)
        errors: dict[str, list[str]] = {}
    except InvalidFields as error:
        cleaned, errors = {}, dict(error.errors)
    if not errors:
        errors = _unique_problem(kind, toolkit_id, cleaned, exclude)
    if kind is ItemKind.EXAMPLE and "city" in values and "city" not in errors:
        name = str(values["city"]).strip()
        city = City.objects.filter(name=name).first()
        if city is None:
            errors["city"] = [
                gettext("Unknown city “%(city)s”: choose one of the cities in the database.")
                % {"city": name}
            ]
        cleaned["city"] = city
    if errors:
        raise InvalidFields(errors)
    return cleaned


def _after_change(toolkit: Toolkit) -> None:
    """Keep the edition's fingerprint (and its examples' search index) right after a change."""
    refresh_fingerprint(toolkit)


@transaction.atomic
def change_edition(
    *,
    toolkit: Toolkit,
    values: Mapping[str, Any],
    seen_version: int,
    by: object,
    at: datetime | None = None,
) -> Toolkit:
    """Change a draft's own fields (`values` by EDITION_FIELDS name; those not given are
    kept). `seen_version` is the edition's version the person read: changed since, it raises
    EditConflict and stores nothing. A change of the source is also made to the edition's
    examples (their year and source, as a loaded file gives them)."""
    locked = _locked_draft(toolkit.pk)
    unknown = set(values) - set(EDITION_FIELDS)
    if unknown:
        raise ServiceError(
            gettext("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    cleaned = _check(EDITION_FIELDS, values)
    changed = {name: value for name, value in cleaned.items() if getattr(locked, name) != value}
    if not changed:
        return locked  # the same text saved again (e.g. twice in a row): nothing to protect
    if locked.version != seen_version:
        raise EditConflict(locked)
    before = {name: _shown(getattr(locked, name)) for name in changed}
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*changed, "version"])
    if {"source_title", "source_publisher", "source_year"} & set(changed):
        source = f"{locked.source_title}, {locked.source_publisher}, {locked.source_year}"
        locked.practices.filter(key_factor__isnull=False).update(
            year=locked.source_year, source=source
        )
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=locked,
        changes=audit.changes_between(before, {n: _shown(v) for n, v in changed.items()}),
        at=at,
    )
    _after_change(locked)
    return locked


@transaction.atomic
def add_item(
    *,
    toolkit: Toolkit,
    kind: ItemKind,
    values: Mapping[str, Any],
    key_factor: KeyFactor | None = None,
    by: object,
    at: datetime | None = None,
) -> AuthoredItem:
    """Add an item at the end of its list: a term, key factor or context factor of the draft,
    or a guide question or example of its `key_factor`. A field not given is empty (and
    refused if the file format requires it)."""
    locked = _locked_draft(toolkit.pk)
    in_factor = kind in (ItemKind.GUIDE_QUESTION, ItemKind.EXAMPLE)
    if in_factor and (key_factor is None or key_factor.toolkit_id != locked.pk):
        raise ServiceError(gettext("Choose a key factor of this edition."), "key_factor")
    fields = ITEM_FIELDS[kind]
    full = {
        name: values.get(name, [] if isinstance(spec.model_fields[f].default, list) else "")
        for name, (spec, f) in fields.items()
    }
    if set(values) - set(fields):
        full.update(values)  # refused by _check_item, naming them
    cleaned = _check_item(kind, locked.pk, full, exclude=None)
    factor_id = key_factor.pk if key_factor is not None and in_factor else None
    siblings = _siblings(kind, locked.pk, factor_id)
    position = (siblings.aggregate(last=Max("position"))["last"] or 0) + 1
    item: AuthoredItem
    if kind is ItemKind.TERM:
        item = Term.objects.create(toolkit=locked, position=position, **cleaned)
    elif kind is ItemKind.KEY_FACTOR:
        item = KeyFactor.objects.create(toolkit=locked, position=position, **cleaned)
    elif kind is ItemKind.CONTEXT_FACTOR:
        item = ContextFactor.objects.create(toolkit=locked, position=position, **cleaned)
    elif kind is ItemKind.GUIDE_QUESTION:
        assert key_factor is not None
        item = GuideQuestion.objects.create(key_factor=key_factor, position=position, **cleaned)
    else:
        item = Practice.objects.create(
            toolkit=locked,
            key_factor=key_factor,
            position=position,
            year=locked.source_year,
            source=f"{locked.source_title}, {locked.source_publisher}, {locked.source_year}",
            **cleaned,
        )
    audit.record(
        actor=by,
        action=AuditEntry.Action.CREATE,
        target=item,
        changes={name: [None, _shown(value)] for name, value in cleaned.items() if value},
        at=at,
    )
    _after_change(locked)
    return item


def _stored(item: AuthoredItem) -> AuthoredItem:
    """The item as stored now; refused if someone removed it meanwhile."""
    current = type(item)._default_manager.filter(pk=item.pk).first()
    if current is None:
        raise ServiceError(gettext("Someone else removed this item after you loaded the page."))
    return current


@transaction.atomic
def change_item(
    *,
    item: AuthoredItem,
    values: Mapping[str, Any],
    seen_version: int,
    by: object,
    at: datetime | None = None,
) -> AuthoredItem:
    """Change an item of a draft (`values` by ITEM_FIELDS name; those not given are kept).
    `seen_version` is the item's version the person read: changed since, it raises
    EditConflict with the stored item and stores nothing."""
    kind = kind_of(item)
    locked = _locked_draft(_toolkit_id(item))
    cleaned = _check_item(kind, locked.pk, values, exclude=item.pk)
    current = _stored(item)
    changed = {name: value for name, value in cleaned.items() if getattr(current, name) != value}
    if not changed:
        return current
    if current.version != seen_version:
        raise EditConflict(current)
    before = {name: _shown(getattr(current, name)) for name in changed}
    for name, value in changed.items():
        setattr(current, name, value)
    current.version += 1
    current.save(update_fields=[*changed, "version"])
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=current,
        changes=audit.changes_between(before, {n: _shown(v) for n, v in changed.items()}),
        at=at,
    )
    _after_change(locked)
    return current


def _uses_of(item: AuthoredItem) -> list[str]:
    """What outside the edition's own content uses an item (assessments' answers, plan
    objectives, visit findings...), in words."""
    return sorted(_used_by(item, {Term, KeyFactor, GuideQuestion, ContextFactor, Practice}))


@transaction.atomic
def remove_item(
    *, item: AuthoredItem, seen_version: int, by: object, at: datetime | None = None
) -> None:
    """Remove an item from a draft (a key factor with its questions and examples) and number
    the rest again from 1. Refused if it changed since the person read it (EditConflict), and
    for a key factor or guide question while an assessment uses the edition."""
    kind = kind_of(item)
    locked = _locked_draft(_toolkit_id(item))
    current = _stored(item)
    if current.version != seen_version:
        raise EditConflict(current)
    if kind in (ItemKind.KEY_FACTOR, ItemKind.GUIDE_QUESTION):
        if Toolkit.objects.filter(pk=locked.pk, assessments__isnull=False).exists():
            raise ServiceError(
                gettext(
                    "Assessments use this edition: its key factors and guide questions cannot "
                    "be removed. Start a new edition to change them."
                )
            )
        uses = _uses_of(current)
        if uses:
            raise ServiceError(
                gettext("This is in use (%(uses)s): it cannot be removed from the edition.")
                % {"uses": ", ".join(uses)}
            )
    siblings = siblings_of(current, locked.pk)
    position = current.position
    fields = ITEM_FIELDS[kind]
    audit.record(
        actor=by,
        action=AuditEntry.Action.DELETE,
        target=current,
        changes={name: [_shown(getattr(current, name)), None] for name in fields},
        at=at,
    )
    current.delete()
    for later in siblings.filter(position__gt=position).order_by("position"):
        type(later)._default_manager.filter(pk=later.pk).update(position=later.position - 1)
    _after_change(locked)


@transaction.atomic
def move_item(
    *,
    item: AuthoredItem,
    direction: Literal["up", "down"],
    seen_version: int,
    by: object,
    at: datetime | None = None,
) -> AuthoredItem:
    """Swap an item with the one before it (up) or after it (down) in its list. Refused if it
    changed since the person read it (EditConflict), and past either end of the list."""
    locked = _locked_draft(_toolkit_id(item))
    current = _stored(item)
    if current.version != seen_version:
        raise EditConflict(current)
    step = -1 if direction == "up" else 1
    other = siblings_of(current, locked.pk).filter(position=current.position + step).first()
    if other is None:
        raise ServiceError(
            gettext("It is already the first.")
            if direction == "up"
            else gettext("It is already the last."),
            "direction",
        )
    model = type(current)._default_manager
    old, new = current.position, other.position
    model.filter(pk=current.pk).update(position=0)  # positions are unique; 0 is never used
    model.filter(pk=other.pk).update(position=old)
    model.filter(pk=current.pk).update(position=new)
    current.position = new
    audit.record(
        actor=by,
        action=AuditEntry.Action.CHANGE,
        target=current,
        changes={"position": [str(old), str(new)]},
        at=at,
    )
    _after_change(locked)
    return current
