"""Rules for supplier details."""

import re

from tenderapp.domain.errors import RuleViolation

_COMPANY_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")


def check_company_number(value: str | None) -> str | None:
    """A Companies House number (8 digits, or 2 letters and 6 digits such as SC123456), or
    None when left blank. Raises RuleViolation otherwise."""
    number = (value or "").strip().upper().replace(" ", "")
    if not number:
        return None
    if number.isdigit() and len(number) < 8:
        number = number.zfill(8)
    if not _COMPANY_NUMBER.match(number):
        raise RuleViolation("Enter a Companies House number in the correct format, like 01234567 or SC123456",
                            "company_number")
    return number


def word_count(text: str | None) -> int:
    return len((text or "").split())
