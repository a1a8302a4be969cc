"""Scoping of the meeting register. The provider (people with the provider role at the
contract's awarded supplier) sees and edits its own contract's register only; a member
authority reads its own cases and statement only; the lead's procurement admins read all.
Funding parties are names on a case, not tenants: they have no access of their own."""

from sqlmodel import Session, col, select

from tenderapp.access.contracts import child_of
from tenderapp.access.core import Actor, scope
from tenderapp.domain.errors import NotFound
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.models import CollaborationMember, Contract, MeetingCase, MeetingTerms, Organisation, Tender


def _provides(actor: Actor) -> bool:
    return actor.has_role(Role.PROVIDER) and actor.organisation_kind is OrganisationKind.SUPPLIER


@scope("provider_contract")
def get_provider_contract(session: Session, actor: Actor, contract_id: int) -> tuple[Contract, Tender]:
    """A contract awarded to the actor's own supplier, for a person with the provider role
    (NotFound for any other contract, and for anyone else)."""
    row = None
    if _provides(actor):
        row = session.exec(select(Contract, Tender).join(Tender, col(Tender.id) == col(Contract.tender_id)).where(
            Contract.id == contract_id, Contract.supplier_organisation_id == actor.organisation_id)).first()
    if row is None:
        raise NotFound("Contract not found")
    return row


def provider_contracts(session: Session, actor: Actor) -> list[tuple[Contract, Tender]]:
    """The contracts whose register the actor keeps, newest first (none unless a provider)."""
    if not _provides(actor):
        return []
    query = (select(Contract, Tender).join(Tender, col(Tender.id) == col(Contract.tender_id))
             .where(Contract.supplier_organisation_id == actor.organisation_id)
             .order_by(col(Contract.start_date).desc(), col(Contract.id)))
    return list(session.exec(query).all())


def provider_case(session: Session, contract: Contract, case_id: int) -> MeetingCase:
    """A case of the scoped ``contract``'s register; NotFound for any other."""
    return child_of(session, MeetingCase, case_id, "contract_id", contract.id, "Case")


def meeting_terms(session: Session, contract: Contract) -> MeetingTerms | None:
    """The meeting terms the lead set for a contract already in hand; None until they are set."""
    return session.exec(select(MeetingTerms).where(col(MeetingTerms.contract_id) == contract.id)).first()


def member_authorities(session: Session, tender: Tender) -> list[Organisation]:
    """The tender's collaboration's member local authorities, by name, whatever their agreement
    status (which of them pay a core subscription and can have cases is
    ``services.cost_shares.subscribers``)."""
    return list(session.exec(
        select(Organisation).join(CollaborationMember, col(CollaborationMember.organisation_id) == col(Organisation.id))
        .where(CollaborationMember.collaboration_id == tender.collaboration_id,
               Organisation.kind == OrganisationKind.LOCAL_AUTHORITY.value)
        .order_by(col(Organisation.name))).all())


def member_authority(session: Session, tender: Tender, organisation_id: int,
                     among: list[Organisation] | None = None) -> Organisation:
    """A member local authority of the scoped tender's collaboration (one of ``among`` when
    given); NotFound for any other."""
    candidates = member_authorities(session, tender) if among is None else among
    found = [o for o in candidates if o.id == organisation_id]
    if not found:
        raise NotFound("Authority not found")
    return found[0]


def contract_cases(session: Session, contract: Contract, organisation_id: int | None = None) -> list[MeetingCase]:
    """The scoped contract's cases (only ``organisation_id``'s when given), oldest referral first."""
    query = select(MeetingCase).where(MeetingCase.contract_id == contract.id)
    if organisation_id is not None:
        query = query.where(MeetingCase.organisation_id == organisation_id)
    return list(session.exec(query.order_by(col(MeetingCase.day_told), col(MeetingCase.reference))).all())


def own_cases(session: Session, actor: Actor, contract: Contract) -> list[MeetingCase]:
    """The actor's own authority's cases of a contract it is a member of (never another's)."""
    return contract_cases(session, contract, actor.organisation_id)

