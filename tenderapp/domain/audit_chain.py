"""The audit log's hash chain.

Each entry's hash is SHA-256 over the previous entry's hash and the entry's
canonical JSON (sorted keys, no insignificant white space, UTC ISO 8601 time).
Changing, inserting or deleting any entry breaks the chain at that entry.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Iterable

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    occurred_at: datetime
    actor_user_id: int | None
    organisation_id: int | None
    action: str
    object_type: str
    object_id: str
    details: dict[str, Any]


@dataclass(frozen=True)
class ChainedEntry:
    entry: AuditEntry
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def canonical_json(value: Any) -> str:
    """The one serialisation hashed everywhere: sorted keys, compact, UTF-8 text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """SHA-256 (hex) of the previous hash followed by the entry's canonical JSON."""
    body = canonical_json(
        {
            "seq": entry.seq,
            "occurred_at": _utc_iso(entry.occurred_at),
            "actor_user_id": entry.actor_user_id,
            "organisation_id": entry.organisation_id,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "details": entry.details,
        }
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def verify_chain(entries: Iterable[ChainedEntry]) -> ChainBreak | None:
    """Returns the first entry that breaks the chain (in ``seq`` order), or None when intact.

    A gap in the sequence (a deleted entry) is reported at the missing entry's number.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for chained in entries:
        entry = chained.entry
        if entry.seq != expected_seq:
            return ChainBreak(expected_seq, f"entry {expected_seq} is missing (found {entry.seq} next)")
        if chained.prev_hash != expected_prev:
            return ChainBreak(entry.seq, "previous hash does not match the entry before it")
        if entry_hash(chained.prev_hash, entry) != chained.hash:
            return ChainBreak(entry.seq, "content does not match its hash")
        expected_prev = chained.hash
        expected_seq += 1
    return None
