"""Scoping of contracts: the lead's admins manage them; a member authority reads its own
cost share."""

from sqlmodel import Session, select

from tenderapp.access.core import Actor
from tenderapp.access.tenders import get_lead_tender
from tenderapp.domain.errors import NotFound
from tenderapp.models import CollaborationMember, Contract, Tender


def get_lead_contract(session: Session, actor: Actor, contract_id: int) -> tuple[Contract, Tender]:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Contract not found")
    return contract, get_lead_tender(session, actor, contract.tender_id)


def get_member_contract(session: Session, actor: Actor, contract_id: int) -> tuple[Contract, Tender]:
    """A contract of a collaboration the actor's authority belongs to (NotFound otherwise)."""
    row = session.exec(
        select(Contract, Tender).join(Tender, Tender.id == Contract.tender_id)
        .join(CollaborationMember, CollaborationMember.collaboration_id == Tender.collaboration_id)
        .where(Contract.id == contract_id, CollaborationMember.organisation_id == actor.organisation_id)).first()
    if row is None:
        raise NotFound("Contract not found")
    return row


def member_contracts(session: Session, actor: Actor) -> list[tuple[Contract, Tender]]:
    return list(session.exec(
        select(Contract, Tender).join(Tender, Tender.id == Contract.tender_id)
        .join(CollaborationMember, CollaborationMember.collaboration_id == Tender.collaboration_id)
        .where(CollaborationMember.organisation_id == actor.organisation_id)).all())
