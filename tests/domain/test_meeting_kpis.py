"""The service's indicators for a period, counted by hand."""

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from tenderapp.domain.meeting_charges import Meeting, Period, charges
from tenderapp.domain.meeting_kpis import kpis, share
from tenderapp.domain.meetings import (
    Attendance,
    CaseFacts,
    CertificateKind,
    FundingPartyKind,
    MeetingKind,
    Outcome,
)

YEAR = Period(date(2015, 4, 1), date(2016, 3, 31), "Contract year 1")
NO_HOLIDAYS = lambda day: False  # noqa: E731
ON_TIME = CaseFacts("M-1", MeetingKind.MEDIATION, date(2015, 6, 1), date(2015, 6, 20), Attendance.HELD,
                    outcome=Outcome.AGREEMENT_FULL, certificate_on=date(2015, 6, 22),
                    certificate_kind=CertificateKind.AFTER_MEDIATION)


def test_indicators_count_by_hand():
    late = replace(ON_TIME, reference="M-2", meeting_day=date(2015, 7, 6), outcome=Outcome.NO_AGREEMENT,
                   certificate_on=date(2015, 7, 10))  # due 1 July; certificate due Thu 9 July: both late
    dr = CaseFacts("D-1", MeetingKind.DISAGREEMENT_RESOLUTION, date(2015, 9, 1), date(2015, 9, 20), Attendance.HELD,
                   funding_kind=FundingPartyKind.SCHOOL, funding_name="Oak School", funding_agreed_on=date(2015, 9, 5),
                   outcome=Outcome.AGREEMENT_PARTIAL)
    waiting = CaseFacts("M-3", MeetingKind.MEDIATION, date(2016, 3, 20))
    next_year = replace(ON_TIME, reference="M-4", day_told=date(2016, 4, 2), meeting_day=date(2016, 4, 20),
                        certificate_on=date(2016, 4, 21))
    cases = [ON_TIME, late, dr, waiting, next_year]
    meetings = [Meeting(c.reference, "Kent", c.kind, c.meeting_day, c.attendance, funding_kind=c.funding_kind,
                        funding_name=c.funding_name) for c in cases if c.meeting_day]
    result = kpis(cases, charges(meetings, {MeetingKind.MEDIATION: D(1000), MeetingKind.DISAGREEMENT_RESOLUTION:
                                            D(950)}, 1), YEAR, NO_HOLIDAYS)
    assert (result.referrals, result.meetings_held, result.mediations_held) == (4, 3, 2)
    assert (result.mediations_in_time, result.mediations_in_time_share) == (1, D("50.0"))
    assert (result.certificates, result.certificates_in_time_share) == (2, D("50.0"))
    assert result.agreement_rate == D("66.7")  # 2 of 3: full, partial; not the one without agreement
    assert result.dr_by_funding == {FundingPartyKind.SCHOOL: 1}
    assert result.cost == D("1950.00")  # M-1 included; M-2 at £1,000; D-1 at £950 to the school


def test_nothing_counted_is_no_share():
    result = kpis([], [], YEAR)
    assert result.mediations_in_time_share is None and result.agreement_rate is None and result.cost == D("0.00")


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 500), st.integers(1, 500))
def test_shares_are_percentages_between_0_and_100(part, whole):
    part = min(part, whole)
    value = share(part, whole)
    assert D(0) <= value <= D(100) and value == value.quantize(D("0.1"))
    assert abs(value - D(part) * 100 / D(whole)) <= D("0.05")
