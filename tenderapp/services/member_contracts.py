"""What a member authority may read of its collaboration's contracts: the public facts (as a
contract notice and the contract register publish them), never the lead's working data such as
other members' costs."""

from dataclasses import dataclass

from sqlmodel import Session

from tenderapp.access import Actor, member_contract_of_tender, member_contracts
from tenderapp.models import Contract, ContractExtension, Decision, Organisation, Tender
from tenderapp.services.extensions import extensions


@dataclass(frozen=True)
class ContractFacts:
    contract: Contract
    tender: Tender
    supplier: str
    extensions: list[ContractExtension]
    award_decision: Decision | None  # once the lead has published it to the members


def facts(session: Session, contract: Contract, tender: Tender) -> ContractFacts:
    """The public facts of a contract scoped to a member of its collaboration
    (``access.get_member_contract``)."""
    decision = session.get(Decision, contract.award_decision_id)
    published = decision if decision and decision.published_at is not None else None
    return ContractFacts(contract, tender, session.get(Organisation, contract.supplier_organisation_id).name,
                         extensions(session, contract), published)


def contracts(session: Session, actor: Actor) -> list[tuple[Contract, Tender, Organisation]]:
    """The contracts of the actor's collaborations, for the dashboard."""
    return member_contracts(session, actor)


def contract_of_tender(session: Session, actor: Actor, tender: Tender) -> Contract | None:
    return member_contract_of_tender(session, actor, tender.id)
