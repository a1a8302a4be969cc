"""When an invitation link may still be used."""

from datetime import UTC, datetime, timedelta

import pytest

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.invitations import DEFAULT_VALIDITY, check_usable, expiry_for

SENT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
EXPIRES = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ONE_MICROSECOND = timedelta(microseconds=1)

USED = "This invitation link has already been used. Sign in instead."
WITHDRAWN = "This invitation has been withdrawn. Ask your administrator for a new one."
EXPIRED = "This invitation link has expired. Ask your administrator for a new one."


def refusal(now, expires_at=EXPIRES, accepted_at=None, revoked_at=None) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        check_usable(now, expires_at, accepted_at, revoked_at)
    return caught.value


def test_an_invitation_lasts_7_days_by_default():
    assert DEFAULT_VALIDITY == timedelta(days=7)
    assert expiry_for(SENT) == EXPIRES


def test_expiry_can_be_given_another_validity():
    assert expiry_for(SENT, timedelta(hours=48)) == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_expiry_across_the_end_of_british_summer_time_is_exactly_168_hours_in_utc():
    sent = datetime(2026, 10, 22, 12, 0, tzinfo=UTC)  # clocks go back on 25 October 2026

    assert expiry_for(sent) - sent == timedelta(hours=168)
    assert expiry_for(sent) == datetime(2026, 10, 29, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("now", [SENT, EXPIRES - timedelta(days=1), EXPIRES - ONE_MICROSECOND])
def test_an_unused_link_is_usable_until_just_before_it_expires(now):
    assert check_usable(now, EXPIRES, accepted_at=None, revoked_at=None) is None


@pytest.mark.parametrize("now", [EXPIRES, EXPIRES + ONE_MICROSECOND, EXPIRES + timedelta(days=30)])
def test_a_link_is_refused_from_the_moment_it_expires(now):
    error = refusal(now)

    assert error.message == EXPIRED


def test_a_link_already_used_is_refused():
    error = refusal(SENT + timedelta(hours=1), accepted_at=SENT + timedelta(minutes=5))

    assert error.message == USED


def test_a_withdrawn_link_is_refused():
    error = refusal(SENT + timedelta(hours=1), revoked_at=SENT + timedelta(minutes=5))

    assert error.message == WITHDRAWN


def test_a_used_link_says_so_even_after_it_has_expired():
    error = refusal(EXPIRES + timedelta(days=1), accepted_at=SENT + timedelta(minutes=5))

    assert error.message == USED


def test_a_withdrawn_link_says_so_even_after_it_has_expired():
    error = refusal(EXPIRES + timedelta(days=1), revoked_at=SENT + timedelta(minutes=5))

    assert error.message == WITHDRAWN


def test_refusals_belong_to_no_form_field():
    assert refusal(EXPIRES).field is None
