"""Rules for short text people type: names, titles, references."""

from tenderapp.domain.errors import RuleViolation


def check_single_line(value: str, field: str, label: str, missing: str, max_length: int = 200) -> str:
    """The value stripped. Raises RuleViolation (``missing`` when empty) when it is empty, too
    long, or holds line breaks or other control characters (they break emails and spreadsheets)."""
    value = (value or "").strip()
    if not value:
        raise RuleViolation(missing, field=field)
    if len(value) > max_length:
        raise RuleViolation(f"{label} must be {max_length} characters or fewer", field=field)
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise RuleViolation(f"{label} must be on one line, without special characters", field=field)
    return value
