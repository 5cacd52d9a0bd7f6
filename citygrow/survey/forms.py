"""The form of the questionnaire upload page."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from citygrow.survey.services import UPLOAD_MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Questionnaire file (YAML)"),
        help_text=_(
            "A file in the questionnaire file format (docs/questionnaire-format.md), at most "
            "512 KiB. It is loaded as a new edition: give it an edition label of its own."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,text/yaml"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too big: a questionnaire file is at most 512 KiB."), code="too_big"
            )
        return upload
