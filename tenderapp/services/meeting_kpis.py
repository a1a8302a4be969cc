"""The meeting register's indicators for a period (per member authority and for the group) and
the monitoring report the lead gives the Department for Education."""

from dataclasses import dataclass

from sqlmodel import Session

from tenderapp.access import contract_cases
from tenderapp.domain import meeting_charges as charging
from tenderapp.domain.meeting_kpis import Kpis, kpis
from tenderapp.domain.meetings import FundingPartyKind
from tenderapp.exports.monitoring_report import MonitoringRow, MonitoringSheet
from tenderapp.models import Contract, MeetingCase, Organisation, Tender
from tenderapp.services.cost_shares import subscribers
from tenderapp.services.meeting_statements import charged
from tenderapp.services.meetings import facts_of


@dataclass(frozen=True)
class AuthorityKpis:
    organisation: Organisation
    kpis: Kpis


def _for(cases: list[MeetingCase], all_charges: list[charging.Charge], period: charging.Period,
         organisation_id: int | None) -> Kpis:
    own = [c for c in cases if organisation_id is None or c.organisation_id == organisation_id]
    own_charges = [ch for ch in all_charges if organisation_id is None or ch.meeting.authority == str(organisation_id)]
    return kpis([facts_of(c) for c in own], own_charges, period)


def _charges(session: Session, contract: Contract) -> list[charging.Charge]:
    worked = charged(session, contract)
    return worked.charges if worked is not None else []


def own_kpis(session: Session, contract: Contract, organisation: Organisation, period: charging.Period) -> Kpis:
    """One authority's indicators (its own cases only) on the (scoped) contract."""
    return _for(list(contract_cases(session, contract, organisation.id)), _charges(session, contract), period,
                organisation.id)


def group_kpis(session: Session, contract: Contract, tender: Tender,
               period: charging.Period) -> tuple[Kpis, list[AuthorityKpis]]:
    """The group's indicators and each member authority's, for the lead (the contract scoped)."""
    cases, all_charges = contract_cases(session, contract), _charges(session, contract)
    rows = [AuthorityKpis(o, _for(cases, all_charges, period, o.id)) for o in subscribers(session, tender)]
    return _for(cases, all_charges, period, None), rows


def _row(name: str, k: Kpis) -> MonitoringRow:
    return MonitoringRow(name, k.referrals, k.meetings_held, k.mediations_held, k.mediations_in_time_share,
                         k.certificates, k.certificates_in_time_share, k.agreement_rate,
                         {kind.label: k.dr_by_funding.get(kind, 0) for kind in FundingPartyKind}, k.cost)


def monitoring_sheet(tender: Tender, period: charging.Period, group: Kpis,
                     rows: list[AuthorityKpis]) -> MonitoringSheet:
    """The DfE monitoring report's input: a row per authority and one for the group."""
    return MonitoringSheet(f"{tender.reference}: {tender.title}",
                           f"{period.label}: {period.start:%d/%m/%Y} to {period.end:%d/%m/%Y}",
                           [_row(r.organisation.name, r.kpis) for r in rows], _row("The group", group))
