"""An evaluator's work: declare conflicts first, then score each bid's answer on their
criteria independently, with reasons. Others' scores stay hidden until one's own is in."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.access import bids as bid_access
from tenderapp.access import evaluation as evaluation_access
from tenderapp.domain.errors import Conflict, NotFound
from tenderapp.domain.evaluation import check_may_evaluate, check_reasons, check_score
from tenderapp.domain.notifications import Notice
from tenderapp.models import (
    BidSubmission,
    ConflictDeclaration,
    IndividualScore,
    QualityCriterion,
    Tender,
    User,
)
from tenderapp.sealing import Sealer
from tenderapp.services import audit, notifications, outbox, score_progress
from tenderapp.services.bid_attachments import unseal
from tenderapp.services.clarifications import lead_admins
from tenderapp.services.opening import unseal_submission
from tenderapp.services.panel import check_open, cleared_status, removed_evaluators


def declare(session: Session, actor: Actor, tender: Tender, has_conflict: bool, details: str,
            now: datetime) -> ConflictDeclaration:
    """Records the evaluator's declaration for the (panel-scoped) tender, once. A declared
    conflict waits for the procurement admin's decision, and the admins are told."""
    if session.exec(select(ConflictDeclaration).where(ConflictDeclaration.tender_id == tender.id,
                                                      ConflictDeclaration.user_id == actor.user_id)).first():
        raise Conflict("You have already made your declaration for this tender")
    details = check_reasons(details, "details", "details of the conflict") if has_conflict else None
    declaration = ConflictDeclaration(tender_id=tender.id, user_id=actor.user_id, has_conflict=has_conflict,
                                      details=details, declared_at=now)
    session.add(declaration)
    if has_conflict:
        for email, organisation_id in lead_admins(session, tender):
            outbox.queue(session, email, f"Conflict of interest declared: tender {tender.reference}",
                         f"{actor.full_name} ({actor.organisation_name}) declared a conflict of interest. Decide "
                         "whether they continue, with a mitigation, or leave the panel.\n", now, organisation_id)
    audit.record(session, actor, "evaluation.conflicts_declared", "tender", tender.id, now,
                 {"has_conflict": has_conflict, "details": details})
    session.commit()
    return declaration


def _cleared(session: Session, actor: Actor, tender: Tender) -> list[int]:
    check_may_evaluate(cleared_status(session, tender, actor.user_id))
    return evaluation_access.assigned_criteria(session, actor, tender)


@dataclass(frozen=True)
class Task:
    submission: BidSubmission
    supplier: str
    criterion: QualityCriterion
    my_score: IndividualScore | None
    organisation_id: int  # the supplier's: its bid is sealed to it


def tasks(session: Session, actor: Actor, tender: Tender) -> list[Task]:
    """Every (bid, criterion) the evaluator must score on the (panel-scoped) tender. Raises
    Forbidden before the declaration is cleared or before the opening."""
    criterion_ids = _cleared(session, actor, tender)
    box = bid_access.opened_box(session, tender)
    criteria = bid_access.criteria_among(session, tender, criterion_ids)
    mine = {(s.submission_id, s.criterion_id): s for s in session.exec(select(IndividualScore).where(
        IndividualScore.tender_id == tender.id, IndividualScore.evaluator_user_id == actor.user_id))}
    return [Task(b.submission, b.supplier, c, mine.get((b.submission.id, c.id)), b.organisation_id)
            for b in box for c in criteria]


@dataclass(frozen=True)
class Workspace:
    tender: Tender
    task: Task
    answer: str
    files: list[dict]  # {"file", "sha256"} as submitted for this criterion
    others: list[tuple[str, IndividualScore]]  # shown only once the evaluator has scored
    next_task: Task | None = None  # the evaluator's next answer still to score (None: all scored)


def next_unscored(all_tasks: list[Task], current: Task) -> Task | None:
    """The first answer after ``current`` (in the order of the evaluator's list, then round from
    the start) that the evaluator has not scored yet; None when every other one is scored."""
    position = all_tasks.index(current)
    return next((t for t in all_tasks[position + 1:] + all_tasks[:position] if t.my_score is None), None)


def _one_task(session: Session, actor: Actor, tender: Tender, submission_id: int, criterion_id: int) -> Task:
    """One (bid, criterion) of the evaluator's ``tasks``, found without reading them all."""
    assigned = _cleared(session, actor, tender)
    try:
        found = bid_access.opened_submission(session, tender, submission_id)  # Forbidden before the opening
    except NotFound:
        raise NotFound("Not one of your evaluations") from None
    if criterion_id not in assigned:
        raise NotFound("Not one of your evaluations")
    criterion = bid_access.criteria_among(session, tender, [criterion_id])[0]
    mine = session.exec(select(IndividualScore).where(
        IndividualScore.tender_id == tender.id, IndividualScore.evaluator_user_id == actor.user_id,
        IndividualScore.submission_id == submission_id, IndividualScore.criterion_id == criterion_id)).first()
    return Task(found.submission, found.supplier, criterion, mine, found.organisation_id)


def _task(all_tasks: list[Task], submission_id: int, criterion_id: int) -> Task:
    task = next((t for t in all_tasks if t.submission.id == submission_id and t.criterion.id == criterion_id), None)
    if task is None:
        raise NotFound("Not one of your evaluations")
    return task


def workspace(session: Session, actor: Actor, sealer: Sealer, tender: Tender, submission_id: int,
              criterion_id: int) -> Workspace:
    all_tasks = tasks(session, actor, tender)
    task = _task(all_tasks, submission_id, criterion_id)
    content = unseal_submission(sealer, tender, task.submission, task.organisation_id)
    others = []
    if task.my_score is not None:
        others = list(session.exec(
            select(User.full_name, IndividualScore).join(User, User.id == IndividualScore.evaluator_user_id)
            .where(IndividualScore.submission_id == submission_id, IndividualScore.criterion_id == criterion_id,
                   IndividualScore.evaluator_user_id != actor.user_id,
                   IndividualScore.evaluator_user_id.not_in(removed_evaluators(session, tender)))).all())
    files = content.get("attachments", {}).get(str(criterion_id), [])
    return Workspace(tender, task, content["answers"].get(str(criterion_id), ""), files, others,
                     next_unscored(all_tasks, task))


def attachment(session: Session, actor: Actor, sealer: Sealer, tender: Tender, submission_id: int,
               criterion_id: int, sha256: str) -> tuple[str, bytes]:
    """A file the bid attached to an answer the evaluator scores (cleared panel members only)."""
    space = workspace(session, actor, sealer, tender, submission_id, criterion_id)
    name = next((f["file"] for f in space.files if f["sha256"] == sha256), None)
    if name is None:
        raise NotFound("File not found")
    row = bid_access.submitted_attachment(session, space.task.submission, sha256)
    return name, unseal(sealer, space.tender, space.task.organisation_id, row)


def submit_score(session: Session, actor: Actor, tender: Tender, submission_id: int, criterion_id: int,
                 score: int | None, justification: str, now: datetime, link: str | None) -> IndividualScore:
    """Records the evaluator's score and reasons; locked once in. The last score the panel
    owes tells the lead's admins (the moderators) that every score is in, with ``link`` (the
    moderation page; ``None`` tells no one: a demo's scores recorded as its story has them).
    Raises RuleViolation for a missing or out-of-range score or thin reasons, Conflict when
    already scored."""
    task = _one_task(session, actor, tender, submission_id, criterion_id)
    check_open(session, tender)
    if task.my_score is not None:
        raise Conflict("You have already scored this answer: a submitted score is locked")
    check_score(score, task.criterion.max_score)
    reasons = check_reasons(justification, "justification", "justification")
    row = IndividualScore(tender_id=tender.id, submission_id=submission_id, criterion_id=criterion_id,
                          evaluator_user_id=actor.user_id, score=score, justification=reasons, submitted_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor, "evaluation.score_submitted", "tender", tender.id, now,
                 {"submission_id": submission_id, "criterion_id": criterion_id, "score": score})
    if link is not None and score_progress.progress_of(session, [tender])[tender.id].all_scored:
        notifications.send(session, Notice.SCORES_IN, lead_admins(session, tender),
                           f"All scores are in: tender {tender.reference}",
                           f"Every evaluator on the panel of tender {tender.reference}, “{tender.title}”, has "
                           "submitted their scores. Record the consensus scores here:", link, now)
    session.commit()
    return row
