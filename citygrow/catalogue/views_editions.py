"""A theme's editions, for its authors: the list with lineage, starting an edition (blank or as a
copy of the newest), uploading a toolkit file into a draft, publishing and deleting a draft; and
the comparison of two editions (public when both are public, else for the authors).

The writes are the services' (catalogue.services, "Editions"); the access rules are
catalogue.rules (`author_theme`, `edit_toolkit`, `view_toolkit`)."""

from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from citygrow.catalogue import services
from citygrow.catalogue.compare import compare_editions
from citygrow.catalogue.compare_words import kind_in_words, label_in_words, section_in_words
from citygrow.catalogue.forms_editions import BlankEditionForm, CopyEditionForm, UploadForm
from citygrow.catalogue.models import Theme, Toolkit
from citygrow.catalogue.toolkit_file import ToolkitFileError
from citygrow.core.access import get_for_user, require
from citygrow.core.decorators import sends_anonymous_to_login
from citygrow.core.errors import ServiceError


def _theme_for_author(request: HttpRequest, code: str) -> Theme:
    """The theme, if the person writes its toolkits (403 otherwise; anonymous: log in)."""
    theme = get_object_or_404(Theme, code=code)
    require(request, "catalogue.author_theme", theme, login_first=True)
    return theme


def _draft_for_author(request: HttpRequest, code: str, year: int) -> Toolkit:
    """A draft edition its authors may change: 404 for those who may not see it, 403 for a
    published or withdrawn edition (it changes through a new edition)."""
    return get_for_user(
        request,
        Toolkit.objects.select_related("theme"),
        view="catalogue.view_toolkit",
        perm="catalogue.edit_toolkit",
        login_first=True,
        theme__code=code,
        year=year,
    )


def _previous(editions: Sequence[Toolkit], edition: Toolkit) -> Toolkit | None:
    """The edition to compare `edition` with: the one it was copied from, else the one before."""
    if edition.based_on_id is not None:
        return next((e for e in editions if e.pk == edition.based_on_id), None)
    older = [e for e in editions if e.year < edition.year]
    return older[0] if older else None


@require_safe
@sends_anonymous_to_login
def editions(request: HttpRequest, code: str) -> HttpResponse:
    """Every edition of a theme with its status, dates and lineage, and what may be done."""
    theme = _theme_for_author(request, code)
    rows = list(
        Toolkit.objects.filter(theme=theme)
        .annotate(key_factor_count=Count("key_factors", distinct=True))
        .order_by("-year")
    )
    for row in rows:
        row.theme = theme  # for get_absolute_url, without a query per row
        row.previous = _previous(rows, row)  # type: ignore[attr-defined]
    return render(
        request,
        "catalogue/editions/editions.html",
        {
            "theme": theme,
            "editions": rows,
            "draft": next((e for e in rows if e.status == Toolkit.Status.DRAFT), None),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@sends_anonymous_to_login
def start(request: HttpRequest, code: str) -> HttpResponse:
    """Start a draft edition: as a copy of the newest edition (when there is one), or blank."""
    theme = _theme_for_author(request, code)
    newest = services.newest_edition(theme)
    draft = Toolkit.objects.filter(theme=theme, status=Toolkit.Status.DRAFT).first()
    how = request.POST.get("how") if request.method == "POST" else None
    copy_form = CopyEditionForm(request.POST if how == "copy" else None, prefix="copy")
    blank_form = BlankEditionForm(request.POST if how == "blank" else None, prefix="blank")
    form = {"copy": copy_form, "blank": blank_form}.get(how or "")
    if form is not None and form.is_valid():
        try:
            if how == "copy":
                toolkit = services.start_copy_edition(
                    theme=theme, year=form.cleaned_data["year"], by=request.user
                )
            else:
                assert isinstance(form, BlankEditionForm)
                toolkit = services.start_blank_edition(
                    theme=theme, header=form.header(), by=request.user
                )
        except ServiceError as error:
            error.show_on(form)
        else:
            messages.success(
                request,
                _("The %(year)s edition was started as a draft. Only the theme's authors see it.")
                % {"year": toolkit.year},
            )
            return redirect("catalogue:editions", theme.code)
    status = 422 if form is not None else 200
    return render(
        request,
        "catalogue/editions/start.html",
        {
            "theme": theme,
            "newest": newest,
            "draft": draft,
            "copy_form": copy_form,
            "blank_form": blank_form,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@sends_anonymous_to_login
def upload(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Replace a draft's content with a toolkit file's; every problem the loader finds is
    listed, and the draft is left as it was."""
    toolkit = _draft_for_author(request, code, year)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: ToolkitFileError | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document = services.read_upload(upload.read(), source=upload.name)
            services.upload_into_draft(
                toolkit=toolkit, document=document, source=upload.name, by=request.user
            )
        except ToolkitFileError as error:
            problems = error
        except ServiceError as error:
            error.show_on(form)
        else:
            messages.success(
                request,
                _("The file %(name)s is now the content of the %(year)s draft.")
                % {"name": upload.name, "year": toolkit.year},
            )
            return redirect(toolkit)
    return render(
        request,
        "catalogue/editions/upload.html",
        {"toolkit": toolkit, "form": form, "problems": problems},
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@sends_anonymous_to_login
def publish(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """What publishing does, what is missing, and the button; the POST publishes."""
    toolkit = _draft_for_author(request, code, year)
    refusal = None
    if request.method == "POST":
        try:
            services.publish_edition(toolkit=toolkit, by=request.user)
        except ServiceError as error:
            refusal = error.message
        else:
            messages.success(
                request,
                _("The %(year)s edition is published: everyone can read it and assess against it.")
                % {"year": toolkit.year},
            )
            return redirect(toolkit)
    full = Toolkit.objects.with_content().get(pk=toolkit.pk)
    current = (
        Toolkit.objects.published().filter(theme=toolkit.theme_id).exclude(pk=toolkit.pk).first()
    )
    return render(
        request,
        "catalogue/editions/publish.html",
        {
            "toolkit": toolkit,
            "missing": services.publication_problems(full),
            "current": current,
            "refusal": refusal,
        },
        status=422 if refusal else 200,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@sends_anonymous_to_login
def delete(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Delete a draft (asked first); refused, with the reason, while something uses it."""
    toolkit = _draft_for_author(request, code, year)
    refusal = None
    if request.method == "POST":
        try:
            services.delete_draft(toolkit=toolkit, by=request.user)
        except ServiceError as error:
            refusal = error.message
        else:
            messages.success(request, _("The %(year)s draft was deleted.") % {"year": toolkit.year})
            return redirect("catalogue:editions", toolkit.theme.code)
    else:
        users = services.users_of(toolkit)
        if users:
            refusal = _("The draft cannot be deleted while it is in use: %(users)s.") % {
                "users": "; ".join(users)
            }
    return render(
        request,
        "catalogue/editions/delete.html",
        {"toolkit": toolkit, "refusal": refusal},
        status=422 if refusal and request.method == "POST" else 200,
    )


def comparison_of(request: HttpRequest, code: str, year_a: int, year_b: int) -> Any:
    """The two editions a person may see (404 otherwise) and their comparison."""
    found = {
        edition.year: edition
        for edition in Toolkit.objects.visible_to(request.user)
        .with_content()
        .filter(theme__code=code, year__in=[year_a, year_b])
    }
    if year_a not in found or year_b not in found:
        raise Http404
    old, new = found[year_a], found[year_b]
    return old, new, compare_editions(old.as_data(), new.as_data())


@require_safe
def compare(request: HttpRequest, code: str, year_a: int, year_b: int) -> HttpResponse:
    """What was added, removed and reworded from edition `year_a` to edition `year_b`."""
    old, new, comparison = comparison_of(request, code, year_a, year_b)
    sections = [
        {
            "heading": section_in_words(where),
            "changes": [
                {
                    "kind": change.kind,
                    "kind_words": kind_in_words(change),
                    "label": label_in_words(change.where),
                    "change": change,
                }
                for change in changes
            ],
        }
        for where, changes in comparison.sections()
    ]
    swap = reverse("catalogue:edition_compare", args=[code, year_b, year_a])
    return render(
        request,
        "catalogue/editions/compare.html",
        {
            "theme": old.theme,
            "old": old,
            "new": new,
            "comparison": comparison,
            "sections": sections,
            "counts": {
                kind: len(comparison.of_kind(kind)) for kind in ("added", "removed", "reworded")
            },
            "swap": swap,
        },
    )
