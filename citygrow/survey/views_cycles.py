"""The survey's cycle pages (issue 15 part 3): opening and changing a cycle and inviting cities
(coordinators), a cycle's page (public; who was invited is seen by coordinators, and by a
city's officers for their own city), a city's response (its officers and the coordinators, or
anyone once accepted and published), answering it commitment by commitment, and its workflow.

Access rules: citygrow.survey.rules; the writes: citygrow.survey.services. Each rating and
role note saves on its own, as an assessment's answers do (assessments.views.answer_save): with
htmx the form comes back saved, refused, or in conflict with someone else's newer version;
without scripts the page comes back, at the form."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.middleware import HtmxDetails

from citygrow.core.access import get_for_user
from citygrow.core.decorators import permission_required, sends_anonymous_to_login
from citygrow.people.rules import roles_of
from citygrow.survey import services
from citygrow.survey.forms import (
    CycleForm,
    InviteForm,
    OpenCycleForm,
    RatingForm,
    ReturnForm,
    RoleNoteForm,
    extra_initial,
)
from citygrow.survey.models import (
    CharterRole,
    Commitment,
    CommitmentAnswer,
    Cycle,
    ExtraQuestion,
    Questionnaire,
    Response,
    RoleNote,
)


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (for the type checker)."""

    htmx: HtmxDetails


# -- cycles -------------------------------------------------------------------------------------


@dataclass
class CycleRow:
    """A cycle as the Charter page lists it: with its phase today."""

    cycle: Cycle
    phase: str


def cycle_rows() -> list[CycleRow]:
    """Every cycle, newest first, with its response counts and phase today (one query)."""
    day = services.today()
    return [
        CycleRow(cycle, cycle.phase_on(day))
        for cycle in Cycle.objects.with_counts().order_by("-opens_on", "-pk")
    ]


def _cycles() -> QuerySet[Cycle]:
    return Cycle.objects.with_counts().select_related("questionnaire")


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("survey.add_cycle")
def cycle_new(request: HttpRequest) -> HttpResponse:
    """Open a cycle on a published edition, inviting every signatory or no city yet."""
    day = services.today()
    form = OpenCycleForm(
        request.POST or None,
        initial={"opens_on": day, "closes_on": day + datetime.timedelta(weeks=8)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cycle = services.open_cycle(
                questionnaire=data["questionnaire"],
                label=data["label"],
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                cities=None if data["invite_signatories"] else [],
                by=request.user,
            )
        except services.SurveyError as error:
            error.show_on(form)
        else:
            invited = cycle.responses.count()
            messages.success(
                request,
                ngettext(
                    "The cycle %(label)s is opened; %(count)d city is invited.",
                    "The cycle %(label)s is opened; %(count)d cities are invited.",
                    invited,
                )
                % {"label": cycle.label, "count": invited},
            )
            return redirect(cycle)
    return render(
        request,
        "survey/cycle_new.html",
        {"form": form, "has_edition": Questionnaire.objects.current() is not None},
        status=400 if form.is_bound else 200,
    )


@require_safe
def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle: its edition, dates, phase and response rate; who was invited, for those who
    may see it."""
    found = get_object_or_404(_cycles(), pk=pk)
    return _cycle_page(request, found)


def _cycle_page(
    request: HttpRequest,
    found: Cycle,
    *,
    cycle_form: CycleForm | None = None,
    invite_form: InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    phase = found.phase_on(services.today())
    may_change = request.user.has_perm("survey.change_cycle", found)
    responses = found.responses.select_related("city").order_by("city__name")
    if not may_change:
        # A city's officers see their own city's response; others see no city.
        responses = responses.filter(city__in=roles_of(request.user).officer_of)
    context: dict[str, Any] = {
        "cycle": found,
        "phase": phase,
        "responses": list(responses),
        "may_change": may_change,
        "may_view_results": request.user.has_perm("survey.view_results", found),
    }
    if may_change:
        context["cycle_form"] = cycle_form or CycleForm(
            initial={"title": found.title, "opens_on": found.opens_on, "closes_on": found.closes_on}
        )
        context["invite_form"] = invite_form or InviteForm(cycle=found)
    return render(request, "survey/cycle.html", context, status=status)


def _get_cycle_to_change(request: HttpRequest, pk: int) -> Cycle:
    return get_for_user(
        request,
        _cycles(),
        view="survey.view_cycle",
        perm="survey.change_cycle",
        login_first=True,
        pk=pk,
    )


@require_POST
@sends_anonymous_to_login
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the cycle's title or dates (to extend it, say)."""
    found = _get_cycle_to_change(request, pk)
    form = CycleForm(request.POST)
    if form.is_valid():
        try:
            services.change_cycle(cycle=found, by=request.user, **form.cleaned_data)
        except services.SurveyError as error:
            error.show_on(form)
        else:
            messages.success(request, _("The cycle's title and dates are saved."))
            return redirect(found)
    return _cycle_page(request, found, cycle_form=form, status=400)


@require_POST
@sends_anonymous_to_login
def cycle_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite more cities into the cycle."""
    found = _get_cycle_to_change(request, pk)
    form = InviteForm(request.POST, cycle=found)
    if form.is_valid():
        try:
            new = services.invite(cycle=found, cities=form.cleaned_data["cities"], by=request.user)
        except services.SurveyError as error:
            error.show_on(form)
        else:
            messages.success(
                request,
                ngettext("%(count)d city is invited.", "%(count)d cities are invited.", len(new))
                % {"count": len(new)},
            )
            return redirect(found)
    return _cycle_page(request, found, invite_form=form, status=400)


# -- a city's response --------------------------------------------------------------------------


def _get_response_for_user(request: HttpRequest, pk: int, perm: str | None = None) -> Response:
    """The response, if the person may see it (404 otherwise); 403 if they may not do `perm`."""
    return get_for_user(
        request,
        Response.objects.select_related("cycle__questionnaire", "city"),
        view="survey.view_response",
        perm=perm,
        pk=pk,
    )


@dataclass
class Row:
    """One commitment of the response: its stored rating (None: not rated) and, on the answer
    page, its form and the newer rating it conflicts with."""

    commitment: Commitment
    answer: CommitmentAnswer | None
    form: RatingForm | None = None
    conflict: CommitmentAnswer | None = None

    def extras(self) -> list[tuple[ExtraQuestion, Any]]:
        """Each extra question with its answer (None: not answered)."""
        given = self.answer.extra if self.answer else {}
        return [(q, given.get(q.code)) for q in self.commitment.questions.all()]


@dataclass
class Section:
    """One role of the response: its commitments and the city's note on it."""

    role: CharterRole
    rows: list[Row]
    note: RoleNote | None
    form: RoleNoteForm | None = None
    conflict: RoleNote | None = None


@dataclass
class Sheet:
    """A response's roles, commitments, ratings and notes, in the edition's order; loaded in
    six queries whatever their number (see `load_sheet`)."""

    questionnaire: Questionnaire
    sections: list[Section] = field(default_factory=list)

    @property
    def rated(self) -> int:
        return sum(1 for s in self.sections for row in s.rows if row.answer is not None)

    @property
    def total(self) -> int:
        return sum(len(s.rows) for s in self.sections)


def load_sheet(response: Response) -> Sheet:
    """The response's sheet: the edition's content (four queries), its ratings and its notes
    (one each)."""
    questionnaire = Questionnaire.objects.with_content().get(pk=response.cycle.questionnaire_id)
    answers = {
        a.commitment_id: a
        for a in CommitmentAnswer.objects.filter(response=response).select_related("updated_by")
    }
    notes = {n.role_id: n for n in RoleNote.objects.filter(response=response)}
    sheet = Sheet(questionnaire)
    for role in questionnaire.roles.all():
        rows = [Row(c, answers.get(c.pk)) for c in role.commitments.all()]
        sheet.sections.append(Section(role, rows, notes.get(role.pk)))
    return sheet


def _phase_notice(response: Response) -> str | None:
    """Why the response's answers cannot change today, or None when they can."""
    if not response.is_editable:
        return _("This response is %(status)s: its answers can no longer change.") % {
            "status": response.get_status_display()
        }
    phase = response.cycle.phase_on(services.today())
    if phase == "upcoming":
        return _("This cycle opens on %(day)s: answers are taken from then.") % {
            "day": date_format(response.cycle.opens_on)
        }
    if phase == "closed":
        return _("This cycle closed on %(day)s: answers can no longer change.") % {
            "day": date_format(response.cycle.closes_on)
        }
    return None


@require_safe
def response(request: HttpRequest, pk: int) -> HttpResponse:
    """The city's response: every rating with its evidence, the notes, and the workflow."""
    found = _get_response_for_user(request, pk)
    return _response_page(request, found)


def _response_page(
    request: HttpRequest,
    found: Response,
    *,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can = {
        "answer": user.has_perm("survey.answer_response", found),
        "decide": user.has_perm("survey.decide_response", found),
        "publish": user.has_perm("survey.publish_answers", found),
    }
    return render(
        request,
        "survey/response.html",
        {
            "response": found,
            "sheet": load_sheet(found),
            "can": can,
            "closed_notice": _phase_notice(found) if can["answer"] else None,
            "return_form": return_form or (ReturnForm() if can["decide"] else None),
        },
        status=status,
    )


@require_safe
def response_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire to answer: one form per commitment and per role, each saved as it is
    given."""
    found = _get_response_for_user(request, pk, "survey.answer_response")
    return _answer_page(request, found)


def _answer_page(
    request: HttpRequest,
    found: Response,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    sheet = load_sheet(found)
    forms = forms or {}
    for section in sheet.sections:
        section.form = forms.get(f"role-{section.role.pk}") or _note_form(
            section.role, section.note
        )
        section.conflict = forms.get(f"role-conflict-{section.role.pk}")
        for row in section.rows:
            key = row.commitment.pk
            row.form = forms.get(f"commitment-{key}") or _rating_form(row.commitment, row.answer)
            row.conflict = forms.get(f"conflict-{key}")
    previous = found.previous() if sheet.rated == 0 else None
    return render(
        request,
        "survey/response_answer.html",
        {
            "response": found,
            "sheet": sheet,
            "previous": previous,
            "closed_notice": _phase_notice(found),
            "progress": {"rated": sheet.rated, "total": sheet.total},
        },
        status=status,
    )


def _rating_form(
    commitment: Commitment, answer: CommitmentAnswer | None, data: Any = None
) -> RatingForm:
    initial: dict[str, Any] = {}
    if answer is not None:
        initial = {
            "rating": answer.rating,
            "evidence": answer.evidence,
            "links": answer.links,
            "version": answer.version,
            **extra_initial(answer),
        }
    return RatingForm(data, initial=initial, prefix=f"c{commitment.pk}", commitment=commitment)


def _note_form(role: CharterRole, note: RoleNote | None, data: Any = None) -> RoleNoteForm:
    initial = {"note": note.note, "version": note.version} if note else {}
    return RoleNoteForm(data, initial=initial, prefix=f"r{role.pk}")


def _with_version(data: Any, prefix: str, version: int) -> Any:
    """The person's typed data, as if read at `version`: saving it again replaces the other
    person's (which the form now shows them)."""
    data = data.copy()
    data[f"{prefix}-version"] = str(version)
    return data


def _answer_url(found: Response, anchor: str) -> str:
    return f"{reverse('survey:response_answer', args=[found.pk])}#{anchor}"


@require_http_methods(["GET", "POST"])
def rating_save(request: HtmxHttpRequest, pk: int, commitment_pk: int) -> HttpResponse:
    """Save one commitment's rating. With htmx, answers with the commitment's form (saved,
    refused, or in conflict); without scripts, goes back to the questionnaire (409 on a
    conflict, 400 when refused). GET gives the form as stored."""
    found = _get_response_for_user(request, pk, "survey.answer_response")
    commitment = get_object_or_404(
        Commitment.objects.prefetch_related("questions"),
        pk=commitment_pk,
        questionnaire=found.cycle.questionnaire_id,
    )
    if request.method == "GET":
        answer = CommitmentAnswer.objects.filter(response=found, commitment=commitment).first()
        return _rating_partial(
            request, found, Row(commitment, answer, _rating_form(commitment, answer))
        )
    form = _rating_form(commitment, None, request.POST)
    conflict: CommitmentAnswer | None = None
    saved = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            answer = services.save_rating(
                response=found,
                commitment=commitment,
                rating=data["rating"],
                evidence=data["evidence"],
                links=data["links"],
                extra=form.extra,
                seen_version=data["version"],
                by=request.user,
            )
        except services.RatingConflict as error:
            conflict = error.current
            form = _rating_form(
                commitment, None, _with_version(request.POST, form.prefix or "", conflict.version)
            )
            form.is_valid()
        except services.SurveyError as error:
            error.show_on(form)
        else:
            form = _rating_form(commitment, answer)
            saved = True
    if not request.htmx:
        if saved:
            return redirect(_answer_url(found, f"commitment-{commitment.pk}"))
        forms = {f"commitment-{commitment.pk}": form, f"conflict-{commitment.pk}": conflict}
        return _answer_page(request, found, forms=forms, status=409 if conflict else 400)
    row = Row(commitment, None, form, conflict)
    return _rating_partial(request, found, row, saved=saved)


def _rating_partial(
    request: HttpRequest, found: Response, row: Row, *, saved: bool = False
) -> HttpResponse:
    """The commitment's form, and the progress out of band. Answered 200 also when refused
    or in conflict: htmx swaps only a 2xx answer in."""
    rated = CommitmentAnswer.objects.filter(response=found).count()
    total = Commitment.objects.filter(questionnaire=found.cycle.questionnaire_id).count()
    return render(
        request,
        "survey/_rating.html",
        {
            "response": found,
            "row": row,
            "saved": saved,
            "progress": {"rated": rated, "total": total},
            "oob": True,
        },
    )


@require_POST
def role_note_save(request: HtmxHttpRequest, pk: int, role_pk: int) -> HttpResponse:
    """Save the city's note on one role, like a rating (see `rating_save`)."""
    found = _get_response_for_user(request, pk, "survey.answer_response")
    role = get_object_or_404(CharterRole, pk=role_pk, questionnaire=found.cycle.questionnaire_id)
    form = _note_form(role, None, request.POST)
    conflict: RoleNote | None = None
    saved = False
    if form.is_valid():
        try:
            note = services.save_role_note(
                response=found,
                role=role,
                note=form.cleaned_data["note"],
                seen_version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.RoleNoteConflict as error:
            conflict = error.current
            form = _note_form(
                role, None, _with_version(request.POST, form.prefix or "", conflict.version)
            )
            form.is_valid()
        except services.SurveyError as error:
            error.show_on(form)
        else:
            form = _note_form(role, note)
            saved = True
    if not request.htmx:
        if saved:
            return redirect(_answer_url(found, f"role-note-{role.pk}"))
        forms = {f"role-{role.pk}": form, f"role-conflict-{role.pk}": conflict}
        return _answer_page(request, found, forms=forms, status=409 if conflict else 400)
    section = Section(role, [], None, form, conflict)
    return render(
        request,
        "survey/_role_note.html",
        {"response": found, "section": section, "saved": saved},
    )


#: The workflow's actions and the permission each needs.
ACTIONS = {
    "submit": "survey.answer_response",
    "start-from-previous": "survey.answer_response",
    "accept": "survey.decide_response",
    "return": "survey.decide_response",
    "publish": "survey.publish_answers",
    "unpublish": "survey.publish_answers",
}


@require_POST
def response_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Submit, start from the previous cycle's answers, accept, return for changes, publish
    or keep private. A refusal is shown as a message on the page it came from."""
    if action not in ACTIONS:
        raise Http404
    found = _get_response_for_user(request, pk, ACTIONS[action])
    back = found.get_absolute_url()
    try:
        if action == "submit":
            _submit(request, found)
        elif action == "start-from-previous":
            back = reverse("survey:response_answer", args=[found.pk])
            copied = services.start_from_previous(response=found, by=request.user)
            messages.success(
                request,
                ngettext(
                    "%(count)d rating copied from your previous answers: check each one.",
                    "%(count)d ratings copied from your previous answers: check each one.",
                    copied,
                )
                % {"count": copied},
            )
        elif action == "accept":
            services.accept_response(response=found, by=request.user)
            messages.success(request, _("Accepted: the response counts in the cycle's results."))
        elif action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                return _response_page(request, found, return_form=form, status=400)
            services.return_response(
                response=found, note=form.cleaned_data["note"], by=request.user
            )
            messages.success(request, _("Returned to the city for changes."))
        else:
            public = action == "publish"
            services.set_answers_public(response=found, public=public, by=request.user)
            if public:
                messages.success(
                    request,
                    _("Your answers will be public once the coordinators accept the response.")
                    if found.status != Response.Status.ACCEPTED
                    else _("Your answers are public."),
                )
            else:
                messages.success(
                    request,
                    _("Your answers are private to your city's officers and the coordinators."),
                )
    except services.SurveyError as error:
        messages.error(request, error.message)
    return redirect(back)


def _submit(request: HttpRequest, found: Response) -> None:
    missing = services.submit_response(response=found, by=request.user)
    if missing:
        messages.warning(
            request,
            ngettext(
                "Submitted with %(count)d commitment not rated (%(codes)s): it counts as not "
                "answered.",
                "Submitted with %(count)d commitments not rated (%(codes)s): they count as not "
                "answered.",
                len(missing),
            )
            % {"count": len(missing), "codes": ", ".join(c.code for c in missing)},
        )
    else:
        messages.success(request, _("Submitted to the coordinators."))
