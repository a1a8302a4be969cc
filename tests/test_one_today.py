"""One "today" everywhere: the UK date at the request's instant (domain.uk_time.uk_today)."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

from tenderapp.domain.uk_time import uk_today

ROOT = Path(__file__).resolve().parent.parent / "tenderapp"
# The UTC day of an instant (now.date(), clock.now().date()) or the server's own day
UTC_TODAY = re.compile(r"\bdate\.today\(\)|\bnow\(\)\.date\(\)|\bnow\.date\(\)|\butcnow\(\)|\.date\(\)")


def test_no_code_takes_today_from_the_utc_or_server_date():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in sorted(ROOT.rglob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), 1) if UTC_TODAY.search(line)
             and path.name != "uk_time.py"]
    assert found == [], "use uk_today(now) (or uk_date_of for an instant's UK day):\n" + "\n".join(found)


def test_today_is_the_uk_date():
    assert uk_today(datetime(2027, 3, 29, 23, 30, tzinfo=UTC)) == date(2027, 3, 30)  # BST
    assert uk_today(datetime(2027, 1, 6, 23, 59, tzinfo=UTC)) == date(2027, 1, 6)  # GMT
