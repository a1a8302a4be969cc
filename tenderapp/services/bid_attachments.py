"""Files supporting a bid's quality answers: sealed at rest like prices and answers,
accepted until the deadline, listed (by name and SHA-256) in each submission's content."""

import hashlib
from datetime import datetime

from sqlmodel import Session

from tenderapp.access import Actor
from tenderapp.domain.documents import check_document, safe_filename
from tenderapp.domain.errors import NotFound, RuleViolation
from tenderapp.models import Bid, BidAttachment, QualityCriterion, Tender
from tenderapp.sealing import Sealer
from tenderapp.services import audit, bids

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_CRITERION = 5


def _binding(tender: Tender, bid: Bid, attachment_sha: str) -> str:
    return f"attachment:{tender.id}:{bid.organisation_id}:{attachment_sha}"


def add(session: Session, actor: Actor, sealer: Sealer, tender_id: int, criterion_id: int, content: bytes | None,
        filename: str | None, now: datetime) -> BidAttachment:
    """Raises RuleViolation for a missing, empty, too large or unrecognised file, a name that is
    not a plain file name, or too many files; DeadlinePassed after the deadline."""
    tender, bid, draft = bids.load(session, actor, sealer, tender_id)
    bids.refuse_if_late(session, actor, tender, "attach a file", now)
    criterion = session.get(QualityCriterion, criterion_id)
    if criterion is None or criterion.tender_id != tender.id:
        raise NotFound("Criterion not found")
    media_type = check_document(content, filename, "attachment", max_bytes=MAX_BYTES)
    if bid is None:
        bid = bids.save_draft(session, actor, sealer, tender, None, draft, "answers", now)
        session.refresh(bid, with_for_update=True)
    if sum(f.criterion_id == criterion.id for f in bids.attached_files(session, sealer, tender, bid)) >= MAX_PER_CRITERION:
        raise RuleViolation(f"You can attach up to {MAX_PER_CRITERION} files to each answer", "attachment")
    sha = hashlib.sha256(content).hexdigest()
    attachment = BidAttachment(
        bid_id=bid.id, criterion_id=criterion.id, size=len(content), sha256=sha,
        sealed_name=sealer.seal(tender.id, safe_filename(filename, "attachment", media_type).encode(),
                                bids.name_binding(tender, bid.organisation_id, sha)),
        content=sealer.seal(tender.id, content, _binding(tender, bid, sha)),
        uploaded_at=now, uploaded_by_user_id=actor.user_id)
    session.add(attachment)
    session.flush()
    audit.record(session, actor, "bid.attachment_added", "bid", bid.id, now, {"attachment": attachment.id})
    session.commit()
    return attachment


def _own(session: Session, actor: Actor, sealer: Sealer, tender_id: int, attachment_id: int):
    tender, bid, _ = bids.load(session, actor, sealer, tender_id)
    attachment = session.get(BidAttachment, attachment_id)
    if bid is None or attachment is None or attachment.bid_id != bid.id:
        raise NotFound("File not found")
    return tender, bid, attachment


def remove(session: Session, actor: Actor, sealer: Sealer, tender_id: int, attachment_id: int,
           now: datetime) -> None:
    tender, bid, attachment = _own(session, actor, sealer, tender_id, attachment_id)
    bids.refuse_if_late(session, actor, tender, "remove a file", now)
    attachment.removed_at = now
    session.add(attachment)
    audit.record(session, actor, "bid.attachment_removed", "bid", bid.id, now, {"attachment": attachment.id})
    session.commit()


def read_own(session: Session, actor: Actor, sealer: Sealer, tender_id: int, attachment_id: int
             ) -> tuple[str, bytes]:
    """The supplier's own file: its name and content."""
    tender, bid, attachment = _own(session, actor, sealer, tender_id, attachment_id)
    name = sealer.open(tender.id, attachment.sealed_name, bids.name_binding(tender, bid.organisation_id,
                                                                           attachment.sha256)).decode()
    return name, unseal(sealer, tender, bid, attachment)


def unseal(sealer: Sealer, tender: Tender, bid: Bid, attachment: BidAttachment) -> bytes:
    content = sealer.open(tender.id, attachment.content, _binding(tender, bid, attachment.sha256))
    if hashlib.sha256(content).hexdigest() != attachment.sha256:
        raise ValueError("attachment does not match its hash")
    return content


