"""Standstill periods worked out by hand on a calendar, across weekends, Easter and Christmas,
under both regimes."""

from datetime import date

import pytest

from tenderapp.domain.deadlines import add_working_days, standstill_period


@pytest.mark.parametrize("start,last,earliest", [
    # Wednesday 3 June 2026: Wed 3, Thu 4, Fri 5, Mon 8, Tue 9, Wed 10, Thu 11, Fri 12 → sign Sat 13
    (date(2026, 6, 3), date(2026, 6, 12), date(2026, 6, 13)),
    # Saturday 6 June 2026: the weekend does not count: Mon 8 … Wed 17
    (date(2026, 6, 6), date(2026, 6, 17), date(2026, 6, 18)),
    # Easter 2026 (Good Friday 3 April, Easter Monday 6 April): from Wed 1 April:
    # Wed 1, Thu 2, Tue 7, Wed 8, Thu 9, Fri 10, Mon 13, Tue 14
    (date(2026, 4, 1), date(2026, 4, 14), date(2026, 4, 15)),
    # Christmas 2026 (Fri 25 Dec; Boxing Day Sat 26 substituted on Mon 28; New Year Fri 1 Jan):
    # from Wed 23 Dec: Wed 23, Thu 24, Tue 29, Wed 30, Thu 31, Mon 4, Tue 5, Wed 6 Jan
    (date(2026, 12, 23), date(2027, 1, 6), date(2027, 1, 7)),
])
def test_procurement_act_eight_working_days_beginning_with_publication(start, last, earliest):
    period = standstill_period(start, "PA2023")
    assert (period.last_day, period.earliest_signing_date) == (last, earliest)


@pytest.mark.parametrize("start,last,earliest", [
    # sent Wed 3 June 2026: 10th day after is Sat 13 → next working day Mon 15
    (date(2026, 6, 3), date(2026, 6, 15), date(2026, 6, 16)),
    # sent Fri 5 June: 10th day after is Mon 15, a working day
    (date(2026, 6, 5), date(2026, 6, 15), date(2026, 6, 16)),
    # sent Mon 23 March 2026: 10th day after is Thu 2 April; sent Wed 25 March: Sat 4 April →
    # Easter Monday 6 April is a holiday → Tue 7 April
    (date(2026, 3, 23), date(2026, 4, 2), date(2026, 4, 3)),
    (date(2026, 3, 25), date(2026, 4, 7), date(2026, 4, 8)),
    # sent Tue 15 Dec 2026: 10th day after is Fri 25 Dec (Christmas) → Sat, Sun, Mon 28 (substitute)
    # → Tue 29 Dec
    (date(2026, 12, 15), date(2026, 12, 29), date(2026, 12, 30)),
])
def test_2015_regulations_ten_days_then_the_next_working_day(start, last, earliest):
    period = standstill_period(start, "PCR2015")
    assert (period.last_day, period.earliest_signing_date) == (last, earliest)


def test_the_seed_award_under_the_2015_regulations():
    # decision notice sent Fri 20 February 2015: 10th day after is Mon 2 March 2015
    period = standstill_period(date(2015, 2, 20), "PCR2015")
    assert period.last_day == date(2015, 3, 2) and period.earliest_signing_date == date(2015, 3, 3)


def test_a_calendar_can_be_given():
    no_holidays = standstill_period(date(2026, 12, 23), "PA2023", calendar=lambda day: False)
    # Wed 23, Thu 24, Fri 25, Mon 28, Tue 29, Wed 30, Thu 31, Fri 1 Jan
    assert no_holidays.last_day == date(2027, 1, 1)


def test_unknown_regimes_and_counts_are_refused():
    with pytest.raises(ValueError):
        standstill_period(date(2026, 6, 3), "EU2014")
    with pytest.raises(ValueError):
        add_working_days(date(2026, 6, 3), 0, lambda day: False)
