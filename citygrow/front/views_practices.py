"""A good practice's page: the practice (from the library) and where plans adapted it."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from citygrow.practices.models import Practice


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
