"""When an undelivered message is tried again: exponential backoff with a ceiling."""

from datetime import timedelta

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def retry_delay(failed_attempts: int) -> timedelta:
    """The wait after the ``failed_attempts``-th failure (1 → 1 minute, 2 → 2 minutes, 3 → 4
    minutes, …), never more than an hour."""
    if failed_attempts < 1:
        return timedelta(0)
    doublings = min(failed_attempts - 1, 7)  # 2**6 minutes is already past the ceiling
    wait: timedelta = FIRST_RETRY * (1 << doublings)
    return min(wait, LONGEST_WAIT)


def has_given_up(failed_attempts: int, max_attempts: int) -> bool:
    """A message is failed (no more automatic retries) once it has failed ``max_attempts`` times."""
    return failed_attempts >= max_attempts
