"""The service's key performance indicators for a period, per authority or for the group, and
what the Department for Education's monitoring asks for (seed paper, 2.6).

- referrals: cases whose authority was told in the period;
- meetings held: meetings held in the period (either kind);
- mediations within 30 days: of the mediations held in the period, the share held by their
  due day (``send_timescales.mediation_due``);
- certificates within 3 working days: of the certificates issued in the period, the share
  issued by their due day (``meetings.case_due``);
- agreement rate: of the meetings held in the period with an outcome, the share that reached
  agreement in full or in part;
- disagreement-resolution meetings held in the period, by the funding party's kind;
- cost: what the period's meetings cost (pay-as-you-go meetings the authorities pay, and what
  funding parties pay), from ``meeting_charges``.

A share is a percentage to 1 decimal place, rounded half up, for display; None when nothing
was counted.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from tenderapp.domain.deadlines import Calendar
from tenderapp.domain.meeting_charges import Charge, Period
from tenderapp.domain.meetings import Attendance, CaseFacts, FundingPartyKind, MeetingKind, case_due
from tenderapp.domain.money import PENNY

TENTH = Decimal("0.1")


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` as a percentage to 1 decimal place (None when ``whole`` is 0)."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Kpis:
    period: Period
    referrals: int
    meetings_held: int
    mediations_held: int
    mediations_in_time: int
    certificates: int
    certificates_in_time: int
    with_outcome: int
    agreed: int
    dr_by_funding: dict[FundingPartyKind, int] = field(default_factory=dict)
    cost: Decimal = Decimal("0.00")

    @property
    def mediations_in_time_share(self) -> Decimal | None:
        return share(self.mediations_in_time, self.mediations_held)

    @property
    def certificates_in_time_share(self) -> Decimal | None:
        return share(self.certificates_in_time, self.certificates)

    @property
    def agreement_rate(self) -> Decimal | None:
        return share(self.agreed, self.with_outcome)


def _held_in(facts: CaseFacts, period: Period) -> bool:
    return facts.attendance is Attendance.HELD and facts.meeting_day is not None and period.holds(facts.meeting_day)


def kpis(cases: Iterable[CaseFacts], charges: Iterable[Charge], period: Period,
         calendar: Calendar | None = None) -> Kpis:
    """The indicators for ``period`` over ``cases`` (one authority's or the group's) and their
    ``charges``. Reads no clock: a step is in time when done by its due day."""
    cases = list(cases)
    held = [c for c in cases if _held_in(c, period)]
    mediations = [c for c in held if c.kind is MeetingKind.MEDIATION]
    in_time = 0
    for c in mediations:
        due = case_due(c, c.meeting_day or c.day_told, calendar).mediation_due
        in_time += due is not None and c.meeting_day is not None and c.meeting_day <= due
    issued = [c for c in cases if c.certificate_on is not None and period.holds(c.certificate_on)]
    certificates_in_time = 0
    for c in issued:
        due = case_due(c, c.day_told, calendar).certificate_due
        certificates_in_time += due is not None and c.certificate_on is not None and c.certificate_on <= due
    outcomes = [c for c in held if c.outcome is not None]
    agreed = sum(1 for c in outcomes if c.outcome is not None and c.outcome.agreed)
    funding = Counter(c.funding_kind for c in held
                      if c.kind is MeetingKind.DISAGREEMENT_RESOLUTION and c.funding_kind is not None)
    cost = sum((ch.amount for ch in charges if period.holds(ch.meeting.day)), Decimal(0)).quantize(PENNY)
    return Kpis(period, sum(1 for c in cases if period.holds(c.day_told)), len(held), len(mediations), in_time,
                len(issued), certificates_in_time, len(outcomes), agreed,
                {kind: funding[kind] for kind in FundingPartyKind if funding[kind]}, cost)
