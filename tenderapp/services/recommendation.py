"""Recording the recommended bidder: what the award decision (issue 6) starts from."""

from datetime import datetime

from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.evaluation import check_reasons
from tenderapp.models import Recommendation, Tender
from tenderapp.sealing import Sealer
from tenderapp.services import audit, results


def current(session: Session, tender: Tender) -> Recommendation | None:
    return session.exec(select(Recommendation).where(Recommendation.tender_id == tender.id)).first()


def recommend(session: Session, actor: Actor, sealer: Sealer, tender: Tender, submission_id: int, rationale: str,
              now: datetime, departure: str = "") -> Recommendation:
    """Records the recommendation once the evaluation is complete, which closes it. A bid not
    ranked first needs ``departure``: why it is recommended over the one ranked first. Raises
    Conflict when one is already recorded."""
    outcome = results.compute(session, actor, sealer, tender)
    if current(session, tender) is not None:
        raise Conflict("A recommendation is already recorded for this tender")
    if not outcome.complete:
        raise RuleViolation("Finish the evaluation (compliance and moderation of every bid) before recording a "
                            "recommendation", "submission_id")
    row = next((r for r in outcome.rows if r.submission_id == submission_id), None)
    if row is None or row.rank is None:
        raise RuleViolation("Select a ranked bid", "submission_id")
    rationale = check_reasons(rationale, "rationale", "rationale for the recommendation")
    if row.rank != 1:
        departure = check_reasons(departure, "departure",
                                  "reason for recommending a bid that is not ranked first")
        rationale = f"{rationale}\n\nNot the bid ranked first, because: {departure}"
    recommendation = Recommendation(tender_id=tender.id, submission_id=submission_id, rationale=rationale,
                                    recommended_by_user_id=actor.user_id, recommended_at=now)
    session.add(recommendation)
    audit.record(session, actor, "evaluation.recommended", "tender", tender.id, now,
                 {"submission_id": submission_id, "supplier": row.supplier, "rank": row.rank,
                  "total": str(row.total), "rationale": rationale})
    session.commit()
    return recommendation
