"""The audit log's keyed hash chains, and the anchors that hold them from outside.

Each organisation's events form a chain of their own (so organisations never wait for one
another). An entry's hash is HMAC-SHA256, under a key that is not in the database, over the
previous entry's hash and the entry's canonical JSON (sorted keys, no insignificant white
space, UTC ISO 8601 time, the chain's number included). Changing, inserting or deleting an
entry breaks the chain there; without the key nobody can compute a chain that verifies.

What the database cannot show by itself is that its newest entries were cut off. Anchors
held outside it do: a checkpoint (chain, position, hash, signed with the same key) written
to files and emailed, and every bid receipt, which carries the position and hash of its own
entry. An anchor whose entry is missing, or holds another hash, proves tampering.

Entries written before the chains were keyed (``scheme="sha256"``, chain ``LEGACY_CHAIN``)
are plain SHA-256: anyone could recompute them, so their integrity rests on the first
checkpoint written of that chain.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Iterable

GENESIS_HASH = "0" * 64
KEYED = "hmac-sha256"
LEGACY = "sha256"
LEGACY_CHAIN = -1
SYSTEM_CHAIN = 0


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
    chain: int = SYSTEM_CHAIN


@dataclass(frozen=True)
class ChainedEntry:
    entry: AuditEntry
    prev_hash: str
    hash: str
    scheme: str = KEYED


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str
    chain: int = SYSTEM_CHAIN


@dataclass(frozen=True)
class Anchor:
    """A position of a chain known from outside the database: a checkpoint or a receipt."""

    chain: int
    seq: int
    hash: str
    source: str  # where it came from, for the report: "checkpoint of 1 Dec 2026 …", "receipt …"


def chain_of(organisation_id: int | None) -> int:
    """The chain an event belongs to: its organisation's, or the system chain."""
    return organisation_id if organisation_id is not None else SYSTEM_CHAIN


def canonical_json(value: Any) -> str:
    """The one serialisation hashed everywhere: sorted keys, compact, UTF-8 text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _body(entry: AuditEntry, with_chain: bool) -> dict[str, Any]:
    body = {"seq": entry.seq, "occurred_at": _utc_iso(entry.occurred_at), "actor_user_id": entry.actor_user_id,
            "organisation_id": entry.organisation_id, "action": entry.action, "object_type": entry.object_type,
            "object_id": entry.object_id, "details": entry.details}
    if with_chain:
        body["chain"] = entry.chain
    return body


def entry_mac(key: bytes, prev_hash: str, entry: AuditEntry) -> str:
    """HMAC-SHA256 (hex), under ``key``, of the previous hash followed by the entry's canonical JSON."""
    message = (prev_hash + canonical_json(_body(entry, with_chain=True))).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def legacy_entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    """SHA-256 (hex) of the previous hash and the entry, as entries were hashed before keying."""
    return hashlib.sha256((prev_hash + canonical_json(_body(entry, with_chain=False))).encode("utf-8")).hexdigest()


def _expected_hash(key: bytes, chained: ChainedEntry) -> str | None:
    if chained.scheme == KEYED:
        return entry_mac(key, chained.prev_hash, chained.entry)
    if chained.scheme == LEGACY and chained.entry.chain == LEGACY_CHAIN:
        return legacy_entry_hash(chained.prev_hash, chained.entry)
    return None  # an unkeyed entry anywhere else is a forgery


def verify_chain(key: bytes, entries: Iterable[ChainedEntry]) -> ChainBreak | None:
    """Returns the first entry of one chain (in ``seq`` order) that breaks it, or None.

    A gap in the sequence (a deleted entry) is reported at the missing entry's number.
    """
    expected_prev, expected_seq, chain = GENESIS_HASH, 1, None
    for chained in entries:
        entry = chained.entry
        chain = entry.chain if chain is None else chain
        if entry.chain != chain:
            return ChainBreak(entry.seq, f"entry {entry.seq} says it belongs to chain {entry.chain}", chain)
        if entry.seq != expected_seq:
            return ChainBreak(expected_seq, f"entry {expected_seq} is missing (found {entry.seq} next)", chain)
        if chained.prev_hash != expected_prev:
            return ChainBreak(entry.seq, "previous hash does not match the entry before it", chain)
        if _expected_hash(key, chained) != chained.hash:
            return ChainBreak(entry.seq, "content does not match its keyed hash", chain)
        expected_prev = chained.hash
        expected_seq += 1
    return None


def check_anchor(anchor: Anchor, found_hash: str | None, last_seq: int) -> ChainBreak | None:
    """Whether the chain still holds the anchored entry. ``found_hash`` is the hash stored at
    the anchor's position (None when there is no such entry); ``last_seq`` the chain's last."""
    if found_hash is None and last_seq < anchor.seq:
        return ChainBreak(last_seq + 1, f"the log ends at entry {last_seq}, but the {anchor.source} records entry "
                                        f"{anchor.seq}: entries were cut off", anchor.chain)
    if found_hash is None:
        return ChainBreak(anchor.seq, f"entry {anchor.seq}, recorded by the {anchor.source}, is missing",
                          anchor.chain)
    if found_hash != anchor.hash:
        return ChainBreak(anchor.seq, f"entry {anchor.seq} does not hold the hash the {anchor.source} records: "
                                      "it was rewritten", anchor.chain)
    return None


@dataclass(frozen=True)
class Checkpoint:
    chain: int
    seq: int
    hash: str
    written_at: datetime
    reason: str

    def payload(self) -> dict[str, Any]:
        return {"chain": self.chain, "seq": self.seq, "hash": self.hash,
                "written_at": _utc_iso(self.written_at), "reason": self.reason}


def sign_checkpoint(key: bytes, checkpoint: Checkpoint) -> dict[str, Any]:
    """The checkpoint as written out: its fields and an HMAC-SHA256 signature over them."""
    payload = checkpoint.payload()
    signature = hmac.new(key, ("checkpoint:" + canonical_json(payload)).encode(), hashlib.sha256).hexdigest()
    return payload | {"signature": signature}


def read_checkpoint(key: bytes, record: dict[str, Any]) -> Checkpoint:
    """The checkpoint a written record holds. Raises ValueError when its signature does not
    match (it was forged or altered) or it is malformed."""
    try:
        checkpoint = Checkpoint(int(record["chain"]), int(record["seq"]), str(record["hash"]),
                                datetime.fromisoformat(record["written_at"]), str(record["reason"]))
        given = str(record["signature"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not a checkpoint: {error}") from None
    if not hmac.compare_digest(sign_checkpoint(key, checkpoint)["signature"], given):
        raise ValueError("the checkpoint's signature does not match")
    return checkpoint


RECEIPT_CHAIN, RECEIPT_POSITION, RECEIPT_HASH = "Audit chain:", "Audit position:", "Audit hash:"


def anchor_lines(chain: int, seq: int, hash_: str) -> str:
    """The lines a receipt or checkpoint email carries, which ``parse_anchor`` reads back."""
    return f"{RECEIPT_CHAIN} {chain}\n{RECEIPT_POSITION} {seq}\n{RECEIPT_HASH} {hash_}\n"


def parse_anchor(text: str, source: str) -> Anchor:
    """The audit position a receipt (or a checkpoint email) records. Raises ValueError when
    the text carries none."""
    found = {}
    for line in text.splitlines():
        for label in (RECEIPT_CHAIN, RECEIPT_POSITION, RECEIPT_HASH):
            if line.strip().startswith(label):
                found[label] = line.strip()[len(label):].strip()
    try:
        chain, seq, hash_ = int(found[RECEIPT_CHAIN]), int(found[RECEIPT_POSITION]), found[RECEIPT_HASH]
    except (KeyError, ValueError):
        raise ValueError(f"{source} does not carry an audit position (lines starting '{RECEIPT_CHAIN}', "
                         f"'{RECEIPT_POSITION}' and '{RECEIPT_HASH}')") from None
    if len(hash_) != 64 or any(c not in "0123456789abcdef" for c in hash_):
        raise ValueError(f"{source}: the audit hash must be 64 hexadecimal characters")
    return Anchor(chain, seq, hash_, source)
