"""How values are shown to people (pages, emails, exports): UK dates and times in UK time,
money as £1,234.56. Pure functions; the web layer registers them as template filters."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_date(value: date | datetime | None) -> str:
    """29 November 2026 (a datetime is first converted to UK time)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UK)
    return f"{value.day} {value:%B %Y}"


def uk_time(value: datetime) -> str:
    """GOV.UK style: 9am, 5:30pm, midday, midnight (in UK time)."""
    local = value.astimezone(UK)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def uk_datetime(value: datetime | None) -> str:
    """29 November 2026 at 6:01am (UK time)."""
    if value is None:
        return ""
    return f"{uk_date(value)} at {uk_time(value)}"


def money(value: Decimal | int | None, pence: bool = False) -> str:
    """£1,234.56 from a Decimal of pounds (or from integer pence with ``pence=True``)."""
    if value is None:
        return ""
    amount = Decimal(value) / 100 if pence else Decimal(value)
    amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def register(app) -> None:
    app.add_template_filter(uk_date)
    app.add_template_filter(uk_time)
    app.add_template_filter(uk_datetime)
    app.add_template_filter(money)
