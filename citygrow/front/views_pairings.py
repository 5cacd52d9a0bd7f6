"""The pairing page (issue 14, part 1): one mentor city → implementing city pairing, told from
its cities' key figures to the change measured after its action plan. Composed here because it
reads people, mentoring and plans; what it shows is `reporting.story.pairing_story`, which the
API shares."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from citygrow.reporting.story import get_pairing, pairing_story


@require_safe
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: a pairing is published by its programme; private parts follow the access rule
    (see reporting.story)."""
    story = pairing_story(get_pairing(pk), request.user)
    return render(request, "front/pairing_detail.html", {"story": story, "pairing": story.pairing})
