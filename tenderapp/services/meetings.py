"""The provider's meeting register: recording and correcting cases, each checked against the
register's rules (``tenderapp.domain.meetings``) and audited; the contract's meeting terms; and
the register as the provider reads it, with each case's due dates and late flags."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from datetime import datetime
from enum import Enum

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tenderapp.access import Actor, cost_share_basis, get_lead_contract, meeting_terms, require_role
from tenderapp.domain.deadlines import Calendar
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.meeting_charges import ChargingRules
from tenderapp.domain.meetings import (
    Attendance,
    CaseDue,
    CaseFacts,
    CertificateKind,
    FundingPartyKind,
    MeetingKind,
    Outcome,
    Requester,
    case_due,
    check_case,
    clean_reference,
)
from tenderapp.domain.roles import Role
from tenderapp.domain.uk_time import uk_today
from tenderapp.models import Contract, MeetingCase, MeetingTerms, Tender
from tenderapp.services import audit
from tenderapp.services.cost_shares import rates, subscribers

DUPLICATE = "This authority already has a case with this reference: use the existing case, or a new reference"


@dataclass(frozen=True, kw_only=True)
class CaseInput(CaseFacts):
    """A case as the provider enters it: its facts, the member authority it is for and who asked."""

    organisation_id: int
    requester: Requester


_CASE_FIELDS = [f.name for f in fields(CaseInput)]


def _enum(kind, value):
    return kind(value) if value is not None else None


def facts_of(row: MeetingCase | CaseInput) -> CaseFacts:
    """A stored case (or a typed one) as the register's rules read it."""
    return CaseFacts(
        reference=row.reference, kind=MeetingKind(row.kind), day_told=row.day_told, meeting_day=row.meeting_day,
        attendance=_enum(Attendance, row.attendance), cancelled_on=row.cancelled_on,
        funding_kind=_enum(FundingPartyKind, row.funding_kind), funding_name=row.funding_name,
        funding_agreed_on=row.funding_agreed_on, outcome=_enum(Outcome, row.outcome),
        certificate_on=row.certificate_on, certificate_kind=_enum(CertificateKind, row.certificate_kind))


def _case_with_reference(session: Session, contract: Contract, organisation_id: int, reference: str) -> int | None:
    """The id of the authority's case on the contract with ``reference``, if it has one."""
    return session.exec(select(MeetingCase.id).where(
        MeetingCase.contract_id == contract.id, MeetingCase.organisation_id == organisation_id,
        MeetingCase.reference == reference)).first()


def _checked(session: Session, contract: Contract, tender: Tender, data: CaseInput, now: datetime,
             case_id: int | None) -> CaseInput:
    """``data`` tidied and checked. Raises RuleViolation on the field at fault."""
    if data.organisation_id not in {o.id for o in subscribers(session, tender)}:
        raise RuleViolation("Select the member authority the case is for", "organisation_id")
    reference = clean_reference(data.reference)
    tidy = replace(data, reference=reference, funding_name=(data.funding_name or "").strip() or None)
    check_case(facts_of(tidy), contract.start_date, contract.end_date, uk_today(now))
    clash = _case_with_reference(session, contract, tidy.organisation_id, reference)
    if clash is not None and clash != case_id:
        raise RuleViolation(DUPLICATE, "reference")
    return tidy


def _stored(value):
    return value.value if isinstance(value, Enum) else value


def _text(value) -> str | None:
    return None if value is None else str(_stored(value))


def _facts_text(row: MeetingCase | CaseInput) -> dict[str, str | None]:
    """Every fact of a case that its charges and indicators rest on, as text (for the audit log)."""
    return {name: _text(getattr(row, name)) for name in _CASE_FIELDS}


def _write(case: MeetingCase, data: CaseInput) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """Copies ``data`` onto ``case``; returns each field that changed with its value before and
    after (for the audit log), as text."""
    before, after = {}, {}
    for name in _CASE_FIELDS:
        value = _stored(getattr(data, name))
        if getattr(case, name) != value:
            before[name], after[name] = _text(getattr(case, name)), _text(value)
            setattr(case, name, value)
    return before, after


@contextmanager
def _one_reference_per_authority(session: Session) -> Iterator[None]:
    """Writes in the block that meet the database's unique reference (the same reference saved at
    the same moment by someone else, after ``_checked`` looked) are rolled back and refused with
    the duplicate-reference error on the field, whether at a flush or at the commit."""
    try:
        yield
    except IntegrityError:
        session.rollback()
        raise RuleViolation(DUPLICATE, "reference") from None


def record_case(session: Session, actor: Actor, contract: Contract, tender: Tender, data: CaseInput,
                now: datetime) -> MeetingCase:
    """Adds a case to the (scoped) contract's register. Raises RuleViolation for a case the
    register's rules refuse, an authority that is not a member, or a reference the authority
    already has."""
    require_role(actor, Role.PROVIDER)
    tidy = _checked(session, contract, tender, data, now, None)
    case = MeetingCase(contract_id=contract.id, organisation_id=tidy.organisation_id, reference=tidy.reference,
                       kind=tidy.kind.value, requester=tidy.requester.value, day_told=tidy.day_told,
                       recorded_by_user_id=actor.user_id, recorded_at=now, updated_by_user_id=actor.user_id,
                       updated_at=now)
    _write(case, tidy)
    session.add(case)
    with _one_reference_per_authority(session):
        session.flush()
        audit.record(session, actor, "meeting_case.recorded", "meeting_case", case.id, now,
                     {"contract_id": contract.id, **_facts_text(tidy)})
        session.commit()
    return case


def update_case(session: Session, actor: Actor, contract: Contract, tender: Tender, case: MeetingCase,
                data: CaseInput, now: datetime) -> MeetingCase:
    """Corrects or completes a case of the (scoped) contract's register, with the same checks as
    ``record_case``; the audit entry gives each field that changed with its value before and after."""
    require_role(actor, Role.PROVIDER)
    tidy = _checked(session, contract, tender, data, now, case.id)
    before, after = _write(case, tidy)
    if after:
        case.updated_by_user_id, case.updated_at = actor.user_id, now
        session.add(case)
        with _one_reference_per_authority(session):
            session.flush()
            audit.record(session, actor, "meeting_case.updated", "meeting_case", case.id, now,
                         {"contract_id": contract.id, "before": before, "after": after})
            session.commit()
    return case


@dataclass(frozen=True)
class RegisterRow:
    case: MeetingCase
    authority: str
    due: CaseDue


def register(session: Session, contract: Contract, tender: Tender, cases: list[MeetingCase], now: datetime,
             calendar: Calendar | None = None) -> list[RegisterRow]:
    """Each case with its authority's name and its due dates and late flags on today's UK date."""
    names = {o.id: o.name for o in subscribers(session, tender)}
    today = uk_today(now)
    return [RegisterRow(c, names.get(c.organisation_id, ""), case_due(facts_of(c), today, calendar)) for c in cases]


# --- the contract's meeting terms --------------------------------------------------------


@dataclass(frozen=True)
class Terms:
    mediation_code: str
    dr_code: str
    rules: ChargingRules


def terms_of(session: Session, contract: Contract) -> Terms | None:
    """The meeting terms the lead set; otherwise both kinds at the cost shares' pay-as-you-go
    line with the default charging rules; None when neither is set."""
    row = meeting_terms(session, contract)
    if row is not None:
        return Terms(row.mediation_code, row.dr_code, ChargingRules(
            row.charge_late_cancellation, row.late_cancellation_days, row.charge_non_attendance))
    basis = cost_share_basis(session, contract)
    return Terms(basis.payg_code, basis.payg_code, ChargingRules()) if basis else None


def set_terms(session: Session, actor: Actor, contract: Contract, mediation_code: str, dr_code: str,
              rules: ChargingRules, now: datetime) -> MeetingTerms:
    """Sets which of the (scoped) contract's price lines is each kind of meeting's rate, and its
    charging rules. Raises Forbidden for anyone but a procurement admin, NotFound for an admin
    of an organisation that does not lead the contract's collaboration, and RuleViolation for a
    line that is not the contract's."""
    require_role(actor, Role.PROCUREMENT_ADMIN)
    get_lead_contract(session, actor, contract.id)  # the lead's admins only, whoever the caller
    known = rates(session, contract)
    if mediation_code not in known:
        raise RuleViolation("Select the contract's price line for a mediation meeting", "mediation_code")
    if dr_code not in known:
        raise RuleViolation("Select the contract's price line for a disagreement-resolution meeting", "dr_code")
    row = meeting_terms(session, contract)
    row = row or MeetingTerms(contract_id=contract.id, mediation_code="", dr_code="",
                              updated_by_user_id=actor.user_id, updated_at=now)
    row.mediation_code, row.dr_code = mediation_code, dr_code
    row.charge_late_cancellation, row.late_cancellation_days = rules.charge_late_cancellation, \
        rules.late_cancellation_days
    row.charge_non_attendance = rules.charge_non_attendance
    row.updated_by_user_id, row.updated_at = actor.user_id, now
    session.add(row)
    audit.record(session, actor, "contract.meeting_terms_set", "contract", contract.id, now,
                 {"mediation": mediation_code, "dr": dr_code, "late_cancellation": rules.charge_late_cancellation,
                  "late_cancellation_days": rules.late_cancellation_days,
                  "non_attendance": rules.charge_non_attendance})
    session.commit()
    return row
