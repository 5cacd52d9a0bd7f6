from django import template
from django.utils.html import format_html, format_html_join, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from citygrow.catalogue.text import blocks

register = template.Library()


def _inline(line: str) -> str:
    return urlize(line, nofollow=True, autoescape=True)


@register.filter
def paragraphs(text: str) -> SafeString:
    """Render a toolkit text as HTML paragraphs and lists, with its addresses as links."""
    parts = []
    for block in blocks(text or ""):
        if block.kind == "list":
            items = format_html_join(
                "", "<li>{}</li>", ((mark_safe(_inline(line)),) for line in block.lines)
            )
            parts.append(format_html("<ul>{}</ul>", items))
        else:
            parts.append(format_html("<p>{}</p>", mark_safe(_inline(" ".join(block.lines)))))
    return mark_safe("".join(parts))


@register.filter
def excerpt(text: str, words: int = 40) -> str:
    """The first words of a text, as one line, for lists."""
    return Truncator(" ".join((text or "").replace("- ", "").split())).words(words)
