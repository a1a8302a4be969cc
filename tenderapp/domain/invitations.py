"""When an invitation link may still be used."""

from datetime import datetime, timedelta

from tenderapp.domain.errors import RuleViolation

DEFAULT_VALIDITY = timedelta(days=7)


def expiry_for(sent_at: datetime, validity: timedelta = DEFAULT_VALIDITY) -> datetime:
    return sent_at + validity


def check_usable(
    now: datetime,
    expires_at: datetime,
    accepted_at: datetime | None,
    revoked_at: datetime | None,
) -> None:
    """Raises RuleViolation when the link was used, withdrawn, or has expired (at or after ``expires_at``)."""
    if accepted_at is not None:
        raise RuleViolation("This invitation link has already been used. Sign in instead.")
    if revoked_at is not None:
        raise RuleViolation("This invitation has been withdrawn. Ask your administrator for a new one.")
    if now >= expires_at:
        raise RuleViolation("This invitation link has expired. Ask your administrator for a new one.")
