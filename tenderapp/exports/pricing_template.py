"""The pricing template a bidder fills in Excel or LibreOffice: only the price cells are
unlocked, each with a "0 or more" validation rule; a hidden sheet names the tender and the
schedule version, so an old or foreign template is refused on upload."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from openpyxl.styles import Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from tenderapp.exports.cells import MONEY_FORMAT, new_workbook, safe_cell, workbook_bytes_of

PRICING_SHEET = "Pricing"
META_SHEET = "_tenderapp"
HEADERS = ["Code", "Description", "Unit", "Evaluation quantity", "Unit price (£)", "Line total (£)"]
HEADER_ROW = 4
PRICE_COLUMN = "E"


class ScheduleLine(Protocol):
    """A line of the pricing schedule as the template shows it (a PricingLine row has these)."""

    @property
    def code(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def evaluation_quantity(self) -> int: ...


@dataclass(frozen=True)
class TemplateLine:
    """A schedule line given as plain values."""

    code: str
    description: str
    unit: str
    evaluation_quantity: int


def _price_lines(sheet, lines: Sequence[ScheduleLine], prices: Mapping[str, str]) -> None:
    validation = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showErrorMessage=True, errorTitle="Price",
                                error="Enter a price of £0 or more, like 1250.00")
    sheet.add_data_validation(validation)
    unlocked = PatternFill("solid", fgColor="FFF2CC")
    for row, line in enumerate(lines, start=HEADER_ROW + 1):
        sheet.cell(row=row, column=1, value=safe_cell(line.code))
        sheet.cell(row=row, column=2, value=safe_cell(line.description))
        sheet.cell(row=row, column=3, value=safe_cell(line.unit))
        sheet.cell(row=row, column=4, value=line.evaluation_quantity)
        price = sheet.cell(row=row, column=5, value=float(prices[line.code]) if line.code in prices else None)
        price.number_format, price.protection, price.fill = MONEY_FORMAT, Protection(locked=False), unlocked
        validation.add(price)
        total = sheet.cell(row=row, column=6, value=f"=IF(ISNUMBER(E{row}),D{row}*E{row},\"\")")
        total.number_format = MONEY_FORMAT


def _meta(book, reference: str, schedule_version: int, lines: Sequence[ScheduleLine]) -> None:
    """The hidden sheet the upload is checked against."""
    meta = book.create_sheet(META_SHEET)
    meta.append(["tender_reference", safe_cell(reference)])
    meta.append(["schedule_version", schedule_version])
    meta.append(["line_codes", *[safe_cell(line.code) for line in lines]])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True


def workbook_bytes(reference: str, title: str, schedule_version: int, lines: Sequence[ScheduleLine],
                   prices: Mapping[str, str]) -> bytes:
    """``lines`` are the schedule's pricing lines; ``prices`` (code -> amount typed as "1250.00")
    any already in the draft."""
    book, sheet = new_workbook(PRICING_SHEET)
    sheet["A1"] = safe_cell(f"Pricing schedule for tender {reference}: {title}")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = (f"Schedule version {schedule_version}. Enter a unit price in pounds in each yellow cell of "
                   "column E, then upload this file on Tenderapp. Totals here are for your information: "
                   "Tenderapp works them out again itself.")
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=column, value=header)
        cell.font = Font(bold=True)
    _price_lines(sheet, lines, prices)
    for letter, width in zip("ABCDEF", (14, 48, 28, 20, 18, 18), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.protection.sheet = True  # only the price cells can be typed in
    _meta(book, reference, schedule_version, lines)
    return workbook_bytes_of(book)
