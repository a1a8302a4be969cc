"""The agreement tracker as an Excel workbook (openpyxl), matching the tracker page."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tenderapp.domain.roles import OrganisationKind
from tenderapp.exports.cells import date_cell, safe_cell
from tenderapp.services.agreement_tracker import Tracker

HEADERS = ["Organisation", "Type", "Status", "Date (UK time)", "Signed by", "On behalf, by",
           "Note or reason", "Represented by"]


def workbook_bytes(tracker: Tracker) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Tracker"
    version = tracker.version
    sheet.append([safe_cell(tracker.agreement.title)])
    sheet.append([f"Version {version.number}, SHA-256 {version.sha256}" if version else "Not issued yet"])
    sheet.append([])
    sheet.append(HEADERS)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in tracker.rows:
        sheet.append([safe_cell(row.organisation), safe_cell(row.kind.label), safe_cell(row.status.label),
                      date_cell(sheet, row.date)]
                     + [safe_cell(v) for v in (row.signer or "", row.signed_by or "", row.note or "",
                                               row.represented_by or "")])
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for index, width in enumerate([48, 18, 22, 28, 36, 36, 48, 40], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    summary = book.create_sheet("Summary")
    summary.append(["Type", "Members", "Signed", "Agreed in principle", "Declined", "Outstanding"])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for t in tracker.tallies:
        summary.append([OrganisationKind(t.kind).label, t.total, t.signed, t.agreed_in_principle, t.declined,
                        t.outstanding])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
