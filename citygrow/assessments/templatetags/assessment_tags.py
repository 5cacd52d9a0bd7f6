from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def score(value: float | None) -> str:
    """A score as people read it: one decimal at most ("62.5", "100"), or "no score"."""
    if value is None:
        return _("no score")
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


@register.filter
def factor_at(sheet: Any, position: int) -> Any:
    """The sheet's row for the key factor numbered `position`."""
    return next(row for row in sheet.factors if row.key_factor.position == position)


@register.filter
def applying(rows: Any) -> list[Any]:
    """The context rows the city said apply."""
    return [row for row in rows if row.note]


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """mapping[key], or None."""
    return mapping.get(key) if mapping else None


@register.filter
def signed(value: float | None) -> str:
    """A change: "+12.5", a minus sign and 5, "0", or "—" when there is nothing to compare."""
    if value is None:
        return "—"
    text = score(abs(value))
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"\u2212{text}"
    return "0"
