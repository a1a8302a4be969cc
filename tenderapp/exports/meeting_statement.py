"""An authority's statement for a period as an Excel workbook, matching the printable page."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from tenderapp.exports.cells import date_cell, money_cell, safe_cell


@dataclass(frozen=True)
class ChargedMeeting:
    reference: str
    kind: str
    day: date
    included: bool
    amount: Decimal


@dataclass(frozen=True)
class StatementSheet:
    contract: str
    authority: str
    period: str
    core: Decimal
    included_used: int
    included_left: int
    payg_meetings: int
    payg_cost: Decimal
    total: Decimal
    projected_total: Decimal | None = None
    saving: Decimal | None = None
    meetings: list[ChargedMeeting] = field(default_factory=list)


def _bold(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)


def workbook_bytes(statement: StatementSheet) -> bytes:
    """Sheet "Statement": the figures, one a row; sheet "Meetings": each meeting charged."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Statement"
    sheet.append([safe_cell(statement.contract)])
    sheet.append([safe_cell(statement.authority), safe_cell(statement.period)])
    _bold(sheet, 2)
    against = None if statement.projected_total is None else statement.total - statement.projected_total
    for label, value, money in (
            ("Core subscription (£)", statement.core, True), ("Included meetings used", statement.included_used, False),
            ("Included meetings left", statement.included_left, False),
            ("Pay-as-you-go meetings", statement.payg_meetings, False),
            ("Pay-as-you-go cost (£)", statement.payg_cost, True), ("Total (£)", statement.total, True),
            ("Projected (£)", statement.projected_total, True), ("Actual against projection (£)", against, True),
            ("Saving against the previous contract (£)", statement.saving, True)):
        sheet.append([label, money_cell(sheet, value) if money else value])
    sheet.column_dimensions["A"].width = 44
    meetings = book.create_sheet("Meetings")
    meetings.append(["Case reference", "Kind", "Meeting day", "Included or PAYG", "Charge (£)"])
    _bold(meetings, 1)
    for m in statement.meetings:
        meetings.append([safe_cell(m.reference), m.kind, date_cell(meetings, m.day),
                         "Included" if m.included else "PAYG", money_cell(meetings, m.amount)])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def unavailable_bytes(contract: str, authority: str, reason: str) -> bytes:
    """A workbook that says why there is no statement yet (the costs are not set up)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Statement"
    for line in (contract, authority, reason):
        sheet.append([safe_cell(line)])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
