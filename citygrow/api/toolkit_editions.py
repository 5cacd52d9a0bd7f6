"""A theme's toolkit editions in the JSON API: list them, start one (blank or as a copy of the
newest), upload a toolkit file into a draft, publish or delete a draft, compare two editions.

The same rules as the pages (catalogue.rules): a theme's authors (its facilitators, the
coordinators and staff) list and start its editions and change its drafts; a draft does not
exist for anyone else (404); a published or withdrawn edition does not change (403). The
writes are the pages' services (catalogue.services, "Editions"): what they refuse is 422 with
their message, and nothing is stored. A file the loader refuses is 422 with every problem
found (`problems`: file, path, line, message). The comparison is public when both editions
are, else for the authors.
"""

from datetime import datetime
from typing import Any, Literal

from django.db.models import Count
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status, UploadedFile

from citygrow.api.auth import SIGNED_IN, require_write, signed_in
from citygrow.api.common import ANYONE, READ, WRITE, Refused, absolute, forbidden, form_refused
from citygrow.api.schemas import NO_NUL, ErrorOut, ThemeCode, Year
from citygrow.catalogue import services
from citygrow.catalogue.compare import compare_editions
from citygrow.catalogue.compare_words import kind_in_words, label_in_words, section_in_words
from citygrow.catalogue.forms_editions import BlankEditionForm, CopyEditionForm
from citygrow.catalogue.models import Theme, Toolkit
from citygrow.catalogue.toolkit_file import ToolkitFileError

router = Router(tags=["toolkit editions"])


# -- shapes -------------------------------------------------------------------------------------


class EditionOut(Schema):
    theme: str
    year: int
    status: Literal["draft", "published", "withdrawn"]
    title: str
    based_on: int | None = Field(description="The year of the edition this one was copied from")
    loaded_at: datetime
    published_at: datetime | None
    key_factors: int
    url: str


class StartIn(Schema):
    how: Literal["blank", "copy"] = Field(
        description="`copy`: a copy of the theme's newest edition, with everything in it; "
        "`blank`: only the fields below (all needed then)"
    )
    year: int = Field(ge=1990, le=2100)
    title: str = Field("", pattern=NO_NUL, max_length=300)
    source_title: str = Field("", pattern=NO_NUL, max_length=500)
    source_publisher: str = Field("", pattern=NO_NUL, max_length=200)
    source_year: int | None = Field(None, ge=1900, le=2100)
    source_url: str = Field("", pattern=NO_NUL, max_length=500)
    credit: str = Field("", pattern=NO_NUL, max_length=20_000)
    standard: str = Field("", pattern=NO_NUL, max_length=20_000)


class ProblemOut(Schema):
    file: str
    path: str = Field(description="Where in the file, e.g. key_factors[0].why; empty: the file")
    line: int | None
    message: str


class UploadRefusedOut(ErrorOut):
    problems: list[ProblemOut] = Field(
        [], description="Every problem the loader found in the file (nothing was changed)"
    )


class PieceOut(Schema):
    kind: Literal["same", "added", "removed"]
    text: str


class ChangeOut(Schema):
    kind: Literal["added", "removed", "reworded"]
    kind_words: str
    section: str = Field(description="The group, in words (e.g. 'Key factor 2: ...')")
    label: str = Field(description="What changed, in words")
    area: str
    part: str
    number: int | None
    name: str
    part_number: int | None
    part_name: str
    old: str
    new: str
    words: list[PieceOut] = Field(description="For a reworded text: its word-by-word diff")


class ComparisonOut(Schema):
    theme: str
    old_year: int
    new_year: int
    is_empty: bool
    added: int
    removed: int
    reworded: int
    changes: list[ChangeOut]


# -- loading ------------------------------------------------------------------------------------


def _authored_theme(request: HttpRequest, code: str) -> Theme:
    theme = get_object_or_404(Theme, code=code)
    if not request.user.has_perm("catalogue.author_theme", theme):
        raise forbidden(_("Only the theme's authors (its facilitators, coordinators) do this."))
    return theme


def _draft(request: HttpRequest, code: str, year: int) -> Toolkit:
    """A draft its authors change: 404 if the caller may not see it, 403 if it is not a draft
    or they are not its authors."""
    toolkit = get_object_or_404(
        Toolkit.objects.visible_to(request.user).select_related("theme"),
        theme__code=code,
        year=year,
    )
    if not request.user.has_perm("catalogue.edit_toolkit", toolkit):
        if toolkit.status != Toolkit.Status.DRAFT:
            raise forbidden(_("Only a draft changes: start a new edition instead."))
        raise forbidden(_("Only the theme's authors change its drafts."))
    return toolkit


def _edition(request: HttpRequest, toolkit: Toolkit, years: dict[int, int]) -> dict[str, Any]:
    return {
        "theme": toolkit.theme.code,
        "year": toolkit.year,
        "status": toolkit.status,
        "title": toolkit.title,
        "based_on": years.get(toolkit.based_on_id) if toolkit.based_on_id else None,
        "loaded_at": toolkit.loaded_at,
        "published_at": toolkit.published_at,
        "key_factors": (
            toolkit.key_factor_count
            if hasattr(toolkit, "key_factor_count")
            else toolkit.key_factors.count()
        ),
        "url": absolute(request, toolkit.get_absolute_url()),
    }


def _one(request: HttpRequest, toolkit: Toolkit) -> dict[str, Any]:
    based_on = toolkit.based_on_id
    years = dict(Toolkit.objects.filter(pk=based_on).values_list("pk", "year")) if based_on else {}
    return _edition(request, toolkit, years)


# -- routes -------------------------------------------------------------------------------------


@router.get(
    "/themes/{code}/editions",
    response={200: list[EditionOut], 401: ErrorOut, 403: ErrorOut, **READ},
    auth=SIGNED_IN,
    summary="A theme's editions (for its authors)",
)
def list_editions(request: HttpRequest, code: ThemeCode) -> Any:
    """Every edition of the theme, drafts included, newest first, with its lineage."""
    signed_in(request)
    theme = _authored_theme(request, code)
    editions = list(
        Toolkit.objects.filter(theme=theme)
        .annotate(key_factor_count=Count("key_factors", distinct=True))
        .order_by("-year")
    )
    years = {edition.pk: edition.year for edition in editions}
    for edition in editions:
        edition.theme = theme
    return [_edition(request, edition, years) for edition in editions]


@router.post(
    "/themes/{code}/editions",
    response={201: EditionOut, **WRITE},
    auth=SIGNED_IN,
    summary="Start an edition (blank or as a copy of the newest)",
)
def start_edition(request: HttpRequest, code: ThemeCode, payload: StartIn) -> Any:
    """For the theme's authors. One draft per theme at a time, and one edition per year: the
    others are refused (422). A blank edition has no key factor yet, so it cannot be published
    before one is added."""
    require_write(request)
    theme = _authored_theme(request, code)
    if payload.how == "copy":
        form: CopyEditionForm = CopyEditionForm({"year": payload.year})
        if not form.is_valid():
            raise form_refused(form, _("The edition is not valid."))
        toolkit = services.start_copy_edition(theme=theme, year=payload.year, by=request.user)
    else:
        blank = BlankEditionForm(payload.dict(exclude={"how"}))
        if not blank.is_valid():
            raise form_refused(blank, _("The edition is not valid."))
        toolkit = services.start_blank_edition(theme=theme, header=blank.header(), by=request.user)
    toolkit.theme = theme
    return Status(201, _one(request, toolkit))


@router.post(
    "/themes/{code}/editions/{year}/upload",
    response={200: EditionOut, 422: UploadRefusedOut, 400: ErrorOut, 401: ErrorOut,
              403: ErrorOut, 404: ErrorOut},
    auth=SIGNED_IN,
    summary="Upload a toolkit file into a draft",
)  # fmt: skip
def upload_edition_file(
    request: HttpRequest, code: ThemeCode, year: Year, file: File[UploadedFile]
) -> Any:
    """The file (YAML or JSON, the toolkit file format, at most 2 MiB) replaces the draft's whole
    content in one transaction. It must be of the draft's theme; its edition year and status
    are not used (the draft keeps its own). A file with problems is 422 with every problem
    found, and the draft is not changed."""
    require_write(request)
    toolkit = _draft(request, code, year)
    name = file.name or "upload"
    if file.size is not None and file.size > services.UPLOAD_MAX_BYTES:
        raise Refused(422, _("The file is too big: a toolkit file is at most 2 MiB."))
    try:
        document = services.read_upload(file.read(), source=name)
    except ToolkitFileError as error:
        return Status(
            422,
            {
                "detail": _("The file was not loaded: the draft was not changed."),
                "errors": {"file": [str(problem) for problem in error.problems]},
                "problems": [
                    {
                        "file": error.source,
                        "path": problem.path,
                        "line": problem.line,
                        "message": problem.message,
                    }
                    for problem in error.problems
                ],
            },
        )
    toolkit = services.upload_into_draft(
        toolkit=toolkit, document=document, source=name, by=request.user
    )
    return _one(request, toolkit)


@router.post(
    "/themes/{code}/editions/{year}/publish",
    response={200: EditionOut, **WRITE},
    auth=SIGNED_IN,
    summary="Publish a draft",
)
def publish_edition(request: HttpRequest, code: ThemeCode, year: Year) -> Any:
    """The draft becomes public and assessable; the theme's published edition is withdrawn
    (still readable). An incomplete draft is 422 with what is missing (`errors.missing`)."""
    require_write(request)
    toolkit = _draft(request, code, year)
    missing = services.publication_problems(Toolkit.objects.with_content().get(pk=toolkit.pk))
    if missing:
        raise Refused(422, _("The draft cannot be published yet."), {"missing": missing})
    return _one(request, services.publish_edition(toolkit=toolkit, by=request.user))


@router.delete(
    "/themes/{code}/editions/{year}",
    response={204: None, **WRITE},
    auth=SIGNED_IN,
    summary="Delete a draft",
)
def delete_edition(request: HttpRequest, code: ThemeCode, year: Year) -> Any:
    """Refused (422, with the reason) while anything uses the draft."""
    require_write(request)
    services.delete_draft(toolkit=_draft(request, code, year), by=request.user)
    return Status(204, None)


@router.get(
    "/themes/{code}/compare/{year_a}/{year_b}",
    response={200: ComparisonOut, 401: ErrorOut, **READ},
    openapi_extra=ANYONE,
    summary="Compare two editions",
)
def compare_edition_years(request: HttpRequest, code: ThemeCode, year_a: Year, year_b: Year) -> Any:
    """What was added, removed and reworded from edition `year_a` to edition `year_b`; public
    when both editions are, else for the theme's authors (404 for others)."""
    found = {
        edition.year: edition
        for edition in Toolkit.objects.visible_to(request.user)
        .with_content()
        .filter(theme__code=code, year__in=[year_a, year_b])
    }
    if year_a not in found or year_b not in found:
        raise Http404
    comparison = compare_editions(found[year_a].as_data(), found[year_b].as_data())
    return {
        "theme": code,
        "old_year": year_a,
        "new_year": year_b,
        "is_empty": comparison.is_empty,
        **{kind: len(comparison.of_kind(kind)) for kind in ("added", "removed", "reworded")},
        "changes": [
            {
                "kind": change.kind,
                "kind_words": kind_in_words(change),
                "section": section_in_words(change.where),
                "label": label_in_words(change.where),
                "area": change.where.area,
                "part": change.where.part,
                "number": change.where.number,
                "name": change.where.name,
                "part_number": change.where.part_number,
                "part_name": change.where.part_name,
                "old": change.old,
                "new": change.new,
                "words": [{"kind": p.kind, "text": p.text} for p in change.words],
            }
            for change in comparison.changes
        ],
    }
