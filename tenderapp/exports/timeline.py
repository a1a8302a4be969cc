"""A tender's timeline as an Excel workbook (openpyxl): one row per event, times in UK time."""

from dataclasses import dataclass

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tenderapp.domain.timeline import Entry
from tenderapp.exports.cells import date_cell, new_workbook, safe_cell, workbook_bytes_of

HEADERS = ["When (UK time)", "Kind", "What happened", "Who", "Summary for suppliers"]
WIDTHS = [20, 32, 44, 48, 60]


@dataclass(frozen=True)
class TimelineSheet:
    reference: str
    title: str
    kind: str | None  # the kind of event shown, or None for every kind
    entries: list[Entry]


def workbook_bytes(timeline: TimelineSheet) -> bytes:
    """The workbook: a Timeline sheet with the tender's reference and title above the events."""
    book, sheet = new_workbook("Timeline", f"{timeline.reference}: {timeline.title}",
                               f"Events: {timeline.kind or 'every kind'}")
    sheet.append([])
    sheet.append(HEADERS)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for entry in timeline.entries:
        sheet.append([date_cell(sheet, entry.occurred_at), safe_cell(entry.kind.label), safe_cell(entry.what),
                      safe_cell(entry.who), safe_cell(entry.summary)])
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return workbook_bytes_of(book)
