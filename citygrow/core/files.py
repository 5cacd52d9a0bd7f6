"""Files people attach (to progress updates, to contributed practices): what is accepted,
checked by content rather than by name, and how it is stored and served back."""

from __future__ import annotations

import os
import uuid
import zipfile
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from citygrow.core.errors import ServiceError

#: The kinds of files accepted as attachments: extension and content type, by what they hold.
KINDS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
    "jpg": "image/jpeg",
}


def kind_of(upload: UploadedFile) -> str | None:
    """What the file is by its content (not its name): "pdf", "docx", "png", "jpg" or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return "docx"
    return None


def check_attachment(upload: UploadedFile) -> str:
    """The kind of an attachment (see `kind_of`); ServiceError for one too large or of a kind not
    accepted."""
    name = os.path.basename(upload.name or "")
    limit = settings.CITYGROW_MAX_UPLOAD
    if upload.size is not None and upload.size > limit:
        raise ServiceError(
            _("%(name)s is too large: the limit is %(limit)s MB.")
            % {"name": name, "limit": f"{limit / 1024 / 1024:g}"},
            "attachments",
        )
    kind = kind_of(upload)
    if kind is None:
        raise ServiceError(
            _(
                "%(name)s is not a PDF, a Word (.docx) file or a PNG or JPEG image; "
                "attach only those."
            )
            % {"name": name},
            "attachments",
        )
    return kind


def attachment_name(upload: UploadedFile, kind: str) -> str:
    """The name an attachment is shown by: the uploaded file's, else "attachment.<kind>"."""
    return os.path.basename(upload.name or "")[:200] or f"attachment.{kind}"


def stored_name(kind: str) -> str:
    """A new, unguessable name to store an attachment of `kind` under."""
    return f"{uuid.uuid4().hex}.{kind}"


def content_type(attachment: Any) -> str:
    """The content type of a stored attachment (its stored name's extension is its checked
    kind)."""
    extension = os.path.splitext(attachment.file.name)[1].lstrip(".").lower()
    return KINDS.get(extension, "application/octet-stream")
