"""Writing to and verifying the hash-chained audit log."""

import json
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.domain.audit_chain import (
    GENESIS_HASH,
    AuditEntry,
    ChainBreak,
    ChainedEntry,
    canonical_json,
    entry_hash,
    verify_chain,
)
from tenderapp.models import AuditEvent, AuditHead

HEAD_ID = 1


def _locked_head(session: Session) -> AuditHead:
    head = session.exec(select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()).first()
    if head is None:
        head = AuditHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: Any,
    now: datetime,
    details: dict[str, Any] | None = None,
    organisation_id: int | None = None,
) -> AuditEvent:
    """Appends one event to the chain inside the caller's transaction (the caller commits).

    The organisation defaults to the actor's; system events (no actor) may name one.
    """
    head = _locked_head(session)
    entry = AuditEntry(
        seq=head.seq + 1,
        occurred_at=now,
        actor_user_id=actor.user_id if actor else None,
        organisation_id=organisation_id if organisation_id is not None
        else (actor.organisation_id if actor else None),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=json.loads(canonical_json(details or {})),
    )
    digest = entry_hash(head.hash, entry)
    event = AuditEvent(
        seq=entry.seq,
        occurred_at=entry.occurred_at,
        actor_user_id=entry.actor_user_id,
        organisation_id=entry.organisation_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        details=canonical_json(entry.details),
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(event)
    head.seq, head.hash = entry.seq, digest
    session.add(head)
    return event


def _as_chained(event: AuditEvent) -> ChainedEntry:
    return ChainedEntry(
        entry=AuditEntry(
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor_user_id=event.actor_user_id,
            organisation_id=event.organisation_id,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            details=json.loads(event.details),
        ),
        prev_hash=event.prev_hash,
        hash=event.hash,
    )


def verify(session: Session, batch_size: int = 1000) -> ChainBreak | None:
    """Returns the first event that breaks the chain, or None when the whole log is intact.

    Reads the log in batches, so memory stays flat however long the log grows. A deleted
    last event is caught by comparing with the chain's head.
    """

    def events():
        last_seq = 0
        while True:
            batch = session.exec(
                select(AuditEvent)
                .where(AuditEvent.seq > last_seq)
                .order_by(AuditEvent.seq)
                .limit(batch_size)
            ).all()
            if not batch:
                return
            for event in batch:
                yield _as_chained(event)
            last_seq = batch[-1].seq

    broken = verify_chain(events())
    if broken is not None:
        return broken
    head = session.get(AuditHead, HEAD_ID)
    last = session.exec(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    last_seq, last_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    if (head_seq, head_hash) != (last_seq, last_hash):
        return ChainBreak(last_seq + 1, f"the chain's head records entry {head_seq}, the log ends at {last_seq}")
    return None
