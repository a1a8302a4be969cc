"""The moves a tender's status allows: a draft is edited and published; a published tender
is amended until the deadline; a closed one is opened; nothing changes after that."""

from datetime import UTC, datetime

import pytest

from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.tenders import (
    TRANSITIONS,
    TenderEvent,
    TenderStatus,
    check_changeable,
    check_event,
)

PUBLISHED = datetime(2026, 1, 5, 9, tzinfo=UTC)
DEADLINE = datetime(2026, 2, 5, 12, tzinfo=UTC)
BEFORE = datetime(2026, 2, 1, tzinfo=UTC)
AFTER = datetime(2026, 2, 6, tzinfo=UTC)


def test_every_status_has_its_moves():
    assert set(TRANSITIONS) == set(TenderStatus)


@pytest.mark.parametrize(("status", "event", "after"), [
    (TenderStatus.DRAFT, TenderEvent.CHANGE, TenderStatus.DRAFT),
    (TenderStatus.DRAFT, TenderEvent.PUBLISH, TenderStatus.PUBLISHED),
    (TenderStatus.PUBLISHED, TenderEvent.CHANGE, TenderStatus.PUBLISHED),
    (TenderStatus.CLOSED, TenderEvent.OPEN, TenderStatus.OPENED),
])
def test_allowed_moves(status, event, after):
    assert check_event(status, event) is after


@pytest.mark.parametrize("status", [s for s in TenderStatus if s not in (TenderStatus.DRAFT, TenderStatus.PUBLISHED)])
def test_nothing_changes_from_the_deadline_on(status):
    with pytest.raises(RuleViolation, match="The submission deadline has passed: the tender can no longer change"):
        check_event(status, TenderEvent.CHANGE)


@pytest.mark.parametrize("status", [s for s in TenderStatus if s is not TenderStatus.DRAFT])
def test_only_a_draft_is_published(status):
    with pytest.raises(Conflict, match="This tender is already published"):
        check_event(status, TenderEvent.PUBLISH)


@pytest.mark.parametrize(("status", "error", "message"), [
    (TenderStatus.DRAFT, RuleViolation, "The tender has not been published: there is nothing to open"),
    (TenderStatus.PUBLISHED, RuleViolation, "The bids cannot be opened before the submission deadline"),
    (TenderStatus.OPENED, Conflict, "The bids have already been opened"),
    (TenderStatus.AWARDED, Conflict, "The bids have already been opened"),
])
def test_bids_are_opened_once_after_the_deadline(status, error, message):
    with pytest.raises(error, match=message):
        check_event(status, TenderEvent.OPEN)


@pytest.mark.parametrize(("published", "opened", "now"), [
    (None, None, AFTER),  # a draft's passed deadline is corrected, not frozen
    (PUBLISHED, None, BEFORE),
])
def test_changeable_until_the_deadline(published, opened, now):
    check_changeable(published, DEADLINE, opened, now)


@pytest.mark.parametrize(("published", "opened", "now"), [
    (PUBLISHED, None, DEADLINE),
    (PUBLISHED, AFTER, AFTER),
])
def test_frozen_from_the_deadline(published, opened, now):
    with pytest.raises(RuleViolation):
        check_changeable(published, DEADLINE, opened, now)
