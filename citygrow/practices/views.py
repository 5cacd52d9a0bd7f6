from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django.views.decorators.vary import vary_on_headers

from citygrow.core.decorators import permission_required
from citygrow.practices.forms import MentionForm, PracticeFilterForm
from citygrow.practices.models import Practice
from citygrow.practices.services import practices_naming, remove_from_practices

#: What a result in the list shows. Not the practice's stored search vector, nor the long texts
#: of its edition (standard, credit) and key factor (why, summary): reading them for twenty
#: results was a good part of the page's time.
LIST_FIELDS = (
    "name",
    "summary",
    "origin",
    "status",
    "text",
    "city_id",
    "toolkit_id",
    "key_factor_id",
    "city__name",
    "city__slug",
    "city__country__name",
    "key_factor__position",
    "key_factor__heading",
    "toolkit__year",
    "toolkit__theme__code",
)


@require_safe
@vary_on_headers("HX-Request")
def practice_list(request: HttpRequest) -> HttpResponse:
    """The library: paged, filtered by toolkit, key factor, city and country, searchable."""
    form = PracticeFilterForm(request.GET or None, user=request.user)
    practices = (
        Practice.objects.visible_to(request.user)
        .select_related("city__country", "key_factor", "toolkit__theme")
        .only(*LIST_FIELDS)
    )
    if form.is_bound:
        practices = form.filter(practices)
    page = _page(practices, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "practices/_results.html" if partial else "practices/practice_list.html"
    return render(request, template, context)


def _page(practices: QuerySet[Practice], number: str | None) -> Page:
    """The page asked for, read with its total in one query (a window count) rather than two.

    Anything but a page number in range goes through `Paginator.get_page` as before (the first
    page for nonsense, the last for a number past the end).
    """
    paginator = Paginator(practices, settings.CITYGROW_PAGE_SIZE)
    try:
        wanted = int(number) if number else 1
    except ValueError:
        return paginator.get_page(number)
    if wanted >= 1:
        start = (wanted - 1) * paginator.per_page
        rows = list(
            practices.annotate(library_total=Window(Count("pk")))[
                start : start + paginator.per_page
            ]
        )
        if rows or wanted == 1:
            paginator.count = rows[0].library_total if rows else 0
            return paginator.page(wanted) if not rows else Page(rows, wanted, paginator)
    return paginator.get_page(number)


@require_http_methods(["GET", "POST"])
@permission_required("people.erase_person")
def mentions(request: HttpRequest) -> HttpResponse:
    """Find a person named in the good practices (e.g. a contact), and remove the mentions."""
    form = MentionForm(request.POST or request.GET or None)
    found = []
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["text"]
        if request.method == "POST":
            count = remove_from_practices(text=text, by=request.user)
            messages.success(
                request, _("Removed from %(count)d good practice(s).") % {"count": count}
            )
            return redirect(f"{reverse('practices:mentions')}?{urlencode({'text': text})}")
        found = list(practices_naming(text)[:200])
    return render(request, "practices/mentions.html", {"form": form, "found": found})
