"""A person's work queue: the things that need them, most urgent first.

A task says what to do, what it is about (a tender or agreement, by reference and title), the
page where it is done (an endpoint and its values, for the web layer to turn into a link),
and either when it is due or since when it has waited. Nothing here knows a database or a
clock: the services find the tasks, these rules order them.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tenderapp.domain.contracts import add_months
from tenderapp.domain.uk_time import uk_instant


@dataclass(frozen=True)
class Link:
    """A page of the app: the web layer's endpoint name and the values in its address."""

    endpoint: str
    values: tuple[tuple[str, int | str], ...] = ()

    @classmethod
    def to(cls, endpoint: str, **values: int | str) -> "Link":
        return cls(endpoint, tuple(sorted(values.items())))

    def as_dict(self) -> dict[str, int | str]:
        return dict(self.values)


@dataclass(frozen=True)
class Task:
    """One thing to do. ``due`` (a moment or a day) or ``waiting_since`` says how urgent."""

    kind: str  # a stable name, e.g. "answer_questions", "sign_agreement"
    title: str  # what to do, as a link text: "Answer 2 clarification questions"
    about: str  # "SC26041: SEND Mediation and Disagreement Resolution Service"
    link: Link
    due: datetime | date | None = None
    waiting_since: datetime | None = None
    detail: str = ""  # one more line: what is missing, who the other openers are, n of m
    action: Link | None = None  # a button beside the task (a POST), e.g. send reminders
    action_label: str = ""
    news: bool = False  # something to read: it waits (oldest first) and goes after a while


def _moment(value: datetime | date) -> datetime:
    """The instant a due date or time passes: a due date is due to the end of that UK day
    (the last instant before midnight in the UK, an hour earlier in UTC in summer)."""
    if isinstance(value, datetime):
        return value
    return uk_instant(value + timedelta(days=1), time(0, 0)) - timedelta(microseconds=1)


def urgency(task: Task) -> tuple[int, datetime, str, str]:
    """The sort key: tasks with a due date first, the earliest due first (overdue ones are the
    earliest); then the tasks that have waited longest; then by title, for a stable order."""
    if task.due is not None:
        return (0, _moment(task.due), task.title, task.about)
    if task.waiting_since is not None:
        return (1, task.waiting_since, task.title, task.about)
    return (2, datetime.max.replace(tzinfo=UTC), task.title, task.about)


def by_urgency(tasks: list[Task]) -> list[Task]:
    """``tasks`` most urgent first (see ``urgency``)."""
    return sorted(tasks, key=urgency)


def is_overdue(task: Task, now: datetime) -> bool:
    return task.due is not None and _moment(task.due) < now


def extension_decision_from(end: date, notice_months: int) -> date:
    """The day from which an extension decision is due: ``notice_months`` before the contract's
    current end (a decision needs governance, and PA2023 s.75 a change notice, before then)."""
    return add_months(end, -notice_months)


def extension_decision_due(end: date, notice_months: int, used: int, allowed: int, today: date) -> bool:
    """Whether the lead must now decide on extending: an extension is still allowed, the
    contract has not ended, and today is within ``notice_months`` of its end."""
    return used < allowed and extension_decision_from(end, notice_months) <= today <= end


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 question``, ``2 questions``."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class ScoreProgress:
    """Where a tender's evaluation stands: individual scores in of those expected (each
    cleared-or-pending panel member not removed, for each bid, on each of their criteria), and
    consensus scores recorded of those needed (each bid on each criterion)."""

    expected: int
    scored: int
    to_moderate: int
    moderated: int

    @property
    def all_scored(self) -> bool:
        return self.expected > 0 and self.scored >= self.expected

    @property
    def all_moderated(self) -> bool:
        return self.to_moderate > 0 and self.moderated >= self.to_moderate


def score_progress(assigned: set[tuple[int, int]], removed: set[int], submission_ids: set[int],
                   criterion_ids: set[int], scores: set[tuple[int, int, int]],
                   moderated: set[tuple[int, int]]) -> ScoreProgress:
    """``assigned`` holds (evaluator, criterion) pairs, ``scores`` (evaluator, submission,
    criterion) triples and ``moderated`` (submission, criterion) pairs; only the bids in the box
    (``submission_ids``) and evaluators not ``removed`` count, as ``outstanding_scores`` counts."""
    panel = {(user, criterion) for user, criterion in assigned if user not in removed}
    counted = {s for s in scores if (s[0], s[2]) in panel and s[1] in submission_ids}
    cells = {(s, c) for s in submission_ids for c in criterion_ids}
    return ScoreProgress(len(panel) * len(submission_ids), len(counted), len(cells), len(moderated & cells))
