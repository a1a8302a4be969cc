"""The agreement's per-member state machine: every allowed and every refused move, and the
status derived from responses across versions."""

from datetime import UTC, datetime, timedelta

import pytest

from tenderapp.domain.agreements import (
    ALLOWED_MOVES,
    Action,
    PartyStatus,
    Response,
    check_move,
    derive_status,
    tally,
    text_fingerprint,
)
from tenderapp.domain.errors import RuleViolation

T = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)

EXPECTED_ALLOWED = {
    (PartyStatus.INVITED, Action.AGREE_IN_PRINCIPLE),
    (PartyStatus.INVITED, Action.SIGN),
    (PartyStatus.INVITED, Action.DECLINE),
    (PartyStatus.RE_SIGN_REQUIRED, Action.AGREE_IN_PRINCIPLE),
    (PartyStatus.RE_SIGN_REQUIRED, Action.SIGN),
    (PartyStatus.RE_SIGN_REQUIRED, Action.DECLINE),
    (PartyStatus.AGREED_IN_PRINCIPLE, Action.SIGN),
    (PartyStatus.AGREED_IN_PRINCIPLE, Action.DECLINE),
}
ALL_MOVES = [(s, a) for s in PartyStatus for a in Action]


@pytest.mark.parametrize("status,action", sorted(EXPECTED_ALLOWED))
def test_allowed_moves_pass(status, action):
    check_move(status, action, "Medway Council")


@pytest.mark.parametrize("status,action", sorted(set(ALL_MOVES) - EXPECTED_ALLOWED))
def test_refused_moves_say_why(status, action):
    with pytest.raises(RuleViolation) as raised:
        check_move(status, action, "Medway Council")
    message = raised.value.message
    assert message
    if status is PartyStatus.SIGNED:
        assert message == "Medway Council has already signed this version"
    if status is PartyStatus.DECLINED:
        assert message == "Medway Council has declined this version"
    if status is PartyStatus.NOT_ISSUED:
        assert message == "The agreement has not been issued yet"


def test_the_table_of_moves_is_the_documented_one():
    assert {(s, a) for s, actions in ALLOWED_MOVES.items() for a in actions} == EXPECTED_ALLOWED


def r(version, action, minutes=0):
    return Response(version, action, T + timedelta(minutes=minutes))


@pytest.mark.parametrize("current,responses,expected", [
    (None, [], PartyStatus.NOT_ISSUED),
    (1, [], PartyStatus.INVITED),
    (1, [r(1, Action.AGREE_IN_PRINCIPLE)], PartyStatus.AGREED_IN_PRINCIPLE),
    (1, [r(1, Action.AGREE_IN_PRINCIPLE), r(1, Action.SIGN, 5)], PartyStatus.SIGNED),
    (1, [r(1, Action.DECLINE)], PartyStatus.DECLINED),
    (1, [r(1, Action.AGREE_IN_PRINCIPLE), r(1, Action.DECLINE, 5)], PartyStatus.DECLINED),
    # a new version: signers of an earlier one must re-sign, the others are invited again
    (2, [r(1, Action.SIGN)], PartyStatus.RE_SIGN_REQUIRED),
    (2, [r(1, Action.AGREE_IN_PRINCIPLE)], PartyStatus.INVITED),
    (2, [r(1, Action.DECLINE)], PartyStatus.INVITED),
    (2, [r(1, Action.SIGN), r(2, Action.AGREE_IN_PRINCIPLE, 5)], PartyStatus.AGREED_IN_PRINCIPLE),
    (2, [r(1, Action.SIGN), r(2, Action.SIGN, 5)], PartyStatus.SIGNED),
    (3, [r(1, Action.SIGN), r(2, Action.DECLINE, 5)], PartyStatus.RE_SIGN_REQUIRED),
    # order of the list does not matter, time does
    (1, [r(1, Action.DECLINE, 5), r(1, Action.AGREE_IN_PRINCIPLE)], PartyStatus.DECLINED),
])
def test_status_is_derived_from_responses(current, responses, expected):
    assert derive_status(current, responses) is expected


def test_outstanding_statuses_are_those_still_expected_to_answer():
    assert {s for s in PartyStatus if s.outstanding} == {
        PartyStatus.INVITED, PartyStatus.AGREED_IN_PRINCIPLE, PartyStatus.RE_SIGN_REQUIRED}


def test_tally_counts_each_status():
    statuses = [PartyStatus.SIGNED] * 11 + [PartyStatus.AGREED_IN_PRINCIPLE] * 2 + [PartyStatus.INVITED] * 2 + [
        PartyStatus.DECLINED]
    t = tally("local_authority", statuses)
    assert (t.total, t.signed, t.agreed_in_principle, t.declined, t.outstanding) == (16, 11, 2, 1, 4)


def test_text_fingerprint_is_sha256_of_utf8_with_unix_line_endings():
    assert text_fingerprint("a\r\nb") == text_fingerprint("a\nb")
    assert text_fingerprint("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert text_fingerprint("£") != text_fingerprint("#")
