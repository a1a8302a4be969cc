"""The audit log's hash chain: each entry's hash covers the previous hash and the entry itself."""

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenderapp.domain.audit_chain import (
    GENESIS_HASH,
    AuditEntry,
    ChainBreak,
    ChainedEntry,
    canonical_json,
    entry_hash,
    verify_chain,
)

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
}


# --- entry_hash ------------------------------------------------------------------------


def test_entry_hash_is_sha256_of_previous_hash_and_canonical_json():
    entry = make_entry(1)
    # Written out by hand: keys sorted, no spaces, time in UTC with microseconds.
    body = (
        '{"action":"tender.published","actor_user_id":7,"details":{"title":"Entry 1"},'
        '"object_id":"101","object_type":"tender",'
        '"occurred_at":"2026-11-30T09:01:00.000000+00:00","organisation_id":3,"seq":1}'
    )
    expected = hashlib.sha256((GENESIS_HASH + body).encode("utf-8")).hexdigest()

    assert entry_hash(GENESIS_HASH, entry) == expected


def test_entry_hash_of_a_known_entry_never_changes():
    # Pinned: stored chains become unverifiable if the serialisation ever changes.
    assert entry_hash(GENESIS_HASH, make_entry(1)) == (
        "f8a7ece8e88fc3da3ec3632efa69da6ab9c14a26721a08f3d674fa53a0eceedd"
    )


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

CONTENT_CHANGED = "content does not match its hash"


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
