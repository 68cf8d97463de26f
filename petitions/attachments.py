"""Checks on uploaded files: by their content, never by their name."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ALLOWED_TYPES = {
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/pdf",
}


def _sizes_apart(size: int, limit: int) -> tuple[str, str]:
    """Two sizes written so that they differ: rounded, unless rounding makes
    a file a few bytes over the limit look the same as the limit."""
    rounded = filesizeformat(size), filesizeformat(limit)
    if rounded[0] != rounded[1]:
        return rounded
    return tuple(_("%(bytes)s bytes") % {"bytes": f"{value:,}"} for value in (size, limit))


def attachment_content_type(upload) -> str:
    """Return the sniffed MIME type of an allowed file, or raise a
    ValidationError saying what is wrong."""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        size, limit = _sizes_apart(upload.size, settings.ATTACHMENT_MAX_BYTES)
        raise ValidationError(_("The file is %(size)s; files may be at most %(limit)s.")
                              % {"size": size, "limit": limit}, code="too_large")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("This file is not an image (JPEG, PNG, GIF, WebP) or a PDF document."),
            code="bad_type",
        )
    return kind.mime
