"""The evaluation matrix workbook's input, from the results and the moderation grid."""

from tenderapp.exports.evaluation_matrix import Criterion, Matrix, Result, Score
from tenderapp.services.moderation import Cell, Grid
from tenderapp.services.results import Results


def _scores(cell: Cell) -> list[Score]:
    scores = [Score(cell.criterion.id, cell.supplier, name, score.score, score.justification)
              for name, score in cell.individual]
    if cell.moderated:
        scores.append(Score(cell.criterion.id, cell.supplier, None, cell.moderated.score, cell.moderated.rationale))
    return scores


def sheet(results: Results, grid: Grid) -> Matrix:
    """What the workbook shows, for a caller that has loaded both through access."""
    criteria = [Criterion(c.id, c.title, c.weight, c.max_score) for c in results.criteria]
    rows = [Result(row.rank, row.supplier, row.evaluated_price, row.price_score,
                   {c.key: row.quality[c.key][1] for c in criteria}, row.quality_score, row.total, row.flags)
            for row in results.rows]
    return Matrix(results.tender.reference, results.tender.title, results.complete, criteria, rows,
                  [score for cell in grid.cells for score in _scores(cell)])
