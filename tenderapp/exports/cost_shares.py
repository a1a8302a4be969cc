"""Each authority's cost share and saving as an Excel workbook, matching the page."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from tenderapp.exports.cells import money_cell, safe_cell


def workbook_bytes(tender, shares) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Cost shares"
    sheet.append([safe_cell(f"{tender.reference}: {tender.title}")])
    years = max((len(s.projection.years) for s in shares if s.projection), default=0)
    header = ["Authority"] + [f"Year {n} (£)" for n in range(1, years + 1)] + [
        "Average saving a year (£)", "Share of procurement cost (£)"]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for share in shares:
        totals = [y.total for y in share.projection.years] if share.projection else []
        amounts = totals + [None] * (years - len(totals)) + [
            share.projection.average_saving if share.projection else None, share.procurement_share]
        sheet.append([safe_cell(share.organisation.name)] + [money_cell(sheet, a) for a in amounts])
    sheet.column_dimensions["A"].width = 44
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
