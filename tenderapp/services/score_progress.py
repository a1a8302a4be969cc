"""How far each tender's evaluation has gone: individual scores in of those expected, and
consensus scores recorded of those needed. For tenders already scoped to the lead (or the
actor's panel), in a fixed number of queries however many tenders, bids and evaluators."""

from sqlmodel import Session, col, select

from tenderapp.access import bids as bid_access
from tenderapp.domain.work_queue import ScoreProgress, score_progress
from tenderapp.models import (
    ConflictDeclaration,
    EvaluatorAssignment,
    IndividualScore,
    ModeratedScore,
    QualityCriterion,
    Tender,
)


def _by_tender(rows) -> dict[int, set[tuple]]:
    grouped: dict[int, set[tuple]] = {}
    for tender_id, *rest in rows:
        grouped.setdefault(tender_id, set()).add(tuple(rest))
    return grouped


def progress_of(session: Session, tenders: list[Tender]) -> dict[int, ScoreProgress]:
    """Each opened tender's ``ScoreProgress`` by id (tenders not yet opened are left out)."""
    opened = [t for t in tenders if t.opened_at is not None]
    if not opened:
        return {}
    ids = [t.id for t in opened]
    boxes = bid_access.box_submission_ids(session, opened)

    def rows(*columns, where=()):
        return _by_tender(session.exec(select(*columns).where(col(columns[0]).in_(ids), *where)).all())

    assigned = rows(EvaluatorAssignment.tender_id, EvaluatorAssignment.user_id, EvaluatorAssignment.criterion_id)
    removed = rows(ConflictDeclaration.tender_id, ConflictDeclaration.user_id,
                   where=(ConflictDeclaration.resolution == "removed",))
    criteria = rows(QualityCriterion.tender_id, QualityCriterion.id)
    scores = rows(IndividualScore.tender_id, IndividualScore.evaluator_user_id, IndividualScore.submission_id,
                  IndividualScore.criterion_id)
    moderated = rows(ModeratedScore.tender_id, ModeratedScore.submission_id, ModeratedScore.criterion_id)
    return {i: score_progress(assigned.get(i, set()), {u for (u,) in removed.get(i, set())}, boxes[i],
                              {c for (c,) in criteria.get(i, set())}, scores.get(i, set()), moderated.get(i, set()))
            for i in ids}
