"""Scoping of contracts: the lead's admins manage them; a member authority reads the
contract's public facts and its own cost share; a supplier reads its own issued assessment
summary. A contract's extensions and summaries are reached from the scoped contract."""

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import and_, exists
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, col, func, select
from sqlmodel.sql.expression import Select

from tenderapp.access.core import Actor, scope
from tenderapp.access.listing import ListFilter, Page, conditions_of, day_between, narrowed, page_of
from tenderapp.access.tenders import get_lead_tender
from tenderapp.domain.contracts import ContractStatus
from tenderapp.domain.errors import NotFound
from tenderapp.models import (
    AssessmentSummary,
    CollaborationMember,
    Contract,
    ContractExtension,
    CostShareBasis,
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


def _status_is(status: ContractStatus, today: date) -> ColumnElement[bool]:
    """The condition of ``domain.contracts.status`` returning ``status`` on ``today``, in SQL
    (checked against the rule in tests/services/test_listing.py)."""
    entered = col(Contract.entered_into_on).is_not(None)
    running = and_(entered, col(Contract.start_date) <= today, col(Contract.end_date) >= today)
    extended = exists().where(col(ContractExtension.contract_id) == col(Contract.id))
    return {
        ContractStatus.AWAITING_SIGNATURE: ~entered,
        ContractStatus.NOT_STARTED: and_(entered, col(Contract.start_date) > today),
        ContractStatus.ACTIVE: and_(running, ~extended),
        ContractStatus.EXTENDED: and_(running, extended),
        ContractStatus.EXPIRED: and_(entered, col(Contract.start_date) <= today, col(Contract.end_date) < today),
    }[status]


def _contract_conditions(wanted: ListFilter, today: date) -> list[ColumnElement[bool]]:
    conditions = conditions_of(wanted, (Tender.reference, Tender.title, Organisation.name), ContractStatus,
                               lambda s: _status_is(s, today), Tender.collaboration_id)
    return conditions + day_between(col(Contract.end_date), wanted.date_from, wanted.date_to)


def contract_list(session: Session, actor: Actor, wanted: ListFilter, today: date) -> Page[Any]:
    """One page of ``member_contracts`` matching ``wanted`` (text in the tender's reference or
    title or the supplier's name, status on ``today``, collaboration, ending on those days),
    soonest ending first: rows of (contract, tender, supplier). Three queries: the count, the
    page, and ``extra["extensions"]`` (contract id -> extensions recorded) for its status."""
    query = narrowed(_members_contracts(actor), _contract_conditions(wanted, today))
    page: Page[Any] = page_of(session, query.order_by(col(Contract.end_date), col(Contract.id)), wanted.page)
    ids = [contract.id for contract, _, _ in page.items]
    page.extra["extensions"] = dict(session.exec(
        select(ContractExtension.contract_id, func.count()).where(col(ContractExtension.contract_id).in_(ids))
        .group_by(col(ContractExtension.contract_id))).all())
    return page


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


def cost_share_basis(session: Session, contract: Contract) -> CostShareBasis | None:
    """The cost-share basis the lead set for a contract already in hand; None until it is set."""
    return session.exec(select(CostShareBasis).where(col(CostShareBasis.contract_id) == contract.id)).first()


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
