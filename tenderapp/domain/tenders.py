"""Tender rules: the timetable, the award criteria's weights, and the tender's status.

The status is derived from timestamps (``tender_status``), never stored; the moves the
lead's actions make from it are in ``TRANSITIONS``:

    draft --publish--> published --(deadline passes)--> closed --open--> opened --> award ...
    draft --change--> draft;  published --change (an amendment)--> published

Nothing changes from closed on: the bids answer the tender as it stood at the deadline.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from tenderapp.domain.errors import Conflict, DomainError, RuleViolation
from tenderapp.domain.labels import LabelledEnum
from tenderapp.domain.uk_time import uk_date_of, uk_today


class Regime(LabelledEnum):
    PA2023 = "PA2023", "Procurement Act 2023"
    PCR2015 = "PCR2015", "Public Contracts Regulations 2015"


class PriceMethod(LabelledEnum):
    LOWEST = "lowest", "Lowest price scores full marks; others in proportion (lowest ÷ price)"
    DEVIATION = "deviation", "Deviation from the lowest price"


class TenderStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Open for bids"
    CLOSED = "closed", "Closed, not yet opened"
    OPENED = "opened", "Bids opened"
    AWARD_RECOMMENDED = "award_recommended", "Award recommended"
    AWARD_DECIDED = "award_decided", "Award decided"
    STANDSTILL = "standstill", "In standstill"
    AWARDED = "awarded", "Awarded"

    @property
    def colour(self) -> str:
        """The GOV.UK tag colour the status is shown in."""
        return {TenderStatus.DRAFT: "grey", TenderStatus.PUBLISHED: "green", TenderStatus.CLOSED: "orange",
                TenderStatus.OPENED: "blue", TenderStatus.AWARD_RECOMMENDED: "light-blue",
                TenderStatus.AWARD_DECIDED: "purple", TenderStatus.STANDSTILL: "yellow",
                TenderStatus.AWARDED: "turquoise"}[self]


@dataclass(frozen=True)
class AwardProgress:
    """What has happened after the opening: a recommendation, a taken award decision, and
    once the award is recorded the last day of its standstill period."""

    recommended: bool = False
    decided: bool = False
    standstill_last_day: date | None = None


def check_new_deadline(published_at: datetime | None, old: datetime | None, new: datetime, now: datetime) -> None:
    """After publication the submission deadline may move later, never earlier, and never
    into the past (suppliers plan their bids around it)."""
    if published_at is None:
        return
    if new <= now:
        raise RuleViolation("Submission deadline must be in the future", "submission_deadline")
    if old is not None and new < old:
        raise RuleViolation("After publication the submission deadline can be extended, not brought forward",
                            "submission_deadline")


def tender_status(published_at: datetime | None, submission_deadline: datetime | None,
                  opened_at: datetime | None, now: datetime, progress: AwardProgress | None = None) -> TenderStatus:
    """Derived, never stored: published once published; closed from the deadline on; opened
    once both keys have turned; then award recommended, award decided, in standstill from the
    recorded award to the standstill's last day (UK date), and awarded after it."""
    if opened_at is not None:
        progress = progress or AwardProgress()
        if progress.standstill_last_day is not None:
            return TenderStatus.STANDSTILL if uk_today(now) <= progress.standstill_last_day else TenderStatus.AWARDED
        if progress.decided:
            return TenderStatus.AWARD_DECIDED
        if progress.recommended:
            return TenderStatus.AWARD_RECOMMENDED
        return TenderStatus.OPENED
    if published_at is None:
        return TenderStatus.DRAFT
    if submission_deadline is not None and now >= submission_deadline:
        return TenderStatus.CLOSED
    return TenderStatus.PUBLISHED


class TenderEvent(StrEnum):
    """What the lead does to a tender. The deadline passing is not an event: time moves a
    published tender to closed."""

    CHANGE = "change"  # edit a draft, or amend a published tender
    PUBLISH = "publish"
    OPEN = "open"  # the last key turned


_AFTER_OPENING = (TenderStatus.OPENED, TenderStatus.AWARD_RECOMMENDED, TenderStatus.AWARD_DECIDED,
                  TenderStatus.STANDSTILL, TenderStatus.AWARDED)

TRANSITIONS: dict[TenderStatus, dict[TenderEvent, TenderStatus]] = {
    TenderStatus.DRAFT: {TenderEvent.CHANGE: TenderStatus.DRAFT, TenderEvent.PUBLISH: TenderStatus.PUBLISHED},
    TenderStatus.PUBLISHED: {TenderEvent.CHANGE: TenderStatus.PUBLISHED},
    TenderStatus.CLOSED: {TenderEvent.OPEN: TenderStatus.OPENED},
    **{status: {} for status in _AFTER_OPENING},
}

_DEADLINE_PASSED = "The submission deadline has passed: the tender can no longer change"
_ALREADY_OPENED = "The bids have already been opened"


def _refusal(status: TenderStatus, event: TenderEvent) -> DomainError:
    if event is TenderEvent.CHANGE:
        return RuleViolation(_DEADLINE_PASSED)
    if event is TenderEvent.PUBLISH:
        return Conflict("This tender is already published")
    if status is TenderStatus.DRAFT:
        return RuleViolation("The tender has not been published: there is nothing to open")
    if status is TenderStatus.PUBLISHED:
        return RuleViolation("The bids cannot be opened before the submission deadline")
    return Conflict(_ALREADY_OPENED)


def check_event(status: TenderStatus, event: TenderEvent) -> TenderStatus:
    """The status ``event`` moves a tender to. Raises RuleViolation (or Conflict, for a
    tender already published or opened) when the event is not allowed from ``status``."""
    moves = TRANSITIONS[status]
    if event not in moves:
        raise _refusal(status, event)
    return moves[event]


def check_changeable(published_at: datetime | None, submission_deadline: datetime | None,
                     opened_at: datetime | None, now: datetime) -> None:
    """Raises RuleViolation once the submission deadline has passed (or the bids are open):
    from then on nothing a bid answers may change, so prices cannot meet new rules."""
    check_event(tender_status(published_at, submission_deadline, opened_at, now), TenderEvent.CHANGE)


# Minimum tendering periods for an open procedure with electronic submission, in days from
# publication to the submission deadline (Procurement Act 2023 s.54(4); PCR 2015 reg. 27(4)).
# Light-touch contracts: 10 days under the Act; no fixed minimum under PCR 2015. A shorter
# period needs a legal ground, which the lead records and the tender then shows.
MINIMUM_DAYS = {
    (Regime.PA2023, False): 25,
    (Regime.PA2023, True): 10,
    (Regime.PCR2015, False): 30,
    (Regime.PCR2015, True): None,
}


@dataclass(frozen=True)
class Timetable:
    publication_at: datetime
    clarification_deadline: datetime
    submission_deadline: datetime
    evaluation_date: date | None
    award_date: date | None
    contract_start: date
    shorter_period_ground: str | None = None


def _length(period: timedelta) -> str:
    if period < timedelta(days=1):
        return "less than a day"
    return "1 day" if period.days == 1 else f"{period.days} days"


def period_shortfall(t: Timetable, regime: Regime, light_touch: bool) -> str | None:
    """What is wrong when the tendering period is shorter than the regime's minimum; None
    when it is not (or the regime sets none)."""
    minimum = MINIMUM_DAYS[(regime, light_touch)]
    period = t.submission_deadline - t.publication_at
    if minimum is None or period >= timedelta(days=minimum):
        return None
    return (f"The tendering period is {_length(period)}: shorter than the minimum of {minimum} days under the "
            f"{regime.label}{' for light-touch contracts' if light_touch else ''}")


def check_contract_start(start: date, planned_award: date | None, today: date) -> None:
    """Raises RuleViolation for a contract start today or earlier, or on or before the
    planned award (the submission deadline's day when no award date is planned)."""
    if start <= today:
        raise RuleViolation("Contract start must be in the future", "contract_start")
    if planned_award is not None and start <= planned_award:
        raise RuleViolation("Contract start must be after the planned award", "contract_start")


def check_timetable(t: Timetable, regime: Regime, light_touch: bool, now: datetime, published: bool = False) -> None:
    """Raises RuleViolation (on the field to correct) when a draft's publication is before
    today (UK date) or its deadlines have passed, when the dates are out of order, when the
    contract starts before the planned award, or when the tendering period is shorter than
    the regime's minimum and no legal ground for it is recorded. A published tender's dates
    are history: only the ordering and the minimum are checked (``check_new_deadline`` guards
    its moved deadline)."""
    if not published:
        if uk_date_of(t.publication_at) < uk_today(now):
            raise RuleViolation("Publication date must be today or in the future", "publication_at")
        if t.clarification_deadline <= now:
            raise RuleViolation("Clarification deadline must be in the future", "clarification_deadline")
    if t.clarification_deadline <= t.publication_at:
        raise RuleViolation("Clarification deadline must be after the publication date", "clarification_deadline")
    if t.submission_deadline <= t.clarification_deadline:
        raise RuleViolation("Submission deadline must be after the clarification deadline", "submission_deadline")
    closing_day = uk_date_of(t.submission_deadline)
    if t.evaluation_date and t.evaluation_date < closing_day:
        raise RuleViolation("Planned evaluation must be on or after the submission deadline", "evaluation_date")
    if t.award_date and t.award_date < (t.evaluation_date or closing_day):
        raise RuleViolation("Planned award must be on or after the planned evaluation", "award_date")
    check_contract_start(t.contract_start, t.award_date or closing_day, uk_today(now))
    shortfall = period_shortfall(t, regime, light_touch)
    if shortfall and not (t.shorter_period_ground or "").strip():
        raise RuleViolation(f"{shortfall}. Move the submission deadline later, or record the legal ground for a "
                            "shorter period", "submission_deadline")


def check_weights(price_weight: int, criteria_weights: list[int]) -> None:
    """Raises RuleViolation unless the price weight and the quality criteria's weights,
    each between 0 and 100, add up to exactly 100."""
    if not 0 <= price_weight <= 100:
        raise RuleViolation("Price weighting must be between 0 and 100", "price_weight")
    if any(w <= 0 for w in criteria_weights):
        raise RuleViolation("Each quality criterion needs a weighting above 0", "criteria")
    total = price_weight + sum(criteria_weights)
    if total != 100:
        raise RuleViolation(f"Weightings must add up to 100: price and quality add up to {total}", "price_weight")


@dataclass(frozen=True)
class Readiness:
    """What publication needs, as facts about the draft."""

    has_contract_terms: bool
    has_timetable: bool
    submission_deadline_passed: bool
    pricing_lines: int
    criteria_weights: list[int]
    price_weight: int
    conflicts_recorded: bool
    documents: int
    openers: int = 0  # bid openers named
    opening_quorum: int = 2
    timetable_problem: str | None = None  # what the timetable rules refuse as publication stands


def publication_problems(r: Readiness) -> list[str]:
    """Everything still stopping publication, in the order a person would fix them."""
    problems = []
    if not r.has_contract_terms:
        problems.append("Add the contract start date and initial term")
    if not r.has_timetable:
        problems.append("Set the timetable")
    elif r.submission_deadline_passed:
        problems.append("Move the submission deadline into the future")
    elif r.timetable_problem:
        problems.append(f"Change the timetable: {r.timetable_problem}")
    if r.pricing_lines == 0 and r.price_weight > 0:
        problems.append("Add at least one line to the pricing schedule")
    if not r.criteria_weights and r.price_weight < 100:
        problems.append("Add the quality criteria")
    total = r.price_weight + sum(r.criteria_weights)
    if total != 100:
        problems.append(f"Make the weightings add up to 100 (they add up to {total})")
    if r.documents == 0:
        problems.append("Upload the specification")
    if not r.conflicts_recorded:
        problems.append("Record the conflicts assessment (Procurement Act 2023, section 83)")
    if r.openers < max(r.opening_quorum, 2):
        problems.append(f"Name at least {max(r.opening_quorum, 2)} bid openers")
    return problems
