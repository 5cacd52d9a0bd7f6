"""HTML to PDF with WeasyPrint, in one place. No Django here: the caller renders the HTML.

WeasyPrint needs the Pango library; on a server without it, importing WeasyPrint fails with
OSError, and `pdf_from_html` raises `PdfUnavailable` so that the page can say so plainly."""

from __future__ import annotations


class PdfUnavailable(Exception):
    """This server cannot make PDFs (WeasyPrint's Pango library is missing)."""


def pdf_from_html(html: str, base_url: str | None = None) -> bytes:
    """The PDF of `html`; `base_url` resolves its relative links and images."""
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except OSError as error:
        raise PdfUnavailable(str(error)) from error
    return bytes(HTML(string=html, base_url=base_url).write_pdf())
