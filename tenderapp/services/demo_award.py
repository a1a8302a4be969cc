"""The demo award: the award decision, the contract with its standstill, its signature, the
extension decision and the cost shares, as the scenario file gives them, made through the same
use cases as the lead's admins use (as the admin who recorded the recommendation)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from tenderapp.access import Actor, actor_for
from tenderapp.models import Collaboration, Contract, Decision, Recommendation, Tender, User
from tenderapp.sealing import Sealer
from tenderapp.services import contracts, cost_shares, decisions, demo_meetings, extensions
from tenderapp.services.decisions import DecisionInput
from tenderapp.services.extensions import ExtensionInput


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _decision(session: Session, actor: Actor, tender: Tender, spec: dict, kind: str, now: datetime) -> Decision:
    """The decision, recorded and then published the day after it was taken."""
    taken = date.fromisoformat(spec["taken_on"])
    decision = decisions.record_decision(session, actor, session.get(Collaboration, tender.collaboration_id),
                                         DecisionInput(
                                             number=spec["number"], title=spec["title"], kind=kind,
                                             key_decision=spec.get("key_decision", False),
                                             decision_maker=spec["decision_maker"], forum=spec.get("forum"),
                                             delegation_reference=spec.get("delegation_reference"),
                                             summary=spec["summary"], endorsed_on=_day(spec.get("endorsed_on")),
                                             taken_on=taken),
                                         now, tender)
    published = datetime.combine(taken + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
    return decisions.publish_decision(session, actor, decision, published)


def _extension(session: Session, actor: Actor, contract: Contract, tender: Tender, spec: dict,
               now: datetime) -> None:
    decision = _decision(session, actor, tender, spec, "extension", now)
    extensions.extend(session, actor, contract, tender, decision,
                      ExtensionInput(months=spec["months"], decided_by=spec["decision_maker"],
                                     consulted=spec.get("consulted") or "", decided_on=decision.taken_on), now)


def _cost_shares(session: Session, actor: Actor, contract: Contract, tender: Tender, spec: dict,
                 now: datetime) -> None:
    cost_shares.set_basis(session, actor, contract, spec["core"], spec["payg"], spec["included_meetings"],
                          Decimal(spec["procurement_cost"]), False, now)
    authorities = {o.name: o for o in cost_shares.members(session, tender)}
    for baseline in spec["baselines"]:
        cost_shares.set_baseline(session, actor, contract, tender, authorities[baseline["organisation"]],
                                 Decimal(baseline["previous"]), baseline["meetings"], 1, now)


def load(session: Session, tender: Tender, spec: dict, sealer: Sealer, now: datetime) -> None:
    recommendation = session.exec(select(Recommendation).where(Recommendation.tender_id == tender.id)).one()
    actor = actor_for(session, session.get(User, recommendation.recommended_by_user_id), "demo")
    award_decision = _decision(session, actor, tender, spec["decision"], "award", now)
    contract = contracts.award(session, actor, sealer, tender, award_decision, date.fromisoformat(spec["notice_on"]),
                               now)
    contracts.enter_into(session, actor, contract, date.fromisoformat(spec["entered_into_on"]), now)
    if spec.get("extension"):
        _extension(session, actor, contract, tender, spec["extension"], now)
    if spec.get("cost_shares"):
        _cost_shares(session, actor, contract, tender, spec["cost_shares"], now)
    if spec.get("register"):
        demo_meetings.load(session, actor, contract, tender, spec, now)
