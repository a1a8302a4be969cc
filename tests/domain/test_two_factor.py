"""Two-factor rules: who needs it, which codes are accepted when, and what a typed code is."""

import pytest

from tenderapp.domain import two_factor as rules
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.roles import Role


@pytest.mark.parametrize(("roles", "enrolled", "required"), [
    ({Role.PROCUREMENT_ADMIN}, False, True),
    ({Role.EVALUATOR}, False, True),
    ({Role.VIEWER, Role.EVALUATOR}, False, True),
    ({Role.VIEWER}, False, False),
    ({Role.SIGNATORY}, False, False),
    ({Role.BIDDER}, False, False),
    ({Role.BIDDER}, True, True),  # anyone who set it up uses it
    (set(), False, False),
])
def test_admins_and_evaluators_and_anyone_enrolled_need_the_second_factor(roles, enrolled, required):
    assert rules.required_for(roles, enrolled) is required


def test_codes_of_the_step_either_side_are_accepted_but_never_a_step_already_used():
    assert rules.candidate_steps(100, None) == [100, 99, 101]
    assert rules.candidate_steps(100, 99) == [100, 101]
    assert rules.candidate_steps(100, 100) == [101]
    assert rules.candidate_steps(100, 101) == []
    assert rules.time_step(59.9) == 1 and rules.time_step(60) == 2


@pytest.mark.parametrize(("typed", "expected"), [
    ("123456", ("totp", "123456")),
    (" 123 456 ", ("totp", "123456")),
    ("123-456", ("totp", "123456")),
    ("ABCDE-23456", ("recovery", "abcde23456")),
    ("abcde 23456", ("recovery", "abcde23456")),
])
def test_a_typed_code_is_read_without_spaces_hyphens_or_case(typed, expected):
    assert rules.classify(typed) == expected


@pytest.mark.parametrize("typed", ["12345", "1234567", "١٢٣٤٥٦", "abcde-2345", "abcde-2345o", "<script>", "x" * 40])
def test_anything_else_is_refused_beside_the_field(typed):
    with pytest.raises(RuleViolation) as raised:
        rules.classify(typed)
    assert raised.value.field == "code" and raised.value.message == rules.CODE_WRONG


def test_an_empty_code_asks_for_one():
    with pytest.raises(RuleViolation, match="Enter the 6-digit code"):
        rules.classify("  - ")


def test_recovery_codes_are_unique_readable_and_round_trip_through_classify():
    codes = rules.new_recovery_codes()
    assert len(codes) == rules.RECOVERY_CODE_COUNT == len(set(codes))
    for code in codes:
        shown = rules.display(code)
        assert len(shown) == 11 and shown[5] == "-"
        assert not set(code) & set("01ilo")
        assert rules.classify(shown.upper()) == ("recovery", code)


def test_a_secret_is_grouped_in_fours_for_typing():
    assert rules.grouped_secret("ABCDEFGHIJ") == "ABCD EFGH IJ"


def test_the_wait_after_too_many_codes_is_in_whole_minutes_rounded_up():
    assert rules.too_many_codes(900).endswith("Wait 15 minutes, then try again")
    assert "Wait 2 minutes" in rules.too_many_codes(61)
    assert "Wait 1 minute," in rules.too_many_codes(1)
    assert "Wait 1 minute," in rules.too_many_codes(0)
