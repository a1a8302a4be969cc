"""Reading a filled pricing template, safely: size and zip checks before opening, XML parsed
with defusedxml (openpyxl uses it when installed), a row cap, and every problem reported by
sheet and cell. Formulas and the workbook's own totals are ignored; prices are read as they
were typed and the server computes everything else."""

import io
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook

from tenderapp.domain.archives import ArchiveTooLarge, ArchiveUnreadable, ZipLimits, open_zip, read_whole_entry
from tenderapp.domain.money import MoneyError, from_number, parse_amount
from tenderapp.exports.cells import safe_cell
from tenderapp.exports.pricing_template import HEADER_ROW, META_SHEET, PRICE_COLUMN, PRICING_SHEET

MAX_FILE_BYTES = 5 * 1024 * 1024
# A filled template unpacks to a few hundred KB; these caps leave room for what Excel and
# LibreOffice add while keeping the reading of any file short.
MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024
MAX_PART_BYTES = 512 * 1024  # parsing a part this size of the smallest cells takes half a second
MAX_ENTRIES = 500
WORKBOOK_LIMITS = ZipLimits(entries=MAX_ENTRIES, unpacked_bytes=MAX_UNCOMPRESSED_BYTES, entry_bytes=MAX_PART_BYTES)
MAX_ROWS = 1000
# Parts openpyxl parses on opening that the reader never needs: the stylesheet (parsing takes more
# than the size of its part suggests: seconds for the 100,000 tiny styles of a 10KB upload) and
# the document properties. They are left out of the copy that is opened.
UNREAD_PARTS = {"xl/styles.xml", "docProps/core.xml", "docProps/custom.xml"}
SHOWN_CHARACTERS = 40  # of a value quoted back from the workbook
NOT_A_WORKBOOK = "The selected file must be an Excel workbook (.xlsx), like the template you downloaded"


@dataclass(frozen=True)
class Expected:
    reference: str
    schedule_version: int
    codes: list[str]


@dataclass(frozen=True)
class Upload:
    prices: dict[str, str]
    problems: list[str]


def _check_archive(data: bytes) -> str | None:
    """A reason to refuse the file before any XML is parsed, or None."""
    if not data:
        return "The selected file is empty"
    if len(data) > MAX_FILE_BYTES:
        return "The selected file must be smaller than 5MB"
    try:
        with open_zip(data, WORKBOOK_LIMITS) as archive:
            names = set(archive.namelist())
    except ArchiveUnreadable:  # not a zip, or a damaged or odd one
        return NOT_A_WORKBOOK
    except ArchiveTooLarge:
        return "The workbook is too large once unpacked. Use the template and enter only the prices."
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        return NOT_A_WORKBOOK
    return None


def _without_unread_parts(data: bytes) -> io.BytesIO:
    copy = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as target:
        for entry in source.infolist():
            if entry.filename not in UNREAD_PARTS:
                # Unpacking stops past the cap, whatever size the entry declared.
                target.writestr(entry.filename, read_whole_entry(source, entry, MAX_PART_BYTES))
    copy.seek(0)
    return copy


def _shown(value) -> str:
    """A value from the workbook as a message quotes it: on one line, and short."""
    text = "".join(c if c.isprintable() else " " for c in str(value)).strip()
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS - 1] + "…"


def _cell_price(value, cell: str) -> tuple[str | None, str | None]:
    """(price, problem) for one price cell; (None, None) when left blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, str) and value.strip().startswith("="):
        return None, f"{PRICING_SHEET}, {cell}: enter a number, not a formula"
    try:
        amount = parse_amount(value) if isinstance(value, str) else from_number(value)
    except MoneyError as error:
        return None, f"{PRICING_SHEET}, {cell}: {error.hint}"
    except (TypeError, ValueError):
        return None, f"{PRICING_SHEET}, {cell}: enter a number, like 1250.00"
    return f"{amount:.2f}", None


def read(data: bytes, expected: Expected) -> Upload:
    """The prices in an uploaded template, and every problem found (nothing is saved when
    there is one). Never raises for a bad file: every refusal is a problem."""
    refusal = _check_archive(data)
    if refusal:
        return Upload({}, [refusal])
    try:
        book = load_workbook(_without_unread_parts(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # noqa: BLE001 - whatever the parser refuses (entities, corrupt parts) is a bad file
        return Upload({}, ["The selected file could not be read as an Excel workbook. Download the template "
                           "again, enter your prices and save it as .xlsx"])
    try:
        return _read_book(book, expected)
    except Exception:  # noqa: BLE001
        return Upload({}, ["The selected file could not be read as an Excel workbook"])
    finally:
        book.close()


def _refusal(book, expected: Expected) -> str | None:
    """Why the workbook is not this tender's current template, or None."""
    if META_SHEET not in book.sheetnames or PRICING_SHEET not in book.sheetnames:
        return "This is not a Tenderapp pricing template. Download the template for this tender and use that"
    meta = {row[0]: row[1:] for row in book[META_SHEET].iter_rows(max_row=10, max_col=2, values_only=True)
            if row and isinstance(row[0], str)}
    reference = (meta.get("tender_reference") or [None])[0]
    version = (meta.get("schedule_version") or [None])[0]
    if reference != safe_cell(expected.reference):  # written escaped, as every cell is
        return (f"This template is for tender {_shown(reference)}, not {expected.reference}. Download "
                "the template for this tender")
    if version != expected.schedule_version:
        return (f"This template is for version {_shown(version)} of the pricing schedule; the tender has "
                f"been amended and is now at version {expected.schedule_version}. Download the template "
                "again")
    return None


def _read_book(book, expected: Expected) -> Upload:
    refusal = _refusal(book, expected)
    if refusal:
        return Upload({}, [refusal])
    prices, problems, seen = {}, [], set()
    price_index = ord(PRICE_COLUMN) - ord("A")
    rows = book[PRICING_SHEET].iter_rows(min_row=HEADER_ROW + 1, max_col=price_index + 1, values_only=True)
    for number, row in enumerate(rows, start=HEADER_ROW + 1):
        if number > MAX_ROWS:
            return Upload({}, [f"{PRICING_SHEET}: the sheet has more than {MAX_ROWS:,} rows. Use the template"])
        code = row[0] if row else None
        if code is None or (isinstance(code, str) and not code.strip()):
            continue
        code = str(code).strip().lstrip("'")
        if code not in expected.codes:
            problems.append(f"{PRICING_SHEET}, A{number}: “{_shown(code)}” is not a line of this pricing schedule")
            continue
        seen.add(code)
        price, problem = _cell_price(row[price_index] if len(row) > price_index else None, f"{PRICE_COLUMN}{number}")
        if problem:
            problems.append(problem)
        elif price is not None:
            prices[code] = price
    problems += [f"{PRICING_SHEET}: line {code} is missing. Download the template again"
                 for code in expected.codes if code not in seen]
    return Upload(prices if not problems else {}, problems)
