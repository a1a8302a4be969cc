"""A bid's states and the moves between them: every allowed and every refused move, the
deadline, which submission counts, and the state derived from a bid's rows."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from tenderapp.domain.bids import (
    TRANSITIONS,
    BidEvent,
    BidState,
    DeadlinePassed,
    bid_state,
    check_move,
    current_submission,
)
from tenderapp.domain.errors import RuleViolation

DEADLINE = datetime(2026, 12, 20, 12, 0, tzinfo=UTC)
BEFORE = DEADLINE - timedelta(seconds=1)
LATE = "The submission deadline has passed: nothing more can be sent or changed. Your draft is kept as it was."

EXPECTED = {
    (BidState.NOT_STARTED, BidEvent.SAVE): BidState.DRAFT,
    (BidState.DRAFT, BidEvent.SAVE): BidState.DRAFT,
    (BidState.DRAFT, BidEvent.SUBMIT): BidState.SUBMITTED,
    (BidState.SUBMITTED, BidEvent.SAVE): BidState.SUBMITTED,
    (BidState.SUBMITTED, BidEvent.SUBMIT): BidState.SUBMITTED,
    (BidState.SUBMITTED, BidEvent.WITHDRAW): BidState.WITHDRAWN,
    (BidState.SUBMITTED, BidEvent.OPEN): BidState.OPENED,
    (BidState.WITHDRAWN, BidEvent.SAVE): BidState.WITHDRAWN,
    (BidState.WITHDRAWN, BidEvent.SUBMIT): BidState.SUBMITTED,
}
BIDDER_MOVES = [BidEvent.SAVE, BidEvent.SUBMIT, BidEvent.WITHDRAW]
# an opened bid refuses the bidder's moves as late (below)
REFUSED = sorted(set((s, e) for s in BidState for e in BidEvent) - set(EXPECTED)
                 - {(BidState.OPENED, e) for e in BIDDER_MOVES})


def test_the_table_is_the_one_expected():
    assert TRANSITIONS == EXPECTED


@pytest.mark.parametrize("state, event", sorted(EXPECTED))
def test_allowed_moves_lead_where_the_table_says_before_the_deadline(state, event):
    now = DEADLINE if event is BidEvent.OPEN else BEFORE
    assert check_move(state, event, now, DEADLINE) is EXPECTED[state, event]


@pytest.mark.parametrize("state, event", REFUSED)
def test_refused_moves_say_why_with_todays_messages(state, event):
    with pytest.raises(RuleViolation) as raised:
        check_move(state, event, BEFORE, DEADLINE)
    assert not isinstance(raised.value, DeadlinePassed)
    expected = {BidEvent.SUBMIT: "Your bid is not complete: Enter your prices",
                BidEvent.WITHDRAW: "You have no submitted bid to withdraw",
                BidEvent.OPEN: "Only a submitted bid is in the box"}[event]
    assert raised.value.message == expected


@pytest.mark.parametrize("state", list(BidState))
@pytest.mark.parametrize("event", BIDDER_MOVES)
def test_every_bidder_move_is_refused_at_the_deadline_and_once_opened(state, event):
    for now, opened in ((DEADLINE, False), (DEADLINE + timedelta(days=1), False), (BEFORE, True)):
        with pytest.raises(DeadlinePassed) as raised:
            check_move(state, event, now, DEADLINE, opened)
        assert raised.value.message == LATE


@dataclass(frozen=True)
class Version:
    number: int
    withdrawn_at: datetime | None = None


@pytest.mark.parametrize("event", BIDDER_MOVES)
def test_an_opened_bid_is_past_changing(event):
    with pytest.raises(DeadlinePassed):
        check_move(BidState.OPENED, event, BEFORE, DEADLINE)


def test_the_latest_version_counts_unless_it_was_withdrawn():
    assert current_submission([]) is None
    assert current_submission([Version(1), Version(2)]) == Version(2)
    assert current_submission([Version(2), Version(1)]) == Version(2)  # whatever the order
    assert current_submission([Version(1), Version(2, BEFORE)]) is None
    assert current_submission([Version(1, BEFORE), Version(2)]) == Version(2)


def test_the_state_is_derived_from_the_bids_rows():
    assert bid_state(False, []) is BidState.NOT_STARTED
    assert bid_state(True, []) is BidState.DRAFT
    assert bid_state(True, [Version(1)]) is BidState.SUBMITTED
    assert bid_state(True, [Version(1, BEFORE)]) is BidState.WITHDRAWN
    assert bid_state(True, [Version(1, BEFORE), Version(2)]) is BidState.SUBMITTED
    assert bid_state(True, [Version(1)], opened=True) is BidState.OPENED


def test_labels_are_what_the_suppliers_dashboard_says():
    assert [s.label for s in BidState] == ["Not started", "Draft", "Submitted", "Draft", "Submitted"]
    assert BidState.SUBMITTED == "submitted"
