"""Spreadsheet cells: text that a spreadsheet would read as a formula is escaped; dates are
written as Excel dates in UK time and money as numbers, each with a UK number format. And the
two ends of every workbook the app writes: a new one with its first sheet, and its bytes."""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = '"£"#,##0.00'  # shown as £1,234.56, kept as a number
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
UK = ZoneInfo("Europe/London")


def safe_cell(value):
    """Text starting with =, +, -, @, tab or CR gets a leading apostrophe so that no formula
    can run when the workbook is opened; other values are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADERS):
        return "'" + value
    return value


def date_cell(sheet, value: date | datetime | None) -> Cell:
    """A cell holding an Excel date (dd/mm/yyyy) or date and time (dd/mm/yyyy hh:mm). Excel
    has no time zones, so an aware datetime is converted to UK local time and made naive;
    None gives an empty cell."""
    if isinstance(value, datetime):
        local = value.astimezone(UK).replace(tzinfo=None) if value.tzinfo else value
        cell = Cell(sheet, value=local)
        cell.number_format = DATETIME_FORMAT
        return cell
    cell = Cell(sheet, value=value)
    if value is not None:
        cell.number_format = DATE_FORMAT
    return cell


def money_cell(sheet, value: Decimal | int | float | None) -> Cell:
    """A cell holding an amount of pounds as a number shown as £1,234.56 (None: empty)."""
    cell = Cell(sheet, value=value)
    cell.number_format = MONEY_FORMAT
    return cell


def new_workbook(first_sheet: str, *heading: str) -> tuple[Workbook, Worksheet]:
    """A workbook whose first sheet is called ``first_sheet`` and starts with a row for each
    line of ``heading`` (escaped like any text)."""
    book = Workbook()
    sheet = book.active
    sheet.title = first_sheet
    for line in heading:
        sheet.append([safe_cell(line)])
    return book, sheet


def workbook_bytes_of(book: Workbook) -> bytes:
    """The .xlsx file of ``book``."""
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
