"""Scoping of contracts: the lead's admins manage them; a member authority reads the
contract's public facts and its own cost share; a supplier reads its own issued assessment
summary. A contract's extensions and summaries are reached from the scoped contract."""

from sqlalchemy import Select
from sqlmodel import Session, select

from tenderapp.access.core import Actor, scope
from tenderapp.access.tenders import get_lead_tender
from tenderapp.domain.errors import NotFound
from tenderapp.models import (
    AssessmentSummary,
    CollaborationMember,
    Contract,
    ContractExtension,
    Organisation,
    Tender,
)


@scope("contract")
def get_lead_contract(session: Session, actor: Actor, contract_id: int) -> tuple[Contract, Tender]:
    contract = session.get(Contract, contract_id)
    if contract is None:
        raise NotFound("Contract not found")
    return contract, get_lead_tender(session, actor, contract.tender_id)


@scope("member_contract")
def get_member_contract(session: Session, actor: Actor, contract_id: int) -> tuple[Contract, Tender]:
    """A contract of a collaboration the actor's authority belongs to (NotFound otherwise)."""
    row = session.exec(
        select(Contract, Tender).join(Tender, Tender.id == Contract.tender_id)
        .join(CollaborationMember, CollaborationMember.collaboration_id == Tender.collaboration_id)
        .where(Contract.id == contract_id, CollaborationMember.organisation_id == actor.organisation_id)).first()
    if row is None:
        raise NotFound("Contract not found")
    return row


def _members_contracts(actor: Actor) -> Select:
    return (select(Contract, Tender, Organisation).join(Tender, Tender.id == Contract.tender_id)
            .join(Organisation, Organisation.id == Contract.supplier_organisation_id)
            .join(CollaborationMember, CollaborationMember.collaboration_id == Tender.collaboration_id)
            .where(CollaborationMember.organisation_id == actor.organisation_id))


def member_contracts(session: Session, actor: Actor) -> list[tuple[Contract, Tender, Organisation]]:
    """Every contract of the collaborations the actor's authority belongs to, with its tender and
    supplier, newest first (one query)."""
    return list(session.exec(_members_contracts(actor).order_by(Contract.start_date.desc(), Contract.id)).all())


def member_contract_of_tender(session: Session, actor: Actor, tender_id: int) -> Contract | None:
    """The tender's contract when the actor's authority is a member of its collaboration;
    None when there is none yet or the actor is not a member."""
    row = session.exec(_members_contracts(actor).where(Tender.id == tender_id)).first()
    return row[0] if row else None


def contract_extension(session: Session, contract: Contract, extension_id: int) -> ContractExtension:
    """An extension of the scoped ``contract``; NotFound for any other."""
    extension = session.get(ContractExtension, extension_id)
    if extension is None or extension.contract_id != contract.id:
        raise NotFound("Extension not found")
    return extension


def assessment_summary(session: Session, contract: Contract, summary_id: int) -> AssessmentSummary:
    """An assessment summary of the scoped ``contract``; NotFound for any other."""
    summary = session.get(AssessmentSummary, summary_id)
    if summary is None or summary.contract_id != contract.id:
        raise NotFound("Summary not found")
    return summary


NO_SUMMARY = "No assessment summary has been issued to you for this tender"


def own_issued_summary(session: Session, actor: Actor, tender: Tender) -> AssessmentSummary:
    """The actor's own organisation's issued summary for the tender's contract; NotFound when
    there is no contract, nothing issued yet, or only other suppliers' summaries."""
    contract = session.exec(select(Contract).where(Contract.tender_id == tender.id)).first()
    if contract is None:
        raise NotFound(NO_SUMMARY)
    summary = session.exec(select(AssessmentSummary).where(
        AssessmentSummary.contract_id == contract.id, AssessmentSummary.organisation_id == actor.organisation_id,
        AssessmentSummary.issued_at.is_not(None))).first()
    if summary is None:
        raise NotFound(NO_SUMMARY)
    return summary
