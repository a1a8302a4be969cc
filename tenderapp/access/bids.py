"""Scoping of bids: a supplier reaches only its own bid; the authority side sees how many
bids were submitted and nothing of their content until both opening keys have turned.
Every read of bid content goes through ``readable_submissions``."""

from sqlmodel import Session, func, select

from tenderapp.access.core import Actor, require_role, scope
from tenderapp.access.tenders import get_lead_tender, get_visible_tender
from tenderapp.domain.errors import Forbidden, NotFound
from tenderapp.domain.roles import Role
from tenderapp.models import Bid, BidSubmission, Tender


@scope("open_tender")
def get_open_tender_for_bidder(session: Session, actor: Actor, tender_id: int) -> Tender:
    """A published tender, for a supplier's bidder. Raises Forbidden for anyone else and
    NotFound for a tender the actor cannot see."""
    require_role(actor, Role.BIDDER)
    if actor.organisation_kind.is_authority:
        raise Forbidden("Only suppliers bid")
    tender = get_visible_tender(session, actor, tender_id)
    if tender.published_at is None:
        raise NotFound("Tender not found")
    return tender


def own_bid(session: Session, actor: Actor, tender: Tender) -> Bid | None:
    """The actor's own organisation's bid for the tender (never another supplier's)."""
    return session.exec(select(Bid).where(Bid.tender_id == tender.id,
                                          Bid.organisation_id == actor.organisation_id)).first()


def _current_submissions(tender: Tender):
    """Each bid's latest submission, when that one is not withdrawn (a withdrawn latest
    submission means the supplier has no bid in the box until it submits again)."""
    latest = (select(BidSubmission.bid_id, func.max(BidSubmission.number).label("number"))
              .group_by(BidSubmission.bid_id).subquery())
    return (select(BidSubmission)
            .join(latest, (latest.c.bid_id == BidSubmission.bid_id) & (latest.c.number == BidSubmission.number))
            .join(Bid, Bid.id == BidSubmission.bid_id)
            .where(Bid.tender_id == tender.id, BidSubmission.withdrawn_at.is_(None)))


def submitted_count(session: Session, actor: Actor, tender_id: int) -> int:
    """How many suppliers have a bid in the box: all the lead may know before the opening."""
    tender = get_lead_tender(session, actor, tender_id)
    return session.exec(select(func.count()).select_from(_current_submissions(tender).subquery())).one()


SEALED = "The bids stay sealed until the named openers have opened them together after the deadline."


def readable_submissions(session: Session, actor: Actor, tender_id: int) -> tuple[Tender, list[BidSubmission]]:
    """Every bid's current submission, for the lead's procurement admins, only once the
    tender has been opened with both keys. Raises Forbidden before the opening."""
    tender = get_lead_tender(session, actor, tender_id)
    if tender.opened_at is None:
        raise Forbidden(SEALED)
    rows = session.exec(_current_submissions(tender).order_by(BidSubmission.submitted_at)).all()
    return tender, list(rows)


def opened_bid_count(session: Session, tender: Tender) -> int:
    """How many bids were in the box, published as open data once the tender is opened.
    Raises Forbidden before the opening."""
    if tender.opened_at is None:
        raise Forbidden(SEALED)
    return session.exec(select(func.count()).select_from(_current_submissions(tender).subquery())).one()


def opened_submissions_for_panel(session: Session, tender: Tender) -> list[BidSubmission]:
    """Each bid's current submission once the tender is opened, for a caller that has already
    checked the actor is a cleared member of the panel (``tenderapp.services.evaluating``).
    Raises Forbidden before the opening."""
    if tender.opened_at is None:
        raise Forbidden(SEALED)
    return list(session.exec(_current_submissions(tender).order_by(BidSubmission.submitted_at)).all())
