"""The evaluation matrix as an Excel workbook: a summary sheet of the results and one sheet
per criterion with every evaluator's score and justification and the moderated score with
its rationale. Text from bids and people is escaped so that no cell can run a formula."""

import re
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.styles import Alignment, Font

from tenderapp.domain.scoring import display
from tenderapp.exports.cells import money_cell, new_workbook, safe_cell, workbook_bytes_of

CONSENSUS = "Consensus (moderated)"


@dataclass(frozen=True)
class Criterion:
    key: int
    title: str
    weight: int
    max_score: int


@dataclass(frozen=True)
class Result:
    """A bid's line of the summary: unrounded figures (the sheet rounds them for display)."""

    rank: int | None
    supplier: str
    evaluated_price: Decimal | None
    price_score: Decimal | None
    contributions: dict[int, Decimal | None]  # criterion key -> weighted quality marks
    quality_score: Decimal | None
    total: Decimal | None
    flags: list[str]


@dataclass(frozen=True)
class Score:
    """One score given to a bid on a criterion: an evaluator's, or the consensus (moderated) one."""

    criterion: int  # the criterion's key
    supplier: str
    evaluator: str | None  # None: the moderated score
    score: int
    reasons: str  # the justification, or the moderator's rationale


@dataclass(frozen=True)
class Matrix:
    reference: str
    title: str
    complete: bool  # moderation finished
    criteria: list[Criterion]
    results: list[Result]
    scores: list[Score]  # by bid within each criterion, evaluators' before the consensus


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


def _shown(value: Decimal | None) -> Decimal | None:
    return display(value) if value is not None else None


def _summary(sheet, matrix: Matrix) -> None:
    sheet.append(["Provisional: moderation not finished" if not matrix.complete else "Results"])
    _header(sheet, ["Rank", "Supplier", "Evaluated price (£)", "Price score"]
            + [safe_cell(f"{c.title} ({c.weight})") for c in matrix.criteria] + ["Quality score", "Total", "Flags"])
    for row in matrix.results:
        sheet.append([row.rank, safe_cell(row.supplier), money_cell(sheet, row.evaluated_price),
                      _shown(row.price_score)]
                     + [_shown(row.contributions[c.key]) for c in matrix.criteria]
                     + [_shown(row.quality_score), _shown(row.total), safe_cell("; ".join(row.flags))])


def _criterion_sheet(sheet, criterion: Criterion, scores: list[Score]) -> None:
    sheet.append([safe_cell(criterion.title), f"Weight {criterion.weight}, scored 0 to {criterion.max_score}"])
    _header(sheet, ["Supplier", "Evaluator", "Score", "Justification"])
    for score in scores:
        sheet.append([safe_cell(score.supplier), safe_cell(score.evaluator or CONSENSUS), score.score,
                      safe_cell(score.reasons)])
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 32, 28
    sheet.column_dimensions["D"].width = 90
    for row in sheet.iter_rows(min_row=3):
        row[3].alignment = Alignment(wrap_text=True, vertical="top")


def workbook_bytes(matrix: Matrix) -> bytes:
    """The workbook: the Summary sheet, then a sheet per criterion (titles made unique)."""
    book, sheet = new_workbook("Summary", f"{matrix.reference}: {matrix.title}")
    _summary(sheet, matrix)
    used = {"summary"}
    for criterion in matrix.criteria:
        _criterion_sheet(book.create_sheet(_sheet_title(criterion.title, used)), criterion,
                         [s for s in matrix.scores if s.criterion == criterion.key])
    return workbook_bytes_of(book)
