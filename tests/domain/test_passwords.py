"""Password rules: at least 12 characters, at most 128, and not the email address."""

import pytest

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.passwords import MAX_LENGTH, MIN_LENGTH, check_new_password

EMAIL = "sam.buyer@leeds.gov.uk"  # 22 characters, long enough to pass the length rule

TOO_SHORT = "Password must be 12 characters or more"
TOO_LONG = "Password must be 128 characters or fewer"
IS_EMAIL = "Password must not be your email address"


def test_the_limits_are_those_published_to_users():
    assert (MIN_LENGTH, MAX_LENGTH) == (12, 128)


@pytest.mark.parametrize("length", [12, 13, 64, 127, 128])
def test_passwords_from_12_to_128_characters_are_accepted(length):
    assert check_new_password("x" * length, EMAIL) is None


@pytest.mark.parametrize("length", [0, 1, 11])
def test_passwords_under_12_characters_are_refused(length):
    with pytest.raises(RuleViolation) as caught:
        check_new_password("x" * length, EMAIL)

    assert caught.value.message == TOO_SHORT
    assert caught.value.field == "password"


@pytest.mark.parametrize("length", [129, 1000])
def test_passwords_over_128_characters_are_refused(length):
    with pytest.raises(RuleViolation) as caught:
        check_new_password("x" * length, EMAIL)

    assert caught.value.message == TOO_LONG
    assert caught.value.field == "password"


def test_length_counts_characters_not_bytes():
    assert check_new_password("é" * 12, EMAIL) is None  # 24 bytes in UTF-8, 12 characters


@pytest.mark.parametrize(
    "password",
    [
        "sam.buyer@leeds.gov.uk",
        "SAM.BUYER@LEEDS.GOV.UK",
        "Sam.Buyer@Leeds.Gov.Uk",
        " sam.buyer@leeds.gov.uk ",
    ],
    ids=["same", "upper-case", "mixed-case", "padded-with-spaces"],
)
def test_the_email_address_is_refused_whatever_its_case(password):
    with pytest.raises(RuleViolation) as caught:
        check_new_password(password, EMAIL)

    assert caught.value.message == IS_EMAIL


def test_the_email_check_ignores_case_and_spaces_in_the_stored_email_too():
    with pytest.raises(RuleViolation, match=IS_EMAIL):
        check_new_password("sam.buyer@leeds.gov.uk", "  Sam.Buyer@Leeds.gov.uk ")


def test_a_password_that_merely_contains_the_email_is_accepted():
    assert check_new_password("sam.buyer@leeds.gov.uk!", EMAIL) is None


def test_a_short_email_as_password_is_refused_for_length_first():
    with pytest.raises(RuleViolation) as caught:
        check_new_password("a@b.co", "a@b.co")

    assert caught.value.message == TOO_SHORT


@pytest.mark.parametrize(
    ("password", "message"),
    [("x" * 11, TOO_SHORT), ("x" * 129, TOO_LONG), (EMAIL, IS_EMAIL)],
    ids=["too-short", "too-long", "is-email"],
)
def test_the_error_names_the_field_it_was_given(password, message):
    with pytest.raises(RuleViolation) as caught:
        check_new_password(password, EMAIL, field="new_password")

    assert caught.value.message == message
    assert caught.value.field == "new_password"
