"""Contract rules: its status from dates and events, and when an extension is allowed."""

import calendar
from datetime import date

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.labels import LabelledEnum


class ContractStatus(LabelledEnum):
    AWAITING_SIGNATURE = "awaiting_signature", "Awarded, not yet entered into"
    NOT_STARTED = "not_started", "Entered into, not started"
    ACTIVE = "active", "Active"
    EXTENDED = "extended", "Active (extended)"
    EXPIRED = "expired", "Expired"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def initial_end(start: date, months: int) -> date:
    """The last day of an initial term of ``months`` from ``start`` (1 April 2015 for 36
    months ends on 31 March 2018)."""
    return date.fromordinal(add_months(start, months).toordinal() - 1)


def status(start: date, end: date, entered_into: date | None, extensions: int, today: date) -> ContractStatus:
    if entered_into is None:
        return ContractStatus.AWAITING_SIGNATURE
    if today < start:
        return ContractStatus.NOT_STARTED
    if today > end:
        return ContractStatus.EXPIRED
    return ContractStatus.EXTENDED if extensions else ContractStatus.ACTIVE


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_notice_date(notice_on: date, decided_on: date, opened_on: date | None, today: date) -> None:
    """The day the award (or decision) notice was published or sent. Raises RuleViolation when
    it is later than today (UK date), before the bids were opened or before the award decision
    was taken: the standstill runs from it, so a wrong date would let the contract be entered
    into too early."""
    if notice_on > today:
        raise RuleViolation("The notice date cannot be in the future", "notice_on")
    if opened_on is not None and notice_on < opened_on:
        raise RuleViolation(f"The notice date cannot be before the bids were opened on {_day(opened_on)}",
                            "notice_on")
    if notice_on < decided_on:
        raise RuleViolation(f"The notice date cannot be before the award decision was taken on {_day(decided_on)}",
                            "notice_on")


def check_entry(signed_on: date, earliest: date, today: date) -> None:
    """Raises RuleViolation for a date later than today (UK date) or before the standstill
    period has ended."""
    if signed_on > today:
        raise RuleViolation("The date the contract was entered into cannot be in the future", "signed_on")
    if signed_on < earliest:
        raise RuleViolation(f"The contract cannot be entered into before {earliest.day} {earliest:%B %Y}, when the "
                            "standstill period has ended", "signed_on")


def check_extension(used: int, allowed: int, months: int, max_months: int, decided_on: date, end: date) -> date:
    """The new end date. Raises RuleViolation when no extension option remains, the
    extension is longer than the option allows, or the contract has already ended."""
    if used >= allowed:
        raise RuleViolation("The contract has no extension option left" if allowed else
                            "The contract allows no extension", "months")
    if not 1 <= months <= max_months:
        raise RuleViolation(f"An extension can be for 1 to {max_months} months", "months")
    if decided_on > end:
        raise RuleViolation(f"The contract ended on {end.day} {end:%B %Y}: it can no longer be extended",
                            "decided_on")
    return initial_end(date.fromordinal(end.toordinal() + 1), months)
