"""Decisions, the award and the contract register (the lead's procurement admins)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_
from sqlmodel import Session, select

from tenderapp.access import (
    Actor,
    get_lead_contract,
    get_lead_tender,
    get_led_collaboration,
    led_collaborations,
    member_collaborations,
)
from tenderapp.domain import contracts as rules
from tenderapp.domain.deadlines import standstill_period
from tenderapp.domain.errors import Conflict, NotFound, RuleViolation
from tenderapp.domain.documents import check_document, safe_filename
from tenderapp.domain.tenders import Regime
from tenderapp.domain.text import check_single_line
from tenderapp.domain.uk_time import uk_date_of, uk_today
from tenderapp.models import (
    Bid,
    BidSubmission,
    Collaboration,
    CollaborationMember,
    Contract,
    ContractExtension,
    ContractPrice,
    Decision,
    DecisionDocument,
    Recommendation,
    Tender,
)
from tenderapp.services import audit, same_text
from tenderapp.domain.money import to_pence
from tenderapp.services.opening import opened_bids
from tenderapp.services.results import compute


@dataclass(frozen=True)
class DecisionInput:
    number: str
    title: str
    kind: str
    key_decision: bool
    decision_maker: str
    forum: str | None
    delegation_reference: str | None
    summary: str
    endorsed_on: date | None
    taken_on: date | None


def record_decision(session: Session, actor: Actor, collaboration_id: int, data: DecisionInput, now: datetime,
                    tender_id: int | None = None) -> Decision:
    collaboration = get_led_collaboration(session, actor, collaboration_id)
    number = check_single_line(data.number, "number", "Decision number", "Enter the decision number", 40)
    if session.exec(select(Decision.id).where(same_text(Decision.number, number))).first():
        raise Conflict("A decision with this number is already recorded", "number")
    if data.kind not in ("award", "extension", "other"):
        raise RuleViolation("Select the type of decision", "kind")
    if not data.summary.strip():
        raise RuleViolation("Enter a summary of the decision", "summary")
    if data.endorsed_on and data.taken_on and data.taken_on < data.endorsed_on:
        raise RuleViolation("The decision cannot be taken before it was endorsed", "taken_on")
    decision = Decision(
        collaboration_id=collaboration.id, tender_id=tender_id, number=number,
        title=check_single_line(data.title, "title", "Title", "Enter the decision's title", 300), kind=data.kind,
        key_decision=data.key_decision,
        decision_maker=check_single_line(data.decision_maker, "decision_maker", "Decision maker",
                                         "Enter who took the decision", 300),
        forum=(data.forum or "").strip() or None, delegation_reference=(data.delegation_reference or "").strip() or None,
        summary=data.summary.strip(), endorsed_on=data.endorsed_on, taken_on=data.taken_on,
        created_by_user_id=actor.user_id, created_at=now)
    session.add(decision)
    session.flush()
    audit.record(session, actor, "decision.recorded", "decision", decision.id, now,
                 {"number": number, "kind": data.kind, "taken_on": data.taken_on.isoformat() if data.taken_on else None})
    session.commit()
    return decision


def decision_status(decision: Decision) -> str:
    if decision.published_at:
        return "Published"
    if decision.taken_on:
        return "Taken"
    if decision.endorsed_on:
        return "Endorsed"
    return "Proposed"


def publish_decision(session: Session, actor: Actor, decision_id: int, now: datetime) -> Decision:
    """Makes a taken decision readable by every member of the collaboration."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("Decision not found")
    get_led_collaboration(session, actor, decision.collaboration_id)
    if decision.taken_on is None:
        raise RuleViolation("Record when the decision was taken before publishing it")
    decision.published_at = now
    session.add(decision)
    audit.record(session, actor, "decision.published", "decision", decision.id, now)
    session.commit()
    return decision


def award(session: Session, actor: Actor, sealer, tender_id: int, decision_id: int, notice_on: date,
          now: datetime) -> Contract:
    """Records the award to the recommended bid under a taken award decision, computes the
    standstill by the tender's regime from the day the notice was published (PA2023) or sent
    (PCR2015), and creates the contract. Raises RuleViolation without a recommendation or a
    taken award decision or when the notice date is in the future, before the opening or
    before the decision; Conflict when already awarded."""
    tender = get_lead_tender(session, actor, tender_id)
    if session.exec(select(Contract.id).where(Contract.tender_id == tender.id)).first():
        raise Conflict("This tender is already awarded")
    recommendation = session.exec(select(Recommendation).where(Recommendation.tender_id == tender.id)).first()
    if recommendation is None:
        raise RuleViolation("Record the recommendation before the award")
    decision = session.get(Decision, decision_id)
    if decision is None or decision.collaboration_id != tender.collaboration_id or decision.kind != "award":
        raise RuleViolation("Select the award decision", "decision_id")
    if decision.taken_on is None:
        raise RuleViolation("The award decision has not been taken yet", "decision_id")
    _check_notice_date(tender, decision, notice_on, now)
    results = compute(session, actor, sealer, tender.id)
    row = next(r for r in results.rows if r.submission_id == recommendation.submission_id)
    _, opened = opened_bids(session, actor, sealer, tender.id)
    winning_prices = next(b.prices for b in opened if b.submission.id == recommendation.submission_id)
    submission = session.get(BidSubmission, recommendation.submission_id)
    supplier_id = session.get(Bid, submission.bid_id).organisation_id
    period = standstill_period(notice_on, tender.regime)
    end = rules.initial_end(tender.contract_start, tender.initial_term_months)
    contract = Contract(
        tender_id=tender.id, submission_id=submission.id, supplier_organisation_id=supplier_id,
        award_decision_id=decision.id, value_pence=int(row.evaluated_price * 100), start_date=tender.contract_start,
        initial_end_date=end, end_date=end, extensions_allowed=tender.extensions_allowed,
        extension_max_months=tender.extension_max_months, regime=tender.regime, standstill_start=notice_on,
        standstill_last_day=period.last_day, earliest_signing_date=period.earliest_signing_date, created_at=now)
    session.add(contract)
    session.flush()
    session.add_all([ContractPrice(contract_id=contract.id, code=code, unit_price_pence=to_pence(price))
                     for code, price in winning_prices.items()])
    audit.record(session, actor, "tender.awarded", "contract", contract.id, now,
                 {"tender_id": tender.id, "supplier": row.supplier, "decision": decision.number,
                  "standstill_last_day": period.last_day.isoformat(),
                  "earliest_signing_date": period.earliest_signing_date.isoformat()})
    session.commit()
    return contract


def _check_notice_date(tender: Tender, decision: Decision, notice_on: date, now: datetime) -> None:
    rules.check_notice_date(notice_on, decision.taken_on, uk_date_of(tender.opened_at) if tender.opened_at else None,
                            uk_today(now))


def correct_notice_date(session: Session, actor: Actor, contract_id: int, notice_on: date, reason: str,
                        now: datetime) -> Contract:
    """Corrects the notice date the standstill runs from, and works the standstill out again
    from it; audited with the old and new dates and the reason. Raises Conflict once the
    contract is entered into; RuleViolation for a date the award itself would refuse, the same
    date again, or no reason."""
    contract, tender = get_lead_contract(session, actor, contract_id)
    if contract.entered_into_on is not None:
        raise Conflict("The contract has been entered into: its notice date can no longer be corrected", "notice_on")
    _check_notice_date(tender, session.get(Decision, contract.award_decision_id), notice_on, now)
    if notice_on == contract.standstill_start:
        raise RuleViolation("Enter a different date: the notice date is already "
                            f"{notice_on.day} {notice_on:%B %Y}", "notice_on")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("Enter why the notice date is being corrected", "reason")
    before = (contract.standstill_start, contract.standstill_last_day, contract.earliest_signing_date)
    period = standstill_period(notice_on, contract.regime)
    contract.standstill_start, contract.standstill_last_day = notice_on, period.last_day
    contract.earliest_signing_date = period.earliest_signing_date
    session.add(contract)
    audit.record(session, actor, "contract.notice_date_corrected", "contract", contract.id, now,
                 {"reason": reason, "notice_on": {"before": before[0].isoformat(), "after": notice_on.isoformat()},
                  "standstill_last_day": {"before": before[1].isoformat(), "after": period.last_day.isoformat()},
                  "earliest_signing_date": {"before": before[2].isoformat(),
                                            "after": period.earliest_signing_date.isoformat()}})
    session.commit()
    return contract


def enter_into(session: Session, actor: Actor, contract_id: int, signed_on: date, now: datetime) -> Contract:
    """Records the date the contract was entered into; never before standstill has ended nor
    later than today."""
    contract, _ = get_lead_contract(session, actor, contract_id)
    if contract.entered_into_on is not None:
        raise Conflict("The contract is already recorded as entered into")
    rules.check_entry(signed_on, contract.earliest_signing_date, uk_today(now))
    contract.entered_into_on = signed_on
    session.add(contract)
    audit.record(session, actor, "contract.entered_into", "contract", contract.id, now,
                 {"signed_on": signed_on.isoformat()})
    session.commit()
    return contract


def extend(session: Session, actor: Actor, contract_id: int, decision_id: int, months: int, decided_by: str,
           consulted: str, decided_on: date, now: datetime) -> ContractExtension:
    """Records an extension under a taken extension decision, only as the contract allows."""
    contract, tender = get_lead_contract(session, actor, contract_id)
    decision = session.get(Decision, decision_id)
    if decision is None or decision.collaboration_id != tender.collaboration_id or decision.kind != "extension":
        raise RuleViolation("Select the extension decision", "decision_id")
    if decision.taken_on is None:
        raise RuleViolation("The extension decision has not been taken yet", "decision_id")
    used = len(extensions(session, contract))
    new_end = rules.check_extension(used, contract.extensions_allowed, months, contract.extension_max_months,
                                    decided_on, contract.end_date)
    extension = ContractExtension(
        contract_id=contract.id, decision_id=decision.id, months=months, previous_end_date=contract.end_date,
        new_end_date=new_end, decided_by=check_single_line(decided_by, "decided_by", "Decided by",
                                                           "Enter who took the decision", 300),
        consulted=(consulted or "").strip() or None, decided_on=decided_on, light_touch_exempt=tender.light_touch,
        change_notice_required=tender.regime == Regime.PA2023.value and not tender.light_touch,
        recorded_by_user_id=actor.user_id, recorded_at=now)
    contract.end_date = new_end
    session.add_all([extension, contract])
    session.flush()
    audit.record(session, actor, "contract.extended", "contract", contract.id, now,
                 {"decision": decision.number, "months": months, "new_end_date": new_end.isoformat(),
                  "decided_by": extension.decided_by, "consulted": extension.consulted})
    session.commit()
    return extension


def extensions(session: Session, contract: Contract) -> list[ContractExtension]:
    return list(session.exec(select(ContractExtension).where(ContractExtension.contract_id == contract.id)
                             .order_by(ContractExtension.decided_on)).all())


def contract_of(session: Session, tender: Tender) -> Contract | None:
    return session.exec(select(Contract).where(Contract.tender_id == tender.id)).first()


def decisions_by_collaboration(session: Session, actor: Actor) -> list[tuple[Collaboration, bool, list[Decision]]]:
    """Each collaboration the actor's organisation belongs to, whether the actor leads it, and
    its decisions: every one for the lead's admins, the published ones for other members. Three
    queries however many collaborations and decisions there are."""
    memberships = [collaboration for collaboration, _ in member_collaborations(session, actor)]
    if not memberships:
        return []
    led = {c.id for c in led_collaborations(session, actor)}
    grouped: dict[int, list[Decision]] = defaultdict(list)
    for decision in session.exec(
            select(Decision).where(Decision.collaboration_id.in_([c.id for c in memberships]),
                                   or_(Decision.collaboration_id.in_(led), Decision.published_at.is_not(None)))
            .order_by(Decision.created_at)).all():
        grouped[decision.collaboration_id].append(decision)
    return [(c, c.id in led, grouped[c.id]) for c in memberships]


def decisions_of(session: Session, collaboration: Collaboration, published_only: bool = False) -> list[Decision]:
    query = select(Decision).where(Decision.collaboration_id == collaboration.id)
    if published_only:
        query = query.where(Decision.published_at.is_not(None))
    return list(session.exec(query.order_by(Decision.created_at)).all())


def record_change_notice(session: Session, actor: Actor, contract_id: int, extension_id: int, published_on: date,
                         now: datetime) -> ContractExtension:
    """The day the contract change notice (UK10) for an extension was published."""
    contract, _ = get_lead_contract(session, actor, contract_id)
    extension = session.get(ContractExtension, extension_id)
    if extension is None or extension.contract_id != contract.id:
        raise NotFound("Extension not found")
    if not extension.change_notice_required:
        raise RuleViolation("This extension needs no contract change notice", "published_on")
    if published_on > uk_today(now):
        raise RuleViolation("The notice's publication date cannot be in the future", "published_on")
    if published_on < extension.decided_on:
        raise RuleViolation("The notice cannot be published before the extension was decided", "published_on")
    extension.change_notice_published_on = published_on
    session.add(extension)
    audit.record(session, actor, "contract.change_notice_recorded", "contract", contract.id, now,
                 {"extension_id": extension.id, "published_on": published_on.isoformat()})
    session.commit()
    return extension


DOCUMENT_KINDS = {"report": "Report", "equality_impact": "Equality impact assessment",
                  "legal_advice": "Legal advice", "other": "Other"}


def readable_decision(session: Session, actor: Actor, decision_id: int) -> tuple[Decision, bool]:
    """The decision and whether the actor leads its collaboration. Members read published
    decisions only; anyone else is told it does not exist."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("Decision not found")
    try:
        get_led_collaboration(session, actor, decision.collaboration_id)
    except NotFound:
        member = session.exec(select(CollaborationMember.id).where(
            CollaborationMember.collaboration_id == decision.collaboration_id,
            CollaborationMember.organisation_id == actor.organisation_id)).first()
        if member is None or decision.published_at is None:
            raise NotFound("Decision not found") from None
        return decision, False
    return decision, True


def decision_documents(session: Session, decision: Decision) -> list[DecisionDocument]:
    return list(session.exec(select(DecisionDocument).where(DecisionDocument.decision_id == decision.id)
                             .order_by(DecisionDocument.uploaded_at, DecisionDocument.id)).all())


def add_decision_document(session: Session, actor: Actor, decision_id: int, kind: str, title: str,
                          content: bytes | None, filename: str | None, store, now: datetime) -> DecisionDocument:
    decision, leads = readable_decision(session, actor, decision_id)
    if not leads:
        raise NotFound("Decision not found")
    if kind not in DOCUMENT_KINDS:
        raise RuleViolation("Select the kind of document", "kind")
    title = check_single_line(title, "title", "Title", "Enter a title for the document", 200)
    media_type = check_document(content, filename, "document")
    document = DecisionDocument(decision_id=decision.id, kind=kind, title=title,
                                filename=safe_filename(filename, "document", media_type), sha256=store.save(content),
                                size=len(content), uploaded_by_user_id=actor.user_id, uploaded_at=now)
    session.add(document)
    session.flush()
    audit.record(session, actor, "decision.document_added", "decision", decision.id, now,
                 {"document": document.id, "kind": kind, "title": title, "sha256": document.sha256})
    session.commit()
    return document


def decision_document(session: Session, actor: Actor, decision_id: int, document_id: int) -> DecisionDocument:
    decision, _ = readable_decision(session, actor, decision_id)
    document = session.get(DecisionDocument, document_id)
    if document is None or document.decision_id != decision.id:
        raise NotFound("Document not found")
    return document
