"""Rules for uploaded documents: the type is read from the content, never the name, and the
name must be a plain file name (no folder, drive, control characters or hidden marks)."""

import io
import re
import unicodedata
import zipfile

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.text import is_hidden_character

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_FILENAME_LENGTH = 200

PDF = "application/pdf"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {PDF: ".pdf", WORD: ".docx", EXCEL: ".xlsx"}
# The main part that makes an Office Open XML package a Word or an Excel file.
_OFFICE_PARTS = {"word/document.xml": WORD, "xl/workbook.xml": EXCEL}

_DRIVE = re.compile(r"^[A-Za-z]:")
_NOT_PLAIN = re.compile(r"[^\w .()\-]")

NAME_HAS_FOLDER = "The selected file’s name must not include a folder or drive, like / or \\ or C:"
NAME_STARTS_BADLY = "The selected file’s name must not start with a full stop or a dash"
NAME_HAS_CONTROLS = "The selected file’s name must not include control characters or hidden marks"
NAME_TOO_LONG = f"The selected file’s name must be {MAX_FILENAME_LENGTH} characters or fewer"
NAME_MISSING = "The selected file must have a name"
NOT_PDF = "The selected file must be a PDF"
NOT_DOCUMENT = "The selected file must be a PDF, Word or Excel document"


def check_filename(name: str | None, field: str) -> str:
    """The name as given when it is a plain file name. Raises RuleViolation (on ``field``) when
    it is blank or longer than 200 characters, names a folder or drive (/, \\, .., C:), starts
    with a full stop or a dash, or holds control characters or hidden marks."""
    name = name or ""
    if not name.strip():
        raise RuleViolation(NAME_MISSING, field=field)
    if any(is_hidden_character(c) for c in name):
        raise RuleViolation(NAME_HAS_CONTROLS, field=field)
    if "/" in name or "\\" in name or _DRIVE.match(name) or name.strip() == "..":
        raise RuleViolation(NAME_HAS_FOLDER, field=field)
    if name.lstrip().startswith((".", "-")):
        raise RuleViolation(NAME_STARTS_BADLY, field=field)
    if len(name) > MAX_FILENAME_LENGTH:
        raise RuleViolation(NAME_TOO_LONG, field=field)
    return name


def document_type(content: bytes) -> str | None:
    """The media type of a PDF, Word (.docx) or Excel (.xlsx) file, recognised by its content,
    never its name; None for anything else, damaged archives included."""
    if content.startswith(PDF_MAGIC):
        return PDF
    if not content.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for part, kind in _OFFICE_PARTS.items() if part in names), None)


def _check_upload(content: bytes | None, filename: str | None, field: str, max_bytes: int) -> None:
    if content is None:
        raise RuleViolation("Select a file", field=field)
    check_filename(filename, field)
    if not content:
        raise RuleViolation("The selected file is empty", field=field)
    if len(content) > max_bytes:
        raise RuleViolation(f"The selected file must be smaller than {max_bytes // (1024 * 1024)}MB", field=field)


def check_document(content: bytes | None, filename: str | None, field: str,
                   max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """The media type of an uploaded PDF, Word or Excel document. Raises RuleViolation (on
    ``field``) when no file was chosen, its name is not a plain file name, or it is empty, too
    large or of another type, whatever its name says."""
    _check_upload(content, filename, field, max_bytes)
    kind = document_type(content)
    if kind is None:
        raise RuleViolation(NOT_DOCUMENT, field=field)
    return kind


def check_pdf(content: bytes | None, filename: str | None, field: str, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
    """Raises RuleViolation when no file was chosen, its name is not a plain file name, or it is
    empty, too large, or not a PDF."""
    _check_upload(content, filename, field, max_bytes)
    if document_type(content) != PDF:
        raise RuleViolation(NOT_PDF, field=field)


def plain_characters(name: str) -> str:
    """``name`` (NFKC) with every character other than letters, digits, spaces and . ( ) - _
    made an underscore: no quotes, slashes, semicolons, control characters or hidden marks,
    so that it is safe in a download's name whatever reads it."""
    return _NOT_PLAIN.sub("_", unicodedata.normalize("NFKC", name))


def safe_filename(name: str | None, default: str = "document.pdf", media_type: str | None = None) -> str:
    """A display name with any folder part, control characters and odd punctuation removed,
    ending in the extension of ``media_type`` (the type the content was recognised as), so
    that the file opens in the right program whatever it was called."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = plain_characters(name).strip(" .")
    name = name[:MAX_FILENAME_LENGTH] or default
    extension = EXTENSIONS.get(media_type)
    if extension and not name.lower().endswith(extension):
        stem, dot, current = name.rpartition(".")
        if dot and f".{current.lower()}" in EXTENSIONS.values():
            name = stem  # a PDF called report.xlsx becomes report.pdf
        name = name[:MAX_FILENAME_LENGTH - len(extension)] + extension
    return name
