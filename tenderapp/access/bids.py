"""Scoping of bids: a supplier reaches only its own bid; the authority side sees how many
bids were submitted and nothing of their content until both opening keys have turned.
Every read of bid content goes through the box (``opened_box``, ``readable_submissions``)."""

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from tenderapp.access.core import Actor, require_role, scope
from tenderapp.access.tenders import get_lead_tender, get_visible_tender
from tenderapp.domain.errors import Forbidden, NotFound
from tenderapp.domain.roles import Role
from tenderapp.models import Bid, BidAttachment, BidSubmission, Organisation, PricingLine, QualityCriterion, Tender

Row = TypeVar("Row")
SEALED = "The bids stay sealed until the named openers have opened them together after the deadline."


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


def own_bid(session: Session, actor: Actor, tender: Tender, for_update: bool = False) -> Bid | None:
    """The actor's own organisation's bid for the tender (never another supplier's); its row
    locked for the rest of the transaction when ``for_update``."""
    query = select(Bid).where(Bid.tender_id == tender.id, Bid.organisation_id == actor.organisation_id)
    return session.exec(query.with_for_update() if for_update else query).first()


def first_or_not_found(session: Session, query: SelectOfScalar[Row], message: str) -> Row:
    """The first row ``query`` finds. Raises NotFound with ``message`` when it finds none."""
    found = session.exec(query).first()
    if found is None:
        raise NotFound(message)
    return found


def own_bids(session: Session, actor: Actor) -> dict[int, Bid]:
    """The actor's organisation's bids, by tender id."""
    return {b.tender_id: b for b in session.exec(select(Bid).where(Bid.organisation_id == actor.organisation_id))}


def schedule(session: Session, tender: Tender) -> tuple[list[PricingLine], list[QualityCriterion]]:
    """The tender's pricing lines and quality criteria, in page order."""
    lines = list(session.exec(select(PricingLine).where(PricingLine.tender_id == tender.id)
                              .order_by(col(PricingLine.position), col(PricingLine.id))).all())
    criteria = list(session.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id)
                                 .order_by(col(QualityCriterion.position), col(QualityCriterion.id))).all())
    return lines, criteria


def criterion_to_answer(session: Session, tender: Tender, criterion_id: int) -> QualityCriterion:
    """One of the tender's quality criteria. Raises NotFound for another tender's."""
    return first_or_not_found(session, select(QualityCriterion).where(
        QualityCriterion.id == criterion_id, QualityCriterion.tender_id == tender.id), "Criterion not found")


def criteria_among(session: Session, tender: Tender, criterion_ids: list[int]) -> list[QualityCriterion]:
    """The tender's criteria of those ids (an evaluator's, say), in page order."""
    return list(session.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id,
                                                            col(QualityCriterion.id).in_(criterion_ids))
                             .order_by(col(QualityCriterion.position))).all())


def submissions_of(session: Session, bid: Bid | None) -> list[BidSubmission]:
    """Every version of the bid, the latest first (none before a bid exists)."""
    if bid is None:
        return []
    return list(session.exec(select(BidSubmission).where(BidSubmission.bid_id == bid.id)
                             .order_by(col(BidSubmission.number).desc())).all())


def own_submission(session: Session, bid: Bid | None, number: int) -> BidSubmission:
    """The bid's version ``number``. Raises NotFound for a number the bid does not have."""
    if bid is None:
        raise NotFound("Receipt not found")
    return first_or_not_found(session, select(BidSubmission).where(
        BidSubmission.bid_id == bid.id, BidSubmission.number == number), "Receipt not found")


def own_attachment(session: Session, bid: Bid | None, attachment_id: int) -> BidAttachment:
    """A file of the bid (removed or not). Raises NotFound for another bid's."""
    if bid is None:
        raise NotFound("File not found")
    return first_or_not_found(session, select(BidAttachment).where(
        BidAttachment.id == attachment_id, BidAttachment.bid_id == bid.id), "File not found")


def current_attachments(session: Session, bid: Bid | None) -> list[BidAttachment]:
    """The bid's files not removed, in the order they came."""
    if bid is None:
        return []
    return list(session.exec(select(BidAttachment).where(BidAttachment.bid_id == bid.id,
                                                         col(BidAttachment.removed_at).is_(None))
                             .order_by(col(BidAttachment.uploaded_at), col(BidAttachment.id))).all())


def submitted_attachment(session: Session, submission: BidSubmission, sha256: str) -> BidAttachment:
    """The file of the submission's bid with that SHA-256. Raises NotFound when it has none."""
    return first_or_not_found(session, select(BidAttachment).where(
        BidAttachment.bid_id == submission.bid_id, BidAttachment.sha256 == sha256), "File not found")


def _current_submissions(*columns: Any) -> Any:
    """Each bid's current submission (``tenderapp.domain.bids.current_submission`` as a query):
    its latest, when that one is not withdrawn. Joined to its bid; selects ``columns``, or the
    submission."""
    latest = (select(BidSubmission.bid_id, func.max(BidSubmission.number).label("number"))
              .group_by(col(BidSubmission.bid_id)).subquery())
    return (select(*(columns or (BidSubmission,))).select_from(BidSubmission)
            .join(latest, (latest.c.bid_id == BidSubmission.bid_id) & (latest.c.number == BidSubmission.number))
            .join(Bid, Bid.id == BidSubmission.bid_id)
            .where(col(BidSubmission.withdrawn_at).is_(None)))


def _in_box(tender: Tender, *columns: Any) -> Any:
    return _current_submissions(*columns).where(Bid.tender_id == tender.id)


def _count(session: Session, tender: Tender) -> int:
    return int(session.exec(select(func.count()).select_from(_in_box(tender).subquery())).one())


def submitted_tenders(session: Session, actor: Actor) -> set[int]:
    """The tenders for which the actor's organisation has a bid in the box."""
    return set(session.exec(_current_submissions(Bid.tender_id)
                            .where(Bid.organisation_id == actor.organisation_id)).all())


def submitted_count(session: Session, actor: Actor, tender_id: int) -> int:
    """How many suppliers have a bid in the box: all the lead may know before the opening."""
    return _count(session, get_lead_tender(session, actor, tender_id))


def _opened(tender: Tender) -> None:
    if tender.opened_at is None:
        raise Forbidden(SEALED)


def opened_submissions_for_panel(session: Session, tender: Tender) -> list[BidSubmission]:
    """Each bid's current submission once the tender is opened, for a caller that has already
    checked the actor is a lead's admin or a cleared member of the panel. Raises Forbidden
    before the opening."""
    _opened(tender)
    return list(session.exec(_in_box(tender).order_by(col(BidSubmission.submitted_at), col(BidSubmission.id))).all())


def readable_submissions(session: Session, actor: Actor, tender_id: int) -> tuple[Tender, list[BidSubmission]]:
    """Every bid's current submission, for the lead's procurement admins, only once the
    tender has been opened with both keys. Raises Forbidden before the opening."""
    tender = get_lead_tender(session, actor, tender_id)
    return tender, opened_submissions_for_panel(session, tender)


def opened_bid_counts(session: Session, tenders: list[Tender]) -> dict[int, int]:
    """``opened_bid_count`` of each opened tender in one query; a tender not yet opened is
    absent (its bids stay sealed), an opened one with no bid counts 0."""
    ids = [t.id for t in tenders if t.opened_at is not None and t.id is not None]
    if not ids:
        return {}
    box = _current_submissions(Bid.tender_id).where(col(Bid.tender_id).in_(ids)).subquery()
    found = dict(session.exec(select(box.c.tender_id, func.count()).group_by(box.c.tender_id)).all())
    return {tender_id: int(found.get(tender_id, 0)) for tender_id in ids}


def opened_bid_count(session: Session, tender: Tender) -> int:
    """How many bids were in the box, published as open data once the tender is opened.
    Raises Forbidden before the opening."""
    _opened(tender)
    return _count(session, tender)


@dataclass(frozen=True)
class InBox:
    """A bid's current submission with whose it is."""

    submission: BidSubmission
    organisation_id: int
    supplier: str


def _box_rows(tender: Tender) -> Any:
    return (_in_box(tender, BidSubmission, Bid.organisation_id, Organisation.name)
            .join(Organisation, Organisation.id == Bid.organisation_id))


def box_contents(session: Session, tender: Tender) -> list[InBox]:
    """What is in the box now, in the order it arrived: for the opening itself, which fixes
    it in the audit log (the content stays sealed)."""
    rows = session.exec(_box_rows(tender).order_by(col(BidSubmission.submitted_at), col(BidSubmission.id))).all()
    return [InBox(submission, organisation_id, name) for submission, organisation_id, name in rows]


def opened_box(session: Session, tender: Tender) -> list[InBox]:
    """Every bid in the box, for a tender already scoped to the lead's admins or a cleared
    panel. Raises Forbidden before the opening."""
    _opened(tender)
    return box_contents(session, tender)


def opened_submission(session: Session, tender: Tender, submission_id: int) -> InBox:
    """One bid in the opened box. Raises Forbidden before the opening, NotFound for a
    submission that is not in the box (another tender's, replaced or withdrawn)."""
    _opened(tender)
    submission, organisation_id, name = first_or_not_found(
        session, _box_rows(tender).where(BidSubmission.id == submission_id), "Bid not found")
    return InBox(submission, organisation_id, name)


def box_submission_ids(session: Session, tenders: list[Tender]) -> dict[int, set[int]]:
    """The ids of the bids in the box now (each bid's current submission), by tender, in one
    query however many tenders: for tenders the caller has already scoped (the lead's own, or
    its panel's) and only to count them; the content stays sealed. Raises Forbidden if any of
    them is not opened yet: before the opening no one may count the bids."""
    for tender in tenders:
        _opened(tender)
    ids = [t.id for t in tenders if t.id is not None]
    found: dict[int, set[int]] = {i: set() for i in ids}
    if not ids:
        return found
    for tender_id, submission_id in session.exec(
            _current_submissions(Bid.tender_id, BidSubmission.id).where(col(Bid.tender_id).in_(ids))).all():
        found[tender_id].add(submission_id)
    return found
