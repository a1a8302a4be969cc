"""How values are shown to people (pages, emails, exports): UK dates and times in UK time,
money as £1,234.56. Pure functions; the web layer registers them as template filters."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import markdown
import nh3
from markupsafe import Markup

from tenderapp.domain.money import PENNY, from_pence

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
    amount = from_pence(value) if pence else Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}£{abs(amount):,.2f}"


def score(value: Decimal | None) -> str:
    """A score for display: 2 decimal places, half up (ranking uses the exact value)."""
    if value is None:
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}"


def file_size(size: int) -> str:
    """820 bytes, 12 KB, 3.4 MB (1 KB is 1,024 bytes)."""
    if size < 1024:
        return f"{size:,} byte{'' if size == 1 else 's'}"
    if size < 1024 * 1024:
        return f"{Decimal(size) / 1024:.0f} KB"
    return f"{Decimal(size) / (1024 * 1024):.1f} MB"


def safe_markdown(text: str | None) -> Markup:
    """Markdown as HTML a template may include: ``render_markdown`` cleans it with nh3 to an
    allow-list of tags, attributes and classes, so nothing typed can add a script or a handler."""
    return Markup(render_markdown(text))  # nosec B704


def register(app) -> None:
    app.add_template_filter(uk_date)
    app.add_template_filter(uk_time)
    app.add_template_filter(uk_datetime)
    app.add_template_filter(money)
    app.add_template_filter(score)
    app.add_template_filter(file_size)
    app.add_template_filter(safe_markdown, "markdown")



_ALLOWED_TAGS = {"p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "blockquote", "table",
                 "thead", "tbody", "tr", "th", "td", "hr", "a", "code", "pre"}
_GOVUK_CLASSES = {"p": "govuk-body", "h2": "govuk-heading-m", "h3": "govuk-heading-s", "h4": "govuk-heading-s",
                  "ul": "govuk-list govuk-list--bullet", "ol": "govuk-list govuk-list--number",
                  "a": "govuk-link", "table": "govuk-table", "th": "govuk-table__header",
                  "td": "govuk-table__cell", "tr": "govuk-table__row"}


def render_markdown(text: str | None) -> str:
    """Markdown to HTML that is safe to show: raw HTML and scripts are removed, links keep only
    http(s) and mailto, headings start at level 2 (the page owns the h1), GOV.UK classes added."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    for level in (3, 2, 1):
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(f"</h{level}>", f"</h{level + 1}>")
    return nh3.clean(
        html, tags=_ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        set_tag_attribute_values={tag: {"class": classes} for tag, classes in _GOVUK_CLASSES.items()},
    )
