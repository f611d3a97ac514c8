"""Checking an uploaded evidence or report file: its size, and its type by content, not only its name.

Accepted: PDF, JPEG and PNG images, Office documents (.docx, .xlsx in the OOXML zip format; .odt,
.ods in the OpenDocument zip format; .doc, .xls in the older OLE2 format). The name's extension
must agree with what the first bytes say: a ``.pdf`` has to start with ``%PDF-``, a ``.docx`` has
to be a zip holding ``[Content_Types].xml``, an ``.odt`` a zip whose ``mimetype`` member names an
OpenDocument type, and so on. Zip members are only listed, never extracted.
"""

import secrets
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF, PNG, JPEG, OOXML, ODF, OLE2 = "pdf", "png", "jpeg", "ooxml", "odf", "ole2"

# extension -> (kind the content must have, content type to store and serve)
ALLOWED = {
    ".pdf": (PDF, "application/pdf"),
    ".png": (PNG, "image/png"),
    ".jpg": (JPEG, "image/jpeg"),
    ".jpeg": (JPEG, "image/jpeg"),
    ".docx": (
        OOXML,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ".xlsx": (OOXML, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".odt": (ODF, "application/vnd.oasis.opendocument.text"),
    ".ods": (ODF, "application/vnd.oasis.opendocument.spreadsheet"),
    ".doc": (OLE2, "application/msword"),
    ".xls": (OLE2, "application/vnd.ms-excel"),
}
ACCEPT_ATTR = ",".join(ALLOWED)
ZIP_MAX_MEMBERS = 5000
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_MB * 1024 * 1024


def _zip_kind(upload) -> str | None:
    """OOXML or ODF when ``upload`` is a zip of that format, else None."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_MEMBERS:
                return None
            names = {info.filename for info in infos}
            if "[Content_Types].xml" in names:
                return OOXML
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > 200:
                    return None
                mimetype = archive.read("mimetype")
                if mimetype.startswith(b"application/vnd.oasis.opendocument."):
                    return ODF
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def sniff(upload) -> str | None:
    """The kind of file ``upload`` is, judged by its first bytes (and a zip's members)."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(OLE2_MAGIC):
        return OLE2
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    return None


def check_upload(upload) -> str:
    """Validate ``upload``; return the content type to store. Raises ``ValidationError``."""
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > max_bytes():
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes())},
            code="too_large",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(
            _("Upload a PDF, a JPEG or PNG image, or an Office document (%(types)s).")
            % {"types": ", ".join(ALLOWED)},
            code="extension",
        )
    kind, content_type = ALLOWED[extension]
    if sniff(upload) != kind:
        raise ValidationError(
            _("The content of the file does not match its name (%(extension)s).")
            % {"extension": extension},
            code="content",
        )
    return content_type


def stored_name(original_name: str) -> str:
    """A name that cannot be guessed for storing a file, keeping its (checked) extension."""
    return f"{secrets.token_hex(12)}{PurePath(original_name).suffix.lower()}"
