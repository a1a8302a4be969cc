"""The evaluation matrix as an Excel workbook: a summary sheet of the results and one sheet
per criterion with every evaluator's score and justification and the moderated score with
its rationale. Text from bids and people is escaped so that no cell can run a formula."""

import re
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tenderapp.domain.scoring import display
from tenderapp.exports.cells import money_cell, safe_cell
from tenderapp.services.moderation import Grid
from tenderapp.services.results import Results


def _sheet_title(text: str, used: set[str]) -> str:
    title = re.sub(r"[\[\]\*\?/\\:]", " ", text)[:28].strip() or "Criterion"
    candidate, n = title, 2
    while candidate.lower() in used:
        candidate, n = f"{title[:25]} ({n})", n + 1
    used.add(candidate.lower())
    return candidate


def _header(sheet, values) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def workbook_bytes(results: Results, grid: Grid) -> bytes:
    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary.append([safe_cell(f"{results.tender.reference}: {results.tender.title}")])
    summary.append(["Provisional: moderation not finished" if not results.complete else "Results"])
    _header(summary, ["Rank", "Supplier", "Evaluated price (£)", "Price score"]
            + [safe_cell(f"{c.title} ({c.weight})") for c in results.criteria] + ["Quality score", "Total", "Flags"])
    for row in results.rows:
        summary.append([row.rank, safe_cell(row.supplier), money_cell(summary, row.evaluated_price),
                        display(row.price_score) if row.price_score is not None else None]
                       + [display(row.quality[c.id][1]) if row.quality[c.id][1] is not None else None
                          for c in results.criteria]
                       + [display(row.quality_score) if row.quality_score is not None else None,
                          display(row.total) if row.total is not None else None, safe_cell("; ".join(row.flags))])
    used = {"summary"}
    for criterion in results.criteria:
        sheet = book.create_sheet(_sheet_title(criterion.title, used))
        sheet.append([safe_cell(criterion.title), f"Weight {criterion.weight}, scored 0 to {criterion.max_score}"])
        _header(sheet, ["Supplier", "Evaluator", "Score", "Justification"])
        for cell in (c for c in grid.cells if c.criterion.id == criterion.id):
            for name, score in cell.individual:
                sheet.append([safe_cell(cell.supplier), safe_cell(name), score.score, safe_cell(score.justification)])
            if cell.moderated:
                sheet.append([safe_cell(cell.supplier), "Consensus (moderated)", cell.moderated.score,
                              safe_cell(cell.moderated.rationale)])
        sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 32, 28
        sheet.column_dimensions["D"].width = 90
        for row in sheet.iter_rows(min_row=3):
            row[3].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
