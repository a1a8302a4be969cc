"""Writing to, anchoring and verifying the audit log's keyed hash chains (one chain per
organisation; see tenderapp.domain.audit_chain)."""

import json
import logging
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import event as sa_event
from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.audit_trail import settings_for
from tenderapp.domain.audit_chain import (
    GENESIS_HASH,
    KEYED,
    Anchor,
    AuditEntry,
    ChainBreak,
    ChainedEntry,
    Checkpoint,
    anchor_lines,
    canonical_json,
    chain_of,
    check_anchor,
    entry_mac,
    verify_chain,
)
from tenderapp.domain.roles import Role
from tenderapp.models import AuditEvent, AuditHead, RoleAssignment, User
from tenderapp.services import outbox

# Events after which the chain is anchored outside the database at once, and the anchor
# emailed to the organisation's procurement admins.
CHECKPOINT_ACTIONS = frozenset({"tender.opened", "tender.awarded", "decision.recorded", "decision.published",
                                "contract.entered_into", "contract.extended"})
CHECKPOINT_EVERY = timedelta(days=1)
_PENDING = "tenderapp.audit.pending_checkpoints"
log = logging.getLogger(__name__)


def _locked_head(session: Session, chain: int) -> AuditHead:
    """The chain's head row, locked until the transaction ends; made on the chain's first event
    (two first events at once: one inserts, the other waits for it)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(AuditHead).values(id=chain, seq=0, hash=GENESIS_HASH)
                    .on_conflict_do_nothing(index_elements=["id"]))
    return session.exec(select(AuditHead).where(AuditHead.id == chain).with_for_update()
                        .execution_options(populate_existing=True)).one()


def append(session: Session, chain: int, entry_fields: dict[str, Any], now: datetime) -> AuditEvent:
    """Appends one entry to ``chain`` inside the caller's transaction (the caller commits)."""
    settings = settings_for(session)
    head = _locked_head(session, chain)
    entry = AuditEntry(seq=head.seq + 1, chain=chain, **entry_fields)
    digest = entry_mac(settings.key, head.hash, entry)
    row = AuditEvent(chain=chain, seq=entry.seq, scheme=KEYED, occurred_at=entry.occurred_at,
                     actor_user_id=entry.actor_user_id, organisation_id=entry.organisation_id, action=entry.action,
                     object_type=entry.object_type, object_id=entry.object_id,
                     details=canonical_json(entry.details), prev_hash=head.hash, hash=digest)
    session.add(row)
    head.seq, head.hash = entry.seq, digest
    due = head.checkpointed_at is None or now - head.checkpointed_at >= CHECKPOINT_EVERY
    if due or entry.action in CHECKPOINT_ACTIONS:
        head.checkpointed_at, head.checkpointed_seq = now, entry.seq
        reason = entry.action if entry.action in CHECKPOINT_ACTIONS else "daily"
        session.info.setdefault(_PENDING, []).append(Checkpoint(chain, entry.seq, digest, now, reason))
        if entry.action in CHECKPOINT_ACTIONS and entry.organisation_id is not None:
            _email_checkpoint(session, entry.organisation_id, Checkpoint(chain, entry.seq, digest, now, reason))
    session.add(head)
    return row


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
    """Appends one event to its organisation's chain inside the caller's transaction (the
    caller commits). The organisation defaults to the actor's; system events (no actor) may
    name one."""
    organisation = organisation_id if organisation_id is not None else (actor.organisation_id if actor else None)
    return append(session, chain_of(organisation), {
        "occurred_at": now, "actor_user_id": actor.user_id if actor else None, "organisation_id": organisation,
        "action": action, "object_type": object_type, "object_id": str(object_id),
        "details": json.loads(canonical_json(details or {}))}, now)


def _email_checkpoint(session: Session, organisation_id: int, checkpoint: Checkpoint) -> None:
    admins = session.exec(select(User.email).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
        User.organisation_id == organisation_id, User.active.is_(True),
        RoleAssignment.role == Role.PROCUREMENT_ADMIN.value)).all()
    for email in admins:
        outbox.queue(session, email, f"Audit checkpoint: {checkpoint.reason}",
                     "Tenderapp has recorded where your organisation's audit log stands. Keep this email: "
                     "an auditor can check the log against it with flask verify-audit.\n\n"
                     f"{checkpoint_text(checkpoint)}\n", checkpoint.written_at, organisation_id)


def checkpoint_text(checkpoint: Checkpoint) -> str:
    return (anchor_lines(checkpoint.chain, checkpoint.seq, checkpoint.hash)
            + f"Recorded at: {checkpoint.written_at.isoformat()} (after {checkpoint.reason})")


@sa_event.listens_for(Session, "after_commit")
def _write_pending_checkpoints(session: Session) -> None:
    """Checkpoints are written only once their entries are committed, so a checkpoint never
    names an entry that a rolled-back transaction took away."""
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    settings = settings_for(session)
    for checkpoint in pending:
        try:
            settings.checkpoints.append(settings.key, checkpoint)
        except OSError:  # the page has its answer; the next checkpoint covers this one
            log.exception("could not write an audit checkpoint")


@sa_event.listens_for(Session, "after_rollback")
def _forget_pending_checkpoints(session: Session) -> None:
    session.info.pop(_PENDING, None)


def write_checkpoints(session: Session, now: datetime) -> list[Checkpoint]:
    """Anchors every chain whose head moved since its last checkpoint (run at least daily)."""
    settings = settings_for(session)
    written = []
    heads = session.exec(select(AuditHead).where(AuditHead.seq > func.coalesce(AuditHead.checkpointed_seq, 0))
                         .order_by(AuditHead.id)).all()
    for head in heads:
        checkpoint = Checkpoint(head.id, head.seq, head.hash, now, "daily")
        settings.checkpoints.append(settings.key, checkpoint)
        head.checkpointed_at, head.checkpointed_seq = now, head.seq
        session.add(head)
        written.append(checkpoint)
    session.commit()
    return written


def _as_chained(event: AuditEvent) -> ChainedEntry:
    return ChainedEntry(
        entry=AuditEntry(seq=event.seq, chain=event.chain, occurred_at=event.occurred_at,
                         actor_user_id=event.actor_user_id, organisation_id=event.organisation_id,
                         action=event.action, object_type=event.object_type, object_id=event.object_id,
                         details=json.loads(event.details)),
        prev_hash=event.prev_hash, hash=event.hash, scheme=event.scheme)


def _events(session: Session, chain: int, batch_size: int):
    last_seq = 0
    while True:
        batch = session.exec(select(AuditEvent).where(AuditEvent.chain == chain, AuditEvent.seq > last_seq)
                             .order_by(AuditEvent.seq).limit(batch_size)).all()
        if not batch:
            return
        yield from (_as_chained(e) for e in batch)
        last_seq = batch[-1].seq


def verify(session: Session, anchors: Iterable[Anchor] = (), batch_size: int = 1000) -> list[ChainBreak]:
    """Every problem found, at most one a chain: the first entry that breaks its chain, a head
    that disagrees with the chain's end, or an anchor (checkpoint, receipt) the chain no longer
    holds. Empty when the log is intact. Memory stays flat however long the log grows."""
    key = settings_for(session).key
    chains = set(session.exec(select(AuditEvent.chain).distinct()).all())
    heads = {h.id: h for h in session.exec(select(AuditHead)).all()}
    by_chain: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        by_chain.setdefault(anchor.chain, []).append(anchor)
    problems = []
    for chain in sorted(chains | set(heads) | set(by_chain)):
        broken = verify_chain(key, _events(session, chain, batch_size)) or _check_end(session, chain, heads.get(chain),
                                                                                      by_chain.get(chain, []))
        if broken:
            problems.append(broken)
    return problems


def _check_end(session: Session, chain: int, head: AuditHead | None, anchors: list[Anchor]) -> ChainBreak | None:
    last = session.exec(select(AuditEvent).where(AuditEvent.chain == chain)
                        .order_by(AuditEvent.seq.desc()).limit(1)).first()
    last_seq, last_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    for anchor in sorted(anchors, key=lambda a: a.seq):
        found = session.exec(select(AuditEvent.hash).where(AuditEvent.chain == chain,
                                                           AuditEvent.seq == anchor.seq)).first()
        broken = check_anchor(anchor, found, last_seq)
        if broken:
            return broken
    if head is not None and (head.seq, head.hash) != (last_seq, last_hash):
        return ChainBreak(last_seq + 1, f"the chain's head records entry {head.seq}, the log ends at {last_seq}", chain)
    return None
