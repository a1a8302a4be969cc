"""The opening of the bid box by its named openers, the opening record, and reading bids afterwards."""

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.access import bids as bid_access
from tenderapp.access import evaluation as evaluation_access
from tenderapp.access.openers import active_emails, current_openers
from tenderapp.domain import bids as rules
from tenderapp.domain import openers as opener_rules
from tenderapp.domain import seals
from tenderapp.domain.errors import Conflict, Forbidden, NotFound
from tenderapp.domain.notifications import Notice
from tenderapp.domain.tenders import TenderEvent, TenderStatus, check_event, tender_status
from tenderapp.models import BidSubmission, LateAttempt, OpeningKey, Organisation, PricingLine, Tender
from tenderapp.sealing import Sealer
from tenderapp.services import audit, notifications
from tenderapp.services.bid_attachments import unseal
from tenderapp.services.openers import OpenersView
from tenderapp.services.openers import view as openers_view


def keys_of(session: Session, tender: Tender) -> list[OpeningKey]:
    return list(session.exec(select(OpeningKey).where(OpeningKey.tender_id == tender.id)
                             .order_by(OpeningKey.turned_at, OpeningKey.id)).all())


def _check_may_turn(tender: Tender, now: datetime) -> None:
    """The tender's own moves allow opening (a draft has nothing to open; opened is opened).
    Before the deadline the openers' rule refuses the key, with its own message."""
    status = tender_status(tender.published_at, tender.submission_deadline, tender.opened_at, now)
    if status is not TenderStatus.PUBLISHED:
        check_event(status, TenderEvent.OPEN)


def turn_key(session: Session, actor: Actor, tender: Tender, now: datetime, link: str, panel_link: str) -> bool:
    """Turns the actor's key; True when it was the last one needed and the box is open.
    Raises Forbidden without two-factor sign-in this session or for anyone not named as an
    opener before the deadline; RuleViolation before the deadline or for a second key by the
    same person; Conflict once opened. The other openers are told of a key turned (with
    ``link``), the evaluation panel of the opening (with ``panel_link``)."""
    if not actor.second_factor_passed:
        raise Forbidden("Sign in with two-factor sign-in (a code from your authenticator app) before you "
                        "turn a key to open bids")
    session.refresh(tender, with_for_update=True)  # two openers at once: one waits for the other
    _check_may_turn(tender, now)
    openers = {o.user_id for o in current_openers(session, tender)}
    turned = {k.user_id for k in keys_of(session, tender)}
    opener_rules.check_key(now, tender.submission_deadline, openers, turned, actor.user_id)
    _add_key(session, actor, tender, now)
    counted = opener_rules.keys_counted(openers, turned | {actor.user_id})
    opens = len(counted) >= tender.opening_quorum
    details = {"keys": len(counted), "quorum": tender.opening_quorum}
    if opens:
        tender.opened_at = now
        session.add(tender)
        details |= _box_contents(session, tender) | {"openers": sorted(counted)}
    audit.record(session, actor, "tender.opened" if opens else "tender.opening_key_turned", "tender", tender.id,
                 now, details)
    if opens:
        _tell_panel(session, tender, now, panel_link)
    else:
        _tell_other_openers(session, actor, tender, openers - counted, len(counted), now, link)
    session.commit()
    return opens


def _add_key(session: Session, actor: Actor, tender: Tender, now: datetime) -> None:
    """Raises Conflict when the same person's key went in at the same moment (another window)."""
    session.add(OpeningKey(tender_id=tender.id, user_id=actor.user_id, turned_at=now))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict("Your key was turned at the same moment in another window. Reload the page.") from None


def _tell_other_openers(session: Session, actor: Actor, tender: Tender, user_ids: set[int], counted: int,
                        now: datetime, link: str) -> None:
    notifications.send(session, Notice.KEY_TURNED, active_emails(session, user_ids),
                       f"A key has been turned: tender {tender.reference}",
                       f"{actor.full_name} turned a key to open the bids of tender {tender.reference}, "
                       f"“{tender.title}”. {tender.opening_quorum - counted} more named opener(s) must turn "
                       "a key before the bids can be read. Turn yours here:", link, now)


def _tell_panel(session: Session, tender: Tender, now: datetime, link: str) -> None:
    notifications.send(session, Notice.BIDS_OPENED, evaluation_access.panel_emails(session, tender),
                       f"Bids opened: tender {tender.reference}",
                       f"The bids of tender {tender.reference}, “{tender.title}”, have been opened. Once your "
                       "declaration of conflicts is cleared you can score the answers on your criteria:", link, now)


def _box_contents(session: Session, tender: Tender) -> dict:
    """What was in the box at the moment of opening, fixed in the hash-chained audit log."""
    bids_in_box = []
    for bid in bid_access.box_contents(session, tender):
        s = bid.submission
        bids_in_box.append({"receipt": s.receipt, "sha256": s.content_sha256,
                            "submitted_at": s.submitted_at.isoformat(), "schedule_version": s.schedule_version})
    late = session.exec(select(LateAttempt).where(LateAttempt.tender_id == tender.id)).all()
    return {"bids": bids_in_box, "late_attempts": len(late), "schedule_version": tender.schedule_version}


@dataclass(frozen=True)
class RecordLine:
    supplier: str
    receipt: str
    version: int
    submitted_at: datetime
    sha256: str


@dataclass(frozen=True)
class KeyLine:
    name: str
    turned_at: datetime
    counts: bool  # False when its holder was replaced as an opener afterwards


@dataclass(frozen=True)
class OpeningRecord:
    tender: Tender
    openers: OpenersView
    keys: list[KeyLine]
    turned_by_me: bool
    may_turn: bool  # the actor is a named opener
    bids: list[RecordLine]
    late: list[tuple[str, str, datetime]]  # supplier, what, when

    @property
    def keys_counted(self) -> int:
        return sum(1 for k in self.keys if k.counts)


def record(session: Session, actor: Actor, tender: Tender, now: datetime) -> OpeningRecord:
    """The openers, the keys turned so far and, once opened, every bid in the box with its
    receipt hash and time, and every late attempt."""
    named = openers_view(session, tender, now)
    current = {o.user_id for o in named.current}
    turned_keys = keys_of(session, tender)
    keys = [KeyLine(named.name(k.user_id), k.turned_at, k.user_id in current) for k in turned_keys]
    turned = {k.user_id for k in turned_keys}
    lines, late = [], []
    if tender.opened_at is not None:
        lines = [RecordLine(b.supplier, b.submission.receipt, b.submission.number, b.submission.submitted_at,
                            b.submission.content_sha256) for b in bid_access.opened_box(session, tender)]
        late = list(session.exec(
            select(Organisation.name, LateAttempt.action, LateAttempt.attempted_at)
            .join(Organisation, Organisation.id == LateAttempt.organisation_id)
            .where(LateAttempt.tender_id == tender.id).order_by(LateAttempt.attempted_at)).all())
    return OpeningRecord(tender, named, keys, actor.user_id in turned, actor.user_id in current, lines, late)


@dataclass(frozen=True)
class OpenedBid:
    submission: BidSubmission
    supplier: str
    prices: dict[str, Decimal]
    answers: dict[str, str]
    declarations: list[str]
    evaluated_price: Decimal | None  # None when a line of the current schedule is not priced
    attachments: dict[str, list[dict]]  # criterion id -> [{"file", "sha256"}] as submitted
    missing_lines: list[str]
    schedule_current: bool  # False: submitted against an earlier version of the schedule
    organisation_id: int  # the supplier's: its files are sealed to it


def unseal_submission(sealer: Sealer, tender: Tender, submission: BidSubmission, organisation_id: int) -> dict:
    """The submission's content. Raises ValueError when it does not match its receipt hash."""
    binding = seals.submission_binding(tender.id, organisation_id, submission.receipt)
    content = sealer.open(tender.id, submission.content, binding).decode()
    if rules.content_hash(content) != submission.content_sha256:
        raise ValueError(f"bid {submission.receipt} does not match its receipt hash")
    return json.loads(content)


def _opened(sealer: Sealer, tender: Tender, lines: list[PricingLine], bid: bid_access.InBox) -> OpenedBid:
    submission = bid.submission
    content = unseal_submission(sealer, tender, submission, bid.organisation_id)
    prices = {code: Decimal(value) for code, value in content["prices"].items()}
    missing = [line.code for line in lines if line.code not in prices]
    evaluated = None if missing else rules.evaluated_price(
        [rules.Line(line.code, line.evaluation_quantity) for line in lines], prices)
    return OpenedBid(submission, bid.supplier, prices, content["answers"], content["declarations"], evaluated,
                     content.get("attachments", {}), missing, submission.schedule_version == tender.schedule_version,
                     bid.organisation_id)


def unsealed_bids(session: Session, sealer: Sealer, tender: Tender) -> list[OpenedBid]:
    """Every bid in the box, unsealed, for a tender scoped to the lead's admins, once opened
    (Forbidden before)."""
    box = bid_access.opened_box(session, tender)
    lines, _ = bid_access.schedule(session, tender)
    return [_opened(sealer, tender, lines, bid) for bid in box]


def opened_bid(session: Session, sealer: Sealer, tender: Tender, submission_id: int) -> OpenedBid:
    """One bid in the opened box, unsealed. Raises Forbidden before the opening, NotFound for
    a submission not in the box."""
    bid = bid_access.opened_submission(session, tender, submission_id)
    lines, _ = bid_access.schedule(session, tender)
    return _opened(sealer, tender, lines, bid)


def opened_attachment(session: Session, sealer: Sealer, tender: Tender, submission_id: int, sha256: str
                      ) -> tuple[str, bytes]:
    """A file the submission listed: its name and content (lead's admins, after the opening only)."""
    bid = opened_bid(session, sealer, tender, submission_id)
    name = next((f["file"] for files in bid.attachments.values() for f in files if f["sha256"] == sha256), None)
    if name is None:
        raise NotFound("File not found")
    row = bid_access.submitted_attachment(session, bid.submission, sha256)
    return name, unseal(sealer, tender, bid.organisation_id, row)
