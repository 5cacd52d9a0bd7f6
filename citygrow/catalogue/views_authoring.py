"""The edit page of a draft edition: its own fields and its items (terms, key factors with their
guide questions and examples, context factors), each a small form saved as it is typed.

With htmx, a save answers with the item's new version and a "Saved" status (the form the person
types in is left alone); a refusal or a conflict answers with the item's form, its messages, and
in a conflict the other person's text beside the person's own, unsaved. Without scripts, every
form is a plain POST that goes back to the item on the page. Adding, moving and removing items
are plain POSTs. Writes go through `catalogue.services` ("Authoring").
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap

from citygrow.catalogue import services
from citygrow.catalogue.forms import (
    ContextFactorForm,
    EditionForm,
    ExampleForm,
    GuideQuestionForm,
    KeyFactorForm,
    MoveForm,
    RemoveForm,
    TermForm,
    VersionedForm,
)
from citygrow.catalogue.models import ContextFactor, GuideQuestion, KeyFactor, Term, Toolkit
from citygrow.catalogue.services import ItemKind
from citygrow.core.access import get_for_user
from citygrow.core.decorators import sends_anonymous_to_login
from citygrow.core.errors import ServiceError
from citygrow.people.models import City
from citygrow.practices.models import Practice


@dataclass(frozen=True)
class Kind:
    """A kind of item of the edit page, by the name its addresses use (e.g. "key-factors")."""

    slug: str
    item_kind: ItemKind
    model: type[Model]
    form: type[VersionedForm]
    anchor: str
    in_factor: bool = False


KINDS = {
    kind.slug: kind
    for kind in [
        Kind("terms", ItemKind.TERM, Term, TermForm, "term"),
        Kind("key-factors", ItemKind.KEY_FACTOR, KeyFactor, KeyFactorForm, "factor"),
        Kind(
            "questions",
            ItemKind.GUIDE_QUESTION,
            GuideQuestion,
            GuideQuestionForm,
            "question",
            in_factor=True,
        ),
        Kind("examples", ItemKind.EXAMPLE, Practice, ExampleForm, "example", in_factor=True),
        Kind(
            "context-factors", ItemKind.CONTEXT_FACTOR, ContextFactor, ContextFactorForm, "context"
        ),
    ]
}
EDITION = "edition"


@dataclass
class Row:
    """One form of the page: the edition's fields, or one item, with what it shows."""

    kind: str
    item: Any
    form: Any
    legend: str
    anchor: str
    save_url: str
    page_url: str = ""
    move_url: str = ""
    remove_url: str = ""
    first: bool = False
    last: bool = False
    conflict: list[tuple[str, str]] | None = None
    status: str = ""
    removal_note: str = ""


def _draft_for_author(request: HttpRequest, code: str, year: int) -> Toolkit:
    """The edition, for a person who may edit it: 404 if they may not see it, 403 if they may
    see it but not edit it (a published edition, or not their theme), log in first if
    anonymous."""
    return get_for_user(
        request,
        Toolkit.objects.select_related("theme"),
        view="catalogue.view_toolkit",
        perm="catalogue.edit_toolkit",
        login_first=True,
        theme__code=code,
        year=year,
    )


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        raise Http404
    return KINDS[slug]


def _cities() -> list[tuple[str, str]]:
    return [(name, name) for name in City.objects.order_by("name").values_list("name", flat=True)]


def _edit_url(toolkit: Toolkit, anchor: str = "") -> str:
    url = reverse("catalogue:toolkit_edit", args=[toolkit.theme.code, toolkit.year])
    return f"{url}#{anchor}" if anchor else url


def _fresh_url(toolkit: Toolkit, anchor: str) -> str:
    """The page at an item, loaded again even from the page itself (its query differs)."""
    url = reverse("catalogue:toolkit_edit", args=[toolkit.theme.code, toolkit.year])
    return f"{url}?at={anchor}#{anchor}"


def _initial(kind: Kind, item: Any) -> dict[str, Any]:
    initial = {name: getattr(item, name) for name in services.ITEM_FIELDS[kind.item_kind]}
    if kind.item_kind is ItemKind.EXAMPLE:
        initial["city"] = item.city.name
    return {**initial, "version": item.version}


def _form(kind: Kind, item: Any, cities: list[tuple[str, str]], data: Any = None) -> Any:
    extra: dict[str, Any] = {"cities": cities} if kind.item_kind is ItemKind.EXAMPLE else {}
    return kind.form(data, initial=_initial(kind, item), prefix=f"{kind.anchor}-{item.pk}", **extra)


def _new_form(kind: Kind, cities: list[tuple[str, str]], data: Any = None, suffix: str = "") -> Any:
    extra: dict[str, Any] = {"cities": cities} if kind.item_kind is ItemKind.EXAMPLE else {}
    return kind.form(data, prefix=f"new-{kind.anchor}{suffix}", **extra)


def _edition_form(toolkit: Toolkit, data: Any = None) -> EditionForm:
    initial = {name: getattr(toolkit, name) for name in services.EDITION_FIELDS}
    return EditionForm(data, initial={**initial, "version": toolkit.version}, prefix="edition")


def _legend(kind: Kind, item: Any, factor: KeyFactor | None) -> str:
    if kind.item_kind is ItemKind.TERM:
        return _("Term %(number)s") % {"number": item.position}
    if kind.item_kind is ItemKind.KEY_FACTOR:
        return _("Key factor %(number)s: heading, summary and why it matters") % {
            "number": item.position
        }
    if kind.item_kind is ItemKind.GUIDE_QUESTION:
        number = f"{factor.position}.{item.position}" if factor else str(item.position)
        return _("Guide question %(number)s") % {"number": number}
    if kind.item_kind is ItemKind.EXAMPLE:
        return _("Example %(number)s") % {"number": item.position}
    return _("Context factor %(number)s") % {"number": item.position}


def _row(
    toolkit: Toolkit,
    kind: Kind,
    item: Any,
    form: Any,
    *,
    count: int,
    factor: KeyFactor | None = None,
) -> Row:
    args = [toolkit.theme.code, toolkit.year, kind.slug, item.pk]
    removal = {
        ItemKind.KEY_FACTOR: _("Its guide questions and examples are removed with it."),
    }.get(kind.item_kind, "")
    return Row(
        kind=kind.slug,
        item=item,
        form=form,
        legend=_legend(kind, item, factor),
        anchor=f"{kind.anchor}-{item.pk}",
        save_url=reverse("catalogue:item_save", args=args),
        page_url=_fresh_url(toolkit, f"{kind.anchor}-{item.pk}"),
        move_url=reverse("catalogue:item_move", args=args),
        remove_url=reverse("catalogue:item_remove", args=args),
        first=item.position == 1,
        last=item.position == count,
        removal_note=removal,
    )


def _edition_row(toolkit: Toolkit, form: Any) -> Row:
    return Row(
        kind=EDITION,
        item=toolkit,
        form=form,
        legend=_("The edition's title, source and standard"),
        anchor="edition-fields",
        page_url=_fresh_url(toolkit, "edition-fields"),
        save_url=reverse("catalogue:edition_save", args=[toolkit.theme.code, toolkit.year]),
    )


def _edit_page(
    request: HttpRequest,
    toolkit: Toolkit,
    *,
    replaced: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page, with the rows or add forms named in `replaced` (by anchor, or "new-<kind>"
    and "new-<kind>-<key factor id>") in place of the stored ones: a refused form keeps what
    the person typed."""
    replaced = replaced or {}
    full = Toolkit.objects.with_content().get(pk=toolkit.pk)
    cities = _cities()

    def rows(kind: Kind, items: list[Any], factor: KeyFactor | None = None) -> list[Row]:
        result = []
        for item in items:
            row = _row(full, kind, item, _form(kind, item, cities), count=len(items), factor=factor)
            result.append(replaced.get(row.anchor, row))
        return result

    def new(slug: str, suffix: str = "") -> Any:
        return replaced.get(f"new-{slug}{suffix}") or _new_form(KINDS[slug], cities, suffix=suffix)

    code, year = full.theme.code, full.year
    factors = list(full.key_factors.all())
    factor_rows = []
    for factor in factors:
        suffix = f"-{factor.pk}"
        factor_rows.append(
            {
                "factor": factor,
                "row": replaced.get(f"factor-{factor.pk}")
                or _row(
                    full,
                    KINDS["key-factors"],
                    factor,
                    _form(KINDS["key-factors"], factor, cities),
                    count=len(factors),
                ),
                "questions": rows(KINDS["questions"], list(factor.guide_questions.all()), factor),
                "examples": rows(KINDS["examples"], list(factor.practices.all()), factor),
                "new_question": new("questions", suffix),
                "new_example": new("examples", suffix),
                "add_question_url": reverse(
                    "catalogue:child_add", args=[code, year, factor.pk, "questions"]
                ),
                "add_example_url": reverse(
                    "catalogue:child_add", args=[code, year, factor.pk, "examples"]
                ),
            }
        )
    return render(
        request,
        "catalogue/authoring/edit.html",
        {
            "toolkit": full,
            "edition": replaced.get("edition-fields") or _edition_row(full, _edition_form(full)),
            "terms": rows(KINDS["terms"], list(full.terms.all())),
            "factors": factor_rows,
            "contexts": rows(KINDS["context-factors"], list(full.context_factors.all())),
            "new_term": new("terms"),
            "new_factor": new("key-factors"),
            "new_context": new("context-factors"),
            "add_url": {
                slug.replace("-", "_"): reverse("catalogue:item_add", args=[code, year, slug])
                for slug in ("terms", "key-factors", "context-factors")
            },
        },
        status=status,
    )


@require_safe
@sends_anonymous_to_login
def toolkit_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The edit page of a draft edition, for its theme's authors. They are told why a published
    edition has none."""
    try:
        toolkit = _draft_for_author(request, code, year)
    except PermissionDenied:
        edition = Toolkit.objects.select_related("theme").filter(theme__code=code, year=year)
        published = edition.first()
        if published is None or not request.user.has_perm("catalogue.author_toolkit", published):
            raise
        return render(
            request,
            "catalogue/authoring/published.html",
            {"toolkit": published, "refusal": services.published_does_not_change()},
            status=403,
        )
    return _edit_page(request, toolkit)


def _with_version(data: Any, prefix: str, version: int) -> Any:
    """The person's typed data, as if read at `version`: saving it again replaces the other
    person's text (which the page now shows them)."""
    data = data.copy()
    data[f"{prefix}-version"] = str(version)
    return data


def _their_text(form: Any, current: Any) -> list[tuple[str, str]]:
    """The other person's stored text, field by field, as the conflict notice shows it."""
    shown = []
    for name, bound in form.fields.items():
        if name == "version":
            continue
        value = getattr(current, name, "")
        if isinstance(value, City):
            value = value.name
        if isinstance(value, list):
            value = "\n".join(value)
        shown.append((str(bound.label), str(value)))
    return shown


def _answer(
    request: HttpRequest, toolkit: Toolkit, row: Row, *, saved: bool, conflict: bool
) -> HttpResponse:
    """After a save: with htmx, the new version and status (saved), or the form (refused);
    without, back to the item on the page (saved), or the page with the form (refused)."""
    if request.htmx:
        if saved:
            row.status = _("Saved")
            return reswap(render(request, "catalogue/authoring/_saved.html", {"row": row}), "none")
        row.status = _("Not saved")
        return render(request, "catalogue/authoring/_item.html", {"row": row})
    if saved:
        return redirect(_edit_url(toolkit, row.anchor))
    row.status = _("Not saved")
    return _edit_page(request, toolkit, replaced={row.anchor: row}, status=409 if conflict else 400)


@require_POST
@sends_anonymous_to_login
def edition_save(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Save the edition's own fields."""
    toolkit = _draft_for_author(request, code, year)
    form = _edition_form(toolkit, request.POST)
    conflict: list[tuple[str, str]] | None = None
    saved = False
    if form.is_valid():
        try:
            toolkit = services.change_edition(
                toolkit=toolkit,
                values=form.values(),
                seen_version=form.cleaned_data["version"] or 0,
                by=request.user,
            )
        except services.EditConflict as error:
            conflict = _their_text(form, error.current)
            form = _edition_form(
                toolkit, _with_version(request.POST, form.prefix or "", error.current.version)
            )
            form.is_valid()
        except ServiceError as error:
            error.show_on(form)
        else:
            saved = True
            form = _edition_form(toolkit)
    row = _edition_row(toolkit, form)
    row.conflict = conflict
    return _answer(request, toolkit, row, saved=saved, conflict=conflict is not None)


def _item_of(toolkit: Toolkit, kind: Kind, pk: int) -> Any:
    manager = kind.model._default_manager
    if kind.item_kind is ItemKind.GUIDE_QUESTION:
        return get_object_or_404(
            manager.select_related("key_factor"), pk=pk, key_factor__toolkit=toolkit
        )
    if kind.item_kind is ItemKind.EXAMPLE:
        return get_object_or_404(
            manager.select_related("key_factor", "city"),
            pk=pk,
            toolkit=toolkit,
            key_factor__isnull=False,
        )
    return get_object_or_404(manager, pk=pk, toolkit=toolkit)


def _count(toolkit: Toolkit, kind: Kind, item: Any) -> int:
    return services.siblings_of(item, toolkit.pk).count()


@require_POST
@sends_anonymous_to_login
def item_save(request: HttpRequest, code: str, year: int, kind: str, pk: int) -> HttpResponse:
    """Save one item's fields."""
    toolkit = _draft_for_author(request, code, year)
    spec = _kind(kind)
    item = _item_of(toolkit, spec, pk)
    cities = _cities() if spec.item_kind is ItemKind.EXAMPLE else []
    form = _form(spec, item, cities, request.POST)
    conflict: list[tuple[str, str]] | None = None
    saved = False
    if form.is_valid():
        try:
            item = services.change_item(
                item=item,
                values=form.values(),
                seen_version=form.cleaned_data["version"] or 0,
                by=request.user,
            )
        except services.EditConflict as error:
            conflict = _their_text(form, error.current)
            form = _form(
                spec,
                item,
                cities,
                _with_version(request.POST, form.prefix or "", error.current.version),
            )
            form.is_valid()
        except ServiceError as error:
            error.show_on(form)
        else:
            saved = True
            form = _form(spec, item, cities)
    factor = getattr(item, "key_factor", None)
    row = _row(toolkit, spec, item, form, count=_count(toolkit, spec, item), factor=factor)
    row.conflict = conflict
    return _answer(request, toolkit, row, saved=saved, conflict=conflict is not None)


@require_POST
@sends_anonymous_to_login
def item_add(
    request: HttpRequest, code: str, year: int, kind: str, key_factor: int | None = None
) -> HttpResponse:
    """Add an item at the end of its list: of the edition, or of one of its key factors."""
    toolkit = _draft_for_author(request, code, year)
    spec = _kind(kind)
    if spec.in_factor != (key_factor is not None):
        raise Http404
    factor = (
        get_object_or_404(KeyFactor, pk=key_factor, toolkit=toolkit)
        if key_factor is not None
        else None
    )
    suffix = f"-{factor.pk}" if factor else ""
    cities = _cities() if spec.item_kind is ItemKind.EXAMPLE else []
    form = _new_form(spec, cities, request.POST, suffix)
    if form.is_valid():
        try:
            item = services.add_item(
                toolkit=toolkit,
                kind=spec.item_kind,
                values=form.values(),
                key_factor=factor,
                by=request.user,
            )
        except ServiceError as error:
            error.show_on(form)
        else:
            return redirect(_edit_url(toolkit, f"{spec.anchor}-{item.pk}"))
    return _edit_page(request, toolkit, replaced={f"new-{kind}{suffix}": form}, status=400)


def _section_of(kind: Kind, item: Any) -> str:
    if kind.in_factor:
        return f"factor-section-{item.key_factor_id}"
    return {"terms": "terms", "key-factors": "key-factors"}.get(kind.slug, "context-factors")


@require_POST
@sends_anonymous_to_login
def item_move(request: HttpRequest, code: str, year: int, kind: str, pk: int) -> HttpResponse:
    """Move an item up or down its list."""
    toolkit = _draft_for_author(request, code, year)
    spec = _kind(kind)
    item = _item_of(toolkit, spec, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to move it up or down."))
    else:
        try:
            services.move_item(
                item=item,
                direction=form.cleaned_data["direction"],
                seen_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ServiceError as error:
            messages.error(request, error.message)
    return redirect(_edit_url(toolkit, f"{spec.anchor}-{item.pk}"))


@require_POST
@sends_anonymous_to_login
def item_remove(request: HttpRequest, code: str, year: int, kind: str, pk: int) -> HttpResponse:
    """Remove an item (a key factor with its questions and examples)."""
    toolkit = _draft_for_author(request, code, year)
    spec = _kind(kind)
    item = _item_of(toolkit, spec, pk)
    form = RemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The page was out of date: nothing was removed."))
        return redirect(_edit_url(toolkit, f"{spec.anchor}-{item.pk}"))
    try:
        services.remove_item(item=item, seen_version=form.cleaned_data["version"], by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(_edit_url(toolkit, f"{spec.anchor}-{item.pk}"))
    messages.success(request, _("Removed."))
    return redirect(_edit_url(toolkit, _section_of(spec, item)))
