"""SEND statutory timescales (SI 2014/1530): worked by hand on a calendar, then as properties."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenderapp.domain.contracts import add_months
from tenderapp.domain.deadlines import england_and_wales_bank_holidays, is_working_day
from tenderapp.domain.send_timescales import (
    appeal_deadline,
    certificate_due,
    days_left,
    is_late,
    mediation_due,
)

BANK_HOLIDAYS = england_and_wales_bank_holidays()
days = st.dates(min_value=date(2014, 9, 1), max_value=date(2030, 12, 31))


def test_mediation_is_due_30_days_after_the_authority_is_told():
    assert mediation_due(date(2015, 4, 1)) == date(2015, 5, 1)
    assert mediation_due(date(2016, 2, 10)) == date(2016, 3, 11)  # a leap year's 29 February counts


@pytest.mark.parametrize("day,due", [
    # Wednesday 3 June 2026: Thu 4, Fri 5, Mon 8
    (date(2026, 6, 3), date(2026, 6, 8)),
    # Friday 5 June 2026: the weekend does not count: Mon 8, Tue 9, Wed 10
    (date(2026, 6, 5), date(2026, 6, 10)),
    # Thursday 2 April 2015, before Easter (Good Friday 3, Easter Monday 6 April): Tue 7, Wed 8, Thu 9
    (date(2015, 4, 2), date(2015, 4, 9)),
    # Wednesday 23 December 2026: Thu 24, then Christmas, the weekend and Boxing Day's
    # substitute Monday 28 do not count: Tue 29, Wed 30
    (date(2026, 12, 23), date(2026, 12, 30)),
    # Friday 22 May 2015, before the spring bank holiday (Mon 25 May): Tue 26, Wed 27, Thu 28
    (date(2015, 5, 22), date(2015, 5, 28)),
])
def test_a_certificate_is_due_3_working_days_after_the_day(day, due):
    assert certificate_due(day) == due


def test_the_calendar_can_be_given_as_for_the_standstill_rule():
    # with no bank holidays, 23 December 2026 gives Thu 24, Fri 25, Mon 28
    assert certificate_due(date(2026, 12, 23), calendar=lambda day: False) == date(2026, 12, 28)
    # a made-up holiday on Thursday 4 June 2026 moves the due day by one
    assert certificate_due(date(2026, 6, 3), calendar=lambda day: day == date(2026, 6, 4)) == date(2026, 6, 9)


@pytest.mark.parametrize("decision,certificate,deadline", [
    # no mediation certificate: 2 months from the decision
    (date(2015, 6, 15), None, date(2015, 8, 15)),
    # a certificate issued late enough gives 1 month from it instead
    (date(2015, 6, 15), date(2015, 7, 30), date(2015, 8, 30)),
    # an early certificate does not shorten the 2 months
    (date(2015, 6, 15), date(2015, 6, 20), date(2015, 8, 15)),
    # months end on the month's last day when it is shorter
    (date(2015, 12, 31), None, date(2016, 2, 29)),
    (date(2015, 12, 31), date(2016, 1, 31), date(2016, 2, 29)),
])
def test_the_appeal_deadline_is_the_later_of_the_two_periods(decision, certificate, deadline):
    assert appeal_deadline(decision, certificate) == deadline


def test_late_and_days_left():
    due = date(2015, 5, 1)
    assert not is_late(due, date(2015, 5, 1), today=date(2015, 6, 1))   # done on the day
    assert is_late(due, date(2015, 5, 2), today=date(2015, 5, 2))       # done a day after
    assert not is_late(due, None, today=date(2015, 5, 1))               # not done, still due today
    assert is_late(due, None, today=date(2015, 5, 2))                   # not done and past it
    assert days_left(due, date(2015, 4, 28)) == 3 and days_left(due, date(2015, 5, 3)) == -2


@settings(max_examples=60, deadline=None)
@given(days)
def test_a_certificate_is_due_on_the_third_working_day_after(day):
    due = certificate_due(day)
    between = [day + timedelta(days=n) for n in range(1, (due - day).days + 1)]
    assert is_working_day(due, BANK_HOLIDAYS)
    assert sum(is_working_day(d, BANK_HOLIDAYS) for d in between) == 3
    assert 3 <= (due - day).days <= 9  # never more than a long Christmas away


@settings(max_examples=60, deadline=None)
@given(days, st.sets(days, max_size=10))
def test_any_calendar_is_respected(day, holidays):
    due = certificate_due(day, calendar=holidays.__contains__)
    assert due > day and due not in holidays and due.weekday() < 5


@settings(max_examples=60, deadline=None)
@given(days, st.one_of(st.none(), st.integers(min_value=0, max_value=120)))
def test_the_appeal_deadline_is_never_before_either_period(decision, certificate_after):
    certificate = None if certificate_after is None else decision + timedelta(days=certificate_after)
    deadline, from_decision = appeal_deadline(decision, certificate), add_months(decision, 2)
    assert 59 <= (from_decision - decision).days <= 62
    assert deadline >= from_decision
    if certificate is not None:
        from_certificate = add_months(certificate, 1)
        assert 28 <= (from_certificate - certificate).days <= 31
        assert deadline >= from_certificate and deadline in (from_decision, from_certificate)
    else:
        assert deadline == from_decision


@settings(max_examples=60, deadline=None)
@given(days)
def test_mediation_due_is_always_30_days_on(day):
    assert (mediation_due(day) - day).days == 30
