"""Working days and the standstill period before a contract may be entered into.

- Procurement Act 2023 (s.51): 8 working days *beginning with* the day the contract award
  notice is published; working days exclude weekends and England and Wales bank holidays.
  The contract may be entered into the day after the last day.
- Public Contracts Regulations 2015 (reg. 87): ends at the end of the 10th day after the
  decision notice is sent electronically; when that day is not a working day, at the end of
  the next working day.

A calendar is a parameter (``is_bank_holiday(date) -> bool``); the default is England and
Wales bank holidays from the maintained ``holidays`` library.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from tenderapp.domain.tenders import Regime


class Calendar(Protocol):
    def __call__(self, day: date) -> bool: ...  # True on a bank holiday


def england_and_wales_bank_holidays() -> Calendar:
    """England and Wales bank holidays (the ``holidays`` library, subdivision England, whose
    bank holidays Wales shares), including substitute days."""
    import holidays  # a data library: imported here so the rules stay testable with any calendar

    table = holidays.country_holidays("GB", subdiv="ENG")
    return lambda day: day in table


def is_working_day(day: date, is_bank_holiday: Calendar) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: date, count: int, is_bank_holiday: Calendar, include_start: bool = True) -> date:
    """The ``count``-th working day counting from ``start`` (``start`` itself counts when it
    is a working day and ``include_start``)."""
    if count < 1:
        raise ValueError("count must be 1 or more")
    day = start if include_start else start + timedelta(days=1)
    seen = 0
    while True:
        if is_working_day(day, is_bank_holiday):
            seen += 1
            if seen == count:
                return day
        day += timedelta(days=1)


@dataclass(frozen=True)
class Standstill:
    regime: Regime
    start: date
    last_day: date
    earliest_signing_date: date


def standstill_period(start: date, regime: Regime | str = Regime.PA2023,
                      calendar: Calendar | None = None) -> Standstill:
    """The standstill after an award: ``start`` is the day the contract award notice was
    published (PA2023) or the decision notice sent electronically (PCR2015). Raises
    ValueError for an unknown regime."""
    if regime not in set(Regime):
        raise ValueError(f"unknown regime {regime!r}: use PA2023 or PCR2015")
    regime = Regime(regime)
    is_bank_holiday = calendar or england_and_wales_bank_holidays()
    if regime is Regime.PA2023:
        last = add_working_days(start, 8, is_bank_holiday, include_start=True)
    else:
        last = start + timedelta(days=10)
        while not is_working_day(last, is_bank_holiday):
            last += timedelta(days=1)
    return Standstill(regime, start, last, last + timedelta(days=1))
