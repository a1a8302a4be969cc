"""UK local dates and times as people type them, turned into exact UTC instants."""

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")

_CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_clock_time(text: str | None) -> time:
    """A time of day as GOV.UK services write it: "9am", "5:30pm", "17:30", "midday",
    "midnight". Raises ValueError when it is not one."""
    raw = (text or "").strip().lower().replace(" ", "")
    if raw in {"midday", "noon", "12noon"}:
        return time(12, 0)
    if raw == "midnight":
        return time(0, 0)
    match = _CLOCK.match(raw)
    if not match:
        raise ValueError("not a time")
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if minute > 59:
        raise ValueError("not a time")
    if half:
        if not 1 <= hour <= 12:
            raise ValueError("not a time")
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif hour > 23 or match.group(2) is None:
        raise ValueError("not a time")  # "17" alone is ambiguous: ask for 17:00 or 5pm
    return time(hour, minute)


def uk_instant(day: date, clock: time) -> datetime:
    """The UTC instant of a UK wall-clock time. In the hour that repeats when the clocks go
    back the earlier instant is taken; a time skipped when they go forward is refused."""
    local = datetime.combine(day, clock, tzinfo=UK)
    instant = local.astimezone(UTC)
    if instant.astimezone(UK).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise ValueError("that time does not exist in the UK on that day (the clocks go forward)")
    return instant


def uk_date_of(moment: datetime) -> date:
    """The UK calendar day an instant falls on (a deadline at 23:30 UTC in summer is the
    next day in the UK)."""
    return moment.astimezone(UK).date()


def uk_today(now: datetime) -> date:
    """Today as people in the UK count it, at the instant ``now``: THE "today" for every rule
    and page (never ``now.date()``, which is the UTC day, nor ``date.today()``, which is the
    server's)."""
    return uk_date_of(now)


def uk_clock_of(moment: datetime) -> time:
    return moment.astimezone(UK).time().replace(second=0, microsecond=0)
