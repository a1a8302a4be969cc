"""The meeting register's vocabulary and the rules a recorded case must keep.

A case is one referral for one member authority: the day the authority was told, perhaps a
meeting, an outcome and a mediation certificate. Case references carry no names of children or
parents (data minimisation). Disagreement-resolution meetings are funded by the party the
family disagrees with, whose agreement to fund must be held before the meeting is held (and for any
meeting that may be charged: held, not attended or cancelled).
"""

from dataclasses import dataclass
from datetime import date

from tenderapp.domain.deadlines import Calendar
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.labels import LabelledEnum
from tenderapp.domain.send_timescales import certificate_due, days_left, is_late, mediation_due
from tenderapp.domain.text import check_single_line, has_other_digits


class MeetingKind(LabelledEnum):
    MEDIATION = "mediation", "Mediation"
    DISAGREEMENT_RESOLUTION = "disagreement_resolution", "Disagreement resolution"


class Requester(LabelledEnum):
    PARENT = "parent", "Parent"
    YOUNG_PERSON = "young_person", "Young person"


class FundingPartyKind(LabelledEnum):
    SCHOOL = "school", "School"
    COLLEGE = "college", "College"
    EARLY_YEARS = "early_years", "Early years provider"
    LA_EDUCATION = "la_education", "Local authority education services"
    LA_CHILDRENS = "la_childrens", "Local authority children's services"
    LA_ADULT = "la_adult", "Local authority adult services"
    HEALTH_BODY = "health_body", "Health body"

    @property
    def is_the_authority(self) -> bool:
        """The authority's own education, children's or adult services: the authority pays."""
        return self in (FundingPartyKind.LA_EDUCATION, FundingPartyKind.LA_CHILDRENS, FundingPartyKind.LA_ADULT)


class Outcome(LabelledEnum):
    AGREEMENT_FULL = "agreement_full", "Agreement reached in full"
    AGREEMENT_PARTIAL = "agreement_partial", "Agreement reached in part"
    NO_AGREEMENT = "no_agreement", "No agreement"
    WITHDRAWN = "withdrawn", "Withdrawn"

    @property
    def agreed(self) -> bool:
        return self in (Outcome.AGREEMENT_FULL, Outcome.AGREEMENT_PARTIAL)


class CertificateKind(LabelledEnum):
    AFTER_MEDIATION = "after_mediation", "After mediation"
    DECLINED = "declined", "Mediation declined"
    DEEMED = "deemed", "Deemed: no mediation within 30 days"


class Attendance(LabelledEnum):
    """What happened to a booked meeting; the contract's charging rules say which are paid for."""

    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    NOT_ATTENDED = "not_attended", "Booked, not attended"


CASE_REFERENCE_MAX = 40
FUNDING_NAME_MAX = 200
DATA_MINIMISATION_HINT = ("Use your own case number, like MED-2015-014. Do not enter the name of a child, young "
                          "person or parent: the register holds no names (data minimisation).")


@dataclass(frozen=True)
class CaseFacts:
    """What a case record says, as values, for the rules to check."""

    reference: str
    kind: MeetingKind
    day_told: date
    meeting_day: date | None = None
    attendance: Attendance | None = None
    cancelled_on: date | None = None
    funding_kind: FundingPartyKind | None = None
    funding_name: str | None = None
    funding_agreed_on: date | None = None
    outcome: Outcome | None = None
    certificate_on: date | None = None
    certificate_kind: CertificateKind | None = None


def clean_reference(text: str | None) -> str:
    """A case reference, trimmed and upper-cased. Raises RuleViolation (on ``reference``) when it is
    empty, too long, or holds anything but letters A to Z, digits 0 to 9, hyphens, slashes and dots."""
    reference = (text or "").strip().upper()
    if not reference:
        raise RuleViolation("Enter the case reference", "reference")
    if len(reference) > CASE_REFERENCE_MAX:
        raise RuleViolation(f"Case reference must be {CASE_REFERENCE_MAX} characters or fewer", "reference")
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/.")
    if has_other_digits(reference) or not set(reference) <= allowed or not any(c.isdigit() for c in reference):
        raise RuleViolation("Case reference must be a case number made of letters, the digits 0 to 9, hyphens, "
                            "slashes or dots, like MED-2015-014, with no names", "reference")
    return reference


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_case(facts: CaseFacts, contract_start: date, contract_end: date, today: date) -> None:
    """Raises RuleViolation, on the field at fault, for a case that cannot be true: a day outside
    the contract's period or in the future, a meeting before the referral, a certificate before
    the meeting, a disagreement-resolution meeting without its funding agreement, or an outcome
    or certificate that does not fit what happened."""
    _check_days_in_period(facts, contract_start, contract_end, today)
    _check_meeting(facts, today)
    _check_funding(facts)
    _check_certificate(facts)


def _check_days_in_period(facts: CaseFacts, start: date, end: date, today: date) -> None:
    for field, label, day in (("day_told", "The day the authority was told", facts.day_told),
                              ("meeting_day", "The meeting day", facts.meeting_day),
                              ("cancelled_on", "The day the meeting was cancelled", facts.cancelled_on),
                              ("funding_agreed_on", "The day the funding party agreed", facts.funding_agreed_on),
                              ("certificate_on", "The certificate day", facts.certificate_on)):
        if day is None:
            continue
        if not start <= day <= end:
            raise RuleViolation(f"{label} must be within the contract's period, {_day(start)} to {_day(end)}",
                                field)
        if day > today and field != "meeting_day":
            raise RuleViolation(f"{label} cannot be in the future", field)


def _check_meeting(facts: CaseFacts, today: date) -> None:
    if facts.meeting_day is None:
        if facts.attendance is not None or facts.outcome not in (None, Outcome.WITHDRAWN):
            raise RuleViolation("Enter the meeting day", "meeting_day")
        return
    if facts.meeting_day < facts.day_told:
        raise RuleViolation(f"The meeting day cannot be before the authority was told, on {_day(facts.day_told)}",
                            "meeting_day")
    if facts.attendance in (Attendance.HELD, Attendance.NOT_ATTENDED) and facts.meeting_day > today:
        raise RuleViolation("A meeting cannot be marked held or not attended before its day", "attendance")
    if facts.attendance is Attendance.CANCELLED:
        if facts.cancelled_on is None:
            raise RuleViolation("Enter the day the meeting was cancelled", "cancelled_on")
        if facts.cancelled_on > facts.meeting_day:
            raise RuleViolation("The meeting cannot be cancelled after its day", "cancelled_on")
    elif facts.cancelled_on is not None:
        raise RuleViolation("Only a cancelled meeting has a cancellation day", "cancelled_on")
    if facts.outcome is not None and facts.outcome is not Outcome.WITHDRAWN and facts.attendance is not Attendance.HELD:
        raise RuleViolation("Only a meeting that was held has an agreement outcome", "outcome")


def _check_funding(facts: CaseFacts) -> None:
    if facts.kind is MeetingKind.MEDIATION:
        if facts.funding_kind is not None or facts.funding_name or facts.funding_agreed_on is not None:
            raise RuleViolation("Only a disagreement-resolution meeting has a funding party", "funding_kind")
        return
    if facts.funding_kind is None and (facts.funding_name or facts.funding_agreed_on):
        raise RuleViolation("Select the kind of funding party", "funding_kind")
    if facts.funding_kind is not None:
        check_single_line(facts.funding_name or "", "funding_name", "Funding party name",
                          "Enter the name of the funding party", FUNDING_NAME_MAX)
    if facts.attendance is not None:
        _check_funded(facts)
        if facts.meeting_day is not None and facts.funding_agreed_on is not None \
                and facts.funding_agreed_on > facts.meeting_day:
            raise RuleViolation("The funding party must agree to fund before the meeting, on "
                                f"{_day(facts.meeting_day)} or earlier", "funding_agreed_on")


def _check_funded(facts: CaseFacts) -> None:
    """A disagreement-resolution meeting that was held, not attended or cancelled can be charged
    (by the contract's charging rules, a late cancellation too), and it is charged to its funding
    party: so each needs the funding party and the day it agreed to fund (the error beside the
    first of them missing). Without this, an unfunded one would be billed to the authority."""
    if facts.funding_kind is not None and facts.funding_agreed_on is not None:
        return
    if facts.attendance is Attendance.CANCELLED:
        message = ("A cancelled disagreement-resolution meeting can still be charged to its funding party: "
                   "enter the funding party and the day it agreed to fund")
    else:
        message = ("A disagreement-resolution meeting cannot be held without the funding party's agreement: "
                   "enter the funding party and the day it agreed to fund")
    raise RuleViolation(message, "funding_kind" if facts.funding_kind is None else "funding_agreed_on")


def _check_certificate(facts: CaseFacts) -> None:
    if facts.certificate_on is None:
        if facts.certificate_kind is not None:
            raise RuleViolation("Enter the day the certificate was issued", "certificate_on")
        return
    if facts.certificate_kind is None:
        raise RuleViolation("Select the kind of certificate", "certificate_kind")
    if facts.kind is MeetingKind.DISAGREEMENT_RESOLUTION:
        raise RuleViolation("Mediation certificates are issued for mediation cases only", "certificate_kind")
    if facts.certificate_on < facts.day_told:
        raise RuleViolation(f"The certificate day cannot be before the authority was told, on {_day(facts.day_told)}",
                            "certificate_on")
    if facts.certificate_kind is CertificateKind.AFTER_MEDIATION:
        if facts.meeting_day is None or facts.attendance is not Attendance.HELD:
            raise RuleViolation("A certificate after mediation needs a meeting that was held", "certificate_kind")
        if facts.certificate_on < facts.meeting_day:
            raise RuleViolation(f"The certificate cannot be issued before the meeting, on {_day(facts.meeting_day)}",
                                "certificate_on")
    if facts.certificate_kind is CertificateKind.DEEMED and facts.certificate_on < mediation_due(facts.day_told):
        raise RuleViolation("A deemed certificate is issued once the 30 days have ended, on "
                            f"{_day(mediation_due(facts.day_told))} or later", "certificate_on")


@dataclass(frozen=True)
class CaseDue:
    """A case's statutory due dates, and whether each is late or due soon, on ``today``."""

    mediation_due: date | None  # mediation cases still to be, or that were, mediated
    mediation_late: bool
    certificate_due: date | None
    certificate_late: bool
    due_soon: bool  # a step not yet done falls due within ``SOON_DAYS``


SOON_DAYS = 5


def _certificate_from(facts: CaseFacts) -> date | None:
    """The day a certificate's 3 working days run from, when one is due."""
    if facts.kind is not MeetingKind.MEDIATION or facts.outcome is Outcome.WITHDRAWN:
        return None
    if facts.certificate_kind is CertificateKind.DECLINED:
        return facts.day_told
    if facts.attendance is Attendance.HELD and facts.meeting_day is not None:
        return facts.meeting_day
    return mediation_due(facts.day_told)  # deemed once the 30 days end with no mediation


def case_due(facts: CaseFacts, today: date, calendar: Calendar | None = None) -> CaseDue:
    """The case's due dates (``mediation_due``, ``certificate_due``) and its late flags: a mediation
    held after its due day, or still not held after it; a certificate issued after its due day,
    or still not issued after it. A withdrawn or declined case owes no mediation."""
    if facts.kind is not MeetingKind.MEDIATION:
        return CaseDue(None, False, None, False, False)
    owes_mediation = facts.outcome is not Outcome.WITHDRAWN and facts.certificate_kind is not CertificateKind.DECLINED
    meeting_due = mediation_due(facts.day_told) if owes_mediation else None
    held_on = facts.meeting_day if facts.attendance is Attendance.HELD else None
    mediation_late = meeting_due is not None and is_late(meeting_due, held_on, today)
    start = _certificate_from(facts)
    cert_due = certificate_due(start, calendar) if start is not None else None
    cert_late = cert_due is not None and is_late(cert_due, facts.certificate_on, today)
    pending = [d for d, done in ((meeting_due, held_on), (cert_due, facts.certificate_on))
               if d is not None and done is None]
    soon = any(0 <= days_left(d, today) <= SOON_DAYS for d in pending)
    return CaseDue(meeting_due, mediation_late, cert_due, cert_late, soon)
