"""Rules for supplier details."""

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.identifiers import COMPANIES_HOUSE


def check_company_number(value: str | None) -> str | None:
    """A Companies House number (8 characters: 8 digits, or 2 letters and 6 digits such as
    SC123456), or None when left blank. Raises RuleViolation beside ``company_number``
    otherwise ("12" is refused, not padded: a short number is usually a mistyped one)."""
    try:
        return COMPANIES_HOUSE.check(value)
    except RuleViolation as error:
        raise RuleViolation(str(error), "company_number") from None


def word_count(text: str | None) -> int:
    return len((text or "").split())
