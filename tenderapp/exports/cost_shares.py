"""Each authority's cost share and saving as an Excel workbook, matching the page."""

from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.styles import Font

from tenderapp.exports.cells import money_cell, new_workbook, safe_cell, workbook_bytes_of


@dataclass(frozen=True)
class ShareRow:
    """An authority's line: its cost in each contract year (none without a baseline), its average
    saving a year and its share of the procurement cost (None when it has none)."""

    authority: str
    year_totals: list[Decimal] = field(default_factory=list)
    average_saving: Decimal | None = None
    procurement_share: Decimal | None = None


@dataclass(frozen=True)
class CostShareSheet:
    reference: str
    title: str
    rows: list[ShareRow]


def workbook_bytes(sheet_input: CostShareSheet) -> bytes:
    """One sheet: a row per authority, a column per contract year, then the saving and the share."""
    book, sheet = new_workbook("Cost shares", f"{sheet_input.reference}: {sheet_input.title}")
    years = max((len(row.year_totals) for row in sheet_input.rows), default=0)
    header = ["Authority"] + [f"Year {n} (£)" for n in range(1, years + 1)] + [
        "Average saving a year (£)", "Share of procurement cost (£)"]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in sheet_input.rows:
        amounts = row.year_totals + [None] * (years - len(row.year_totals)) + [
            row.average_saving, row.procurement_share]
        sheet.append([safe_cell(row.authority)] + [money_cell(sheet, a) for a in amounts])
    sheet.column_dimensions["A"].width = 44
    return workbook_bytes_of(book)
