"""What each meeting costs, and who pays: included meetings first, then pay as you go.

- Each member authority's core subscription includes a number of meetings (5 in the seed) for
  the contract's **whole lifetime**, extensions included. They are used first, in meeting-day
  order (then case reference), by the meetings the authority pays for.
- Every paid meeting after them is charged at the rate fixed at the award for its kind
  (mediation, disagreement resolution).
- A disagreement-resolution meeting is charged to its funding party (a school, a college, an
  early years provider, a health body) at the disagreement-resolution rate and never uses the
  authority's included meetings, except when the funding party is the authority's own
  education, children's or adult services: then the authority pays, as for a mediation. The
  register refuses a disagreement-resolution meeting held, not attended or cancelled without
  its funding party and agreement (``tenderapp.domain.meetings``), so none is billed to the
  authority for want of a funding party.
- Which meetings are paid for is the contract's ``ChargingRules``: a held meeting always; a
  meeting booked and not attended when ``charge_non_attendance``; a cancelled meeting when it
  was cancelled fewer than ``late_cancellation_days`` calendar days before its day and
  ``charge_late_cancellation``. A meeting that is booked and not yet held costs nothing yet.
- The annual core subscription falls due on the first day of each contract year, so a
  statement's core is the sum for the contract years that begin in its period.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tenderapp.domain.contracts import add_months
from tenderapp.domain.meetings import Attendance, FundingPartyKind, MeetingKind
from tenderapp.domain.money import PENNY


@dataclass(frozen=True)
class ChargingRules:
    charge_late_cancellation: bool = True
    late_cancellation_days: int = 2
    charge_non_attendance: bool = True

    def __post_init__(self) -> None:
        if not 0 <= self.late_cancellation_days <= 60:
            raise ValueError("late_cancellation_days must be 0 to 60")


@dataclass(frozen=True)
class Meeting:
    """One booked meeting, as charging needs it: ``authority`` and ``key`` are any labels."""

    key: str
    authority: str
    kind: MeetingKind
    day: date
    attendance: Attendance | None  # None: booked, not yet held
    cancelled_on: date | None = None
    funding_kind: FundingPartyKind | None = None
    funding_name: str | None = None

    @property
    def funding_party_pays(self) -> bool:
        return (self.kind is MeetingKind.DISAGREEMENT_RESOLUTION and self.funding_kind is not None
                and not self.funding_kind.is_the_authority)


@dataclass(frozen=True)
class Charge:
    meeting: Meeting
    included: bool  # used one of the authority's included meetings (costs nothing more)
    amount: Decimal

    @property
    def payer(self) -> str:
        """The authority, or the funding party's name for a meeting it funds."""
        return (self.meeting.funding_name or "") if self.meeting.funding_party_pays else self.meeting.authority


def is_chargeable(meeting: Meeting, rules: ChargingRules) -> bool:
    """Whether the contract's rules make ``meeting`` a paid (or included) meeting."""
    if meeting.attendance is Attendance.HELD:
        return True
    if meeting.attendance is Attendance.NOT_ATTENDED:
        return rules.charge_non_attendance
    if meeting.attendance is Attendance.CANCELLED and meeting.cancelled_on is not None:
        notice = (meeting.day - meeting.cancelled_on).days
        return rules.charge_late_cancellation and notice < rules.late_cancellation_days
    return False


def charges(meetings: Iterable[Meeting], rates: Mapping[MeetingKind, Decimal], included_meetings: int,
            rules: ChargingRules = ChargingRules()) -> list[Charge]:
    """A charge for every chargeable meeting, in meeting-day order. Raises ValueError for a
    negative number of included meetings or a missing or negative rate."""
    if included_meetings < 0:
        raise ValueError("included meetings must be 0 or more")
    if any(rates.get(kind) is None or rates[kind] < 0 for kind in MeetingKind):
        raise ValueError("a rate of 0 or more is needed for each kind of meeting")
    used: dict[str, int] = {}
    result = []
    for meeting in sorted((m for m in meetings if is_chargeable(m, rules)), key=lambda m: (m.day, m.key)):
        if not meeting.funding_party_pays and used.get(meeting.authority, 0) < included_meetings:
            used[meeting.authority] = used.get(meeting.authority, 0) + 1
            result.append(Charge(meeting, True, Decimal("0.00")))
        else:
            result.append(Charge(meeting, False, rates[meeting.kind].quantize(PENNY)))
    return result


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def _periods(start: date, end: date, months: int, label: str) -> list[Period]:
    periods, number = [], 0
    while add_months(start, months * number) <= end:
        first = add_months(start, months * number)
        last = min(date.fromordinal(add_months(start, months * (number + 1)).toordinal() - 1), end)
        number += 1
        periods.append(Period(first, last, label.format(n=number, first=first)))
    return periods


def year_periods(start: date, end: date) -> list[Period]:
    """The periods of contract year 1 from ``start``, and so on to ``end`` (a part year at the end
    is a year); ``tenderapp.domain.cost_shares.contract_years`` is how many there are."""
    return _periods(start, end, 12, "Contract year {n}")


def quarters(start: date, end: date) -> list[Period]:
    """Quarters of the contract, 3 months each from ``start``."""
    return _periods(start, end, 3, "Quarter {n}")


def months(start: date, end: date) -> list[Period]:
    return _periods(start, end, 1, "{first:%B %Y}")


@dataclass(frozen=True)
class Terms:
    """The contract's terms for one authority: start, core subscription for each contract
    year (extension years included), included meetings, and its previous annual cost."""

    start: date
    core_by_year: list[Decimal]
    included_meetings: int
    previous_annual_cost: Decimal | None = None


@dataclass(frozen=True)
class Statement:
    authority: str
    period: Period
    core: Decimal
    included_used: int
    included_left: int
    payg_meetings: int
    payg_cost: Decimal
    total: Decimal
    projected_total: Decimal | None  # the cost-share projection, for a contract year
    saving: Decimal | None  # against the previous contract's annual cost, for a contract year

    @property
    def against_projection(self) -> Decimal | None:
        """Actual minus projected: above 0 costs more than projected."""
        return None if self.projected_total is None else self.total - self.projected_total


def core_due(terms: Terms, period: Period) -> Decimal:
    """The core subscriptions that fall due in ``period``: one for each contract year beginning in it."""
    due = [core for n, core in enumerate(terms.core_by_year) if period.holds(add_months(terms.start, 12 * n))]
    return sum(due, Decimal(0)).quantize(PENNY)


def is_contract_year(start: date, period: Period) -> bool:
    """Whether ``period`` is exactly one whole contract year of a contract from ``start``."""
    years = (period.start.year - start.year) + 1
    return (years >= 1 and period.start == add_months(start, 12 * (years - 1))
            and period.end.toordinal() == add_months(start, 12 * years).toordinal() - 1)


def statement(authority: str, period: Period, all_charges: Iterable[Charge], terms: Terms,
              projected_total: Decimal | None = None) -> Statement:
    """``authority``'s statement for ``period`` from the whole contract's charges. The saving is
    given for a period of exactly one contract year when the previous annual cost is known."""
    own = [c for c in all_charges if c.meeting.authority == authority and not c.meeting.funding_party_pays]
    in_period = [c for c in own if period.holds(c.meeting.day)]
    used_by_end = sum(1 for c in own if c.included and c.meeting.day <= period.end)
    payg = [c for c in in_period if not c.included]
    payg_cost = sum((c.amount for c in payg), Decimal(0)).quantize(PENNY)
    total = core_due(terms, period) + payg_cost
    is_year = is_contract_year(terms.start, period)
    saving = (terms.previous_annual_cost - total).quantize(PENNY) \
        if is_year and terms.previous_annual_cost is not None else None
    return Statement(authority, period, core_due(terms, period), sum(1 for c in in_period if c.included),
                     max(terms.included_meetings - used_by_end, 0), len(payg), payg_cost, total,
                     projected_total if is_year else None, saving)


@dataclass(frozen=True)
class FundingStatement:
    kind: FundingPartyKind
    name: str
    period: Period
    meetings: int
    cost: Decimal
    authorities: tuple[str, ...]


def funding_party_statements(all_charges: Iterable[Charge], period: Period) -> list[FundingStatement]:
    """For each funding party (kind and name, the name compared without case or outer spaces)
    the disagreement-resolution meetings it pays for in ``period``, by name."""
    groups: dict[tuple[FundingPartyKind, str], list[Charge]] = {}
    for charge in all_charges:
        meeting = charge.meeting
        if meeting.funding_party_pays and period.holds(meeting.day) and meeting.funding_kind is not None:
            key = (meeting.funding_kind, (meeting.funding_name or "").strip().casefold())
            groups.setdefault(key, []).append(charge)
    return sorted((FundingStatement(kind, (group[0].meeting.funding_name or "").strip(), period, len(group),
                                    sum((c.amount for c in group), Decimal(0)).quantize(PENNY),
                                    tuple(sorted({c.meeting.authority for c in group})))
                   for (kind, _), group in groups.items()), key=lambda s: (s.name.casefold(), s.kind))
