"""Form fields more than one app's pages use."""

from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from citygrow.core import history

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


#: The help under a date of the past.
PAST_DATE_HELP = _(
    "As YYYY-MM-DD, for example 2017-12-04; or YYYY-MM (2017-12) when only the month is known."
)


class PastDateField(forms.CharField):
    """A date of the past as the record has it: a day ("2017-12-04") or a month ("2017-12").
    Cleans to a `history.PastDate` (None when empty and not required)."""

    widget = forms.TextInput(attrs={"autocomplete": "off", "size": 10, "maxlength": 10})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", PAST_DATE_HELP)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> history.PastDate | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        found = history.parse(text)
        if found is None:
            raise forms.ValidationError(
                _(
                    "“%(value)s” is not a date: give it as YYYY-MM-DD (2017-12-04), or as "
                    "YYYY-MM (2017-12) when only the month is known."
                ),
                code="invalid",
                params={"value": text},
            )
        return found

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, history.PastDate):
            return history.iso(value)
        return super().prepare_value(value)
