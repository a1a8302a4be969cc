"""Files supporting a bid's quality answers: sealed at rest like prices and answers,
accepted until the deadline, listed (by name and SHA-256) in each submission's content."""

import hashlib
from datetime import datetime

from sqlmodel import Session

from tenderapp.access import Actor
from tenderapp.domain import seals
from tenderapp.domain.bids import BidEvent
from tenderapp.domain.documents import check_document, safe_filename
from tenderapp.domain.errors import RuleViolation
from tenderapp.models import BidAttachment, QualityCriterion, Tender
from tenderapp.sealing import Sealer
from tenderapp.services import audit, bids
from tenderapp.services.bids import OwnBid

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_CRITERION = 5


def add(session: Session, actor: Actor, sealer: Sealer, own: OwnBid, criterion: QualityCriterion,
        content: bytes | None, filename: str | None, now: datetime) -> BidAttachment:
    """Attaches a file to the answer to ``criterion`` (one of the bid's tender's). Raises
    RuleViolation for a missing, empty, too large or unrecognised file, a name that is not a
    plain file name, or too many files; DeadlinePassed after the deadline."""
    bids.check_move(session, actor, own, BidEvent.SAVE, "attach a file", now)
    media_type = check_document(content, filename, "attachment", max_bytes=MAX_BYTES)
    if own.bid is None:
        bids.save_draft(session, actor, sealer, own, "answers", now)
        session.refresh(own.bid, with_for_update=True)
    if sum(f.criterion_id == criterion.id for f in bids.attached_files(session, sealer, own)) >= MAX_PER_CRITERION:
        raise RuleViolation(f"You can attach up to {MAX_PER_CRITERION} files to each answer", "attachment")
    tender, organisation_id, sha = own.tender, own.bid.organisation_id, hashlib.sha256(content).hexdigest()
    attachment = BidAttachment(
        bid_id=own.bid.id, criterion_id=criterion.id, size=len(content), sha256=sha,
        sealed_name=sealer.seal(tender.id, safe_filename(filename, "attachment", media_type).encode(),
                                seals.attachment_name_binding(tender.id, organisation_id, sha)),
        content=sealer.seal(tender.id, content, seals.attachment_binding(tender.id, organisation_id, sha)),
        uploaded_at=now, uploaded_by_user_id=actor.user_id)
    session.add(attachment)
    session.flush()
    audit.record(session, actor, "bid.attachment_added", "bid", own.bid.id, now, {"attachment": attachment.id})
    session.commit()
    return attachment


def remove(session: Session, actor: Actor, own: OwnBid, attachment: BidAttachment, now: datetime) -> None:
    """Removes one of the bid's files (it stays readable in the versions that listed it).
    Raises DeadlinePassed after the deadline."""
    bids.check_move(session, actor, own, BidEvent.SAVE, "remove a file", now)
    attachment.removed_at = now
    session.add(attachment)
    audit.record(session, actor, "bid.attachment_removed", "bid", own.bid.id, now, {"attachment": attachment.id})
    session.commit()


def read_own(sealer: Sealer, own: OwnBid, attachment: BidAttachment) -> tuple[str, bytes]:
    """One of the supplier's own files: its name and content."""
    tender, organisation_id = own.tender, own.bid.organisation_id
    name = sealer.open(tender.id, attachment.sealed_name,
                       seals.attachment_name_binding(tender.id, organisation_id, attachment.sha256)).decode()
    return name, unseal(sealer, tender, organisation_id, attachment)


def unseal(sealer: Sealer, tender: Tender, organisation_id: int, attachment: BidAttachment) -> bytes:
    """The file's content, from the bid of ``organisation_id``. Raises ValueError when it does
    not match its SHA-256."""
    content = sealer.open(tender.id, attachment.content,
                          seals.attachment_binding(tender.id, organisation_id, attachment.sha256))
    if hashlib.sha256(content).hexdigest() != attachment.sha256:
        raise ValueError("attachment does not match its hash")
    return content
