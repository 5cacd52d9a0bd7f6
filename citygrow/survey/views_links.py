"""Linking a Charter commitment to the toolkits and key factors that serve it (issue 15 part 5),
for coordinators: every published toolkit as a fieldset, with "Linked" and its key factors.

The sources do not say which commitments a toolkit serves: a coordinator records it here. The
links are shown under each commitment on the questionnaire's pages and drawn on by a city's
results page (citygrow.survey.links). Access: `survey.link_commitment`; the write:
`services.save_links`."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Prefetch, Q
from django.forms import BoundField
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from citygrow.catalogue.models import KeyFactor, Toolkit
from citygrow.core.decorators import permission_required
from citygrow.survey import services
from citygrow.survey.models import Commitment, CommitmentLink


@dataclass
class ToolkitGroup:
    """One toolkit's fieldset: its "Linked" box and its key factors' boxes."""

    toolkit: Toolkit
    linked: BoundField
    key_factors: BoundField


class LinksForm(forms.Form):
    """A "Linked" box and the key factors' boxes per toolkit (`t<toolkit id>-linked`,
    `t<toolkit id>-key_factors`: the key factors' numbers). Key factors ticked without "Linked"
    are refused, so that nothing ticked is silently dropped."""

    def __init__(
        self, *args: Any, toolkits: list[Toolkit], links: list[CommitmentLink], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.toolkits = toolkits
        stored = {link.toolkit_id: link for link in links}
        for toolkit in toolkits:
            link = stored.get(toolkit.pk)
            self.fields[f"t{toolkit.pk}-linked"] = forms.BooleanField(
                label=gettext_lazy("Linked"), required=False, initial=link is not None
            )
            self.fields[f"t{toolkit.pk}-key_factors"] = forms.TypedMultipleChoiceField(
                label=gettext_lazy("Key factors that serve the commitment"),
                required=False,
                coerce=int,
                choices=[
                    (factor.position, f"{factor.position}. {factor.heading}")
                    for factor in toolkit.key_factors.all()
                ],
                initial=[factor.position for factor in link.key_factors.all()] if link else [],
                widget=forms.CheckboxSelectMultiple,
                help_text=gettext_lazy("None ticked: the toolkit as a whole."),
            )

    def groups(self) -> list[ToolkitGroup]:
        return [
            ToolkitGroup(
                toolkit=toolkit,
                linked=self[f"t{toolkit.pk}-linked"],
                key_factors=self[f"t{toolkit.pk}-key_factors"],
            )
            for toolkit in self.toolkits
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for toolkit in self.toolkits:
            if data.get(f"t{toolkit.pk}-key_factors") and not data.get(f"t{toolkit.pk}-linked"):
                self.add_error(
                    f"t{toolkit.pk}-key_factors",
                    _("Tick “Linked” to link this toolkit with these key factors, or clear them."),
                )
        return data

    def links(self) -> list[tuple[Toolkit, list[KeyFactor]]]:
        """The toolkits ticked, each with its key factors ticked (after `is_valid`)."""
        chosen = []
        for toolkit in self.toolkits:
            if self.cleaned_data.get(f"t{toolkit.pk}-linked"):
                numbers = set(self.cleaned_data.get(f"t{toolkit.pk}-key_factors") or [])
                chosen.append(
                    (toolkit, [f for f in toolkit.key_factors.all() if f.position in numbers])
                )
        return chosen


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("survey.link_commitment")
def commitment_links(request: HttpRequest, pk: int) -> HttpResponse:
    """The form: every published toolkit (and any other edition already linked), newest first
    within its theme. Saved links replace the commitment's; back to the edition's page."""
    commitment = get_object_or_404(
        Commitment.objects.select_related("questionnaire", "role"), pk=pk
    )
    links = list(
        CommitmentLink.objects.filter(commitment=commitment).prefetch_related("key_factors")
    )
    toolkits = list(
        Toolkit.objects.filter(
            Q(status=Toolkit.Status.PUBLISHED) | Q(pk__in=[link.toolkit_id for link in links])
        )
        .select_related("theme")
        .prefetch_related(Prefetch("key_factors", queryset=KeyFactor.objects.order_by("position")))
        .order_by("theme__code", "-year")
    )
    form = LinksForm(request.POST or None, toolkits=toolkits, links=links)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_links(commitment=commitment, links=form.links(), by=request.user)
        except services.SurveyError as error:
            error.show_on(form)
        else:
            messages.success(
                request,
                ngettext(
                    "%(code)s is linked to %(count)d toolkit.",
                    "%(code)s is linked to %(count)d toolkits.",
                    len(saved),
                )
                % {"code": commitment.code, "count": len(saved)}
                if saved
                else _("%(code)s is linked to no toolkit.") % {"code": commitment.code},
            )
            return redirect(
                f"{commitment.questionnaire.get_absolute_url()}#commitment-{commitment.code}"
            )
    return render(
        request,
        "survey/commitment_links.html",
        {"commitment": commitment, "form": form, "groups": form.groups()},
        status=400 if request.method == "POST" else 200,
    )
