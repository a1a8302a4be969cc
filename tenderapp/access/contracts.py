"""Scoping of contracts: the lead's admins manage them; a member authority reads the
contract's public facts and its own cost share; a supplier reads its own issued assessment
summary. A contract's extensions and summaries are reached from the scoped contract."""

from typing import TypeVar

from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import Select

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

SelectOfThree = Select[Contract, Tender, Organisation]


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
        select(Contract, Tender).join(Tender, col(Tender.id) == col(Contract.tender_id))
        .join(CollaborationMember, col(CollaborationMember.collaboration_id) == col(Tender.collaboration_id))
        .where(Contract.id == contract_id, CollaborationMember.organisation_id == actor.organisation_id)).first()
    if row is None:
        raise NotFound("Contract not found")
    return row


def _members_contracts(actor: Actor) -> SelectOfThree:
    return (select(Contract, Tender, Organisation).join(Tender, col(Tender.id) == col(Contract.tender_id))
            .join(Organisation, col(Organisation.id) == col(Contract.supplier_organisation_id))
            .join(CollaborationMember, col(CollaborationMember.collaboration_id) == col(Tender.collaboration_id))
            .where(CollaborationMember.organisation_id == actor.organisation_id))


def member_contracts(session: Session, actor: Actor) -> list[tuple[Contract, Tender, Organisation]]:
    """Every contract of the collaborations the actor's authority belongs to, with its tender and
    supplier, newest first (one query)."""
    newest_first = _members_contracts(actor).order_by(col(Contract.start_date).desc(), col(Contract.id))
    return list(session.exec(newest_first).all())


def member_contract_of_tender(session: Session, actor: Actor, tender_id: int) -> Contract | None:
    """The tender's contract when the actor's authority is a member of its collaboration;
    None when there is none yet or the actor is not a member."""
    row = session.exec(_members_contracts(actor).where(Tender.id == tender_id)).first()
    return row[0] if row else None


Child = TypeVar("Child", bound=SQLModel)


def child_of(session: Session, model: type[Child], child_id: int, parent: str, parent_id: int | None,
             what: str) -> Child:
    """The ``model`` row ``child_id`` when its ``parent`` column names the scoped parent
    ``parent_id``; NotFound ("``what`` not found") for any other."""
    child = session.get(model, child_id)
    if child is None or getattr(child, parent) != parent_id:
        raise NotFound(f"{what} not found")
    return child


def contract_extension(session: Session, contract: Contract, extension_id: int) -> ContractExtension:
    """An extension of the scoped ``contract``; NotFound for any other."""
    return child_of(session, ContractExtension, extension_id, "contract_id", contract.id, "Extension")


def assessment_summary(session: Session, contract: Contract, summary_id: int) -> AssessmentSummary:
    """An assessment summary of the scoped ``contract``; NotFound for any other."""
    return child_of(session, AssessmentSummary, summary_id, "contract_id", contract.id, "Summary")


NO_SUMMARY = "No assessment summary has been issued to you for this tender"


def own_issued_summary(session: Session, actor: Actor, tender: Tender) -> AssessmentSummary:
    """The actor's own organisation's issued summary for the tender's contract; NotFound when
    there is no contract, nothing issued yet, or only other suppliers' summaries."""
    contract = session.exec(select(Contract).where(Contract.tender_id == tender.id)).first()
    if contract is None:
        raise NotFound(NO_SUMMARY)
    summary = session.exec(select(AssessmentSummary).where(
        AssessmentSummary.contract_id == contract.id, AssessmentSummary.organisation_id == actor.organisation_id,
        col(AssessmentSummary.issued_at).is_not(None))).first()
    if summary is None:
        raise NotFound(NO_SUMMARY)
    return summary
