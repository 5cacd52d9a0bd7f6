"""The infographic's files: the SVG itself, a PDF on A4 (portrait) or A3 (the poster: the same
drawing scaled up, as both have the same aspect ratio), and a PNG for newsletters and slides.

The PDF is WeasyPrint rendering one page that holds the SVG, so its text stays text (it can be
searched, copied and read back). The PNG is that A4 PDF rasterised by PDFium (`pypdfium2`) at
150 dots per inch: 1241 by 1754 pixels. A published infographic never changes, so its files are
kept in the cache; a draft's are made anew each time.
"""

from __future__ import annotations

import hashlib
import io

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.text import slugify

from citygrow.core.versions import renderer_version
from citygrow.publishing import infographic as drawing
from citygrow.reporting import infographics
from citygrow.reporting.models import Infographic

#: The downloads: name in the address → (what it is, content type, file extension).
FORMATS = {
    "svg": ("SVG", "image/svg+xml", "svg"),
    "pdf-a4": ("PDF, A4", "application/pdf", "pdf"),
    "pdf-a3": ("PDF, A3 poster", "application/pdf", "pdf"),
    "png": ("PNG", "image/png", "png"),
}
PNG_DPI = 150
CACHE_SECONDS = 30 * 24 * 3600


def svg(content: drawing.Content) -> str:
    return drawing.draw(content)


def pdf(content: drawing.Content, *, size: str = "A4") -> bytes:
    """One page of `size` ("A4" or "A3") holding the drawing, edge to edge."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # needs Pango

    html = render_to_string(
        "reporting/infographic_pdf.html",
        {"svg": drawing.draw(content), "size": size, "title": content.title},
    )
    return bytes(HTML(string=html).write_pdf())


def png(content: drawing.Content) -> bytes:
    """The A4 PDF as a picture, PNG_DPI dots per inch."""
    import pypdfium2  # type: ignore[import-untyped]

    document = pypdfium2.PdfDocument(pdf(content, size="A4"))
    try:
        image = document[0].render(scale=PNG_DPI / 72).to_pil()
    finally:
        document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def filename(infographic: Infographic) -> str:
    pairing = infographic.pairing
    return slugify(
        f"infographic {pairing.implementing_city.name} {pairing.mentor_city.name} "
        f"{pairing.theme.code} v{infographic.number}"
    )


def _make(content: drawing.Content, fmt: str) -> bytes:
    if fmt == "svg":
        return svg(content).encode()
    if fmt == "png":
        return png(content)
    return pdf(content, size="A3" if fmt == "pdf-a3" else "A4")


def response(request: HttpRequest, infographic: Infographic, fmt: str) -> HttpResponse:
    """The file `fmt` (a key of FORMATS) of `infographic`; 503 with a page saying so when this
    server cannot make PDFs (no Pango)."""
    content = infographics.compose(infographic)
    key = None
    if infographic.is_published:
        digest = hashlib.sha256(drawing.draw(content).encode()).hexdigest()[:24]
        key = f"infographic:{infographic.pk}:{fmt}:{digest}:{renderer_version()}"
    data = cache.get(key) if key else None
    if data is None:
        try:
            data = _make(content, fmt)
        except OSError:  # Pango, which WeasyPrint needs, is not installed on this server
            return render(
                request,
                "reporting/pdf_unavailable.html",
                {"infographic": infographic},
                status=503,
            )
        if key:
            cache.set(key, data, CACHE_SECONDS)
    _label, content_type, extension = FORMATS[fmt]
    reply = HttpResponse(data, content_type=content_type)
    disposition = "inline" if fmt == "svg" else "attachment"
    reply["Content-Disposition"] = (
        f'{disposition}; filename="{filename(infographic)}'
        f'{"-a3" if fmt == "pdf-a3" else ""}.{extension}"'
    )
    if fmt == "svg":
        # Opened on its own, the drawing needs no script and may load nothing.
        reply["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return reply
