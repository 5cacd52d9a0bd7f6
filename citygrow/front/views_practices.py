"""A good practice's page: the practice (from the library) and where plans adapted it."""

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from citygrow.catalogue.models import KeyFactor
from citygrow.plans.adoptions import adoptions_of
from citygrow.practices.forms import CommentForm, PublishForm, ReturnForm, WithdrawForm
from citygrow.practices.models import Practice

#: What the page may offer the reader to do, by permission (see practices.rules).
STEPS = {
    "edit": "practices.edit_contribution",
    "discard": "practices.discard_contribution",
    "review": "practices.review_practice",
    "withdraw": "practices.withdraw_practice",
    "comment": "practices.comment_on_practice",
    "read_comments": "practices.read_practice_comments",
}


@require_safe
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The practice, its source, texts, figures, files and contact; the practices it was adapted
    from and those adapted from it; the plans that adapted it, with their measured change; and,
    for its city's officers and reviewers, its review. A fixed number of queries."""
    user = request.user
    practice = get_object_or_404(
        Practice.objects.visible_to(user).select_related(
            "city__country", "key_factor", "toolkit__theme"
        ),
        pk=pk,
    )
    if practice.is_contributed:
        prefetch_related_objects(
            [practice],
            "themes",
            "outcomes",
            "attachments",
            Prefetch(
                "key_factors",
                queryset=KeyFactor.objects.select_related("toolkit__theme").order_by(
                    "toolkit__theme__code", "position"
                ),
            ),
            Prefetch(
                "adapted_from",
                queryset=Practice.objects.visible_to(user).select_related("city", "key_factor"),
            ),
        )
    can = {name: user.has_perm(perm, practice) for name, perm in STEPS.items()}
    related = []
    if practice.key_factor_id:
        related = list(
            Practice.objects.filter(key_factor=practice.key_factor_id)
            .exclude(pk=practice.pk)
            .select_related("city", "key_factor")
        )
    adaptations = list(
        Practice.objects.visible_to(user)
        .filter(adapted_from=practice)
        .select_related("city", "key_factor")
        .order_by("city__name", "pk")
    )
    comments = (
        list(practice.comments.select_related("author"))
        if can["read_comments"] and practice.is_contributed
        else []
    )
    context = {
        "practice": practice,
        "related": related,
        "adapted_from": list(practice.adapted_from.all()) if practice.is_contributed else [],
        "adaptations": adaptations,
        "adoptions": adoptions_of(practice, user),
        "can": can,
        "comments": comments,
        "comment_form": CommentForm(),
        "return_form": ReturnForm(),
        "publish_form": PublishForm(),
        "withdraw_form": WithdrawForm(),
    }
    return render(request, "practices/practice_detail.html", context)
