from datetime import UTC, date, datetime

from tenderapp.domain.work_queue import (
    Link,
    Task,
    by_urgency,
    extension_decision_due,
    extension_decision_from,
    is_overdue,
    score_progress,
)


def _task(title, due=None, waiting=None):
    return Task("k", title, "about", Link.to("main.dashboard"), due=due, waiting_since=waiting)


def test_dated_tasks_come_first_earliest_due_then_the_longest_waiting():
    old = _task("waiting long", waiting=datetime(2026, 1, 1, tzinfo=UTC))
    new = _task("waiting briefly", waiting=datetime(2026, 11, 1, tzinfo=UTC))
    soon = _task("due soon", due=date(2026, 12, 4))
    later = _task("due later", due=datetime(2026, 12, 20, 12, tzinfo=UTC))
    assert by_urgency([new, later, old, soon]) == [soon, later, old, new]


def test_a_due_date_is_overdue_from_midnight_in_the_uk_in_summer_and_in_winter():
    summer = _task("due in summer", due=date(2026, 7, 1))  # BST: the UK day ends at 23:00 UTC
    assert not is_overdue(summer, datetime(2026, 7, 1, 22, 59, tzinfo=UTC))
    assert is_overdue(summer, datetime(2026, 7, 1, 23, 0, tzinfo=UTC))
    winter = _task("due in winter", due=date(2026, 12, 1))  # GMT: the UK day ends at midnight UTC
    assert not is_overdue(winter, datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC))
    assert is_overdue(winter, datetime(2026, 12, 2, 0, 0, tzinfo=UTC))


def test_a_due_date_sorts_at_the_end_of_its_uk_day():
    day = _task("due on the day", due=date(2026, 7, 1))
    evening = _task("due 23:30 UK time", due=datetime(2026, 7, 1, 22, 30, tzinfo=UTC))
    assert by_urgency([day, evening]) == [evening, day]


def test_an_extension_decision_is_due_from_the_notice_months_before_the_end_while_one_is_left():
    end = date(2018, 3, 31)
    assert extension_decision_from(end, 6) == date(2017, 9, 30)
    assert not extension_decision_due(end, 6, 0, 1, date(2017, 9, 29))
    assert extension_decision_due(end, 6, 0, 1, date(2017, 9, 30))
    assert extension_decision_due(end, 6, 0, 1, end)
    assert not extension_decision_due(end, 6, 0, 1, date(2018, 4, 1))  # ended
    assert not extension_decision_due(end, 6, 1, 1, date(2018, 1, 1))  # none left


def test_score_progress_counts_only_the_bids_in_the_box_and_evaluators_not_removed():
    assigned = {(1, 10), (2, 10), (3, 10)}
    scores = {(1, 100, 10), (1, 101, 10), (2, 100, 10), (3, 100, 10), (1, 99, 10)}  # 99 was withdrawn
    progress = score_progress(assigned, {3}, {100, 101}, {10}, scores, {(100, 10)})
    assert (progress.expected, progress.scored, progress.to_moderate, progress.moderated) == (4, 3, 2, 1)
    assert not progress.all_scored and not progress.all_moderated
