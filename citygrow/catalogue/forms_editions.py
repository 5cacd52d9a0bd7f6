"""The forms of a theme's editions: starting one (blank or as a copy) and uploading a file."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from citygrow.catalogue.services import UPLOAD_MAX_BYTES, EditionHeader

YEARS = {"min_value": 1990, "max_value": 2100}


class CopyEditionForm(forms.Form):
    """A new edition as a copy of the theme's newest one: only its year."""

    year = forms.IntegerField(
        label=_("Edition year"), help_text=_("The year of the new edition."), **YEARS
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.now().year


class BlankEditionForm(CopyEditionForm):
    """A blank edition: its year and the fields every edition needs. Key factors, questions,
    examples, terms and context factors are added on the edit page (or by uploading a file)."""

    title = forms.CharField(
        label=_("Title"), max_length=300, help_text=_("The toolkit's title, e.g. the theme's.")
    )
    source_title = forms.CharField(
        label=_("Source: title"),
        max_length=500,
        help_text=_("The publication the toolkit's text comes from."),
    )
    source_publisher = forms.CharField(label=_("Source: publisher"), max_length=200)
    source_year = forms.IntegerField(
        label=_("Source: year of publication"), min_value=1900, max_value=2100
    )
    source_url = forms.URLField(
        label=_("Source: web address"), max_length=500, required=False, assume_scheme="https"
    )
    credit = forms.CharField(
        label=_("Credit"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
        help_text=_("Who wrote the text and who holds its rights, as the source says."),
    )
    standard = forms.CharField(
        label=_("Integrating Cities standard"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20_000,
        help_text=_("The one statement of the standard, as the source words it."),
    )

    def header(self) -> EditionHeader:
        data = self.cleaned_data
        return EditionHeader(
            year=data["year"],
            title=data["title"].strip(),
            source_title=data["source_title"].strip(),
            source_publisher=data["source_publisher"].strip(),
            source_year=data["source_year"],
            source_url=data["source_url"],
            credit=data["credit"].strip(),
            standard=data["standard"].strip(),
        )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Toolkit file (YAML or JSON)"),
        help_text=_(
            "A file in the toolkit file format, at most 2 MiB. It replaces the draft's whole "
            "content; the draft keeps its year and stays a draft."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".yaml,.yml,.json,text/yaml,application/json"}
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too big: a toolkit file is at most 2 MiB."), code="too_big"
            )
        return upload
