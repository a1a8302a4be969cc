"""The award and the contract register: the contract made from the recommended bid under a
taken award decision, its standstill, and the day it was entered into."""

from datetime import date, datetime

from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.domain import contracts as rules
from tenderapp.domain import decisions as decision_rules
from tenderapp.domain.deadlines import Standstill, standstill_period
from tenderapp.domain.decisions import DecisionKind
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.money import to_pence
from tenderapp.domain.uk_time import uk_date_of, uk_today
from tenderapp.models import Contract, ContractPrice, Decision, Recommendation, Tender
from tenderapp.sealing import Sealer
from tenderapp.services import audit
from tenderapp.services.decisions import decision_status
from tenderapp.services.opening import OpenedBid, unsealed_bids


def contract_of(session: Session, tender: Tender) -> Contract | None:
    return session.exec(select(Contract).where(Contract.tender_id == tender.id)).first()


def _check_notice_date(tender: Tender, decision: Decision, notice_on: date, now: datetime) -> None:
    rules.check_notice_date(notice_on, decision.taken_on, uk_date_of(tender.opened_at) if tender.opened_at else None,
                            uk_today(now))


def _recommendation(session: Session, tender: Tender) -> Recommendation:
    if contract_of(session, tender) is not None:
        raise Conflict("This tender is already awarded")
    recommendation = session.exec(select(Recommendation).where(Recommendation.tender_id == tender.id)).first()
    if recommendation is None:
        raise RuleViolation("Record the recommendation before the award")
    return recommendation


def _new_contract(session: Session, tender: Tender, winner: OpenedBid, decision: Decision,
                  period: Standstill, notice_on: date, now: datetime) -> Contract:
    end = rules.initial_end(tender.contract_start, tender.initial_term_months)
    contract = Contract(
        tender_id=tender.id, submission_id=winner.submission.id,
        supplier_organisation_id=winner.organisation_id,
        award_decision_id=decision.id, value_pence=to_pence(winner.evaluated_price),
        start_date=tender.contract_start, initial_end_date=end, end_date=end,
        extensions_allowed=tender.extensions_allowed, extension_max_months=tender.extension_max_months,
        regime=tender.regime, standstill_start=notice_on, standstill_last_day=period.last_day,
        earliest_signing_date=period.earliest_signing_date, created_at=now)
    session.add(contract)
    session.flush()
    session.add_all([ContractPrice(contract_id=contract.id, code=code, unit_price_pence=to_pence(price))
                     for code, price in winner.prices.items()])
    return contract


def award(session: Session, actor: Actor, sealer: Sealer, tender: Tender, decision: Decision | None,
          notice_on: date, now: datetime) -> Contract:
    """Records the award of the (scoped) tender to the recommended bid under a taken award
    decision (``decision`` is the one chosen, None when none of the collaboration's was),
    computes the standstill by the tender's regime from the day the notice was published
    (PA2023) or sent (PCR2015), and creates the contract at the bid's evaluated price and
    unit prices. Raises RuleViolation without a recommendation or a taken award decision or
    when the notice date is in the future, before the opening or before the decision;
    Conflict when already awarded."""
    recommendation = _recommendation(session, tender)
    decision_rules.check_basis(DecisionKind.AWARD, decision.kind if decision else None,
                               decision_status(decision) if decision else None)
    _check_notice_date(tender, decision, notice_on, now)
    opened = unsealed_bids(session, sealer, tender)
    winner = next(b for b in opened if b.submission.id == recommendation.submission_id)
    period = standstill_period(notice_on, tender.regime)
    contract = _new_contract(session, tender, winner, decision, period, notice_on, now)
    audit.record(session, actor, "tender.awarded", "contract", contract.id, now,
                 {"tender_id": tender.id, "supplier": winner.supplier, "decision": decision.number,
                  "standstill_last_day": period.last_day.isoformat(),
                  "earliest_signing_date": period.earliest_signing_date.isoformat()})
    session.commit()
    return contract


def correct_notice_date(session: Session, actor: Actor, contract: Contract, tender: Tender, notice_on: date,
                        reason: str, now: datetime) -> Contract:
    """Corrects the notice date the standstill runs from, and works the standstill out again
    from it; audited with the old and new dates and the reason. Raises Conflict once the
    contract is entered into; RuleViolation for a date the award itself would refuse, the same
    date again, or no reason."""
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


def enter_into(session: Session, actor: Actor, contract: Contract, signed_on: date, now: datetime) -> Contract:
    """Records the date the (scoped) contract was entered into; never before standstill has
    ended nor later than today. Raises Conflict when already recorded."""
    if contract.entered_into_on is not None:
        raise Conflict("The contract is already recorded as entered into")
    rules.check_entry(signed_on, contract.earliest_signing_date, uk_today(now))
    contract.entered_into_on = signed_on
    session.add(contract)
    audit.record(session, actor, "contract.entered_into", "contract", contract.id, now,
                 {"signed_on": signed_on.isoformat()})
    session.commit()
    return contract
