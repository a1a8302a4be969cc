"""Scoping of a tender's bid openers: the people of the lead who may be named, confirm a
replacement, or turn a key. Only ever asked for a tender already loaded through
``get_lead_tender``, so the people are always the lead's own."""

from sqlalchemy import and_
from sqlmodel import Session, col, select

from tenderapp.access.bids import first_or_not_found
from tenderapp.access.core import saved_id
from tenderapp.domain.openers import Candidate
from tenderapp.domain.roles import Role
from tenderapp.models import Collaboration, OpenerReplacement, RoleAssignment, Tender, TenderOpener, User


def lead_people(session: Session, tender: Tender) -> dict[int, Candidate]:
    """Every person of the tender's lead authority, by id, as the opener rules see them."""
    lead_id = select(Collaboration.lead_organisation_id).where(Collaboration.id == tender.collaboration_id)
    rows = session.exec(
        select(User, RoleAssignment.granted_at)
        .outerjoin(RoleAssignment, and_(col(RoleAssignment.user_id) == User.id,
                                        col(RoleAssignment.role) == Role.PROCUREMENT_ADMIN.value))
        .where(col(User.organisation_id).in_(lead_id)).order_by(col(User.full_name), col(User.id))).all()
    return {saved_id(user): Candidate(saved_id(user), user.full_name, user.active, granted, user.totp_enrolled_at)
            for user, granted in rows}


def current_openers(session: Session, tender: Tender) -> list[TenderOpener]:
    """The tender's openers now (not removed or replaced), in the order they were named."""
    return [o for o in named_openers(session, tender) if o.removed_at is None]


def named_openers(session: Session, tender: Tender) -> list[TenderOpener]:
    """Every opener row of the tender, current and removed, in the order they were named."""
    return list(session.exec(select(TenderOpener).where(TenderOpener.tender_id == tender.id)
                             .order_by(col(TenderOpener.named_at), col(TenderOpener.id))).all())


def replacements(session: Session, tender: Tender) -> list[OpenerReplacement]:
    """Every replacement proposal of the tender, in the order they were made."""
    return list(session.exec(select(OpenerReplacement).where(OpenerReplacement.tender_id == tender.id)
                             .order_by(col(OpenerReplacement.proposed_at), col(OpenerReplacement.id))).all())


def get_replacement(session: Session, tender: Tender, replacement_id: int) -> OpenerReplacement:
    """The tender's replacement proposal of that id. Raises NotFound for another tender's."""
    return first_or_not_found(session, select(OpenerReplacement).where(
        OpenerReplacement.id == replacement_id, OpenerReplacement.tender_id == tender.id), "Proposal not found")


def active_emails(session: Session, user_ids: set[int]) -> list[tuple[str, int]]:
    """The email address and organisation of each active person among ``user_ids``, who are
    named openers of the tender (people of its lead), to tell them of a key turned."""
    if not user_ids:
        return []
    return list(session.exec(select(User.email, User.organisation_id)
                             .where(col(User.id).in_(sorted(user_ids)), col(User.active).is_(True))).all())
