"""Statutory timescales for SEND mediation and appeals: the Special Educational Needs and
Disability Regulations 2014 (SI 2014/1530), regulations 32 to 42, and the appeal period of
regulation 56 as regulation 45 extends it after mediation.

- ``mediation_due(day_told)``: the mediation must take place within 30 days of the day the
  local authority is told that the parent or young person wants mediation (regulation 37).
- ``certificate_due(day)``: a mediation certificate is issued within 3 working days (regs 33,
  34 and 39): of the parent or young person saying they do not want mediation (declined), of
  the mediation (after mediation), or of the 30 days running out with no mediation (deemed).
  Working days leave out weekends and England and Wales bank holidays; the calendar is the
  standstill rule's (``tenderapp.domain.deadlines``) and may be given as ``calendar=``.
- ``appeal_deadline(decision_day, certificate_day)``: an appeal to the First-tier Tribunal is
  due by the later of 2 months from the authority's decision and 1 month from the certificate.

All three return plain ``date``s and read no clock: "late" is a comparison the caller makes
with its own today (``is_late``).
"""

from datetime import date, timedelta

from tenderapp.domain.contracts import add_months
from tenderapp.domain.deadlines import Calendar, add_working_days, england_and_wales_bank_holidays

MEDIATION_DAYS = 30
CERTIFICATE_WORKING_DAYS = 3
APPEAL_MONTHS_FROM_DECISION = 2
APPEAL_MONTHS_FROM_CERTIFICATE = 1


def mediation_due(day_told: date) -> date:
    """The last day the mediation may take place: 30 days after the authority was told (told on
    1 April 2015, the mediation is due by 1 May 2015)."""
    return day_told + timedelta(days=MEDIATION_DAYS)


def certificate_due(day: date, calendar: Calendar | None = None) -> date:
    """The last day to issue a certificate: the 3rd working day after ``day`` (``day`` itself does
    not count). Weekends and bank holidays are skipped; ``calendar`` is any ``date -> bool``
    bank-holiday test, England and Wales bank holidays by default."""
    is_bank_holiday = calendar or england_and_wales_bank_holidays()
    return add_working_days(day, CERTIFICATE_WORKING_DAYS, is_bank_holiday, include_start=False)


def deemed_certificate_day(day_told: date) -> date:
    """The day a certificate becomes due without mediation: the 30 days end (``mediation_due``)."""
    return mediation_due(day_told)


def appeal_deadline(decision_day: date, certificate_day: date | None = None) -> date:
    """The last day to appeal: the later of 2 months from the decision and, when a mediation
    certificate was issued, 1 month from the certificate. Months end on the same day of the
    month (the month's last day when it is shorter: 31 December + 2 months is 28 or 29 February)."""
    from_decision = add_months(decision_day, APPEAL_MONTHS_FROM_DECISION)
    if certificate_day is None:
        return from_decision
    return max(from_decision, add_months(certificate_day, APPEAL_MONTHS_FROM_CERTIFICATE))


def is_late(due: date, done: date | None, today: date) -> bool:
    """Whether a step due by ``due`` is late: done after it, or not done and ``today`` is past it."""
    return (done if done is not None else today) > due


def days_left(due: date, today: date) -> int:
    """Days from ``today`` to ``due`` (negative once it has passed)."""
    return (due - today).days
