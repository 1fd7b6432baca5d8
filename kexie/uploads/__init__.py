"""
Upload checks shared by every model and the editor's image upload.

Files are judged by their content, never by their name: images must open in
Pillow as one of a few formats within size and pixel limits, documents must
carry the signature of an allowed document type. Stored names are generated,
so an upload can neither traverse paths nor overwrite another file.
"""

import io
import logging
import re
import uuid
import zipfile
import zlib
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}

# Markup a browser would run if it ever sniffed an "image" as a page: a file
# that is both a valid image and a web page (a polyglot) is refused. Markers
# are long enough that compressed pixel data practically never spells them.
ACTIVE_MARKUP_RE = re.compile(
    rb"<(?:script|html|iframe|object|embed|body|\?php)|<svg[\s>/]|javascript:", re.IGNORECASE
)
SCAN_BLOCK = 1024 * 1024

# Office Open XML documents are zip files; the legacy Office formats share the
# OLE2 compound-file signature.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCUMENT_TYPES = {
    "pdf": "PDF",
    "doc": "Word",
    "docx": "Word",
    "xls": "Excel",
    "xlsx": "Excel",
    "ppt": "PowerPoint",
    "pptx": "PowerPoint",
    "wps": "WPS",
    "txt": "TXT",
    "zip": "ZIP",
}
OOXML_MARKERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def _size_limit_error(size, limit):
    return ValidationError(
        _("The file is %(size)s; files may be at most %(limit)s."),
        code="file_too_large",
        params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
    )


def _carries_markup(file):
    file.seek(0)
    overlap = b""
    while block := file.read(SCAN_BLOCK):
        if ACTIVE_MARKUP_RE.search(overlap + block):
            return True
        overlap = block[-16:]
    return False


def _too_many_pixels(width, height, max_pixels):
    return ValidationError(
        _(
            "The image is %(width)s×%(height)s pixels; images may have at most "
            "%(max)s million pixels."
        ),
        code="too_many_pixels",
        params={"width": width, "height": height, "max": max_pixels // 1_000_000},
    )


def inspect_image(file):
    """Return Pillow's format name for an acceptable image, or raise ValidationError."""
    limit = settings.KEXIE_MAX_IMAGE_BYTES
    if file.size is not None and file.size > limit:
        raise _size_limit_error(file.size, limit)
    max_pixels = settings.KEXIE_MAX_IMAGE_PIXELS
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        if _carries_markup(file):
            raise ValidationError(
                _("This file contains web page or script code; it was not accepted as an image."),
                code="image_markup",
            )
        file.seek(0)
        with Image.open(file) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise _too_many_pixels(width, height, max_pixels)
            image_format = image.format
            if image_format not in IMAGE_FORMATS:
                raise ValidationError(
                    _("Only JPEG, PNG, GIF and WebP images can be uploaded."),
                    code="image_type",
                )
            decode_fully(image)
        if image_format == "PNG":
            _read_png_to_its_end(file)
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Pillow refuses to even open it: far beyond our own limit.
        raise ValidationError(
            _("The image has far too many pixels; images may have at most %(max)s million pixels."),
            code="too_many_pixels",
            params={"max": max_pixels // 1_000_000},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, zlib.error):
        # A truncated or corrupted file fails here, while every pixel is decoded.
        raise ValidationError(
            _(
                "This file is not a valid image, or it is damaged or incomplete. "
                "Upload a JPEG, PNG, GIF or WebP picture."
            ),
            code="invalid_image",
        ) from None
    finally:
        file.seek(position)
    return image_format


def decode_fully(image, size=None):
    """Decode every pixel of ``image`` (an open Pillow image), so damage shows now.

    ``verify()`` reads a PNG's chunks but not its compressed pixels and does not
    read a JPEG's at all: a truncated file passed it and failed later, when a
    page or a thumbnail needed the pixels. JPEGs are decoded at an eighth of
    their size (or ``size``), which reads all their data for a fraction of the
    memory: 7 MB instead of 150 MB for 39 million pixels. Other formats are
    decoded whole, which the pixel limit (KEXIE_MAX_IMAGE_PIXELS) bounds.
    """
    if image.format == "JPEG":
        image.draft("RGB", size or (max(1, image.width // 8), max(1, image.height // 8)))
    image.load()
    return image


def _read_png_to_its_end(file):
    """Read every chunk of a PNG up to IEND, checking their CRCs; raise OSError if damaged.

    Decoding stops at the last pixel row, so a PNG cut after its image data (its
    end chunk, or more, missing) decodes fine: the file is still incomplete, and
    is refused like any other truncated upload. ``verify()`` reads the chunks
    without decompressing them: cheap next to the decoding just done.
    """
    file.seek(0)
    with Image.open(file) as image:
        image.verify()


def validate_image(file):
    inspect_image(file)


def _document_kind(head, file, extension):
    if head.startswith(b"%PDF-"):
        return {"pdf"}
    if head.startswith(OLE2_SIGNATURE):
        return {"doc", "xls", "ppt", "wps"}
    if head.startswith(b"PK\x03\x04"):
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return set()
        kinds = {"zip"}
        for kind, marker in OOXML_MARKERS.items():
            if any(name.startswith(marker) for name in names):
                kinds.add(kind)
        return kinds
    if extension == "txt":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            return set()
        lowered = head.lower()
        if b"<script" in lowered or b"<html" in lowered or b"<svg" in lowered:
            return set()
        return {"txt"}
    return set()


def validate_attachment(file):
    """Accept allowed documents (by content) and images; refuse everything else."""
    limit = settings.KEXIE_MAX_ATTACHMENT_BYTES
    if file.size is not None and file.size > limit:
        raise _size_limit_error(file.size, limit)
    extension = PurePosixPath(file.name or "").suffix.lower().lstrip(".")
    if extension in {"jpg", "jpeg", "png", "gif", "webp"}:
        validate_image(file)
        return
    allowed = ", ".join(sorted(DOCUMENT_TYPES))
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            _("Files of type “%(ext)s” cannot be attached. Allowed types: %(allowed)s."),
            code="attachment_type",
            params={"ext": extension or "?", "allowed": allowed + ", jpg, png, gif, webp"},
        )
    position = file.tell()
    try:
        file.seek(0)
        head = file.read(2048)
        kinds = _document_kind(head, file, extension)
    finally:
        file.seek(position)
    if extension not in kinds:
        raise ValidationError(
            _("The file's content does not match its “.%(ext)s” name; it was not accepted."),
            code="attachment_content",
            params={"ext": extension},
        )


@deconstructible
class UploadTo:
    """Generated, date-bucketed file names: no traversal, no overwrite, no guessing."""

    def __init__(self, prefix):
        self.prefix = prefix

    def __call__(self, instance, filename):
        extension = PurePosixPath(filename).suffix.lower().lstrip(".")
        extension = "".join(ch for ch in extension if ch.isalnum())[:8] or "bin"
        if extension == "jpeg":
            extension = "jpg"
        today = timezone.localdate()
        return f"{self.prefix}/{today:%Y/%m}/{uuid.uuid4().hex}.{extension}"

    def __eq__(self, other):
        return isinstance(other, UploadTo) and other.prefix == self.prefix


def make_thumbnail(field_file, size, *, quality=82):
    """JPEG bytes of a thumbnail of a stored image, or None when it cannot be read.

    Fails softly: a damaged or missing stored image (written before the checks
    above, or changed on disk) must never break the page or save that uses it.
    """
    try:
        field_file.open("rb")
        try:
            with Image.open(field_file) as image:
                width, height = image.size
                if width * height > settings.KEXIE_MAX_IMAGE_PIXELS:
                    raise ValueError("too many pixels")
                # Shrink first, convert after: converting the full image first
                # held two copies of it (about 300 MB for 39 million pixels).
                decode_fully(image, size)
                image.thumbnail(size)
                image = image.convert("RGB")
                buffer = io.BytesIO()
                image.save(buffer, "JPEG", quality=quality)
        finally:
            field_file.seek(0)
    except (OSError, ValueError, SyntaxError, EOFError, zlib.error, Image.DecompressionBombError):
        logger.warning("No thumbnail for %s: the stored image cannot be read", field_file.name)
        return None
    return buffer.getvalue()


# --- Spreadsheets (zip bombs) ---------------------------------------------------

XLSX_LIMITS = {
    # A 20,000-row member list is about 15 MB of XML unpacked.
    "KEXIE_MAX_XLSX_UNCOMPRESSED_BYTES": 40 * 1024 * 1024,
    # Spreadsheet XML packs 5 to 30 times; 100 leaves room and stops bombs
    # (the one reported: 129 KB that unpacked to 50 MB, about 400 times).
    "KEXIE_MAX_XLSX_RATIO": 100,
    "KEXIE_MAX_XLSX_ENTRIES": 1_000,
    "KEXIE_MAX_XLSX_SHARED_STRINGS": 200_000,
}
# Entries this small may pack as tightly as they like.
RATIO_FLOOR_BYTES = 1024 * 1024
SHARED_STRING_RE = re.compile(rb"<(?:\w+:)?si[\s>/]")


def _xlsx_limit(name):
    return getattr(settings, name, XLSX_LIMITS[name])


def _spreadsheet_refused(message, **params):
    return ValidationError(message, code="spreadsheet_bomb", params=params)


def check_xlsx_archive(file):
    """Refuse an .xlsx whose zip entries unpack too far, before any parser opens it.

    openpyxl unpacks what the archive says; the reported file took 24 s and 344 MB
    for one request. The sizes a zip declares are what Python's zipfile will
    unpack at most (it stops there and fails the checksum), so checking them is
    enough for the size and the ratio. Shared strings are counted by streaming
    the entry in blocks, never holding it whole.
    """
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > _xlsx_limit("KEXIE_MAX_XLSX_ENTRIES"):
                raise _spreadsheet_refused(
                    _("The workbook holds %(count)s files; a spreadsheet has far fewer."),
                    count=len(entries),
                )
            total = sum(entry.file_size for entry in entries)
            limit = _xlsx_limit("KEXIE_MAX_XLSX_UNCOMPRESSED_BYTES")
            if total > limit:
                raise _spreadsheet_refused(
                    _("The workbook unpacks to %(size)s; imports may unpack to at most %(limit)s."),
                    size=filesizeformat(total),
                    limit=filesizeformat(limit),
                )
            ratio = _xlsx_limit("KEXIE_MAX_XLSX_RATIO")
            for entry in entries:
                if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > ratio * max(
                    entry.compress_size, 1
                ):
                    raise _spreadsheet_refused(
                        _(
                            "A part of the workbook is compressed %(ratio)s times, which no "
                            "real spreadsheet is; it was not opened."
                        ),
                        ratio=entry.file_size // max(entry.compress_size, 1),
                    )
            _count_shared_strings(archive)
    except zipfile.BadZipFile:
        raise ValidationError(
            _("This file is not a readable Excel workbook."), code="invalid_spreadsheet"
        ) from None
    finally:
        file.seek(0)


def _count_shared_strings(archive):
    names = [name for name in archive.namelist() if name.lower().endswith("sharedstrings.xml")]
    cap = _xlsx_limit("KEXIE_MAX_XLSX_SHARED_STRINGS")
    for name in names:
        count, tail = 0, b""
        with archive.open(name) as stream:
            while block := stream.read(SCAN_BLOCK):
                # A tag cut between two blocks is found in the kept tail; a tag
                # already counted is never in it.
                buffer, end = tail + block, 0
                for match in SHARED_STRING_RE.finditer(buffer):
                    count, end = count + 1, match.end()
                tail = buffer[max(end, len(buffer) - 16) :]
                if count > cap:
                    raise _spreadsheet_refused(
                        _(
                            "The workbook holds more than %(cap)s different texts; import it in parts."
                        ),
                        cap=cap,
                    )
