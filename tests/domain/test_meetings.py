"""The rules a recorded case must keep: each bad record is refused with a message on its field."""

from dataclasses import replace
from datetime import date

import pytest

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.meetings import (
    Attendance,
    CaseFacts,
    CertificateKind,
    FundingPartyKind,
    MeetingKind,
    Outcome,
    case_due,
    check_case,
    clean_reference,
)

START, END, TODAY = date(2015, 4, 1), date(2018, 3, 31), date(2016, 1, 10)
MEDIATION = CaseFacts("MED-1", MeetingKind.MEDIATION, day_told=date(2015, 5, 1), meeting_day=date(2015, 5, 20),
                      attendance=Attendance.HELD, outcome=Outcome.AGREEMENT_FULL,
                      certificate_on=date(2015, 5, 21), certificate_kind=CertificateKind.AFTER_MEDIATION)
DR = CaseFacts("DR-1", MeetingKind.DISAGREEMENT_RESOLUTION, day_told=date(2015, 6, 1),
               meeting_day=date(2015, 6, 20), attendance=Attendance.HELD, funding_kind=FundingPartyKind.SCHOOL,
               funding_name="Oakwood Primary School", funding_agreed_on=date(2015, 6, 10),
               outcome=Outcome.AGREEMENT_PARTIAL)


def refused(facts: CaseFacts) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        check_case(facts, START, END, TODAY)
    return caught.value


def test_well_formed_cases_pass():
    check_case(MEDIATION, START, END, TODAY)
    check_case(DR, START, END, TODAY)
    # a referral only; a meeting booked for later; a deemed certificate once the 30 days are over
    check_case(CaseFacts("MED-2", MeetingKind.MEDIATION, date(2016, 1, 4)), START, END, TODAY)
    check_case(CaseFacts("MED-3", MeetingKind.MEDIATION, date(2016, 1, 4), meeting_day=date(2016, 1, 30)),
               START, END, TODAY)
    check_case(CaseFacts("MED-4", MeetingKind.MEDIATION, date(2015, 7, 1), certificate_on=date(2015, 8, 3),
                         certificate_kind=CertificateKind.DEEMED), START, END, TODAY)


@pytest.mark.parametrize("change,field,words", [
    ({"meeting_day": date(2015, 4, 30)}, "meeting_day", "cannot be before the authority was told"),
    ({"certificate_on": date(2015, 5, 19)}, "certificate_on", "cannot be issued before the meeting"),
    ({"day_told": date(2015, 3, 31)}, "day_told", "within the contract's period"),
    ({"meeting_day": date(2018, 4, 3)}, "meeting_day", "within the contract's period"),
    ({"day_told": date(2016, 1, 11), "meeting_day": None, "attendance": None, "outcome": None,
      "certificate_on": None, "certificate_kind": None}, "day_told", "cannot be in the future"),
    ({"attendance": Attendance.HELD, "meeting_day": date(2016, 1, 20), "certificate_on": None,
      "certificate_kind": None}, "attendance", "before its day"),
    ({"certificate_kind": None}, "certificate_kind", "Select the kind of certificate"),
    ({"funding_kind": FundingPartyKind.SCHOOL, "funding_name": "A school"}, "funding_kind",
     "Only a disagreement-resolution meeting"),
    ({"attendance": Attendance.CANCELLED, "outcome": None, "certificate_on": None, "certificate_kind": None},
     "cancelled_on", "Enter the day the meeting was cancelled"),
])
def test_bad_mediation_records_are_refused_on_their_field(change, field, words):
    error = refused(replace(MEDIATION, **change))
    assert error.field == field and words in error.message


@pytest.mark.parametrize("change,field,words", [
    ({"funding_agreed_on": None}, "funding_agreed_on", "cannot be held without the funding party's agreement"),
    ({"funding_kind": None, "funding_name": None, "funding_agreed_on": None}, "funding_kind",
     "cannot be held without"),
    ({"attendance": Attendance.NOT_ATTENDED, "outcome": None, "funding_agreed_on": None}, "funding_agreed_on",
     "cannot be held without the funding party's agreement"),
    # a late cancellation is charged too, so it needs a funding party to charge
    ({"attendance": Attendance.CANCELLED, "cancelled_on": date(2015, 6, 19), "outcome": None, "funding_kind": None,
      "funding_name": None, "funding_agreed_on": None}, "funding_kind", "cancelled disagreement-resolution meeting"),
    ({"attendance": Attendance.CANCELLED, "cancelled_on": date(2015, 6, 19), "outcome": None,
      "funding_agreed_on": None}, "funding_agreed_on", "enter the funding party and the day it agreed to fund"),
    ({"funding_agreed_on": date(2015, 6, 21)}, "funding_agreed_on", "must agree to fund before the meeting"),
    ({"funding_name": "  "}, "funding_name", "Enter the name of the funding party"),
    ({"funding_name": "Oak\u202ewood"}, "funding_name", "on one line"),
    ({"certificate_on": date(2015, 6, 21), "certificate_kind": CertificateKind.AFTER_MEDIATION},
     "certificate_kind", "mediation cases only"),
])
def test_bad_disagreement_resolution_records_are_refused(change, field, words):
    error = refused(replace(DR, **change))
    assert error.field == field and words in error.message


def test_a_disagreement_resolution_meeting_may_be_booked_before_funding_is_agreed():
    check_case(replace(DR, attendance=None, outcome=None, funding_agreed_on=None), START, END, TODAY)


def test_a_deemed_certificate_waits_for_the_30_days():
    error = refused(CaseFacts("MED-5", MeetingKind.MEDIATION, date(2015, 7, 1), certificate_on=date(2015, 7, 20),
                              certificate_kind=CertificateKind.DEEMED))
    assert error.field == "certificate_on" and "31 July 2015 or later" in error.message


@pytest.mark.parametrize("typed,kept", [(" med-2015-014 ", "MED-2015-014"), ("KCC/15/7", "KCC/15/7")])
def test_case_references_are_tidied(typed, kept):
    assert clean_reference(typed) == kept


@pytest.mark.parametrize("typed,words", [
    ("", "Enter the case reference"),
    ("JOHN SMITH", "no names"),
    ("Jane Doe 2015", "no names"),
    ("MED-٣", "no names"),
    ("M" * 41 + "1", "40 characters or fewer"),
])
def test_names_and_odd_references_are_refused(typed, words):
    with pytest.raises(RuleViolation) as caught:
        clean_reference(typed)
    assert caught.value.field == "reference" and words in caught.value.message


NO_HOLIDAYS = lambda day: False  # noqa: E731


def test_due_dates_and_late_flags_of_a_mediation_case():
    told = CaseFacts("MED-9", MeetingKind.MEDIATION, day_told=date(2015, 6, 1))
    # told Mon 1 June: mediation due Wed 1 July; the certificate (deemed) 3 working days on: Mon 6 July
    due = case_due(told, today=date(2015, 6, 10), calendar=NO_HOLIDAYS)
    assert (due.mediation_due, due.certificate_due) == (date(2015, 7, 1), date(2015, 7, 6))
    assert not due.mediation_late and not due.due_soon
    assert case_due(told, today=date(2015, 6, 28), calendar=NO_HOLIDAYS).due_soon
    assert case_due(told, today=date(2015, 7, 2), calendar=NO_HOLIDAYS).mediation_late
    # held on time, certificate issued the 4th working day after (Fri 19 June → Thu 25 June): late
    held = replace(told, meeting_day=date(2015, 6, 19), attendance=Attendance.HELD,
                   outcome=Outcome.AGREEMENT_FULL, certificate_on=date(2015, 6, 25),
                   certificate_kind=CertificateKind.AFTER_MEDIATION)
    due = case_due(held, today=date(2015, 8, 1), calendar=NO_HOLIDAYS)
    assert due.certificate_due == date(2015, 6, 24) and due.certificate_late and not due.mediation_late


def test_declined_and_disagreement_resolution_cases_owe_no_mediation():
    declined = CaseFacts("MED-10", MeetingKind.MEDIATION, day_told=date(2015, 6, 1), certificate_on=date(2015, 6, 2),
                         certificate_kind=CertificateKind.DECLINED)
    due = case_due(declined, today=date(2015, 9, 1), calendar=NO_HOLIDAYS)
    assert due.mediation_due is None and not due.mediation_late
    assert due.certificate_due == date(2015, 6, 4) and not due.certificate_late
    assert case_due(DR, today=date(2016, 1, 1)) == case_due(DR, today=date(2015, 1, 1))
    assert case_due(DR, today=date(2016, 1, 1)).mediation_due is None
