"""The lead's procurement admins' work queue: what their tenders, evaluations, contracts and
agreements wait for. Every rule comes from the module that decides it (readiness from
``tenders.readiness``, statuses from ``tenders.status_of``, keys from the opener rules, the
signing statuses from ``agreement_status``); the queries here only gather the rows, a fixed
number of them however many tenders, bids, evaluators or members there are."""

from collections import Counter
from datetime import datetime

from sqlmodel import Session, col, func, select

from tenderapp.access import Actor, lead_tenders, led_collaborations
from tenderapp.domain import openers as opener_rules
from tenderapp.domain.roles import Role
from tenderapp.domain.tenders import TenderStatus
from tenderapp.domain.uk_time import uk_today
from tenderapp.domain.work_queue import Link, Task, extension_decision_due, extension_decision_from, plural
from tenderapp.formatting import uk_date
from tenderapp.models import (
    Agreement,
    AssessmentSummary,
    Clarification,
    CollaborationMember,
    ConflictDeclaration,
    Contract,
    ContractExtension,
    EvaluatorAssignment,
    OpeningKey,
    QualityCriterion,
    Tender,
    TenderOpener,
    User,
)
from tenderapp.services import agreement_status, score_progress
from tenderapp.services import tenders as tender_rules


def about(tender: Tender) -> str:
    return f"{tender.reference}: {tender.title}"


def lead_tasks(session: Session, actor: Actor, now: datetime, notice_months: int) -> list[Task]:
    """Every task of the actor as a procurement admin of a lead authority (empty otherwise)."""
    if not actor.has_role(Role.PROCUREMENT_ADMIN):
        return []
    tenders = lead_tenders(session, actor)
    progress = tender_rules.progress_of(session, tenders)
    status = {t.id: tender_rules.status_of(t, now, progress.get(t.id)) for t in tenders}

    def having(*wanted: TenderStatus) -> list[Tender]:
        return [t for t in tenders if status[t.id] in wanted]

    return (_to_publish(session, having(TenderStatus.DRAFT), now)
            + _questions(session, [t for t in tenders if t.published_at is not None])
            + _keys(session, actor, having(TenderStatus.CLOSED))
            + _panels(session, having(TenderStatus.PUBLISHED, TenderStatus.CLOSED, TenderStatus.OPENED))
            + _conflicts(session, having(TenderStatus.PUBLISHED, TenderStatus.CLOSED, TenderStatus.OPENED))
            + _evaluations(session, having(TenderStatus.OPENED))
            + _contracts(session, [t for t in tenders if t.opened_at is not None], now, notice_months)
            + _signatures(session, actor))


def _to_publish(session: Session, drafts: list[Tender], now: datetime) -> list[Task]:
    """Drafts, each with what still stops its publication (from the one rule that decides it)."""
    tasks = []
    for tender in drafts:  # drafts are few: each is checked by ``readiness`` itself
        missing = tender_rules.readiness(session, tender, now)
        title = "Publish the tender" if not missing else "Finish the tender and publish it"
        tasks.append(Task("publish_tender", title, about(tender), Link.to("tenders.tender", tender_id=tender.id),
                          due=tender.publication_at, waiting_since=tender.created_at,
                          detail=("Still missing: " + "; ".join(missing)) if missing else "Ready to publish"))
    return tasks


def _questions(session: Session, published: list[Tender]) -> list[Task]:
    by_id = {t.id: t for t in published}
    if not by_id:
        return []
    rows = session.exec(select(Clarification.tender_id, func.count(), func.min(Clarification.asked_at))
                        .where(col(Clarification.tender_id).in_(list(by_id)), col(Clarification.answered_at).is_(None))
                        .group_by(Clarification.tender_id)).all()
    return [Task("answer_questions", f"Answer {plural(count, 'clarification question')}", about(by_id[tender_id]),
                 Link.to("tenders.questions", tender_id=tender_id), due=by_id[tender_id].clarification_deadline,
                 waiting_since=oldest, detail="Clarification deadline")
            for tender_id, count, oldest in rows]


def _keys(session: Session, actor: Actor, closed: list[Tender]) -> list[Task]:
    """A key to turn for each closed tender the actor is a named opener of and has not turned."""
    if not closed:
        return []
    ids = [t.id for t in closed]
    openers: dict[int, dict[int, str]] = {}
    for tender_id, user_id, name in session.exec(
            select(TenderOpener.tender_id, TenderOpener.user_id, User.full_name)
            .join(User, col(User.id) == col(TenderOpener.user_id))
            .where(col(TenderOpener.tender_id).in_(ids), col(TenderOpener.removed_at).is_(None))).all():
        openers.setdefault(tender_id, {})[user_id] = name
    turned: dict[int, set[int]] = {}
    for tender_id, user_id in session.exec(select(OpeningKey.tender_id, OpeningKey.user_id)
                                           .where(col(OpeningKey.tender_id).in_(ids))).all():
        turned.setdefault(tender_id, set()).add(user_id)
    return [_key_task(t, openers[t.id], turned.get(t.id, set()), actor.user_id) for t in closed
            if actor.user_id in openers.get(t.id, {}) and actor.user_id not in turned.get(t.id, set())]


def _key_task(tender: Tender, openers: dict[int, str], turned: set[int], user_id: int) -> Task:
    counted = opener_rules.keys_counted(set(openers), turned)
    others = [f"{name} ({'key turned' if uid in turned else 'not yet'})"
              for uid, name in sorted(openers.items(), key=lambda item: item[1]) if uid != user_id]
    return Task("turn_key", "Turn your key to open the bids", about(tender),
                Link.to("opening.opening_page", tender_id=tender.id), waiting_since=tender.submission_deadline,
                detail=f"{len(counted)} of {tender.opening_quorum} keys turned. Other openers: " + ", ".join(others))


def _panels(session: Session, tenders: list[Tender]) -> list[Task]:
    """Tenders with quality criteria and nobody on their evaluation panel yet."""
    ids = [t.id for t in tenders]
    if not ids:
        return []
    with_criteria = set(session.exec(select(QualityCriterion.tender_id).where(
        col(QualityCriterion.tender_id).in_(ids)).distinct()).all())
    with_panel = set(session.exec(select(EvaluatorAssignment.tender_id).where(
        col(EvaluatorAssignment.tender_id).in_(ids)).distinct()).all())
    return [Task("assign_panel", "Put evaluators on the panel", about(t),
                 Link.to("evaluation.assign", tender_id=t.id),
                 due=t.submission_deadline if t.opened_at is None else None, waiting_since=t.opened_at,
                 detail="The evaluators declare their conflicts of interest before they see a bid")
            for t in tenders if t.id in with_criteria and t.id not in with_panel]


def _conflicts(session: Session, tenders: list[Tender]) -> list[Task]:
    by_id = {t.id: t for t in tenders}
    if not by_id:
        return []
    rows = session.exec(select(ConflictDeclaration, User.full_name)
                        .join(User, col(User.id) == col(ConflictDeclaration.user_id))
                        .where(col(ConflictDeclaration.tender_id).in_(list(by_id)),
                               col(ConflictDeclaration.has_conflict).is_(True),
                               col(ConflictDeclaration.resolution).is_(None))).all()
    return [Task("decide_conflict", f"Decide on {name}'s declared conflict of interest", about(by_id[d.tender_id]),
                 Link.to("evaluation.resolve", tender_id=d.tender_id, user_id=d.user_id), waiting_since=d.declared_at,
                 detail="They continue with a mitigation, or leave the panel")
            for d, name in rows]


def _evaluations(session: Session, opened: list[Tender]) -> list[Task]:
    """Opened tenders without a recommendation: scores waited for, consensus to record, or the
    recommendation itself."""
    found = score_progress.progress_of(session, opened)
    tasks = []
    for tender in opened:
        p = found.get(tender.id)
        if p is None or p.expected == 0:
            continue  # no panel yet: the panel task says so
        if not p.all_scored:
            task = Task("moderation_waiting", f"Moderation waiting: {p.scored} of {p.expected} scores in",
                        about(tender), Link.to("evaluation.overview", tender_id=tender.id),
                        waiting_since=tender.opened_at, detail="The evaluators are scoring")
        elif not p.all_moderated:
            task = Task("moderate", "Moderate the scores", about(tender),
                        Link.to("evaluation.moderation_grid", tender_id=tender.id), waiting_since=tender.opened_at,
                        detail=f"All {p.expected} scores are in; {p.moderated} of {p.to_moderate} consensus scores "
                               "recorded")
        else:
            task = Task("recommend", "Record the recommendation", about(tender),
                        Link.to("evaluation.results_page", tender_id=tender.id), waiting_since=tender.opened_at,
                        detail="Every consensus score is recorded")
        tasks.append(task)
    return tasks


def _contracts(session: Session, tenders: list[Tender], now: datetime, notice_months: int) -> list[Task]:
    by_id = {t.id: t for t in tenders}
    if not by_id:
        return []
    contracts = list(session.exec(select(Contract).where(col(Contract.tender_id).in_(list(by_id)))).all())
    ids = [c.id for c in contracts]
    used = dict(session.exec(select(ContractExtension.contract_id, func.count())
                             .where(col(ContractExtension.contract_id).in_(ids))
                             .group_by(ContractExtension.contract_id)).all()) if ids else {}
    summaries: dict[int, list[bool]] = {}
    for contract_id, issued_at in session.exec(select(AssessmentSummary.contract_id, AssessmentSummary.issued_at)
                                               .where(col(AssessmentSummary.contract_id).in_(ids))).all():
        summaries.setdefault(contract_id, []).append(issued_at is not None)
    today = uk_today(now)
    return [task for c in contracts
            for task in _contract_tasks(c, by_id[c.tender_id], today, used.get(c.id, 0), summaries.get(c.id, []),
                                        notice_months)]


def _contract_tasks(contract: Contract, tender: Tender, today, used: int, issued: list[bool],
                    notice_months: int) -> list[Task]:
    link, name = Link.to("contracts.contract", contract_id=contract.id), about(tender)
    tasks = []
    if contract.entered_into_on is None and not (issued and all(issued)):
        tasks.append(Task("issue_summaries", "Issue the assessment summaries", name,
                          Link.to("contracts.assessment_summaries", contract_id=contract.id),
                          due=contract.standstill_start, detail="Each bidder is told of its assessment, "
                          + (f"{issued.count(True)} of {len(issued)} issued" if issued else "none drafted yet")))
    if today <= contract.standstill_last_day:
        tasks.append(Task("standstill_ending", "Standstill ends", name, link, due=contract.standstill_last_day,
                          detail="The contract can be entered into from the day after"))
    if contract.entered_into_on is None:
        tasks.append(Task("enter_contract", "Record the contract's signature", name, link,
                          due=contract.earliest_signing_date, detail="Not before the earliest signing date"))
    if extension_decision_due(contract.end_date, notice_months, used, contract.extensions_allowed, today):
        tasks.append(Task("extension_due", "Decide on the extension", name, link, due=contract.end_date,
                          detail=f"The contract ends on its current term; decision due from "
                                 f"{uk_date(extension_decision_from(contract.end_date, notice_months))}"))
    return tasks


def _signatures(session: Session, actor: Actor) -> list[Task]:
    """Issued agreements of the collaborations the actor's authority leads with members that
    have not signed, each with a reminder action (the reminder goes to the outstanding ones)."""
    collaborations = {c.id: c for c in led_collaborations(session, actor)}
    if not collaborations:
        return []
    agreements = list(session.exec(select(Agreement).where(
        col(Agreement.collaboration_id).in_(list(collaborations)))).all())
    current = agreement_status.current_versions(session, [a.id for a in agreements])
    issued = [a for a in agreements if a.id in current]
    members: dict[int, list[int]] = {}
    for collaboration_id, organisation_id in session.exec(
            select(CollaborationMember.collaboration_id, CollaborationMember.organisation_id)
            .where(col(CollaborationMember.collaboration_id).in_(list(collaborations)))).all():
        members.setdefault(collaboration_id, []).append(organisation_id)
    history = agreement_status.responses_by_party(session, [a.id for a in issued],
                                                  sorted({o for ids in members.values() for o in ids}))
    tasks = []
    for agreement in issued:
        version = current[agreement.id]
        statuses = [agreement_status.status_of(version, history.get((agreement.id, o), []))
                    for o in members.get(agreement.collaboration_id, [])]
        outstanding = [s for s in statuses if s.outstanding]
        if outstanding:
            counts = Counter(s.label for s in outstanding)
            tasks.append(Task("signatures_outstanding", f"Signatures outstanding: {plural(len(outstanding), 'member')}",
                              f"{agreement.title} (version {version.number})",
                              Link.to("agreements.tracker", agreement_id=agreement.id), waiting_since=version.issued_at,
                              action=Link.to("agreements.reminders", agreement_id=agreement.id),
                              action_label="Send reminders",
                              detail="; ".join(f"{label}: {n}" for label, n in sorted(counts.items()))))
    return tasks
