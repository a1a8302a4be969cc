"""What needs the signed-in person, most urgent first: the dashboard's to-do list.

Each role adds its own tasks (the lead's admins' are in ``work_queue_lead``); a task goes as
soon as what it asks for is done, because every task is found afresh from the rows that say
whether it is done. The queries do not grow with the data: each source is read for all of the
person's tenders or agreements at once.
"""

from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from tenderapp.access import Actor, panel_tenders
from tenderapp.access import bids as bid_access
from tenderapp.domain.agreements import PartyStatus
from tenderapp.domain.bids import BidState
from tenderapp.domain.evaluation import PanelStatus, panel_status
from tenderapp.domain.roles import Role
from tenderapp.domain.tenders import TenderStatus
from tenderapp.domain.uk_time import uk_today
from tenderapp.domain.work_queue import Link, Task, by_urgency, plural
from tenderapp.models import (
    AssessmentSummary,
    Clarification,
    CollaborationMember,
    ConflictDeclaration,
    Contract,
    Decision,
    EvaluatorAssignment,
    IndividualScore,
    Tender,
    TenderInterest,
)
from tenderapp.services import agreement_status, bids, signing
from tenderapp.services import tenders as tender_rules
from tenderapp.services.work_queue_lead import about, lead_tasks

NEWS_DAYS = 14  # how long a new answer or a published decision stays on the list
EXTENSION_NOTICE_MONTHS = 6  # the default; the app's EXTENSION_NOTICE_MONTHS setting wins

_TO_DO = {
    PartyStatus.INVITED: ("read_agreement", "Read the agreement, then agree in principle or sign"),
    PartyStatus.AGREED_IN_PRINCIPLE: ("sign_agreement", "Sign the agreement"),
    PartyStatus.RE_SIGN_REQUIRED: ("re_sign_agreement", "Sign the new version of the agreement"),
}


def tasks_for(session: Session, actor: Actor, now: datetime,
              notice_months: int = EXTENSION_NOTICE_MONTHS) -> list[Task]:
    """Every task of the actor, across their roles, most urgent first."""
    found = lead_tasks(session, actor, now, notice_months)
    if actor.has_role(Role.SIGNATORY):
        found += signatory_tasks(session, actor)
    if actor.has_role(Role.EVALUATOR):
        found += evaluator_tasks(session, actor, now)
    if actor.has_role(Role.BIDDER):
        found += bidder_tasks(session, actor, now)
    if actor.has_role(Role.VIEWER) and actor.organisation_kind.is_authority:
        found += viewer_tasks(session, actor, now)
    return by_urgency(found)


def signatory_tasks(session: Session, actor: Actor) -> list[Task]:
    """For each agreement, the organisations the actor answers for (their own, and those they
    act for) that still have to agree or sign, grouped by what each has to do."""
    overview = signing.overview(session, actor)
    current = agreement_status.current_versions(session, [a.id for a, _ in overview])
    tasks = []
    for agreement, parties in overview:
        version = current.get(agreement.id)
        for status, (kind, title) in _TO_DO.items():
            waiting = [p for p in parties if p.status is status]
            if not waiting or version is None:
                continue
            names = ", ".join(p.organisation.name for p in waiting)
            on_behalf = any(p.representation is not None for p in waiting)
            link = "agreements.sign" if status is not PartyStatus.INVITED else "agreements.agreement"
            tasks.append(Task(kind, title, f"{agreement.title} (version {version.number})",
                              Link.to(link, agreement_id=agreement.id), waiting_since=version.issued_at,
                              detail=("On behalf of " if on_behalf else "For ") + names))
    return tasks


def _my_panels(session: Session, actor: Actor, now: datetime) -> list[Tender]:
    """The actor's panel tenders whose evaluation is still open (no recommendation yet)."""
    tenders = panel_tenders(session, actor)
    progress = tender_rules.progress_of(session, tenders)
    return [t for t in tenders if tender_rules.status_of(t, now, progress.get(t.id)) in
            (TenderStatus.PUBLISHED, TenderStatus.CLOSED, TenderStatus.OPENED)]


def evaluator_tasks(session: Session, actor: Actor, now: datetime) -> list[Task]:
    """Declarations to make, then once cleared and opened the answers to score (n of m)."""
    tenders = _my_panels(session, actor, now)
    if not tenders:
        return []
    ids = [t.id for t in tenders]
    mine = EvaluatorAssignment.user_id == actor.user_id
    assigned: dict[int, tuple[int, datetime]] = {
        tender_id: (count, since) for tender_id, count, since in session.exec(
            select(EvaluatorAssignment.tender_id, func.count(), func.min(EvaluatorAssignment.assigned_at))
            .where(col(EvaluatorAssignment.tender_id).in_(ids), mine).group_by(EvaluatorAssignment.tender_id)).all()}
    declared = {d.tender_id: d for d in session.exec(select(ConflictDeclaration).where(
        col(ConflictDeclaration.tender_id).in_(ids), ConflictDeclaration.user_id == actor.user_id)).all()}
    boxes = bid_access.box_submission_ids(session, [t for t in tenders if t.opened_at is not None])
    scored: dict[int, set[tuple[int, int]]] = {}
    for tender_id, submission_id, criterion_id in session.exec(
            select(IndividualScore.tender_id, IndividualScore.submission_id, IndividualScore.criterion_id)
            .where(col(IndividualScore.tender_id).in_(ids), IndividualScore.evaluator_user_id == actor.user_id)).all():
        scored.setdefault(tender_id, set()).add((submission_id, criterion_id))
    tasks = []
    for tender in tenders:
        d = declared.get(tender.id)
        status = panel_status(d is not None, bool(d and d.has_conflict), d.resolution if d else None)
        criteria, since = assigned[tender.id]
        if status is PanelStatus.NOT_DECLARED:
            tasks.append(Task("declare_conflicts", "Declare any conflicts of interest", about(tender),
                              Link.to("evaluation.declaration", tender_id=tender.id), waiting_since=since,
                              detail="Before you can see any bid"))
        elif status is PanelStatus.CLEARED and tender.id in boxes:
            expected = criteria * len(boxes[tender.id])
            done = len({s for s in scored.get(tender.id, set()) if s[0] in boxes[tender.id]})
            if done < expected:
                tasks.append(Task("score_answers", f"Score the answers: {done} of {expected} scored", about(tender),
                                  Link.to("evaluation.work", tender_id=tender.id), waiting_since=tender.opened_at,
                                  detail="Independently, with your reasons"))
    return tasks


def bidder_tasks(session: Session, actor: Actor, now: datetime) -> list[Task]:
    """Drafts to submit before their deadline, answers published lately to questions about the
    tenders the supplier is interested in, and its assessment summary during the standstill."""
    tasks = [Task("submit_bid", "Finish and submit your bid", about(tender),
                  Link.to("bids.overview", tender_id=tender.id), due=tender.submission_deadline,
                  detail="Your draft is saved; it is not a bid until you submit it")
             for tender, state in bids.supplier_overview(session, actor, now)
             if state == BidState.DRAFT.label and now < tender.submission_deadline]
    interested = select(TenderInterest.tender_id).where(TenderInterest.organisation_id == actor.organisation_id)
    for tender, count, latest in session.exec(
            select(Tender, func.count(), func.max(Clarification.answered_at))
            .join(Clarification, col(Clarification.tender_id) == col(Tender.id))
            .where(col(Tender.id).in_(interested), Clarification.visibility == "published",
                   col(Clarification.answered_at) >= now - timedelta(days=NEWS_DAYS), Tender.submission_deadline > now)
            .group_by(col(Tender.id))).all():
        tasks.append(Task("read_answers", f"Read {plural(count, 'new answer')} to clarification questions",
                          about(tender), Link.to("tenders.tender", tender_id=tender.id), waiting_since=latest,
                          detail="Published to every interested supplier", news=True))
    return tasks + _summaries(session, actor, now)


def _summaries(session: Session, actor: Actor, now: datetime) -> list[Task]:
    rows = session.exec(select(AssessmentSummary, Contract, Tender)
                        .join(Contract, col(Contract.id) == col(AssessmentSummary.contract_id))
                        .join(Tender, col(Tender.id) == col(Contract.tender_id))
                        .where(AssessmentSummary.organisation_id == actor.organisation_id,
                               col(AssessmentSummary.issued_at).is_not(None),
                               Contract.standstill_last_day >= uk_today(now))).all()
    return [Task("read_summary", "Read your assessment summary", about(tender),
                 Link.to("contracts.own_assessment_summary", tender_id=tender.id), due=contract.standstill_last_day,
                 waiting_since=summary.issued_at, detail="The standstill period ends on this day")
            for summary, contract, tender in rows]


def viewer_tasks(session: Session, actor: Actor, now: datetime) -> list[Task]:
    """What changed lately for the viewer's authority: decisions published by its collaborations."""
    member_of = select(CollaborationMember.collaboration_id).where(
        CollaborationMember.organisation_id == actor.organisation_id)
    decisions = session.exec(select(Decision).where(
        col(Decision.collaboration_id).in_(member_of), col(Decision.published_at).is_not(None),
        col(Decision.published_at) >= now - timedelta(days=NEWS_DAYS))).all()
    return [Task("read_decision", "Read the published decision", f"{d.number}: {d.title}",
                 Link.to("contracts.decision", decision_id=d.id), waiting_since=d.published_at,
                 detail="Published in the last two weeks", news=True)
            for d in decisions]
