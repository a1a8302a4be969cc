"""Moderation and compliance (the lead's procurement admins): the consensus score that
counts for each bid and criterion, with a rationale; individual scores are kept as they were."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.access import evaluation as evaluation_access
from tenderapp.domain.errors import NotFound, RuleViolation
from tenderapp.domain.evaluation import check_reasons, check_score, wide_spread
from tenderapp.models import (
    BidSubmission,
    ComplianceCheck,
    EvaluatorAssignment,
    IndividualScore,
    ModeratedScore,
    QualityCriterion,
    Tender,
)
from tenderapp.services import audit
from tenderapp.services.panel import check_open, check_panel_member_has_scored, removed_evaluators


@dataclass(frozen=True)
class Cell:
    submission: BidSubmission
    supplier: str
    criterion: QualityCriterion
    individual: list[tuple[str, IndividualScore]]
    moderated: ModeratedScore | None
    wide_spread: bool


@dataclass(frozen=True)
class Grid:
    tender: Tender
    criteria: list[QualityCriterion]
    cells: list[Cell]
    compliance: dict[int, ComplianceCheck]
    suppliers: dict[int, str]  # submission id -> supplier
    submissions: tuple[BidSubmission, ...] = ()

    def cell(self, submission_id: int, criterion_id: int) -> Cell | None:
        return next((c for c in self.cells if c.submission.id == submission_id and c.criterion.id == criterion_id),
                    None)

    def submission(self, submission_id: int) -> BidSubmission | None:
        return next((s for s in self.submissions if s.id == submission_id), None)


def grid(session: Session, actor: Actor, tender: Tender) -> Grid:
    """Every bid × criterion of the lead's opened tender with its individual scores and the
    moderated one: a fixed number of queries whatever the number of bids. Raises Forbidden
    before the opening."""
    submissions = evaluation_access.submissions(session, tender)
    check_panel_member_has_scored(session, actor, tender)
    criteria = evaluation_access.criteria(session, tender)
    names = evaluation_access.supplier_names(session, tender)
    individual = evaluation_access.individual_scores(session, submissions, removed_evaluators(session, tender))
    moderated = evaluation_access.moderated_scores(session, submissions)
    compliance = evaluation_access.compliance_checks(session, submissions)
    cells = [Cell(s, names[s.bid_id], c, individual.get((s.id, c.id), []), moderated.get((s.id, c.id)),
                  wide_spread([i.score for _, i in individual.get((s.id, c.id), [])], tender.spread_threshold))
             for s in submissions for c in criteria]
    return Grid(tender, criteria, cells, compliance, {s.id: names[s.bid_id] for s in submissions},
                tuple(submissions))


def moderate(session: Session, actor: Actor, tender: Tender, submission: BidSubmission, criterion: QualityCriterion,
             score: int | None, rationale: str, now: datetime) -> ModeratedScore:
    """Records (or changes, audited with the value before) the consensus score and its
    rationale for a bid and criterion of the lead's opened tender. Raises RuleViolation for a
    missing score or rationale, or while an evaluator's score is outstanding."""
    check_open(session, tender)
    check_panel_member_has_scored(session, actor, tender)
    if criterion.tender_id != tender.id:
        raise NotFound("Not a bid and criterion of this tender")
    submission_id, criterion_id = submission.id, criterion.id
    if outstanding_scores(session, tender, submission_id, criterion_id):
        raise RuleViolation("Every evaluator on the panel must score this answer before the consensus is "
                            "recorded", "score")
    check_score(score, criterion.max_score)
    rationale = check_reasons(rationale, "rationale", "rationale for the consensus score")
    row = session.exec(select(ModeratedScore).where(ModeratedScore.submission_id == submission_id,
                                                    ModeratedScore.criterion_id == criterion_id)).first()
    before = {"score": row.score, "rationale": row.rationale} if row else None
    if row is None:
        row = ModeratedScore(tender_id=tender.id, submission_id=submission_id, criterion_id=criterion_id, score=score,
                             rationale=rationale, moderator_user_id=actor.user_id, moderated_at=now)
    else:
        row.score, row.rationale, row.moderator_user_id, row.moderated_at = score, rationale, actor.user_id, now
    session.add(row)
    audit.record(session, actor, "evaluation.moderated", "tender", tender.id, now,
                 {"submission_id": submission_id, "criterion_id": criterion_id, "before": before,
                  "after": {"score": score, "rationale": rationale}})
    session.commit()
    return row


def outstanding_scores(session: Session, tender: Tender, submission_id: int, criterion_id: int) -> list[int]:
    """The evaluators on the panel for this criterion (not removed) who have not scored this bid."""
    assigned = set(session.exec(select(EvaluatorAssignment.user_id).where(
        EvaluatorAssignment.tender_id == tender.id, EvaluatorAssignment.criterion_id == criterion_id)).all())
    scored = set(session.exec(select(IndividualScore.evaluator_user_id).where(
        IndividualScore.submission_id == submission_id, IndividualScore.criterion_id == criterion_id)).all())
    return sorted(assigned - removed_evaluators(session, tender) - scored)


def record_compliance(session: Session, actor: Actor, tender: Tender, submission: BidSubmission, passed: bool,
                      reason: str, now: datetime) -> ComplianceCheck:
    """Pass or fail, with the reason, for a bid of the lead's opened tender (a failed bid is
    shown but not ranked)."""
    check_open(session, tender)
    submission_id = submission.id
    reason = check_reasons(reason, "reason", "reason")
    row = session.exec(select(ComplianceCheck).where(ComplianceCheck.submission_id == submission_id)).first()
    before = {"passed": row.passed, "reason": row.reason} if row else None
    row = row or ComplianceCheck(tender_id=tender.id, submission_id=submission_id, passed=passed, reason=reason,
                                 checked_by_user_id=actor.user_id, checked_at=now)
    row.passed, row.reason, row.checked_by_user_id, row.checked_at = passed, reason, actor.user_id, now
    session.add(row)
    audit.record(session, actor, "evaluation.compliance_recorded", "tender", tender.id, now,
                 {"submission_id": submission_id, "passed": passed, "reason": reason, "before": before})
    session.commit()
    return row
