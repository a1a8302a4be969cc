"""Contract dates, status and extension rules, worked by hand."""

from datetime import date

import pytest

from tenderapp.domain.contracts import (
    ContractStatus,
    add_months,
    check_entry,
    check_extension,
    check_notice_date,
    initial_end,
    status,
)
from tenderapp.domain.errors import RuleViolation


def test_the_seed_contract_runs_three_years_from_1_april_2015():
    assert initial_end(date(2015, 4, 1), 36) == date(2018, 3, 31)


def test_adding_months_keeps_to_the_end_of_short_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_one_extension_of_up_to_two_years():
    # ends 31 March 2018; extended by 24 months → 31 March 2020
    assert check_extension(0, 1, 24, 24, date(2017, 10, 1), date(2018, 3, 31)) == date(2020, 3, 31)


@pytest.mark.parametrize("used,allowed,months,decided_on,message", [
    (1, 1, 12, date(2019, 1, 1), "no extension option left"),
    (0, 0, 12, date(2017, 1, 1), "allows no extension"),
    (0, 1, 25, date(2017, 1, 1), "1 to 24 months"),
    (0, 1, 12, date(2018, 4, 1), "it can no longer be extended"),
])
def test_extensions_outside_the_contract_are_refused(used, allowed, months, decided_on, message):
    with pytest.raises(RuleViolation, match=message):
        check_extension(used, allowed, months, 24, decided_on, date(2018, 3, 31))


def test_entering_into_the_contract_waits_for_the_end_of_standstill():
    check_entry(date(2015, 3, 3), date(2015, 3, 3), date(2015, 3, 3))
    with pytest.raises(RuleViolation, match="cannot be entered into before 3 March 2015"):
        check_entry(date(2015, 3, 2), date(2015, 3, 3), date(2015, 3, 3))


def test_a_contract_cannot_be_entered_into_tomorrow():
    with pytest.raises(RuleViolation, match="cannot be in the future"):
        check_entry(date(2015, 3, 4), date(2015, 3, 3), date(2015, 3, 3))


@pytest.mark.parametrize("notice_on,message", [
    (date(2015, 2, 21), "cannot be in the future"),
    (date(2015, 2, 9), "before the bids were opened on 10 February 2015"),
    (date(2015, 2, 15), "before the award decision was taken on 16 February 2015"),
])
def test_a_notice_date_is_between_the_decision_and_today(notice_on, message):
    check_notice_date(date(2015, 2, 20), date(2015, 2, 16), date(2015, 2, 10), date(2015, 2, 20))
    with pytest.raises(RuleViolation, match=message):
        check_notice_date(notice_on, date(2015, 2, 16), date(2015, 2, 10), date(2015, 2, 20))


@pytest.mark.parametrize("entered,extensions,today,expected", [
    (None, 0, date(2016, 1, 1), ContractStatus.AWAITING_SIGNATURE),
    (date(2015, 3, 3), 0, date(2015, 3, 20), ContractStatus.NOT_STARTED),
    (date(2015, 3, 3), 0, date(2016, 1, 1), ContractStatus.ACTIVE),
    (date(2015, 3, 3), 1, date(2019, 1, 1), ContractStatus.EXTENDED),
    (date(2015, 3, 3), 0, date(2018, 4, 1), ContractStatus.EXPIRED),
])
def test_status_is_derived_from_dates_and_events(entered, extensions, today, expected):
    end = date(2020, 3, 31) if extensions else date(2018, 3, 31)
    assert status(date(2015, 4, 1), end, entered, extensions, today) is expected
