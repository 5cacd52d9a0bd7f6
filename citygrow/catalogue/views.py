from django.core.cache import cache
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from citygrow.catalogue.models import Theme, Toolkit
from citygrow.catalogue.toolkit_file import dump_toolkit


def _themes_with_editions(request: HttpRequest) -> list[Theme]:
    editions = (
        Toolkit.objects.visible_to(request.user)
        .annotate(
            key_factor_count=Count("key_factors", distinct=True),
            practice_count=Count("practices", distinct=True),
        )
        .order_by("-year")
    )
    return list(Theme.objects.prefetch_related(Prefetch("toolkits", queryset=editions)))


def _get_toolkit_for_user(request: HttpRequest, code: str, year: int) -> Toolkit:
    """The edition with everything its page shows, or 404 if it is missing or not for this user."""
    return get_object_or_404(
        Toolkit.objects.visible_to(request.user).with_content(), theme__code=code, year=year
    )


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "catalogue/home.html", {"themes": _themes_with_editions(request)})


@require_safe
def toolkit_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "catalogue/toolkit_list.html", {"themes": _themes_with_editions(request)}
    )


@require_safe
def theme_detail(request: HttpRequest, code: str) -> HttpResponse:
    """The newest edition of a theme's toolkit, or a page saying there is none yet."""
    theme = get_object_or_404(Theme, code=code.upper())
    editions = list(theme.toolkits.visible_to(request.user).order_by("-year"))
    current = theme.current_edition(editions)
    if current is not None:
        return redirect(current)
    return render(request, "catalogue/theme_detail.html", {"theme": theme})


#: How long the rendered content of a published edition is kept. Its key changes with the
#: edition's content fingerprint, so this only bounds how long a renamed city or country of an
#: example (which no fingerprint records) can show its old name on the toolkit page.
CONTENT_CACHE_SECONDS = 10 * 60
#: The examples a key factor shows on the toolkit's page; more are in the library, linked. A
#: toolkit's own examples are a handful per key factor: this bounds the page, not the benchmark
#: (the PDF and the file hold them all).
EXAMPLES_ON_PAGE = 20


def toolkit_content_cache_key(toolkit: Toolkit) -> str | None:
    """The cache key of a published edition's rendered content; None for any other edition.

    Drafts are edited and withdrawn editions are rarely read, so only published ones are
    cached. The key holds everything the content is made from that can change: the edition's
    fingerprint (set on every load, replacement and edit, see `services.refresh_fingerprint`),
    its status, when it was loaded (a replaced edition is a new row, which may reuse an id),
    and the reader's language.
    """
    if toolkit.status != Toolkit.Status.PUBLISHED:
        return None
    return ":".join(
        [
            "toolkit-content",
            str(toolkit.pk),
            toolkit.content_hash,
            toolkit.status,
            toolkit.loaded_at.isoformat(),
            get_language() or "",
        ]
    )


def _toolkit_content(request: HttpRequest, toolkit: Toolkit) -> SafeString:
    """The edition's content (`_toolkit_content.html`), from the cache when it is published.

    On a cache hit the edition's key factors, questions, examples and terms are not read at
    all: rendering them is most of the page's cost (a page of about 30 KiB).
    """
    key = toolkit_content_cache_key(toolkit)
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return mark_safe(cached)  # rendered (and escaped) by our own template
    full = Toolkit.objects.with_content(EXAMPLES_ON_PAGE).get(pk=toolkit.pk)
    html = render_to_string("catalogue/_toolkit_content.html", {"toolkit": full}, request=request)
    if key is not None:
        cache.set(key, str(html), CONTENT_CACHE_SECONDS)
    return mark_safe(html)


@require_safe
def toolkit_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """An edition's page. Its content is rendered once per published edition and language and
    then served from the cache (see `_toolkit_content`); the rest is per request."""
    toolkit = get_object_or_404(
        Toolkit.objects.visible_to(request.user).select_related("theme"),
        theme__code=code,
        year=year,
    )
    other_editions = (
        Toolkit.objects.visible_to(request.user)
        .filter(theme=toolkit.theme)
        .exclude(pk=toolkit.pk)
        .select_related("theme")
        .order_by("-year")
    )
    return render(
        request,
        "catalogue/toolkit_detail.html",
        {
            "toolkit": toolkit,
            "other_editions": other_editions,
            "content": _toolkit_content(request, toolkit),
        },
    )


@require_safe
def toolkit_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The toolkit page as a printable PDF, drawn by WeasyPrint from the same content template."""
    toolkit = _get_toolkit_for_user(request, code, year)
    try:
        from weasyprint import HTML
    except OSError:  # Pango, which WeasyPrint needs, is not installed on this server
        return render(request, "catalogue/pdf_unavailable.html", {"toolkit": toolkit}, status=503)
    html = render_to_string("catalogue/toolkit_pdf.html", {"toolkit": toolkit}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="integrating-cities-toolkit-{toolkit.theme.code}-{toolkit.year}.pdf"'
    )
    return response


@require_safe
def toolkit_export(request: HttpRequest, code: str, year: int, fmt: str) -> HttpResponse:
    """The edition in the toolkit file format, as YAML or JSON, to download."""
    if fmt not in ("yaml", "json"):
        raise Http404
    toolkit = _get_toolkit_for_user(request, code, year)
    content_type = "application/yaml" if fmt == "yaml" else "application/json"
    response = HttpResponse(
        dump_toolkit(toolkit.as_data(), fmt=fmt), content_type=f"{content_type}; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{toolkit.theme.code}-{toolkit.year}.{fmt}"'
    )
    return response
