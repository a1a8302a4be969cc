"""The demo award: the award decision, the contract with its standstill, its signature, and
the extension decision, as the scenario file gives them."""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from tenderapp.domain.contracts import check_extension, initial_end
from tenderapp.domain.deadlines import standstill_period
from tenderapp.models import (
    AuthorityBaseline,
    Bid,
    BidSubmission,
    Contract,
    ContractExtension,
    ContractPrice,
    CostShareBasis,
    Decision,
    Organisation,
    PricingLine,
    Recommendation,
    Tender,
    User,
)
from tenderapp.sealing import Sealer
from tenderapp.services import audit


def _decision(session: Session, tender: Tender, spec: dict, kind: str, author: User, now: datetime) -> Decision:
    taken = date.fromisoformat(spec["taken_on"])
    row = Decision(collaboration_id=tender.collaboration_id, tender_id=tender.id, number=spec["number"],
                   title=spec["title"], kind=kind, key_decision=spec.get("key_decision", False),
                   decision_maker=spec["decision_maker"], forum=spec.get("forum"),
                   delegation_reference=spec.get("delegation_reference"), summary=spec["summary"],
                   endorsed_on=date.fromisoformat(spec["endorsed_on"]) if spec.get("endorsed_on") else None,
                   taken_on=taken, published_at=datetime.combine(taken + timedelta(days=1), datetime.min.time(),
                                                                 tzinfo=now.tzinfo),
                   created_by_user_id=author.id, created_at=now)
    session.add(row)
    session.flush()
    return row


def load(session: Session, tender: Tender, spec: dict, sealer: Sealer, now: datetime) -> None:
    recommendation = session.exec(select(Recommendation).where(Recommendation.tender_id == tender.id)).one()
    author = session.get(User, recommendation.recommended_by_user_id)
    award_decision = _decision(session, tender, spec["decision"], "award", author, now)
    submission = session.get(BidSubmission, recommendation.submission_id)
    bid = session.get(Bid, submission.bid_id)
    content = json.loads(sealer.open(tender.id, submission.content,
                                     f"submission:{tender.id}:{bid.organisation_id}:{submission.receipt}"))
    lines = session.exec(select(PricingLine).where(PricingLine.tender_id == tender.id)).all()
    value = sum((Decimal(content["prices"][line.code]) * line.evaluation_quantity for line in lines), Decimal(0))
    notice = date.fromisoformat(spec["notice_on"])
    period = standstill_period(notice, tender.regime)
    end = initial_end(tender.contract_start, tender.initial_term_months)
    contract = Contract(tender_id=tender.id, submission_id=submission.id, supplier_organisation_id=bid.organisation_id,
                        award_decision_id=award_decision.id, value_pence=int(value * 100),
                        start_date=tender.contract_start, initial_end_date=end, end_date=end,
                        extensions_allowed=tender.extensions_allowed, extension_max_months=tender.extension_max_months,
                        regime=tender.regime, standstill_start=notice, standstill_last_day=period.last_day,
                        earliest_signing_date=period.earliest_signing_date,
                        entered_into_on=date.fromisoformat(spec["entered_into_on"]), created_at=now)
    session.add(contract)
    session.flush()
    session.add_all([ContractPrice(contract_id=contract.id, code=code, unit_price_pence=int(Decimal(price) * 100))
                     for code, price in content["prices"].items()])
    if spec.get("extension"):
        ext = spec["extension"]
        decision = _decision(session, tender, ext, "extension", author, now)
        decided_on = date.fromisoformat(ext["taken_on"])
        new_end = check_extension(0, contract.extensions_allowed, ext["months"], contract.extension_max_months,
                                  decided_on, contract.end_date)
        session.add(ContractExtension(contract_id=contract.id, decision_id=decision.id, months=ext["months"],
                                      previous_end_date=contract.end_date, new_end_date=new_end,
                                      decided_by=ext["decision_maker"], consulted=ext.get("consulted"),
                                      decided_on=decided_on, light_touch_exempt=tender.light_touch,
                                      recorded_by_user_id=author.id, recorded_at=now))
        contract.end_date = new_end
        session.add(contract)
    if spec.get("cost_shares"):
        shares = spec["cost_shares"]
        session.add(CostShareBasis(contract_id=contract.id, core_codes=",".join(shares["core"]), payg_code=shares["payg"],
                                   included_meetings=shares["included_meetings"],
                                   procurement_cost_pence=int(Decimal(shares["procurement_cost"]) * 100)))
        for baseline in shares["baselines"]:
            organisation = session.exec(select(Organisation).where(Organisation.name == baseline["organisation"])).one()
            session.add(AuthorityBaseline(contract_id=contract.id, organisation_id=organisation.id,
                                          previous_annual_cost_pence=int(Decimal(baseline["previous"]) * 100),
                                          meetings_per_year=baseline["meetings"]))
    audit.record(session, None, "tender.awarded", "contract", contract.id, now,
                 {"source": "demo scenario", "decision": award_decision.number,
                  "standstill_last_day": period.last_day.isoformat()}, organisation_id=author.organisation_id)
