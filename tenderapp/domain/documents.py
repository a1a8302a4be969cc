"""Rules for uploaded documents: the type is read from the content, never the name; the
content must really be that type (a PDF that parses, a Word or Excel package within size limits
and holding no programs or macros); and the name must be a plain file name (no folder, drive,
control characters or hidden marks)."""

import io
import re
import unicodedata
import zipfile

from defusedxml import ElementTree
from pypdf import PdfReader

from tenderapp.domain.archives import (
    ArchiveTooLarge,
    ArchiveUnreadable,
    ZipLimits,
    open_zip,
    read_entry,
    read_whole_entry,
)
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
PDF_DAMAGED = "The selected file is damaged or could not be read as a PDF"
PDF_NO_PAGES = "The selected file must be a PDF with at least one page"
PDF_LOCKED = "The selected file must not be protected with a password"
OFFICE_DAMAGED = "The selected file is damaged or could not be read as a Word or Excel document"
HAS_PROGRAMS = "The selected file must not contain programs or macros"
TOO_LARGE_UNPACKED = "The selected file is too large when unpacked"

# A Word or Excel file is a zip. Real ones unpack to a few MB, of a few hundred parts, each packed
# at most some tens to one; a zip bomb declares far more (1GB from 1MB is 1000 to one).
OFFICE_LIMITS = ZipLimits(entries=2_000, unpacked_bytes=100 * 1024 * 1024, ratio=100, ratio_from=1024 * 1024)
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
_CONTENT_TYPES = "[Content_Types].xml"
_PACKAGE_RELATIONSHIPS = "_rels/.rels"
_PACKAGE_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_MAIN_TYPES = {
    WORD: "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    EXCEL: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
_PROGRAM_EXTENSIONS = (".exe", ".dll", ".bat", ".cmd", ".com", ".scr", ".js", ".vbs", ".ps1", ".msi", ".jar", ".sh")
_PROGRAM_MAGIC = (b"MZ", b"\x7fELF")
_MACRO_PARTS = {"vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml"}
# Markup a browser could run if it ever took the file for a web page. A real PDF has none in its
# first kilobyte, where sniffing looks, nor after its last end-of-file mark.
_MARKUP = (b"<html", b"<script", b"<!doctype", b"<body", b"<iframe", b"<svg")
PDF_HEAD_BYTES = 1024
_PDF_HEADER_LINE = re.compile(rb"%PDF-[^\r\n]*\s*")


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
    """The media type a PDF, Word (.docx) or Excel (.xlsx) file claims by its content, never its
    name (its first bytes, or the main part in a zip's directory); None for anything else,
    damaged archives included. Cheap: it unpacks nothing. ``check_document`` then tells
    whether the content really is what it claims."""
    if content.startswith(PDF_MAGIC):
        return PDF
    if not content.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        return None
    if _CONTENT_TYPES not in names:
        return None
    return next((kind for part, kind in _OFFICE_PARTS.items() if part in names), None)


# --- a PDF must parse ----------------------------------------------------------------------


def _hides_other_content(content: bytes) -> bool:
    """Whether a file that starts like a PDF carries a web page or a program where a PDF has
    none: right after its header line, in its first kilobyte, or after its last %%EOF."""
    head = content[:PDF_HEAD_BYTES]
    after_header = _PDF_HEADER_LINE.sub(b"", head, count=1)
    end = content.rfind(b"%%EOF")
    tail = content[end + 5:] if end >= 0 else b""
    return (after_header.startswith(_PROGRAM_MAGIC) or any(mark in tail for mark in _PROGRAM_MAGIC)
            or any(mark in part.lower() for part in (head, tail) for mark in _MARKUP))


def _pdf_problem(content: bytes) -> str | None:
    """Why a file starting "%PDF-" is not a readable PDF, or None when it opens, needs no
    password and has at least one page. Only the document's structure and page tree are read
    (never page content), and whatever the parser raises on hostile input is a damaged file."""
    if _hides_other_content(content):
        return PDF_DAMAGED
    try:
        # Lenient parsing, as PDF readers do: files with slightly wrong offsets are common and
        # open everywhere. pypdf caps what it unpacks from any one stream.
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return PDF_LOCKED
        pages = len(reader.pages)
    except Exception:  # noqa: BLE001 - pypdf raises many kinds (and RecursionError) on hostile input
        return PDF_DAMAGED
    return None if pages >= 1 else PDF_NO_PAGES


# --- a Word or Excel file must be a sound package --------------------------------------------


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or bool(_DRIVE.match(name)) or ".." in parts or \
        any(is_hidden_character(c) for c in name)


def _is_program_or_macro(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    name = entry.filename.lower()
    if name.endswith(_PROGRAM_EXTENSIONS) or name.rsplit("/", 1)[-1] in _MACRO_PARTS:
        return True
    return not entry.is_dir() and read_entry(archive, entry, 4).startswith(_PROGRAM_MAGIC)


def _declared_main_type(archive: zipfile.ZipFile, part: str) -> str | None:
    """The content type [Content_Types].xml gives ``part``, read with a safe XML parser."""
    xml = read_whole_entry(archive, archive.getinfo(_CONTENT_TYPES), MAX_CONTENT_TYPES_BYTES)
    root = ElementTree.fromstring(xml)
    for override in root.iter(f"{_PACKAGE_NS}Override"):
        if override.get("PartName", "").lstrip("/").lower() == part.lower():
            content_type: str | None = override.get("ContentType")  # defusedxml is untyped; it gives an Element
            return content_type
    return None


def _package_problem(archive: zipfile.ZipFile, kind: str) -> str | None:
    entries = archive.infolist()
    names = [entry.filename for entry in entries]
    main = next(part for part, claimed in _OFFICE_PARTS.items() if claimed == kind)
    if len(set(names)) != len(names) or any(_unsafe_name(name) for name in names):
        return OFFICE_DAMAGED
    if any(_is_program_or_macro(archive, entry) for entry in entries):
        return HAS_PROGRAMS
    if _PACKAGE_RELATIONSHIPS not in names:
        return OFFICE_DAMAGED
    declared = _declared_main_type(archive, main)
    if declared and "macroenabled" in declared.lower():
        return HAS_PROGRAMS
    return None if declared == _MAIN_TYPES[kind] else OFFICE_DAMAGED


def _office_problem(content: bytes, kind: str, limits: ZipLimits = OFFICE_LIMITS) -> str | None:
    """Why a zip holding Word or Excel parts is not a sound, macro-free document, or None. Its
    directory must be within ``limits``; it must hold the package's main parts, declared as that
    kind; and no program (by name or by its first bytes), macro, absolute path or "..". Only
    [Content_Types].xml and the first bytes of each entry are unpacked, each up to a cap."""
    try:
        with open_zip(content, limits) as archive:
            return _package_problem(archive, kind)
    except ArchiveTooLarge:
        return TOO_LARGE_UNPACKED
    except (ArchiveUnreadable, ElementTree.ParseError, ValueError):  # defusedxml refusals are ValueErrors
        return OFFICE_DAMAGED


def content_problem(content: bytes, kind: str, limits: ZipLimits = OFFICE_LIMITS) -> str | None:
    """Why content that ``document_type`` recognised as ``kind`` is not really a document of that
    kind that a buyer can open safely, or None when it is."""
    return _pdf_problem(content) if kind == PDF else _office_problem(content, kind, limits)


def _check_upload(content: bytes | None, filename: str | None, field: str, max_bytes: int) -> bytes:
    """The content, once there is a file with a plain name, neither empty nor over ``max_bytes``."""
    if content is None:
        raise RuleViolation("Select a file", field=field)
    check_filename(filename, field)
    if not content:
        raise RuleViolation("The selected file is empty", field=field)
    if len(content) > max_bytes:
        raise RuleViolation(f"The selected file must be smaller than {max_bytes // (1024 * 1024)}MB", field=field)
    return content


def check_document(content: bytes | None, filename: str | None, field: str,
                   max_bytes: int = MAX_DOCUMENT_BYTES, limits: ZipLimits = OFFICE_LIMITS) -> str:
    """The media type of an uploaded PDF, Word or Excel document. Raises RuleViolation (on
    ``field``) when no file was chosen, its name is not a plain file name, or it is empty, too
    large or of another type, whatever its name says; when a PDF does not parse, has no page or
    needs a password; and when a Word or Excel file is damaged, unpacks beyond ``limits`` or
    holds programs or macros."""
    content = _check_upload(content, filename, field, max_bytes)
    kind = document_type(content)
    if kind is None:
        raise RuleViolation(NOT_DOCUMENT, field=field)
    problem = content_problem(content, kind, limits)
    if problem:
        raise RuleViolation(problem, field=field)
    return kind


def check_pdf(content: bytes | None, filename: str | None, field: str, max_bytes: int = MAX_DOCUMENT_BYTES) -> None:
    """Raises RuleViolation when no file was chosen, its name is not a plain file name, or it is
    empty, too large, not a PDF, or a PDF that does not parse, has no page or needs a password."""
    content = _check_upload(content, filename, field, max_bytes)
    if document_type(content) != PDF:
        raise RuleViolation(NOT_PDF, field=field)
    problem = _pdf_problem(content)
    if problem:
        raise RuleViolation(problem, field=field)


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
    extension = EXTENSIONS.get(media_type) if media_type is not None else None
    if extension and not name.lower().endswith(extension):
        stem, dot, current = name.rpartition(".")
        if dot and f".{current.lower()}" in EXTENSIONS.values():
            name = stem  # a PDF called report.xlsx becomes report.pdf
        name = name[:MAX_FILENAME_LENGTH - len(extension)] + extension
    return name
