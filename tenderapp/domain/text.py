"""Rules for short text people type: names, titles, references."""

import re
import unicodedata

from tenderapp.domain.errors import RuleViolation

# Marks that change the direction text is shown in: "invoice\u202efdp.exe" shows as
# "invoiceexe.pdf". With the other format characters (zero-width spaces and joiners, the
# byte-order mark, the soft hyphen) they have no place in a name, a title or a reference.
_DIRECTION_MARKS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_REFERENCE = re.compile(r"[A-Za-z0-9 /\-._()]+")

REFERENCE_CHARACTERS = ("Reference must only include letters a to z, numbers, spaces, hyphens, full stops, "
                        "underscores, brackets and slashes")


def is_hidden_character(character: str) -> bool:
    """Whether ``character`` is a control character, a line or paragraph separator, or a mark
    that is not shown but changes how the text around it reads (direction, zero width)."""
    return character in _DIRECTION_MARKS or unicodedata.category(character) in _HIDDEN_CATEGORIES


def has_other_digits(value: str) -> bool:
    """Whether ``value`` holds digits other than 0 to 9 (Arabic-Indic ٣, Devanagari ३, full-width
    ３, superscript ²). Python's int and Decimal read many of them as numbers, so a check on
    typed numbers must refuse them rather than let them pass as what they look like."""
    return any(c.isdigit() and not c.isascii() for c in value)


def check_single_line(value: str, field: str, label: str, missing: str, max_length: int = 200) -> str:
    """The value stripped. Raises RuleViolation (``missing`` when empty) when it is empty, too
    long, or holds line breaks, other control characters or hidden marks (they break emails
    and spreadsheets, or make the text read differently from what it holds)."""
    value = (value or "").strip()
    if not value:
        raise RuleViolation(missing, field=field)
    if len(value) > max_length:
        raise RuleViolation(f"{label} must be {max_length} characters or fewer", field=field)
    if any(is_hidden_character(c) for c in value):
        raise RuleViolation(f"{label} must be on one line, without special characters", field=field)
    return value


def check_reference(value: str, field: str = "reference", max_length: int = 50) -> str:
    """A tender reference, stripped: like SC26041 or ODR/17/0042. Raises RuleViolation as
    ``check_single_line``, and when it holds anything but letters a to z, digits, spaces and
    / - . _ ( ) (a quote or a semicolon would otherwise reach file names and headers)."""
    value = check_single_line(value, field, "Reference", "Enter a reference", max_length)
    if not _REFERENCE.fullmatch(value):
        raise RuleViolation(REFERENCE_CHARACTERS, field=field)
    return value
