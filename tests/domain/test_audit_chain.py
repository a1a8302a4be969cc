"""The audit log's keyed hash chain: each entry's hash is an HMAC, under a key outside the
database, of the previous hash and the entry itself; anchors hold the chain from outside."""

import dataclasses
import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenderapp.domain.audit_chain import (
    GENESIS_HASH,
    Anchor,
    AuditEntry,
    ChainBreak,
    ChainedEntry,
    Checkpoint,
    anchor_lines,
    canonical_json,
    check_anchor,
    entry_mac,
    legacy_entry_hash,
    parse_anchor,
    read_checkpoint,
    sign_checkpoint,
)
from tenderapp.domain.audit_chain import verify_chain as verify_keyed

KEY = bytes(range(32))


def entry_hash(prev_hash, entry):
    """The hash the audit service stores: HMAC under the instance's key."""
    return entry_mac(KEY, prev_hash, entry)


def verify_chain(entries):
    return verify_keyed(KEY, entries)

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def make_entry(seq: int = 1, **changes) -> AuditEntry:
    """An entry whose fields all differ from its neighbours' (time, object id, details)."""
    fields = dict(
        seq=seq,
        occurred_at=T0 + timedelta(minutes=seq),
        actor_user_id=7,
        organisation_id=3,
        action="tender.published",
        object_type="tender",
        object_id=str(100 + seq),
        details={"title": f"Entry {seq}"},
    )
    fields.update(changes)
    return AuditEntry(**fields)


def build_chain(entries) -> list[ChainedEntry]:
    """Links entries from GENESIS_HASH, as the audit service does when it records them."""
    chain, prev = [], GENESIS_HASH
    for entry in entries:
        digest = entry_hash(prev, entry)
        chain.append(ChainedEntry(entry=entry, prev_hash=prev, hash=digest))
        prev = digest
    return chain


def chain_of(length: int) -> list[ChainedEntry]:
    return build_chain(make_entry(seq) for seq in range(1, length + 1))


def with_entry(chained: ChainedEntry, **changes) -> ChainedEntry:
    """The same stored row with some of its entry's fields rewritten (hashes left as stored)."""
    return dataclasses.replace(chained, entry=dataclasses.replace(chained.entry, **changes))


# A different value for each field of AuditEntry, used to show every field is hashed.
CHANGED_VALUE = {
    "seq": 2,
    "occurred_at": T0 + timedelta(minutes=1, microseconds=1),
    "actor_user_id": 8,
    "organisation_id": None,
    "action": "tender.withdrawn",
    "object_type": "lot",
    "object_id": "102",
    "details": {"title": "Entry 1 (edited)"},
    "chain": 5,
}


# --- entry_hash ------------------------------------------------------------------------


def _body_of_entry_1(with_chain):
    # Written out by hand: keys sorted, no spaces, time in UTC with microseconds.
    return (
        '{"action":"tender.published","actor_user_id":7,' + ('"chain":0,' if with_chain else '')
        + '"details":{"title":"Entry 1"},"object_id":"101","object_type":"tender",'
        '"occurred_at":"2026-11-30T09:01:00.000000+00:00","organisation_id":3,"seq":1}'
    )


def test_entry_hash_is_hmac_sha256_of_previous_hash_and_canonical_json_with_the_chain():
    expected = hmac.new(KEY, (GENESIS_HASH + _body_of_entry_1(True)).encode("utf-8"), hashlib.sha256).hexdigest()

    assert entry_mac(KEY, GENESIS_HASH, make_entry(1)) == expected


def test_legacy_entries_are_sha256_of_previous_hash_and_canonical_json():
    expected = hashlib.sha256((GENESIS_HASH + _body_of_entry_1(False)).encode("utf-8")).hexdigest()

    assert legacy_entry_hash(GENESIS_HASH, make_entry(1)) == expected


def test_entry_hash_of_a_known_entry_never_changes():
    # Pinned: stored chains become unverifiable if the serialisation ever changes. The legacy
    # value is the one unkeyed chains were written with.
    assert legacy_entry_hash(GENESIS_HASH, make_entry(1)) == (
        "f8a7ece8e88fc3da3ec3632efa69da6ab9c14a26721a08f3d674fa53a0eceedd"
    )
    assert entry_mac(KEY, GENESIS_HASH, make_entry(1)) == entry_mac(bytes(range(32)), GENESIS_HASH, make_entry(1))


def test_the_key_decides_the_hash():
    assert entry_mac(KEY, GENESIS_HASH, make_entry(1)) != entry_mac(b"k" * 32, GENESIS_HASH, make_entry(1))


def test_a_chain_recomputed_without_the_key_does_not_verify():
    chain, prev = [], GENESIS_HASH
    for seq in (1, 2, 3):
        digest = legacy_entry_hash(prev, make_entry(seq))
        chain.append(ChainedEntry(make_entry(seq), prev, digest))
        prev = digest

    assert verify_chain(chain) == ChainBreak(1, CONTENT_CHANGED)
    # and calling it "legacy" does not help outside the closed legacy chain
    relabelled = [dataclasses.replace(c, scheme="sha256") for c in chain]
    assert verify_chain(relabelled) == ChainBreak(1, CONTENT_CHANGED)


def test_the_closed_legacy_chain_verifies_with_plain_sha256():
    chain, prev = [], GENESIS_HASH
    for seq in (1, 2):
        entry = make_entry(seq, chain=-1)
        digest = legacy_entry_hash(prev, entry)
        chain.append(ChainedEntry(entry, prev, digest, scheme="sha256"))
        prev = digest

    assert verify_chain(chain) is None


def test_entry_hash_is_deterministic_for_equal_entries():
    assert entry_hash(GENESIS_HASH, make_entry(1)) == entry_hash(GENESIS_HASH, make_entry(1))


def test_entry_hash_ignores_the_order_details_were_written_in():
    first = make_entry(1, details={"a": 1, "b": [1, 2], "c": {"y": 2, "x": 1}})
    second = make_entry(1, details={"c": {"x": 1, "y": 2}, "b": [1, 2], "a": 1})

    assert entry_hash(GENESIS_HASH, first) == entry_hash(GENESIS_HASH, second)


def test_entry_hash_is_the_same_for_the_same_instant_in_any_time_zone():
    in_utc = make_entry(1, occurred_at=datetime(2026, 7, 1, 11, 30, tzinfo=UTC))
    in_bst = make_entry(1, occurred_at=datetime(2026, 7, 1, 12, 30, tzinfo=timezone(timedelta(hours=1))))

    assert entry_hash(GENESIS_HASH, in_utc) == entry_hash(GENESIS_HASH, in_bst)


def test_every_field_of_an_audit_entry_has_a_changed_value_under_test():
    assert set(CHANGED_VALUE) == {field.name for field in dataclasses.fields(AuditEntry)}


@pytest.mark.parametrize("field", sorted(CHANGED_VALUE))
def test_entry_hash_changes_when_any_field_changes(field):
    original = make_entry(1)
    changed = dataclasses.replace(original, **{field: CHANGED_VALUE[field]})
    assert getattr(changed, field) != getattr(original, field)

    assert entry_hash(GENESIS_HASH, changed) != entry_hash(GENESIS_HASH, original)


def test_entry_hash_changes_when_the_previous_hash_changes():
    entry = make_entry(1)

    assert entry_hash("1" + GENESIS_HASH[1:], entry) != entry_hash(GENESIS_HASH, entry)


def test_entry_hash_tells_null_apart_from_zero():
    assert entry_hash(GENESIS_HASH, make_entry(1, actor_user_id=None)) != entry_hash(
        GENESIS_HASH, make_entry(1, actor_user_id=0)
    )


def test_entry_hash_refuses_a_naive_time():
    with pytest.raises(ValueError, match="timezone-aware"):
        entry_hash(GENESIS_HASH, make_entry(1, occurred_at=datetime(2026, 11, 30, 9, 0)))


def test_canonical_json_sorts_keys_drops_spaces_and_keeps_non_ascii_text():
    assert canonical_json({"b": 1, "a": "£5 – café"}) == '{"a":"£5 – café","b":1}'


# --- verify_chain: intact chains --------------------------------------------------------


def test_an_empty_log_is_intact():
    assert verify_chain([]) is None


@pytest.mark.parametrize("length", [1, 2, 5])
def test_a_chain_built_from_genesis_is_intact(length):
    assert verify_chain(chain_of(length)) is None


def test_verify_chain_accepts_any_iterable_such_as_a_generator():
    assert verify_chain(iter(chain_of(3))) is None


def test_a_chain_not_starting_from_genesis_breaks_at_entry_1():
    entries = [make_entry(seq) for seq in (1, 2, 3)]
    chain, prev = [], "f" * 64
    for entry in entries:
        digest = entry_hash(prev, entry)
        chain.append(ChainedEntry(entry, prev, digest))
        prev = digest

    assert verify_chain(chain) == ChainBreak(1, "previous hash does not match the entry before it")


# --- verify_chain: tampering -------------------------------------------------------------

CONTENT_CHANGED = "content does not match its keyed hash"


@pytest.mark.parametrize("k", [1, 3, 5])
@pytest.mark.parametrize(
    "changes",
    [
        {"details": {"title": "Entry rewritten"}},
        {"details": {}},
        {"action": "tender.cancelled"},
        {"occurred_at": T0 - timedelta(days=1)},
        {"occurred_at": T0 + timedelta(minutes=3, microseconds=1)},
    ],
    ids=["details", "details-emptied", "action", "time-a-day-earlier", "time-one-microsecond-later"],
)
def test_editing_entry_k_is_reported_at_k(k, changes):
    chain = chain_of(5)
    chain[k - 1] = with_entry(chain[k - 1], **changes)

    assert verify_chain(chain) == ChainBreak(k, CONTENT_CHANGED)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_altering_the_stored_hash_of_entry_k_is_reported_at_k(k):
    chain = chain_of(5)
    chain[k - 1] = dataclasses.replace(chain[k - 1], hash="0" * 63 + "1")

    assert verify_chain(chain) == ChainBreak(k, CONTENT_CHANGED)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_altering_the_stored_previous_hash_of_entry_k_is_reported_at_k(k):
    chain = chain_of(5)
    chain[k - 1] = dataclasses.replace(chain[k - 1], prev_hash="a" * 64)

    assert verify_chain(chain) == ChainBreak(k, "previous hash does not match the entry before it")


def test_rehashing_an_edited_entry_still_breaks_the_chain_at_the_next_entry():
    chain = chain_of(5)
    edited = dataclasses.replace(chain[1].entry, details={"title": "forged"})
    chain[1] = ChainedEntry(edited, chain[1].prev_hash, entry_hash(chain[1].prev_hash, edited))

    assert verify_chain(chain) == ChainBreak(3, "previous hash does not match the entry before it")


@pytest.mark.parametrize("k", [1, 2, 4])
def test_deleting_entry_k_is_reported_as_a_gap_at_k(k):
    chain = chain_of(5)
    del chain[k - 1]

    assert verify_chain(chain) == ChainBreak(k, f"entry {k} is missing (found {k + 1} next)")


def test_deleting_several_entries_is_reported_at_the_first_missing_one():
    chain = chain_of(6)
    del chain[2:4]  # entries 3 and 4

    assert verify_chain(chain) == ChainBreak(3, "entry 3 is missing (found 5 next)")


def test_deleting_the_last_entry_cannot_be_seen_by_verify_chain_alone():
    # A shortened chain is still a valid chain; the audit service compares the
    # last entry with the chain's stored head to catch this.
    chain = chain_of(5)
    del chain[-1]

    assert verify_chain(chain) is None


@pytest.mark.parametrize(("i", "j"), [(1, 2), (2, 4), (1, 5)])
def test_swapping_two_entries_in_the_log_is_reported_at_the_earlier_seq(i, j):
    chain = chain_of(5)
    chain[i - 1], chain[j - 1] = chain[j - 1], chain[i - 1]

    assert verify_chain(chain) == ChainBreak(i, f"entry {i} is missing (found {j} next)")


@pytest.mark.parametrize(("i", "j"), [(1, 2), (2, 4), (4, 5)])
def test_swapping_two_entries_contents_under_their_seq_numbers_is_reported_at_the_earlier_seq(i, j):
    chain = chain_of(5)
    first, second = chain[i - 1], chain[j - 1]
    chain[i - 1] = dataclasses.replace(first, entry=dataclasses.replace(second.entry, seq=i))
    chain[j - 1] = dataclasses.replace(second, entry=dataclasses.replace(first.entry, seq=j))

    assert verify_chain(chain) == ChainBreak(i, CONTENT_CHANGED)


def test_a_replayed_entry_is_reported_at_the_position_it_takes():
    chain = chain_of(3)
    chain.insert(2, chain[1])  # 1, 2, 2, 3

    assert verify_chain(chain) == ChainBreak(3, "entry 3 is missing (found 2 next)")


def test_verify_chain_reports_only_the_first_break():
    chain = chain_of(5)
    chain[1] = with_entry(chain[1], action="edited")
    chain[3] = with_entry(chain[3], action="edited")

    assert verify_chain(chain) == ChainBreak(2, CONTENT_CHANGED)


def test_verify_chain_refuses_a_naive_time():
    chain = chain_of(2)
    chain[1] = with_entry(chain[1], occurred_at=datetime(2026, 11, 30, 9, 2))

    with pytest.raises(ValueError, match="timezone-aware"):
        verify_chain(chain)


# --- any single-field tamper --------------------------------------------------------------

_ids = st.one_of(st.none(), st.integers(min_value=0, max_value=10**9))
_text = st.text(max_size=20)
_details = st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), _text, st.booleans(), st.none()), max_size=4)
_hashes = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)

_NEW_VALUE = {
    "seq": st.integers(min_value=-5, max_value=100),
    "occurred_at": st.integers(min_value=-(10**12), max_value=10**12).map(
        lambda micros: T0 + timedelta(microseconds=micros)
    ),
    "actor_user_id": _ids,
    "organisation_id": _ids,
    "action": _text,
    "object_type": _text,
    "object_id": _text,
    "details": _details,
    "chain": st.integers(min_value=1, max_value=100),
}


@st.composite
def tampered_chains(draw):
    """A chain of 1-6 entries with exactly one field of entry k given a different value."""
    length = draw(st.integers(min_value=1, max_value=6))
    k = draw(st.integers(min_value=1, max_value=length))
    chain = chain_of(length)
    stored = chain[k - 1]
    field = draw(st.sampled_from(sorted(_NEW_VALUE) + ["hash", "prev_hash"]))
    if field in ("hash", "prev_hash"):
        value = draw(_hashes.filter(lambda h: h != getattr(stored, field)))
        chain[k - 1] = dataclasses.replace(stored, **{field: value})
    else:
        value = draw(_NEW_VALUE[field].filter(lambda v: v != getattr(stored.entry, field)))
        chain[k - 1] = with_entry(stored, **{field: value})
    return chain, k


@settings(max_examples=50, deadline=None)
@given(tampered_chains())
def test_any_single_field_tamper_is_reported_at_the_tampered_entry(tampered):
    chain, k = tampered

    broken = verify_chain(chain)

    assert broken is not None
    assert broken.seq == k


@settings(max_examples=50, deadline=None)
@given(tampered_chains())
def test_a_tamper_cannot_be_hidden_by_relinking_without_the_key(tampered):
    chain, k = tampered
    # the attacker recomputes every hash from entry k on with the public SHA-256 algorithm
    prev = chain[k - 2].hash if k > 1 else GENESIS_HASH
    relinked = chain[:k - 1]
    for stored in chain[k - 1:]:
        digest = hashlib.sha256((prev + canonical_json({"seq": stored.entry.seq})).encode()).hexdigest()
        relinked.append(dataclasses.replace(stored, prev_hash=prev, hash=digest))
        prev = digest
    broken = verify_chain(relinked)

    assert broken is not None and broken.seq == k


# --- anchors: checkpoints and receipts ------------------------------------------------------


def test_a_signed_checkpoint_reads_back_and_an_altered_one_is_refused():
    checkpoint = Checkpoint(3, 17, "a" * 64, T0, "tender.opened")
    record = sign_checkpoint(KEY, checkpoint)

    assert read_checkpoint(KEY, record) == checkpoint
    for field, value in [("seq", 16), ("hash", "b" * 64), ("chain", 4), ("reason", "daily")]:
        with pytest.raises(ValueError, match="signature"):
            read_checkpoint(KEY, record | {field: value})
    with pytest.raises(ValueError, match="signature"):
        read_checkpoint(b"x" * 32, record)
    with pytest.raises(ValueError, match="not a checkpoint"):
        read_checkpoint(KEY, {"seq": 1})


def test_an_anchor_reports_truncation_deletion_and_rewriting():
    anchor = Anchor(0, 5, "c" * 64, "receipt r.txt")

    assert check_anchor(anchor, "c" * 64, 9) is None
    assert check_anchor(anchor, None, 3) == ChainBreak(
        4, "the log ends at entry 3, but the receipt r.txt records entry 5: entries were cut off")
    assert check_anchor(anchor, None, 9).seq == 5
    assert "rewritten" in check_anchor(anchor, "d" * 64, 9).reason


def test_receipt_lines_read_back_and_text_without_them_is_refused():
    text = "Tenderapp bid receipt\n" + anchor_lines(12, 34, "e" * 64) + "Keep this receipt.\n"

    assert parse_anchor(text, "receipt x") == Anchor(12, 34, "e" * 64, "receipt x")
    with pytest.raises(ValueError, match="does not carry an audit position"):
        parse_anchor("Tenderapp bid receipt\n", "receipt y")
    with pytest.raises(ValueError, match="64 hexadecimal"):
        parse_anchor(anchor_lines(1, 2, "zz"), "receipt z")
