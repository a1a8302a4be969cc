"""What a member authority may read of its collaboration's contracts: the public facts (as a
contract notice and the contract register publish them), never the lead's working data such as
other members' costs."""

from dataclasses import dataclass

from sqlmodel import Session, select

from tenderapp.access import Actor, get_member_contract, member_contract_of_tender, member_contracts
from tenderapp.models import Contract, ContractExtension, Decision, Organisation, Tender


@dataclass(frozen=True)
class ContractFacts:
    contract: Contract
    tender: Tender
    supplier: str
    extensions: list[ContractExtension]
    award_decision: Decision | None  # once the lead has published it to the members


def facts(session: Session, actor: Actor, contract_id: int) -> ContractFacts:
    """The contract's public facts for a member of its collaboration. Raises NotFound for
    anyone else."""
    contract, tender = get_member_contract(session, actor, contract_id)
    decision = session.get(Decision, contract.award_decision_id)
    history = session.exec(select(ContractExtension).where(ContractExtension.contract_id == contract.id)
                           .order_by(ContractExtension.decided_on)).all()
    return ContractFacts(contract, tender, session.get(Organisation, contract.supplier_organisation_id).name,
                         list(history), decision if decision and decision.published_at is not None else None)


def contracts(session: Session, actor: Actor) -> list[tuple[Contract, Tender, Organisation]]:
    """The contracts of the actor's collaborations, for the dashboard."""
    return member_contracts(session, actor)


def contract_of_tender(session: Session, actor: Actor, tender: Tender) -> Contract | None:
    return member_contract_of_tender(session, actor, tender.id)
