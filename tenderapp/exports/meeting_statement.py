"""An authority's statement for a period as an Excel workbook, matching the printable page."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from openpyxl.styles import Font

from tenderapp.domain.meeting_charges import Statement
from tenderapp.exports.cells import date_cell, money_cell, new_workbook, safe_cell, workbook_bytes_of


@dataclass(frozen=True)
class ChargedMeeting:
    reference: str
    kind: str
    day: date
    included: bool
    amount: Decimal


@dataclass(frozen=True)
class StatementSheet:
    contract: str  # "reference: title"
    authority: str  # its name
    figures: Statement  # the period and its figures, as the charging rules work them out
    meetings: list[ChargedMeeting] = field(default_factory=list)


def _bold(sheet, row: int) -> None:
    for cell in sheet[row]:
        cell.font = Font(bold=True)


def workbook_bytes(statement: StatementSheet) -> bytes:
    """Sheet "Statement": the figures, one a row; sheet "Meetings": each meeting charged."""
    book, sheet = new_workbook("Statement", statement.contract)
    figures = statement.figures
    sheet.append([safe_cell(statement.authority), safe_cell(figures.period.label)])
    _bold(sheet, 2)
    against = None if figures.projected_total is None else figures.total - figures.projected_total
    for label, value, money in (
            ("Core subscription (£)", figures.core, True), ("Included meetings used", figures.included_used, False),
            ("Included meetings left", figures.included_left, False),
            ("Pay-as-you-go meetings", figures.payg_meetings, False),
            ("Pay-as-you-go cost (£)", figures.payg_cost, True), ("Total (£)", figures.total, True),
            ("Projected (£)", figures.projected_total, True), ("Actual against projection (£)", against, True),
            ("Saving against the previous contract (£)", figures.saving, True)):
        sheet.append([label, money_cell(sheet, value) if money else value])
    sheet.column_dimensions["A"].width = 44
    meetings = book.create_sheet("Meetings")
    meetings.append(["Case reference", "Kind", "Meeting day", "Included or PAYG", "Charge (£)"])
    _bold(meetings, 1)
    for m in statement.meetings:
        meetings.append([safe_cell(m.reference), m.kind, date_cell(meetings, m.day),
                         "Included" if m.included else "PAYG", money_cell(meetings, m.amount)])
    return workbook_bytes_of(book)


def unavailable_bytes(contract: str, authority: str, reason: str) -> bytes:
    """A workbook that says why there is no statement yet (the costs are not set up)."""
    book, _ = new_workbook("Statement", contract, authority, reason)
    return workbook_bytes_of(book)
