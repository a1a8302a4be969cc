"""The demo's first contract year of the meeting register: the lead sets the meeting terms, and
the awarded supplier's provider records each case through the same use cases as on the web."""

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from tenderapp.access import actor_for
from tenderapp.domain.meeting_charges import ChargingRules
from tenderapp.domain.meetings import Attendance, CertificateKind, FundingPartyKind, MeetingKind, Outcome, Requester
from tenderapp.models import Contract, Tender, User
from tenderapp.services import meetings
from tenderapp.services.cost_shares import subscribers
from tenderapp.services.meetings import CaseInput

_OUTCOMES = (Outcome.AGREEMENT_FULL, Outcome.AGREEMENT_FULL, Outcome.AGREEMENT_PARTIAL, Outcome.NO_AGREEMENT)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _enum(kind, value):
    return kind(value) if value else None


def spread(organisation_id: int, prefix: str, count: int, year_start: date, seed: int) -> list[CaseInput]:
    """``count`` mediations for one authority spread over the contract year from ``year_start``:
    told on a weekday, met 12 to 26 days later, the certificate issued the next working day."""
    cases = []
    for n in range(count):
        told = year_start + timedelta(days=(n * 330 // count + 9 * seed) % 330 + 3)
        told += timedelta(days=(7 - told.weekday()) % 7 if told.weekday() > 4 else 0)
        meeting = told + timedelta(days=12 + (seed + 3 * n) % 15)
        certificate = meeting + timedelta(days=3 if meeting.weekday() == 4 else 1)
        cases.append(CaseInput(f"{prefix}-15-{n + 1:03d}", MeetingKind.MEDIATION, told,
                               organisation_id=organisation_id,
                               requester=Requester.YOUNG_PERSON if (seed + n) % 4 == 3 else Requester.PARENT,
                               meeting_day=meeting, attendance=Attendance.HELD,
                               outcome=_OUTCOMES[(seed + n) % len(_OUTCOMES)], certificate_on=certificate,
                               certificate_kind=CertificateKind.AFTER_MEDIATION))
    return cases


def _case(organisation_id: int, spec: dict) -> CaseInput:
    return CaseInput(spec["reference"], MeetingKind(spec["kind"]), date.fromisoformat(spec["day_told"]),
                     organisation_id=organisation_id, requester=Requester(spec["requester"]),
                     meeting_day=_day(spec.get("meeting_day")),
                     attendance=_enum(Attendance, spec.get("attendance")), cancelled_on=_day(spec.get("cancelled_on")),
                     funding_kind=_enum(FundingPartyKind, spec.get("funding_kind")),
                     funding_name=spec.get("funding_name"), funding_agreed_on=_day(spec.get("funding_agreed_on")),
                     outcome=_enum(Outcome, spec.get("outcome")), certificate_on=_day(spec.get("certificate_on")),
                     certificate_kind=_enum(CertificateKind, spec.get("certificate_kind")))


def load(session: Session, lead_actor, contract: Contract, tender: Tender, spec: dict, now: datetime) -> None:
    """Sets the meeting terms (``spec["meeting_terms"]``) and records the register's cases."""
    terms = spec["meeting_terms"]
    meetings.set_terms(session, lead_actor, contract, terms["mediation"], terms["dr"],
                       ChargingRules(late_cancellation_days=terms.get("late_cancellation_days", 2)), now)
    register = spec["register"]
    provider = actor_for(session, session.exec(select(User).where(User.email == register["provider"])).one(), "demo")
    ids = {o.name: o.id for o in subscribers(session, tender)}
    cases = [case for seed, row in enumerate(register["mediations"])
             for case in spread(ids[row["organisation"]], row["prefix"], row["count"],
                                date.fromisoformat(register["year_start"]), seed)]
    cases += [_case(ids[row["organisation"]], row) for row in spec.get("cases", [])]
    for case in sorted(cases, key=lambda c: (c.day_told, c.reference)):
        meetings.record_case(session, provider, contract, tender, case, now)
