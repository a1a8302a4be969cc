"""Statements from the meeting register: each authority's core subscription, included meetings
used and left, pay-as-you-go meetings and cost for a month, a quarter or a contract year, with
the actual against the cost-share projection and the saving against the previous contract; and
what each funding party pays for its disagreement-resolution meetings."""

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from tenderapp.access import contract_cases, cost_share_basis
from tenderapp.domain import meeting_charges as charging
from tenderapp.domain.labels import LabelledEnum
from tenderapp.domain.meetings import Attendance, FundingPartyKind, MeetingKind
from tenderapp.domain.money import from_pence
from tenderapp.exports.meeting_statement import ChargedMeeting, StatementSheet
from tenderapp.models import Contract, MeetingCase, Organisation, Tender
from tenderapp.services import cost_shares
from tenderapp.services.meetings import terms_of


class PeriodKind(LabelledEnum):
    YEAR = "year", "Contract year"
    QUARTER = "quarter", "Quarter"
    MONTH = "month", "Month"


def periods(contract: Contract, kind: PeriodKind) -> list[charging.Period]:
    """The contract's periods of ``kind`` from its start to its (extended) end."""
    split = {PeriodKind.YEAR: charging.year_periods, PeriodKind.QUARTER: charging.quarters,
             PeriodKind.MONTH: charging.months}[kind]
    return split(contract.start_date, contract.end_date)


@dataclass(frozen=True)
class Charged:
    """The contract's charges, worked out once, with what each needs to be stated."""

    charges: list[charging.Charge]
    core_by_year: list[Decimal]
    included_meetings: int
    rates: dict[MeetingKind, Decimal]


def _meeting(case: MeetingCase) -> charging.Meeting | None:
    if case.meeting_day is None:
        return None
    return charging.Meeting(
        key=case.reference, authority=str(case.organisation_id), kind=MeetingKind(case.kind), day=case.meeting_day,
        attendance=Attendance(case.attendance) if case.attendance else None, cancelled_on=case.cancelled_on,
        funding_kind=FundingPartyKind(case.funding_kind) if case.funding_kind else None,
        funding_name=case.funding_name)


def charged(session: Session, contract: Contract) -> Charged | None:
    """Every chargeable meeting of the (scoped) contract, in meeting-day order; None until the
    lead has set the cost shares' basis (the core subscription lines and the included meetings)."""
    basis, terms = cost_share_basis(session, contract), terms_of(session, contract)
    if basis is None or terms is None:
        return None
    prices = cost_shares.rates(session, contract)
    rates = {MeetingKind.MEDIATION: prices[terms.mediation_code],
             MeetingKind.DISAGREEMENT_RESOLUTION: prices[terms.dr_code]}
    years = len(charging.year_periods(contract.start_date, contract.end_date))
    core = cost_shares.core_prices(basis, prices, years)
    meetings = [m for m in map(_meeting, contract_cases(session, contract)) if m is not None]
    return Charged(charging.charges(meetings, rates, basis.included_meetings, terms.rules), core,
                   basis.included_meetings, rates)


def _year_number(contract: Contract, period: charging.Period) -> int | None:
    for number, year in enumerate(charging.year_periods(contract.start_date, contract.end_date), start=1):
        if (year.start, year.end) == (period.start, period.end):
            return number
    return None


def statement(session: Session, contract: Contract, tender: Tender, organisation: Organisation,
              period: charging.Period, worked: Charged) -> charging.Statement:
    """``organisation``'s statement for ``period``: for a contract year of the initial term it is
    set against the authority's cost-share projection and its previous contract's cost."""
    share = next(iter(cost_shares.shares(session, contract, tender, cost_share_basis(session, contract),
                                         only=organisation.id)), None)
    previous = None
    if share is not None and share.baseline is not None and share.baseline.previous_annual_cost_pence is not None:
        previous = from_pence(share.baseline.previous_annual_cost_pence)
    number = _year_number(contract, period)
    projected = None
    if number is not None and share is not None and share.projection is not None \
            and number <= len(share.projection.years):
        projected = share.projection.years[number - 1].total
    terms = charging.Terms(contract.start_date, worked.core_by_year, worked.included_meetings, previous)
    return charging.statement(str(organisation.id), period, worked.charges, terms, projected)


def funding_statements(worked: Charged, period: charging.Period,
                       organisation: Organisation | None = None) -> list[charging.FundingStatement]:
    """Each funding party's meetings and cost in ``period`` (only for ``organisation``'s cases when given)."""
    charges = worked.charges if organisation is None else [
        c for c in worked.charges if c.meeting.authority == str(organisation.id)]
    return charging.funding_party_statements(charges, period)


def charges_in(worked: Charged, organisation: Organisation, period: charging.Period) -> list[charging.Charge]:
    """The meetings ``organisation`` pays for (included or PAYG) in ``period``, by meeting day."""
    return [c for c in worked.charges if c.meeting.authority == str(organisation.id)
            and not c.meeting.funding_party_pays and period.holds(c.meeting.day)]


def chosen_period(contract: Contract, kind_text: str | None, number_text: str | None) -> tuple[
        PeriodKind, list[charging.Period], charging.Period]:
    """The period a statement's address asks for (``?period=quarter&number=3``): contract year 1
    when either part is missing or is not one of the contract's periods."""
    kind = PeriodKind(kind_text) if kind_text in {k.value for k in PeriodKind} else PeriodKind.YEAR
    choices = periods(contract, kind)
    text = (number_text or "").strip()
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 4 else 1
    return kind, choices, choices[number - 1] if 1 <= number <= len(choices) else choices[0]


def sheet(tender: Tender, organisation: Organisation, statement_: charging.Statement,
          charged_meetings: list[charging.Charge]) -> StatementSheet:
    """What the statement workbook shows, for a caller that loaded the contract through access."""
    return StatementSheet(
        f"{tender.reference}: {tender.title}", organisation.name, statement_,
        [ChargedMeeting(c.meeting.key, c.meeting.kind.label, c.meeting.day, c.included, c.amount)
         for c in charged_meetings])
