"""The query side of the lists people search (tenders, decisions, contracts, tracker rows, the
outbox): a filter as the rules take it, and one page of a list.

A filter only ever narrows: each list's access function first builds the query of what the
actor may see, and the filter adds conditions to it (``where``), never another source of
rows. A collaboration named in a filter that the actor cannot see therefore matches nothing.
Every page costs two queries (the count and the page) however many rows match.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import false, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from tenderapp.domain.uk_time import uk_date_of, uk_instant

PER_PAGE = 20

Row = TypeVar("Row")
# A select of one entity (rows are objects) or of several (rows are tuples, a variadic type).
Query = Any
Q = TypeVar("Q")
Status = TypeVar("Status", bound=StrEnum)


@dataclass(frozen=True)
class ListFilter:
    """What a person asked a list for. ``text`` is matched, ignoring case, anywhere in the
    list's reference and title; the dates are UK calendar days, both ends included."""

    text: str = ""
    status: str | None = None
    collaboration_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1

    @property
    def narrows(self) -> bool:
        """Whether anything beyond the page was asked for."""
        return bool(self.text or self.status or self.collaboration_id or self.date_from or self.date_to)


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of a list: its rows, how many rows match in all, and where it stands."""

    items: list[Row]
    total: int
    number: int
    per_page: int = PER_PAGE
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_shown(self) -> int:
        return 0 if self.total == 0 else (self.number - 1) * self.per_page + 1

    @property
    def last_shown(self) -> int:
        return min(self.total, self.number * self.per_page)


def _offset(number: int, per_page: int) -> int:
    return (max(1, number) - 1) * per_page


def page_of(session: Session, query: Query, number: int, per_page: int = PER_PAGE) -> Page[Any]:
    """Page ``number`` of ``query`` (already ordered), with the count of every matching row:
    two queries. A page past the end is empty (the count still says how many matched)."""
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    items = list(session.exec(query.offset(_offset(number, per_page)).limit(per_page)).all())
    return Page(items, total, max(1, number), per_page)


def page_of_rows(rows: Sequence[Row], number: int, per_page: int = PER_PAGE) -> Page[Row]:
    """Page ``number`` of rows already in memory (a list derived in Python, such as a tracker)."""
    start = _offset(number, per_page)
    return Page(list(rows[start:start + per_page]), len(rows), max(1, number), per_page)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_matches(text: str, *columns: Any) -> ColumnElement[bool]:
    """Any of ``columns`` holds ``text`` (ignoring case); % and _ typed are taken literally."""
    pattern = _like_pattern(text.lower())
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))


def text_in(text: str, *values: str | None) -> bool:
    """The in-memory twin of ``text_matches``."""
    wanted = text.lower()
    return any(wanted in (value or "").lower() for value in values)


def _start_of(day: date) -> datetime:
    return uk_instant(day, time(0, 0))


def conditions_of(wanted: ListFilter, text_columns: Sequence[Any], statuses: type[Status],
                  status_is: Callable[[Status], ColumnElement[bool]],
                  collaboration_column: Any | None = None) -> list[ColumnElement[bool]]:
    """What every list's filter asks alike: its text in any of ``text_columns``, the status
    (``status_is`` of the member of ``statuses`` named; a status the list does not know matches
    nothing) and, for a list that has one, the collaboration. Each list adds its own dates."""
    conditions = []
    if wanted.text:
        conditions.append(text_matches(wanted.text, *text_columns))
    if wanted.status:
        known = {s.value: s for s in statuses}
        conditions.append(status_is(known[wanted.status]) if wanted.status in known else false())
    if wanted.collaboration_id is not None and collaboration_column is not None:
        conditions.append(collaboration_column == wanted.collaboration_id)
    return conditions


def instant_between(column: Any, date_from: date | None, date_to: date | None) -> list[ColumnElement[bool]]:
    """Conditions keeping instants (UTC) that fall on UK days ``date_from`` to ``date_to``."""
    conditions = []
    if date_from is not None:
        conditions.append(column >= _start_of(date_from))
    if date_to is not None:
        conditions.append(column < _start_of(date_to + timedelta(days=1)))
    return conditions


def day_between(column: Any, date_from: date | None, date_to: date | None) -> list[ColumnElement[bool]]:
    """Conditions keeping calendar days from ``date_from`` to ``date_to``."""
    conditions = []
    if date_from is not None:
        conditions.append(column >= date_from)
    if date_to is not None:
        conditions.append(column <= date_to)
    return conditions


def narrowed(query: Q, conditions: Sequence[ColumnElement[bool]]) -> Q:
    """``query`` (a select) with ``conditions`` added: only ever fewer rows."""
    return query.where(*conditions) if conditions else query  # type: ignore[attr-defined]  # any select


def rows_between(when: Callable[[Row], datetime | date | None], date_from: date | None,
                 date_to: date | None) -> Callable[[Row], bool]:
    """The in-memory twin of ``instant_between``/``day_between`` for a row's date or instant."""
    def keep(row: Row) -> bool:
        moment = when(row)
        if date_from is None and date_to is None:
            return True
        if moment is None:
            return False
        day = uk_date_of(moment) if isinstance(moment, datetime) else moment
        return (date_from is None or day >= date_from) and (date_to is None or day <= date_to)

    return keep
