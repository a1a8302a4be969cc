"""The monitoring report for the Department for Education, as an Excel workbook: for a period,
each authority's referrals, meetings, timeliness, agreement rate, disagreement-resolution
meetings by funding party and cost, and the group's."""

from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl.styles import Font

from tenderapp.exports.cells import money_cell, new_workbook, safe_cell, workbook_bytes_of


@dataclass(frozen=True)
class MonitoringRow:
    authority: str
    referrals: int
    meetings_held: int
    mediations_held: int
    mediations_in_time: Decimal | None  # percentages
    certificates: int
    certificates_in_time: Decimal | None
    agreement_rate: Decimal | None
    dr_by_funding: dict[str, int] = field(default_factory=dict)  # funding party kind label -> meetings
    cost: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class MonitoringSheet:
    contract: str
    period: str
    rows: list[MonitoringRow]
    group: MonitoringRow


def _percent(value: Decimal | None):
    return value / 100 if value is not None else "–"


def workbook_bytes(report: MonitoringSheet) -> bytes:
    """One sheet: a row per authority, then the group's, with percentages as Excel percentages."""
    book, sheet = new_workbook("Monitoring", report.contract, report.period)
    kinds = list(report.group.dr_by_funding)
    sheet.append(["Authority", "Referrals", "Meetings held", "Mediations held", "Mediations within 30 days",
                  "Certificates issued", "Certificates within 3 working days", "Agreement reached"]
                 + [f"Disagreement resolution: {k}" for k in kinds] + ["Cost of meetings (£)"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in [*report.rows, report.group]:
        sheet.append([safe_cell(row.authority), row.referrals, row.meetings_held, row.mediations_held,
                      _percent(row.mediations_in_time), row.certificates, _percent(row.certificates_in_time),
                      _percent(row.agreement_rate)] + [row.dr_by_funding.get(k, 0) for k in kinds]
                     + [money_cell(sheet, row.cost)])
    for column in ("E", "G", "H"):
        for cell in sheet[column][3:]:
            cell.number_format = "0.0%"
    sheet[sheet.max_row][0].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 44
    return workbook_bytes_of(book)
