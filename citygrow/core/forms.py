"""Form fields more than one app's pages use."""

from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

#: The most web addresses one answer, one practice or one item holds.
MAX_LINKS = 20


class LinksField(forms.CharField):
    """Web addresses, one per line; each must start with http:// or https://."""

    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value: Any) -> None:
        if len(value) > MAX_LINKS:
            raise forms.ValidationError(_("At most %(count)d links."), params={"count": MAX_LINKS})
        check = URLValidator(schemes=["http", "https"])
        for link in value:
            try:
                check(link)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(link)s” is not a web address starting with http:// or https://."),
                    params={"link": link[:100]},
                ) from None

    def run_validators(self, value: Any) -> None:
        return None

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list):
            return "\n".join(value)
        return super().prepare_value(value)
