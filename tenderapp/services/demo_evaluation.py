"""The demo evaluation of an opened tender: panel, declarations, individual and moderated
scores, compliance and the recommendation, as the scenario file gives them."""

from datetime import datetime, timedelta

from sqlmodel import Session, select

from tenderapp.models import (
    Bid,
    BidSubmission,
    ComplianceCheck,
    ConflictDeclaration,
    EvaluatorAssignment,
    IndividualScore,
    ModeratedScore,
    Organisation,
    QualityCriterion,
    Recommendation,
    Tender,
    User,
)
from tenderapp.services import audit


def _justification(criterion: QualityCriterion, score: int, supplier: str) -> str:
    descriptor = next((line.strip() for line in criterion.descriptors.splitlines() if line.strip().startswith(str(score))),
                      str(score))
    return f"{descriptor}. {supplier}'s answer to “{criterion.title}” was read against the guidance and descriptors."


def load(session: Session, tender: Tender, spec: dict, now: datetime) -> None:
    at = datetime.fromisoformat(spec["at"])
    panel = [session.exec(select(User).where(User.email == email)).one() for email in spec["panel"]]
    lead = panel[0]
    criteria = list(session.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id)
                                 .order_by(QualityCriterion.position)).all())
    submissions = {name: submission for submission, name in session.exec(
        select(BidSubmission, Organisation.name).join(Bid, Bid.id == BidSubmission.bid_id)
        .join(Organisation, Organisation.id == Bid.organisation_id).where(Bid.tender_id == tender.id)).all()}
    for evaluator in panel:
        for criterion in criteria:
            session.add(EvaluatorAssignment(tender_id=tender.id, user_id=evaluator.id, criterion_id=criterion.id,
                                            assigned_by_user_id=lead.id, assigned_at=at - timedelta(days=14)))
        session.add(ConflictDeclaration(tender_id=tender.id, user_id=evaluator.id, has_conflict=False,
                                        declared_at=at - timedelta(days=10)))
    for entry in spec["scores"]:
        submission = submissions[entry["supplier"]]
        for criterion, individual, moderated in zip(criteria, entry["individual"], entry["moderated"]):
            for evaluator, score in zip(panel, individual):
                session.add(IndividualScore(tender_id=tender.id, submission_id=submission.id, criterion_id=criterion.id,
                                            evaluator_user_id=evaluator.id, score=score,
                                            justification=_justification(criterion, score, entry["supplier"]),
                                            submitted_at=at))
            wide = max(individual) - min(individual) >= tender.spread_threshold
            session.add(ModeratedScore(
                tender_id=tender.id, submission_id=submission.id, criterion_id=criterion.id, score=moderated,
                rationale=spec["wide_spread_rationale"] if wide else
                f"The panel agreed the evaluators' view: {_justification(criterion, moderated, entry['supplier'])}",
                moderator_user_id=lead.id, moderated_at=at + timedelta(days=1)))
        session.add(ComplianceCheck(tender_id=tender.id, submission_id=submission.id, passed=True,
                                    reason=spec["compliance"], checked_by_user_id=lead.id, checked_at=at))
    choice = spec["recommendation"]
    session.add(Recommendation(tender_id=tender.id, submission_id=submissions[choice["supplier"]].id,
                               rationale=choice["rationale"],
                               recommended_by_user_id=session.exec(select(User).where(User.email == choice["by"])).one().id,
                               recommended_at=at + timedelta(days=2)))
    audit.record(session, None, "evaluation.recorded", "tender", tender.id, now,
                 {"source": "demo scenario", "panel": [u.id for u in panel], "recommended": choice["supplier"]},
                 organisation_id=lead.organisation_id)
