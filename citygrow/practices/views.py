from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from citygrow.core import files
from citygrow.core.decorators import permission_required, sends_anonymous_to_login
from citygrow.core.errors import LoginRequired, ServiceError
from citygrow.people.models import City
from citygrow.people.rules import roles_of
from citygrow.practices import services
from citygrow.practices.forms import (
    AttachForm,
    CommentForm,
    ContributionForm,
    MentionForm,
    OutcomeFormSet,
    PracticeFilterForm,
    PublishForm,
    ReturnForm,
    WithdrawForm,
    outcome_initial,
)
from citygrow.practices.models import Practice, PracticeAttachment
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
        Practice.objects.in_library(request.user)
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
    if not partial:
        # Links for those who may: contribute a practice, review the contributions.
        user = request.user
        context["may_contribute"] = user.has_perm("practices.contribute_practice")
        context["may_review"] = user.has_perm("practices.review_contributions") or bool(
            roles_of(user).officer_of
        )
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


# Contributed practices --------------------------------------------------------------------------


def _practice_for(request: HttpRequest, pk: int, perm: str) -> Practice:
    """The practice `pk` if the person may see it (else 404) and holds `perm` on it (else 403);
    an anonymous visitor is sent to log in first."""
    if not request.user.is_authenticated:
        raise LoginRequired
    practice = get_object_or_404(
        Practice.objects.visible_to(request.user).select_related("city").prefetch_related("themes"),
        pk=pk,
    )
    if not request.user.has_perm(perm, practice):
        raise PermissionDenied
    return practice


def _cities_for(user: Any) -> list[City]:
    """The cities `user` contributes practices for: coordinators any, officers their own."""
    roles = roles_of(user)
    cities = City.objects.order_by("name")
    if not roles.coordinator:
        cities = cities.filter(pk__in=sorted(roles.officer_of))
    return list(cities)


def _edit_page(
    request: HttpRequest,
    *,
    practice: Practice | None,
    form: ContributionForm,
    outcomes: Any,
    attach_form: AttachForm | None = None,
    conflict: Practice | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "practice": practice,
        "form": form,
        "outcomes": outcomes,
        "conflict": conflict,
        "attach_form": attach_form or AttachForm(),
        "attachments": list(practice.attachments.all()) if practice is not None else [],
        "max_upload_mb": f"{settings.CITYGROW_MAX_UPLOAD / 1024 / 1024:g}",
        "error_count": len(form.errors)
        + sum(len(e) for e in outcomes.errors)
        + len(outcomes.non_form_errors()),
    }
    return render(request, "practices/contribution_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required("practices.contribute_practice")
def contribute(request: HttpRequest) -> HttpResponse:
    """Write a new practice of one's city, saved as a draft."""
    cities = _cities_for(request.user)
    if not cities:
        raise PermissionDenied
    form = ContributionForm(request.POST or None, cities=cities)
    outcomes = OutcomeFormSet(request.POST or None, prefix="outcomes")
    if request.method == "POST":
        if form.is_valid() and outcomes.is_valid():
            city = form.chosen_city()
            if not request.user.has_perm("practices.contribute_practice", city):
                raise PermissionDenied
            try:
                practice = services.save_contribution(
                    city=city, data=form.to_data(outcomes.outcomes()), by=request.user
                )
            except ServiceError as error:
                error.show_on(form)
            else:
                messages.success(
                    request,
                    _("Draft saved. Submit it for review when it is ready."),
                )
                return redirect(practice)
        return _edit_page(request, practice=None, form=form, outcomes=outcomes, status=400)
    return _edit_page(request, practice=None, form=form, outcomes=outcomes)


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft or returned contribution. A save names the version it was based on: a
    stale one shows the stored text beside what was typed, and keeps what was typed."""
    practice = _practice_for(request, pk, "practices.edit_contribution")
    cities = [practice.city]
    if request.method != "POST":
        form = ContributionForm(cities=cities, practice=practice)
        outcomes = OutcomeFormSet(initial=outcome_initial(practice), prefix="outcomes")
        return _edit_page(request, practice=practice, form=form, outcomes=outcomes)
    form = ContributionForm(request.POST, cities=cities, practice=practice)
    outcomes = OutcomeFormSet(request.POST, prefix="outcomes")
    conflict = None
    if form.is_valid() and outcomes.is_valid():
        try:
            services.save_contribution(
                city=practice.city,
                data=form.to_data(outcomes.outcomes()),
                by=request.user,
                practice=practice,
                seen_version=form.cleaned_data.get("version"),
            )
        except services.Conflict as error:
            conflict = error.current
            error.show_on(form)
            # Saving again replaces the stored text with what was typed, knowingly.
            form.data = form.data.copy()
            form.data["version"] = str(conflict.version)
        except ServiceError as error:
            error.show_on(form)
        else:
            messages.success(request, _("Changes saved."))
            return redirect(practice)
    return _edit_page(
        request, practice=practice, form=form, outcomes=outcomes, conflict=conflict, status=400
    )


def _act_page(
    request: HttpRequest,
    practice: Practice,
    *,
    action: str,
    form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page of one step on a practice (submit, return, publish, withdraw, comment,
    discard): what it does, its form, and why it was refused if it was."""
    context = {"practice": practice, "action": action, "form": form}
    return render(request, "practices/act.html", context, status=status)


def _step(
    request: HttpRequest,
    pk: int,
    *,
    perm: str,
    action: str,
    form_class: type[forms.Form] | None,
    run: Any,
    done: str,
) -> HttpResponse:
    """Show (GET) or take (POST) one step on a practice: `run(practice, cleaned_data)` calls
    the service; a refusal re-renders the step's page with its message (400)."""
    practice = _practice_for(request, pk, perm)
    if request.method != "POST":
        form = form_class() if form_class is not None else forms.Form()
        return _act_page(request, practice, action=action, form=form)
    form = form_class(request.POST) if form_class is not None else forms.Form(request.POST)
    if form.is_valid():
        try:
            run(practice, form.cleaned_data)
        except ServiceError as error:
            error.show_on(form)
        else:
            messages.success(request, done)
            return redirect(practice)
    return _act_page(request, practice, action=action, form=form, status=400)


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        perm="practices.edit_contribution",
        action="submit",
        form_class=None,
        run=lambda practice, data: services.submit_practice(practice=practice, by=request.user),
        done=_("Submitted: the facilitators of its themes will review it."),
    )


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def return_for_changes(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        perm="practices.review_practice",
        action="return",
        form_class=ReturnForm,
        run=lambda practice, data: services.return_practice(
            practice=practice, by=request.user, comment=data["comment"]
        ),
        done=_("Returned to the city with your comment."),
    )


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        perm="practices.review_practice",
        action="publish",
        form_class=PublishForm,
        run=lambda practice, data: services.publish_practice(
            practice=practice, by=request.user, comment=data["comment"]
        ),
        done=_("Published: the practice is in the library."),
    )


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        perm="practices.withdraw_practice",
        action="withdraw",
        form_class=WithdrawForm,
        run=lambda practice, data: services.withdraw_practice(
            practice=practice, by=request.user, reason=data["reason"]
        ),
        done=_("Withdrawn: the practice left the library; its page says why."),
    )


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        perm="practices.comment_on_practice",
        action="comment",
        form_class=CommentForm,
        run=lambda practice, data: services.comment_on_practice(
            practice=practice, by=request.user, text=data["text"]
        ),
        done=_("Comment added."),
    )


@require_http_methods(["GET", "POST"])
@sends_anonymous_to_login
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then delete (POST) a contribution never published."""
    practice = _practice_for(request, pk, "practices.discard_contribution")
    if request.method != "POST":
        return _act_page(request, practice, action="discard", form=forms.Form())
    form = forms.Form(request.POST)
    try:
        services.discard_contribution(practice=practice, by=request.user)
    except ServiceError as error:
        error.show_on(form)
        return _act_page(request, practice, action="discard", form=form, status=400)
    messages.success(request, _("“%(title)s” was discarded.") % {"title": practice.title})
    return redirect("practices:review")


@require_POST
@sends_anonymous_to_login
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach one or more files. Each file is checked and stored on its own: a refused one (too
    large, of a kind not accepted) is named with why, and the others are kept."""
    practice = _practice_for(request, pk, "practices.edit_contribution")
    attach_form = AttachForm(request.POST, request.FILES)
    if attach_form.is_valid():
        refused = []
        attached = 0
        for upload in attach_form.cleaned_data["files"]:
            try:
                services.attach_file(practice=practice, upload=upload, by=request.user)
            except ServiceError as error:
                refused.append(error.message)
            else:
                attached += 1
        if not refused:
            messages.success(
                request,
                ngettext("%(count)d file attached.", "%(count)d files attached.", attached)
                % {"count": attached},
            )
            return redirect("practices:edit", practice.pk)
        for message in refused:
            attach_form.add_error("files", message)
    practice.refresh_from_db()
    form = ContributionForm(cities=[practice.city], practice=practice)
    outcomes = OutcomeFormSet(initial=outcome_initial(practice), prefix="outcomes")
    return _edit_page(
        request,
        practice=practice,
        form=form,
        outcomes=outcomes,
        attach_form=attach_form,
        status=400,
    )


@require_POST
@sends_anonymous_to_login
def remove_attachment(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    practice = _practice_for(request, pk, "practices.edit_contribution")
    item = get_object_or_404(PracticeAttachment, pk=attachment, practice=practice)
    try:
        services.remove_file(attachment=item, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": item.name})
    return redirect("practices:edit", practice.pk)


@require_safe
def download(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    """A practice's attachment, for those who may see the practice."""
    practice = get_object_or_404(Practice.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm("practices.view_practice", practice):
        raise Http404
    item = get_object_or_404(PracticeAttachment, pk=attachment, practice=practice)
    try:
        handle = item.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=item.name, content_type=files.content_type(item)
    )


@require_safe
@login_required
def review(request: HttpRequest) -> HttpResponse:
    """Contributions waiting for review (for their themes' facilitators and coordinators), and
    an officer's city's contributions with their status ("Our practices")."""
    user = request.user
    roles = roles_of(user)
    reviews = user.has_perm("practices.review_contributions")
    if not reviews and not roles.officer_of:
        raise PermissionDenied
    contributed = (
        Practice.objects.filter(origin=Practice.Origin.CONTRIBUTED)
        .select_related("city")
        .prefetch_related("themes")
        .order_by("-submitted_at", "-created_at", "pk")
    )
    waiting: list[Practice] = []
    if reviews:
        queue = contributed.filter(status=Practice.Status.SUBMITTED)
        if not roles.coordinator:
            queue = queue.filter(themes__in=sorted(roles.facilitating)).distinct()
        waiting = list(queue)
    ours = list(contributed.filter(city__in=sorted(roles.officer_of))) if roles.officer_of else []
    return render(
        request,
        "practices/review_list.html",
        {
            "waiting": waiting,
            "ours": ours,
            "reviews": reviews,
            "may_contribute": user.has_perm("practices.contribute_practice"),
        },
    )
