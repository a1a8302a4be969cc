"""Password rules (NCSC guidance: length over complexity)."""

from tenderapp.domain.errors import RuleViolation

MIN_LENGTH = 12
MAX_LENGTH = 128


def check_new_password(password: str, email: str, field: str = "password") -> None:
    """Raises RuleViolation when the password is too short, too long or is the email address."""
    if len(password) < MIN_LENGTH:
        raise RuleViolation(
            f"Password must be {MIN_LENGTH} characters or more", field=field
        )
    if len(password) > MAX_LENGTH:
        raise RuleViolation(
            f"Password must be {MAX_LENGTH} characters or fewer", field=field
        )
    if password.strip().lower() == email.strip().lower():
        raise RuleViolation("Password must not be your email address", field=field)
