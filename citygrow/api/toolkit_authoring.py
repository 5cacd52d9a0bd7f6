"""Editing a draft toolkit edition in the JSON API (issue 12): the edition's own fields and its
items (terms, key factors, their guide questions and examples, context factors), as on the
edit page.

`GET /toolkits/{code}/{year}/edition` gives every item with its `id` and `version`. A change
sends the `version` it read: if someone changed the item since, nothing is stored and 409
answers with the item as stored now. Items are named by id (numbers change when items move).

Who: the theme's authors (its facilitators, coordinators and staff; `catalogue.author_toolkit`)
with a read-write token or the browser session. A draft is 404 to anyone else; on a published
or withdrawn edition anyone else who can read it gets 403, and its authors 422 with "A
published edition does not change: start a new edition to change it." (the same request
works on a draft). Values a toolkit file would refuse are 422 with the messages by field.
"""

from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from citygrow.api.auth import SIGNED_IN, require_write
from citygrow.api.common import ANYONE, READ, WRITE, Refused, forbidden
from citygrow.api.schemas import NO_NUL, ThemeCode, Year
from citygrow.catalogue import services
from citygrow.catalogue.models import ContextFactor, GuideQuestion, KeyFactor, Term, Toolkit
from citygrow.catalogue.services import AuthoredItem, ItemKind
from citygrow.practices.models import Practice

router = Router(tags=["toolkit authoring"])

#: An id or version as the database stores it (larger ones are refused with 422, not a 500).
Id = Annotated[int, Field(ge=0, le=2_147_483_647)]
ItemId = Annotated[int, Path(ge=0, le=2_147_483_647)]
Version = Annotated[int, Query(ge=0, le=2_147_483_647, description="The version you read")]


def _text(default: Any = ..., *, description: str | None = None) -> Any:
    return Field(default, pattern=NO_NUL, description=description)


# Schemas --------------------------------------------------------------------------------------


class DraftTermOut(Schema):
    id: int
    number: int
    version: int
    term: str
    definition: str


class DraftQuestionOut(Schema):
    id: int
    number: int
    version: int
    key_factor_id: int
    text: str
    sub_items: list[str]
    note: str = Field(description="Editor's note shown to readers; empty when none")


class DraftExampleOut(Schema):
    id: int
    number: int
    version: int
    key_factor_id: int
    city: str
    name: str = Field(description="The name the source gives the example; empty when none")
    text: str
    links: list[str]
    note: str


class DraftKeyFactorOut(Schema):
    id: int
    number: int
    version: int
    heading: str
    summary: str
    why: str


class DraftKeyFactorContentOut(DraftKeyFactorOut):
    guide_questions: list[DraftQuestionOut]
    examples: list[DraftExampleOut]


class DraftContextFactorOut(Schema):
    id: int
    number: int
    version: int
    category: str
    examples: list[str]


class DraftEditionOut(Schema):
    theme: str
    year: int
    status: str
    version: int
    title: str
    source_title: str
    source_publisher: str
    source_year: int
    source_url: str
    credit: str
    standard: str
    standard_introduction: str
    coverage_notes: str
    terms: list[DraftTermOut]
    key_factors: list[DraftKeyFactorContentOut]
    context_factors: list[DraftContextFactorOut]


class EditionConflictOut(Schema):
    detail: str
    current: DraftEditionOut


class TermConflictOut(Schema):
    detail: str
    current: DraftTermOut


class KeyFactorConflictOut(Schema):
    detail: str
    current: DraftKeyFactorOut


class QuestionConflictOut(Schema):
    detail: str
    current: DraftQuestionOut


class ExampleConflictOut(Schema):
    detail: str
    current: DraftExampleOut


class ContextFactorConflictOut(Schema):
    detail: str
    current: DraftContextFactorOut


class EditionPatch(Schema):
    version: Id = Field(description="The edition's version you read")
    title: str | None = _text(None)
    source_title: str | None = _text(None)
    source_publisher: str | None = _text(None)
    source_year: int | None = Field(None, ge=-32768, le=32767)
    source_url: str | None = _text(None, description="Empty to remove it")
    credit: str | None = _text(None)
    standard: str | None = _text(None)
    standard_introduction: str | None = _text(None)
    coverage_notes: str | None = _text(None)


class TermIn(Schema):
    term: str = _text()
    definition: str = _text("")


class TermPatch(Schema):
    version: Id
    term: str | None = _text(None)
    definition: str | None = _text(None)


class KeyFactorIn(Schema):
    heading: str = _text()
    summary: str = _text("")
    why: str = _text()


class KeyFactorPatch(Schema):
    version: Id
    heading: str | None = _text(None)
    summary: str | None = _text(None)
    why: str | None = _text(None)


class QuestionIn(Schema):
    text: str = _text()
    sub_items: list[Annotated[str, Field(pattern=NO_NUL)]] = []
    note: str = _text("")


class QuestionPatch(Schema):
    version: Id
    text: str | None = _text(None)
    sub_items: list[Annotated[str, Field(pattern=NO_NUL)]] | None = None
    note: str | None = _text(None)


class ExampleIn(Schema):
    city: str = _text(description="The name of a city in the database, e.g. Ghent")
    name: str = _text("", description="The name the source gives the example, if any")
    text: str = _text()
    links: list[Annotated[str, Field(pattern=NO_NUL)]] = []
    note: str = _text("")


class ExamplePatch(Schema):
    version: Id
    city: str | None = _text(None)
    name: str | None = _text(None)
    text: str | None = _text(None)
    links: list[Annotated[str, Field(pattern=NO_NUL)]] | None = None
    note: str | None = _text(None)


class ContextFactorIn(Schema):
    category: str = _text()
    examples: list[Annotated[str, Field(pattern=NO_NUL)]]


class ContextFactorPatch(Schema):
    version: Id
    category: str | None = _text(None)
    examples: list[Annotated[str, Field(pattern=NO_NUL)]] | None = None


class ItemRef(Schema):
    id: int
    number: int = Field(description="Its place in its list, from 1")
    version: int


class ItemConflictOut(Schema):
    detail: str
    current: ItemRef


class MoveIn(Schema):
    kind: Literal["term", "key_factor", "guide_question", "example", "context_factor"]
    id: Id
    direction: Literal["up", "down"]
    version: Id = Field(description="The item's version you read")


# Output ---------------------------------------------------------------------------------------


def term_out(term: Term) -> dict[str, Any]:
    return {
        "id": term.pk,
        "number": term.position,
        "version": term.version,
        "term": term.term,
        "definition": term.definition,
    }


def key_factor_out(factor: KeyFactor) -> dict[str, Any]:
    return {
        "id": factor.pk,
        "number": factor.position,
        "version": factor.version,
        "heading": factor.heading,
        "summary": factor.summary,
        "why": factor.why,
    }


def question_out(question: GuideQuestion) -> dict[str, Any]:
    return {
        "id": question.pk,
        "number": question.position,
        "version": question.version,
        "key_factor_id": question.key_factor_id,
        "text": question.text,
        "sub_items": question.sub_items,
        "note": question.note,
    }


def example_out(example: Practice) -> dict[str, Any]:
    return {
        "id": example.pk,
        "number": example.position,
        "version": example.version,
        "key_factor_id": example.key_factor_id,
        "city": example.city.name,
        "name": example.name,
        "text": example.text,
        "links": example.links,
        "note": example.note,
    }


def context_factor_out(factor: ContextFactor) -> dict[str, Any]:
    return {
        "id": factor.pk,
        "number": factor.position,
        "version": factor.version,
        "category": factor.category,
        "examples": factor.examples,
    }


def item_out(item: AuthoredItem) -> dict[str, Any]:
    if isinstance(item, Term):
        return term_out(item)
    if isinstance(item, KeyFactor):
        return key_factor_out(item)
    if isinstance(item, GuideQuestion):
        return question_out(item)
    if isinstance(item, Practice):
        return example_out(item)
    return context_factor_out(item)


def edition_out(toolkit: Toolkit) -> dict[str, Any]:
    """The edition with every item, its id and version. Use on a toolkit fetched
    `with_content()`."""
    return {
        "theme": toolkit.theme.code,
        "year": toolkit.year,
        "status": toolkit.status,
        "version": toolkit.version,
        **{name: getattr(toolkit, name) for name in services.EDITION_FIELDS},
        "terms": [term_out(term) for term in toolkit.terms.all()],
        "key_factors": [
            {
                **key_factor_out(factor),
                "guide_questions": [question_out(q) for q in factor.guide_questions.all()],
                "examples": [example_out(p) for p in factor.practices.all()],
            }
            for factor in toolkit.key_factors.all()
        ],
        "context_factors": [context_factor_out(c) for c in toolkit.context_factors.all()],
    }


# Helpers --------------------------------------------------------------------------------------


def _edition(request: HttpRequest, code: str, year: int) -> Toolkit:
    """The edition for a write: a read-write caller (403), an edition they may see (404), of a
    theme they author (403). Whether it may still change is the services' to say (422)."""
    require_write(request)
    toolkit = (
        Toolkit.objects.visible_to(request.user)
        .select_related("theme")
        .filter(theme__code=code, year=year)
        .first()
    )
    if toolkit is None:
        raise Http404
    if not request.user.has_perm("catalogue.author_toolkit", toolkit):
        raise forbidden(_("Only the theme's facilitators and the coordinators edit its toolkit."))
    return toolkit


def _factor(toolkit: Toolkit, key_factor_id: int) -> KeyFactor:
    return get_object_or_404(KeyFactor, pk=key_factor_id, toolkit=toolkit)


def _refused(error: services.ServiceError) -> Refused:
    """A service's refusal as 422, with every message by field when there are several."""
    errors = getattr(error, "errors", None) or (
        {error.field: [error.message]} if error.field else {}
    )
    return Refused(422, error.message, errors)


def _given(payload: Schema) -> dict[str, Any]:
    """The fields a PATCH sends (all but `version`; a null is not sent)."""
    return {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if k != "version" and v is not None
    }


#: What a PATCH of an item sends: the fields to change and the item's `version`.
ItemPatch = TermPatch | KeyFactorPatch | QuestionPatch | ExamplePatch | ContextFactorPatch


def _change(item: AuthoredItem, payload: ItemPatch, by: Any) -> Any:
    try:
        changed = services.change_item(
            item=item, values=_given(payload), seen_version=payload.version, by=by
        )
    except services.EditConflict as conflict:
        assert not isinstance(conflict.current, Toolkit)
        return Status(409, {"detail": conflict.message, "current": item_out(conflict.current)})
    except services.ServiceError as error:
        raise _refused(error) from None
    return item_out(changed)


def _add(
    toolkit: Toolkit,
    kind: ItemKind,
    payload: Schema,
    by: Any,
    key_factor: KeyFactor | None = None,
) -> Any:
    try:
        item = services.add_item(
            toolkit=toolkit, kind=kind, values=payload.dict(), key_factor=key_factor, by=by
        )
    except services.ServiceError as error:
        raise _refused(error) from None
    return Status(201, item_out(item))


def _remove(item: AuthoredItem, version: int, by: Any) -> Any:
    try:
        services.remove_item(item=item, seen_version=version, by=by)
    except services.EditConflict as conflict:
        assert not isinstance(conflict.current, Toolkit)
        return Status(409, {"detail": conflict.message, "current": item_out(conflict.current)})
    except services.ServiceError as error:
        raise _refused(error) from None
    return Status(204, None)


def _write(out: type[Schema], conflict: type[Schema], created: bool = False) -> dict[int, Any]:
    return {**WRITE, (201 if created else 200): out, 409: conflict}


_REMOVED = {**WRITE, 204: None, 409: ItemConflictOut}


# The edition ----------------------------------------------------------------------------------


@router.get(
    "/toolkits/{code}/{year}/edition",
    response={**READ, 200: DraftEditionOut},
    openapi_extra=ANYONE,
    summary="An edition's fields and items, with their ids and versions",
)
def get_edition(request: HttpRequest, code: ThemeCode, year: Year) -> Any:
    """What the edit routes need: each item's `id` and `version`. A draft is seen by its
    theme's authors only (404 to anyone else)."""
    toolkit = get_object_or_404(
        Toolkit.objects.visible_to(request.user).with_content(), theme__code=code, year=year
    )
    return edition_out(toolkit)


@router.patch(
    "/toolkits/{code}/{year}/edition",
    response={**WRITE, 200: DraftEditionOut, 409: EditionConflictOut},
    auth=SIGNED_IN,
    summary="Change a draft's own fields",
)
def change_edition(request: HttpRequest, code: ThemeCode, year: Year, payload: EditionPatch) -> Any:
    """Send the fields to change and the edition's `version` you read."""
    toolkit = _edition(request, code, year)
    try:
        services.change_edition(
            toolkit=toolkit, values=_given(payload), seen_version=payload.version, by=request.user
        )
    except services.EditConflict as conflict:
        current = Toolkit.objects.with_content().get(pk=toolkit.pk)
        return Status(409, {"detail": conflict.message, "current": edition_out(current)})
    except services.ServiceError as error:
        raise _refused(error) from None
    return edition_out(Toolkit.objects.with_content().get(pk=toolkit.pk))


@router.post(
    "/toolkits/{code}/{year}/move",
    response={**WRITE, 200: ItemRef, 409: ItemConflictOut},
    auth=SIGNED_IN,
    summary="Move an item of a draft up or down its list",
)
def move_toolkit_item(request: HttpRequest, code: ThemeCode, year: Year, payload: MoveIn) -> Any:
    """Swaps the item with the one before it (up) or after it (down); answers with the item
    (its new `number`). 422 past either end of the list."""
    toolkit = _edition(request, code, year)
    item = _item(toolkit, ItemKind(payload.kind), payload.id)
    try:
        moved = services.move_item(
            item=item, direction=payload.direction, seen_version=payload.version, by=request.user
        )
    except services.EditConflict as conflict:
        assert not isinstance(conflict.current, Toolkit)
        return Status(409, {"detail": conflict.message, "current": item_out(conflict.current)})
    except services.ServiceError as error:
        raise _refused(error) from None
    return item_out(moved)


def _item(toolkit: Toolkit, kind: ItemKind, item_id: int) -> AuthoredItem:
    """An item of the edition, by id (404 if it is not one of its items)."""
    if kind is ItemKind.TERM:
        return get_object_or_404(Term, pk=item_id, toolkit=toolkit)
    if kind is ItemKind.KEY_FACTOR:
        return get_object_or_404(KeyFactor, pk=item_id, toolkit=toolkit)
    if kind is ItemKind.GUIDE_QUESTION:
        return get_object_or_404(GuideQuestion, pk=item_id, key_factor__toolkit=toolkit)
    if kind is ItemKind.EXAMPLE:
        return get_object_or_404(
            Practice.objects.select_related("city"),
            pk=item_id,
            toolkit=toolkit,
            key_factor__isnull=False,
        )
    return get_object_or_404(ContextFactor, pk=item_id, toolkit=toolkit)


def _child(toolkit: Toolkit, kind: ItemKind, key_factor_id: int, item_id: int) -> AuthoredItem:
    item = _item(toolkit, kind, item_id)
    if getattr(item, "key_factor_id", None) != key_factor_id:
        raise Http404
    return item


# Terms ----------------------------------------------------------------------------------------


@router.post(
    "/toolkits/{code}/{year}/terms",
    response={**WRITE, 201: DraftTermOut},
    auth=SIGNED_IN,
    summary="Add a defined term to a draft",
)
def add_term(request: HttpRequest, code: ThemeCode, year: Year, payload: TermIn) -> Any:
    return _add(_edition(request, code, year), ItemKind.TERM, payload, request.user)


@router.patch(
    "/toolkits/{code}/{year}/terms/{item_id}",
    response=_write(DraftTermOut, TermConflictOut),
    auth=SIGNED_IN,
    summary="Change a draft's term",
)
def change_term(
    request: HttpRequest, code: ThemeCode, year: Year, item_id: ItemId, payload: TermPatch
) -> Any:
    toolkit = _edition(request, code, year)
    return _change(_item(toolkit, ItemKind.TERM, item_id), payload, request.user)


@router.delete(
    "/toolkits/{code}/{year}/terms/{item_id}",
    response=_REMOVED,
    auth=SIGNED_IN,
    summary="Remove a draft's term",
)
def remove_term(
    request: HttpRequest, code: ThemeCode, year: Year, item_id: ItemId, version: Version
) -> Any:
    toolkit = _edition(request, code, year)
    return _remove(_item(toolkit, ItemKind.TERM, item_id), version, request.user)


# Key factors ----------------------------------------------------------------------------------


@router.post(
    "/toolkits/{code}/{year}/key-factors",
    response={**WRITE, 201: DraftKeyFactorOut},
    auth=SIGNED_IN,
    summary="Add a key factor to a draft",
)
def add_key_factor(request: HttpRequest, code: ThemeCode, year: Year, payload: KeyFactorIn) -> Any:
    """Added last. A key factor needs at least one guide question before the edition is
    published."""
    return _add(_edition(request, code, year), ItemKind.KEY_FACTOR, payload, request.user)


@router.patch(
    "/toolkits/{code}/{year}/key-factors/{item_id}",
    response=_write(DraftKeyFactorOut, KeyFactorConflictOut),
    auth=SIGNED_IN,
    summary="Change a draft's key factor",
)
def change_key_factor(
    request: HttpRequest, code: ThemeCode, year: Year, item_id: ItemId, payload: KeyFactorPatch
) -> Any:
    toolkit = _edition(request, code, year)
    return _change(_item(toolkit, ItemKind.KEY_FACTOR, item_id), payload, request.user)


@router.delete(
    "/toolkits/{code}/{year}/key-factors/{item_id}",
    response=_REMOVED,
    auth=SIGNED_IN,
    summary="Remove a key factor (with its questions and examples) from a draft",
)
def remove_key_factor(
    request: HttpRequest, code: ThemeCode, year: Year, item_id: ItemId, version: Version
) -> Any:
    """Refused (422) while an assessment uses the edition."""
    toolkit = _edition(request, code, year)
    return _remove(_item(toolkit, ItemKind.KEY_FACTOR, item_id), version, request.user)


# Guide questions ------------------------------------------------------------------------------


@router.post(
    "/toolkits/{code}/{year}/key-factors/{key_factor_id}/questions",
    response={**WRITE, 201: DraftQuestionOut},
    auth=SIGNED_IN,
    summary="Add a guide question to a draft's key factor",
)
def add_question(
    request: HttpRequest, code: ThemeCode, year: Year, key_factor_id: ItemId, payload: QuestionIn
) -> Any:
    toolkit = _edition(request, code, year)
    factor = _factor(toolkit, key_factor_id)
    return _add(toolkit, ItemKind.GUIDE_QUESTION, payload, request.user, factor)


@router.patch(
    "/toolkits/{code}/{year}/key-factors/{key_factor_id}/questions/{item_id}",
    response=_write(DraftQuestionOut, QuestionConflictOut),
    auth=SIGNED_IN,
    summary="Change a guide question of a draft",
)
def change_question(
    request: HttpRequest,
    code: ThemeCode,
    year: Year,
    key_factor_id: ItemId,
    item_id: ItemId,
    payload: QuestionPatch,
) -> Any:
    toolkit = _edition(request, code, year)
    item = _child(toolkit, ItemKind.GUIDE_QUESTION, key_factor_id, item_id)
    return _change(item, payload, request.user)


@router.delete(
    "/toolkits/{code}/{year}/key-factors/{key_factor_id}/questions/{item_id}",
    response=_REMOVED,
    auth=SIGNED_IN,
    summary="Remove a guide question from a draft",
)
def remove_question(
    request: HttpRequest,
    code: ThemeCode,
    year: Year,
    key_factor_id: ItemId,
    item_id: ItemId,
    version: Version,
) -> Any:
    toolkit = _edition(request, code, year)
    item = _child(toolkit, ItemKind.GUIDE_QUESTION, key_factor_id, item_id)
    return _remove(item, version, request.user)


# Examples -------------------------------------------------------------------------------------


@router.post(
    "/toolkits/{code}/{year}/key-factors/{key_factor_id}/examples",
    response={**WRITE, 201: DraftExampleOut},
    auth=SIGNED_IN,
    summary="Add an example to a draft's key factor",
)
def add_example(
    request: HttpRequest, code: ThemeCode, year: Year, key_factor_id: ItemId, payload: ExampleIn
) -> Any:
    toolkit = _edition(request, code, year)
    factor = _factor(toolkit, key_factor_id)
    return _add(toolkit, ItemKind.EXAMPLE, payload, request.user, factor)


@router.patch(
    "/toolkits/{code}/{year}/key-factors/{key_factor_id}/examples/{item_id}",
    response=_write(DraftExampleOut, ExampleConflictOut),
    auth=SIGNED_IN,
    summary="Change an example of a draft",
)
def change_example(
    request: HttpRequest,
    code: ThemeCode,
    year: Year,
    key_factor_id: ItemId,
    item_id: ItemId,
    payload: ExamplePatch,
) -> Any:
    toolkit = _edition(request, code, year)
    item = _child(toolkit, ItemKind.EXAMPLE, key_factor_id, item_id)
    return _change(item, payload, request.user)


@router.delete(
    "/toolkits/{code}/{year}/key-factors/{key_factor_id}/examples/{item_id}",
    response=_REMOVED,
    auth=SIGNED_IN,
    summary="Remove an example from a draft",
)
def remove_example(
    request: HttpRequest,
    code: ThemeCode,
    year: Year,
    key_factor_id: ItemId,
    item_id: ItemId,
    version: Version,
) -> Any:
    toolkit = _edition(request, code, year)
    item = _child(toolkit, ItemKind.EXAMPLE, key_factor_id, item_id)
    return _remove(item, version, request.user)


# Context factors ------------------------------------------------------------------------------


@router.post(
    "/toolkits/{code}/{year}/context-factors",
    response={**WRITE, 201: DraftContextFactorOut},
    auth=SIGNED_IN,
    summary="Add a context factor to a draft",
)
def add_context_factor(
    request: HttpRequest, code: ThemeCode, year: Year, payload: ContextFactorIn
) -> Any:
    return _add(_edition(request, code, year), ItemKind.CONTEXT_FACTOR, payload, request.user)


@router.patch(
    "/toolkits/{code}/{year}/context-factors/{item_id}",
    response=_write(DraftContextFactorOut, ContextFactorConflictOut),
    auth=SIGNED_IN,
    summary="Change a draft's context factor",
)
def change_context_factor(
    request: HttpRequest,
    code: ThemeCode,
    year: Year,
    item_id: ItemId,
    payload: ContextFactorPatch,
) -> Any:
    toolkit = _edition(request, code, year)
    return _change(_item(toolkit, ItemKind.CONTEXT_FACTOR, item_id), payload, request.user)


@router.delete(
    "/toolkits/{code}/{year}/context-factors/{item_id}",
    response=_REMOVED,
    auth=SIGNED_IN,
    summary="Remove a draft's context factor",
)
def remove_context_factor(
    request: HttpRequest, code: ThemeCode, year: Year, item_id: ItemId, version: Version
) -> Any:
    toolkit = _edition(request, code, year)
    return _remove(_item(toolkit, ItemKind.CONTEXT_FACTOR, item_id), version, request.user)
