"""The timetable's rules: nothing in the past, dates in order, the regime's minimum period."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.tenders import Regime, Timetable, check_timetable

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)


def plan(days: float, **overrides) -> Timetable:
    publication = datetime(2026, 12, 1, 9, tzinfo=UTC)
    values = dict(publication_at=publication, clarification_deadline=publication + timedelta(days=days) / 2,
                  submission_deadline=publication + timedelta(days=days), evaluation_date=None, award_date=None,
                  contract_start=date(2027, 4, 1))
    values.update(overrides)
    return Timetable(**values)


@pytest.mark.parametrize("regime,light_touch,minimum", [
    (Regime.PA2023, False, 25), (Regime.PA2023, True, 10), (Regime.PCR2015, False, 30)])
def test_the_minimum_tendering_period_is_a_rule(regime, light_touch, minimum):
    check_timetable(plan(minimum), regime, light_touch, NOW)
    with pytest.raises(RuleViolation, match=f"shorter than the minimum of {minimum} days") as refused:
        check_timetable(plan(minimum - 1), regime, light_touch, NOW)
    assert refused.value.field == "submission_deadline"
    check_timetable(plan(minimum - 1, shorter_period_ground="Urgency, as the regime allows."), regime, light_touch, NOW)


def test_pcr_2015_sets_no_minimum_for_light_touch_contracts():
    check_timetable(plan(2), Regime.PCR2015, True, NOW)


@pytest.mark.parametrize("overrides,field", [
    ({"publication_at": datetime(2026, 11, 29, 23, 59, tzinfo=UTC)}, "publication_at"),
    ({"publication_at": datetime(2020, 1, 1, 9, tzinfo=UTC), "clarification_deadline": datetime(2020, 2, 1, tzinfo=UTC),
      "submission_deadline": datetime(2020, 3, 1, tzinfo=UTC)}, "publication_at"),
    ({"publication_at": datetime(2026, 11, 30, 8, tzinfo=UTC),
      "clarification_deadline": datetime(2026, 11, 30, 8, 30, tzinfo=UTC)}, "clarification_deadline"),
    ({"contract_start": date(2001, 4, 1)}, "contract_start"),
])
def test_a_draft_timetable_in_the_past_is_refused(overrides, field):
    with pytest.raises(RuleViolation) as refused:
        check_timetable(plan(40, **overrides), Regime.PA2023, False, NOW)
    assert refused.value.field == field


def test_a_published_tender_keeps_its_past_publication_and_clarification_deadline():
    published = plan(40, publication_at=datetime(2026, 11, 1, 9, tzinfo=UTC),
                     clarification_deadline=datetime(2026, 11, 20, tzinfo=UTC))
    check_timetable(published, Regime.PA2023, False, NOW, published=True)
    with pytest.raises(RuleViolation):
        check_timetable(published, Regime.PA2023, False, NOW)
