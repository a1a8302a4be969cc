"""The agreement tracker as an Excel workbook (openpyxl), matching the tracker page."""

from dataclasses import dataclass
from datetime import datetime

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tenderapp.domain.agreements import PartyStatus, Tally
from tenderapp.domain.roles import OrganisationKind
from tenderapp.exports.cells import date_cell, new_workbook, safe_cell, workbook_bytes_of

HEADERS = ["Organisation", "Type", "Status", "Date (UK time)", "Signed by", "On behalf, by",
           "Note or reason", "Represented by"]
WIDTHS = [48, 18, 22, 28, 36, 36, 48, 40]


@dataclass(frozen=True)
class TrackerRow:
    """A member of the collaboration and where it stands on the current version."""

    organisation: str
    kind: OrganisationKind
    status: PartyStatus
    date: datetime | None
    signer: str | None
    signed_by: str | None  # the representative organisation, when signed on behalf
    note: str | None
    represented_by: str | None


@dataclass(frozen=True)
class TrackerSheet:
    """What the workbook shows: the agreement's title, its current version's number and
    fingerprint (None before the first is issued), a row per member and the tallies by kind."""

    title: str
    version_number: int | None
    version_sha256: str | None
    rows: list[TrackerRow]
    tallies: list[Tally]


def _bold_header(sheet, values: list[str]) -> int:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    return sheet.max_row


def _tracker(sheet, tracker: TrackerSheet) -> None:
    sheet.append([safe_cell(tracker.title)])
    sheet.append([f"Version {tracker.version_number}, SHA-256 {tracker.version_sha256}"
                  if tracker.version_number is not None else "Not issued yet"])
    sheet.append([])
    header_row = _bold_header(sheet, HEADERS)
    for row in tracker.rows:
        sheet.append([safe_cell(row.organisation), safe_cell(row.kind.label), safe_cell(row.status.label),
                      date_cell(sheet, row.date)]
                     + [safe_cell(v) for v in (row.signer or "", row.signed_by or "", row.note or "",
                                               row.represented_by or "")])
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def workbook_bytes(tracker: TrackerSheet) -> bytes:
    """The workbook: a Tracker sheet (a row per member) and a Summary sheet (tallies by kind)."""
    book, sheet = new_workbook("Tracker")
    _tracker(sheet, tracker)
    summary = book.create_sheet("Summary")
    _bold_header(summary, ["Type", "Members", "Signed", "Agreed in principle", "Declined", "Outstanding"])
    for t in tracker.tallies:
        summary.append([OrganisationKind(t.kind).label, t.total, t.signed, t.agreed_in_principle, t.declined,
                        t.outstanding])
    return workbook_bytes_of(book)
