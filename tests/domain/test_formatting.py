"""How money, dates and times are shown: £1,234.56 and UK time in GOV.UK style.

tenderapp.formatting is pure (no request, no app), so it is tested here with the domain.
"""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tenderapp.formatting import money, uk_date, uk_datetime, uk_time


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- money ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.5"), "£1,234.50"),
        (Decimal("0"), "£0.00"),
        (Decimal("7"), "£7.00"),
        (5, "£5.00"),
        (Decimal("999.99"), "£999.99"),
        (Decimal("1000"), "£1,000.00"),
        (Decimal("1234567.891"), "£1,234,567.89"),
    ],
)
def test_money_shows_pounds_with_thousands_separators_and_two_decimals(value, shown):
    assert money(value) == shown


@pytest.mark.parametrize(
    ("pence", "shown"),
    [(123456, "£1,234.56"), (0, "£0.00"), (5, "£0.05"), (99, "£0.99"), (100, "£1.00"), (100000000, "£1,000,000.00")],
)
def test_money_shows_integer_pence_as_pounds(pence, shown):
    assert money(pence, pence=True) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("-1234.5"), "-£1,234.50"),
        (Decimal("-0.01"), "-£0.01"),
    ],
)
def test_money_puts_the_minus_sign_before_the_pound_sign(value, shown):
    assert money(value) == shown


def test_money_shows_negative_pence_with_the_minus_sign_first():
    assert money(-123456, pence=True) == "-£1,234.56"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0.005"), "£0.01"),
        (Decimal("0.0049999"), "£0.00"),
        (Decimal("1.005"), "£1.01"),
        (Decimal("2.675"), "£2.68"),  # 2.67 if it had gone through float
        (Decimal("1.015"), "£1.02"),  # half up, not half even
        (Decimal("999.995"), "£1,000.00"),  # the separator appears after rounding
        (Decimal("-0.005"), "-£0.01"),  # halves round away from zero
        (Decimal("-1.015"), "-£1.02"),
    ],
)
def test_money_rounds_halves_up_at_half_a_penny(value, shown):
    assert money(value) == shown


@pytest.mark.parametrize("value", [Decimal("-0.004"), Decimal("-0"), Decimal("-0.00")])
def test_money_never_shows_minus_zero(value):
    assert money(value) == "£0.00"


@pytest.mark.parametrize("pence", [False, True])
def test_money_shows_nothing_for_no_value(pence):
    assert money(None, pence=pence) == ""


# --- uk_time -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (utc(2026, 1, 15, 0, 0), "midnight"),
        (utc(2026, 1, 15, 12, 0), "midday"),
        (utc(2026, 1, 15, 0, 1), "12:01am"),
        (utc(2026, 1, 15, 12, 1), "12:01pm"),
        (utc(2026, 1, 15, 9, 0), "9am"),
        (utc(2026, 1, 15, 11, 59), "11:59am"),
        (utc(2026, 1, 15, 13, 0), "1pm"),
        (utc(2026, 1, 15, 17, 30), "5:30pm"),
        (utc(2026, 1, 15, 23, 59), "11:59pm"),
        (utc(2026, 1, 15, 6, 5), "6:05am"),
    ],
)
def test_uk_time_in_gov_uk_style(moment, shown):
    assert uk_time(moment) == shown


def test_uk_time_ignores_seconds_when_naming_midday():
    assert uk_time(utc(2026, 1, 15, 12, 0, 45)) == "midday"


# --- uk_date ------------------------------------------------------------------------------


def test_uk_date_shows_a_date_without_a_leading_zero():
    assert uk_date(date(2026, 7, 1)) == "1 July 2026"
    assert uk_date(date(2026, 11, 29)) == "29 November 2026"


def test_uk_date_shows_nothing_for_no_value():
    assert uk_date(None) == ""


def test_uk_date_of_a_late_summer_evening_in_utc_is_the_next_day_in_the_uk():
    assert uk_date(utc(2026, 6, 30, 23, 30)) == "1 July 2026"


def test_uk_date_of_a_late_winter_evening_in_utc_is_the_same_day_in_the_uk():
    assert uk_date(utc(2026, 12, 31, 23, 30)) == "31 December 2026"


# --- uk_datetime ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (utc(2026, 7, 1, 11, 30), "1 July 2026 at 12:30pm"),  # BST: UTC+1
        (utc(2026, 1, 15, 11, 30), "15 January 2026 at 11:30am"),  # GMT: UTC+0
        (utc(2026, 11, 29, 6, 1), "29 November 2026 at 6:01am"),
        (utc(2026, 7, 1, 11, 0), "1 July 2026 at midday"),
        (utc(2026, 1, 15, 12, 0), "15 January 2026 at midday"),
        (utc(2026, 6, 30, 23, 0), "1 July 2026 at midnight"),
        (utc(2026, 12, 31, 0, 0), "31 December 2026 at midnight"),
        (utc(2026, 7, 1, 23, 15), "2 July 2026 at 12:15am"),
    ],
)
def test_uk_datetime_shows_uk_time(moment, shown):
    assert uk_datetime(moment) == shown


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (utc(2026, 3, 29, 0, 59), "29 March 2026 at 12:59am"),  # last minute of GMT
        (utc(2026, 3, 29, 1, 0), "29 March 2026 at 2am"),  # clocks go forward
        (utc(2026, 10, 25, 0, 30), "25 October 2026 at 1:30am"),  # still BST
        (utc(2026, 10, 25, 1, 30), "25 October 2026 at 1:30am"),  # GMT again: 1:30am twice
        (utc(2026, 10, 25, 2, 0), "25 October 2026 at 2am"),
    ],
)
def test_uk_datetime_follows_the_clock_changes(moment, shown):
    assert uk_datetime(moment) == shown


def test_uk_datetime_converts_times_given_in_other_zones():
    in_paris_summer = datetime(2026, 7, 1, 13, 30, tzinfo=timezone(timedelta(hours=2)))

    assert uk_datetime(in_paris_summer) == "1 July 2026 at 12:30pm"


def test_uk_datetime_shows_nothing_for_no_value():
    assert uk_datetime(None) == ""


def test_file_sizes_are_shown_in_bytes_kb_or_mb():
    from tenderapp.formatting import file_size

    assert [file_size(n) for n in (1, 820, 1024, 12 * 1024 + 300, 3_565_158)] == \
        ["1 byte", "820 bytes", "1 KB", "12 KB", "3.4 MB"]
