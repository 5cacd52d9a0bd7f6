"""The public list of the Integrating Cities Charter's signatories (issue 15, part 1): every
city recorded as a signatory, with its country, signing date and signer, by date then name.

The signatures are recorded by coordinators on the city page (people.services)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from citygrow.core.paging import page_of
from citygrow.people.models import City

#: Signatories per page: the whole list of today's network fits on one page.
SIGNATORIES_PER_PAGE = 100


@require_safe
def signatories(request: HttpRequest) -> HttpResponse:
    """The signatories, 100 a page (a network may hold a thousand cities)."""
    page = page_of(
        request,
        City.objects.signatories().only(
            "name",
            "slug",
            "charter_signed_on",
            "charter_signed_by",
            "country__name",
            "country__code",
        ),
        SIGNATORIES_PER_PAGE,
    )
    return render(request, "survey/signatories.html", {"page": page, "params": ""})
