"""The tender's status is derived from its dates and the award's progress, never stored."""

from datetime import UTC, date, datetime

import pytest

from tenderapp.domain.tenders import AwardProgress, TenderStatus, tender_status

PUBLISHED = datetime(2026, 1, 5, 9, tzinfo=UTC)
DEADLINE = datetime(2026, 2, 5, 12, tzinfo=UTC)
OPENED = datetime(2026, 2, 6, 10, tzinfo=UTC)


@pytest.mark.parametrize(("published", "opened", "now", "progress", "expected"), [
    (None, None, datetime(2026, 1, 1, tzinfo=UTC), None, TenderStatus.DRAFT),
    (PUBLISHED, None, datetime(2026, 2, 5, 11, 59, tzinfo=UTC), None, TenderStatus.PUBLISHED),
    (PUBLISHED, None, DEADLINE, None, TenderStatus.CLOSED),
    (PUBLISHED, OPENED, OPENED, None, TenderStatus.OPENED),
    (PUBLISHED, OPENED, OPENED, AwardProgress(recommended=True), TenderStatus.AWARD_RECOMMENDED),
    (PUBLISHED, OPENED, OPENED, AwardProgress(recommended=True, decided=True), TenderStatus.AWARD_DECIDED),
    # standstill to the end of its last day in UK time (BST: 23:30 UTC on 1 June is 2 June in the UK)
    (PUBLISHED, OPENED, datetime(2026, 6, 1, 22, 59, tzinfo=UTC),
     AwardProgress(True, True, date(2026, 6, 1)), TenderStatus.STANDSTILL),
    (PUBLISHED, OPENED, datetime(2026, 6, 1, 23, 30, tzinfo=UTC),
     AwardProgress(True, True, date(2026, 6, 1)), TenderStatus.AWARDED),
])
def test_status(published, opened, now, progress, expected):
    assert tender_status(published, DEADLINE, opened, now, progress) is expected


def test_every_status_has_a_label_and_a_colour():
    for status in TenderStatus:
        assert status.label and status.colour
    assert len({s.colour for s in TenderStatus}) == len(TenderStatus)
