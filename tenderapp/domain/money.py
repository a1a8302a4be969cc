"""Money: exact Decimal pounds in code, integer pence in the database.

Rounding rule: amounts are kept to the penny exactly as entered (more than two decimal
places is refused, never rounded); computed totals are exact; only scores are rounded,
and only for display.
"""

import re
from decimal import Decimal, InvalidOperation

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.text import has_other_digits

PENNY = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000")  # £1bn: well above any line in a pricing schedule
# The pence columns are 64-bit (BIGINT on PostgreSQL); an amount typed to be kept as it is
# (an estimated value, a procurement cost) is bounded well inside them: £1 trillion.
MAX_STORED_PENCE = 10**14

# [0-9], not \d: \d also matches Arabic-Indic and other digits, which Decimal reads silently.
_AMOUNT = re.compile(r"([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?")

NOT_PLAIN_DIGITS = "enter a price using the digits 0 to 9, like 1250.00"
SPACE_INSIDE = "enter a price without spaces between the digits, like 1250.00"


class MoneyError(ValueError):
    """Why a typed amount is not a price; ``hint`` completes "Enter …" style messages."""

    def __init__(self, hint: str):
        super().__init__(hint)
        self.hint = hint


def parse_amount(text: str | None) -> Decimal:
    """A non-negative amount of pounds from what a person types: "£1,250.00", "1250", "1,250.5".

    Spaces around the amount and after the £ are ignored. Raises MoneyError for empty input,
    text, negative amounts, spaces between the digits, digits other than 0 to 9 (such as ٣),
    misplaced commas, more than two decimal places or amounts of £1bn or more.
    """
    raw = (text or "").strip()
    number = raw[1:].lstrip() if raw.startswith("£") else raw
    if not number:
        raise MoneyError("enter a price, like 1250.00")
    if number.startswith(("-", "(")):
        raise MoneyError("enter a price of £0 or more")
    if not _AMOUNT.fullmatch(number):
        if has_other_digits(number):
            raise MoneyError(NOT_PLAIN_DIGITS)
        if _AMOUNT.fullmatch("".join(number.split())):
            raise MoneyError(SPACE_INSIDE)
        raise MoneyError("enter a number, like 1250.00")
    try:
        amount = Decimal(number.replace(",", ""))
    except InvalidOperation:
        raise MoneyError("enter a number, like 1250.00") from None
    # the size first: quantizing a number of more than 28 digits is itself an error
    if amount >= MAX_AMOUNT:
        raise MoneyError("enter a price under £1,000,000,000")
    if amount != amount.quantize(PENNY):
        raise MoneyError("enter the price in pounds and pence, with no more than 2 decimal places")
    return amount.quantize(PENNY)


def from_number(value: object) -> Decimal:
    """A non-negative amount from a spreadsheet number (int, Decimal or the float openpyxl
    gives). A float is read through its shortest decimal form, so 1250.1 is exactly 1250.10.

    Raises MoneyError as ``parse_amount``.
    """
    if isinstance(value, bool):
        raise MoneyError("enter a number, like 1250.00")
    return parse_amount(repr(value) if isinstance(value, float) else str(value))


def to_pence(amount: Decimal) -> int:
    """Integer pence; raises ValueError for fractions of a penny (never rounds silently)."""
    pence = amount * 100
    if pence != pence.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of pence")
    return int(pence)


def storable_pence(amount: Decimal, field: str, label: str) -> int:
    """``amount`` in pence. Raises RuleViolation (on ``field``) for more than a pence column holds."""
    pence = to_pence(amount)
    if pence > MAX_STORED_PENCE:
        raise RuleViolation(f"{label} must be £{from_pence(MAX_STORED_PENCE):,} or less", field=field)
    return pence


def from_pence(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(PENNY)


def as_typed(pence: int) -> str:
    """An amount in pence as a person types it into a form (``1610050`` is ``"16100.50"``): pounds
    and two decimal places, no £ and no commas, so a form shows a stored amount back unchanged."""
    return f"{from_pence(pence)}"
