from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from citygrow.practices.forms import PracticeFilterForm
from citygrow.practices.models import Practice


@require_safe
@vary_on_headers("HX-Request")
def practice_list(request: HttpRequest) -> HttpResponse:
    """The library: paged, filtered by toolkit, key factor, city and country, searchable."""
    form = PracticeFilterForm(request.GET or None, user=request.user)
    practices = Practice.objects.visible_to(request.user).select_related(
        "city__country", "key_factor", "toolkit__theme"
    )
    if form.is_bound:
        practices = form.filter(practices)
    page = Paginator(practices, settings.CITYGROW_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "practices/_results.html" if partial else "practices/practice_list.html"
    return render(request, template, context)


@require_safe
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_object_or_404(
        Practice.objects.visible_to(request.user).select_related(
            "city__country", "key_factor", "toolkit__theme"
        ),
        pk=pk,
    )
    related = []
    if practice.key_factor_id:
        related = list(
            Practice.objects.filter(key_factor=practice.key_factor_id)
            .exclude(pk=practice.pk)
            .select_related("city", "key_factor")
        )
    return render(
        request, "practices/practice_detail.html", {"practice": practice, "related": related}
    )
