"""Included meetings first, then pay as you go; funding parties pay for their meetings; Kent's
year-1 statement reconciles with the seed paper, worked from the demo scenario's own figures."""

import tomllib
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenderapp.domain.cost_shares import core_by_year, projection
from tenderapp.domain.meeting_charges import (
    ChargingRules,
    Meeting,
    Period,
    Terms,
    charges,
    funding_party_statements,
    months,
    quarters,
    statement,
    year_periods,
)
from tenderapp.domain.meetings import Attendance, FundingPartyKind, MeetingKind

MED, DR = MeetingKind.MEDIATION, MeetingKind.DISAGREEMENT_RESOLUTION
RATES = {MED: D("1000"), DR: D("950")}
START = date(2015, 4, 1)
SEED = Path(__file__).resolve().parents[2] / "tenderapp" / "demo" / "seg.toml"


def held(key, authority, day, kind=MED, **funding):
    return Meeting(key, authority, kind, day, Attendance.HELD, **funding)


def test_included_meetings_are_used_first_over_the_whole_contract():
    # 3 meetings in year 1, 4 in year 2 and 1 in an extension year: the 5 included go on the first 5
    meetings = [held(f"K{n}", "Kent", START + timedelta(days=30 * n)) for n in range(3)]
    meetings += [held(f"K{n}", "Kent", date(2016, 5, 1) + timedelta(days=30 * n)) for n in range(3, 7)]
    meetings.append(held("K7", "Kent", date(2018, 6, 1)))
    result = charges(meetings, RATES, 5)
    assert [c.included for c in result] == [True] * 5 + [False] * 3
    assert [c.amount for c in result] == [D("0.00")] * 5 + [D("1000.00")] * 3


def test_each_authority_has_its_own_included_meetings():
    meetings = [held(f"{a}{n}", a, START + timedelta(days=n)) for a in ("Kent", "Medway") for n in range(6)]
    result = charges(meetings, RATES, 5)
    for authority in ("Kent", "Medway"):
        assert [c.included for c in result if c.meeting.authority == authority] == [True] * 5 + [False]


def test_disagreement_resolution_is_charged_to_its_funding_party():
    school = held("D1", "Kent", date(2015, 5, 1), DR, funding_kind=FundingPartyKind.SCHOOL,
                  funding_name="Oakwood Primary School")
    health = held("D2", "Kent", date(2015, 5, 2), DR, funding_kind=FundingPartyKind.HEALTH_BODY,
                  funding_name="NHS West Kent CCG")
    own_service = held("D3", "Kent", date(2015, 5, 3), DR, funding_kind=FundingPartyKind.LA_EDUCATION,
                       funding_name="Kent County Council education services")
    result = charges([school, health, own_service], RATES, 5)
    by_key = {c.meeting.key: c for c in result}
    assert (by_key["D1"].payer, by_key["D1"].included, by_key["D1"].amount) == ("Oakwood Primary School", False,
                                                                                 D("950.00"))
    assert by_key["D2"].payer == "NHS West Kent CCG" and by_key["D2"].amount == D("950.00")
    # the authority's own service funds it: the authority pays, from its included meetings
    assert (by_key["D3"].payer, by_key["D3"].included) == ("Kent", True)
    year1 = year_periods(START, date(2018, 3, 31))[0]
    kent = statement("Kent", year1, result, Terms(START, [D("12480")], 5))
    assert (kent.included_used, kent.payg_meetings, kent.total) == (1, 0, D("12480.00"))
    parties = funding_party_statements(result, year1)
    assert [(p.name, p.kind, p.meetings, p.cost) for p in parties] == [
        ("NHS West Kent CCG", FundingPartyKind.HEALTH_BODY, 1, D("950.00")),
        ("Oakwood Primary School", FundingPartyKind.SCHOOL, 1, D("950.00"))]


@pytest.mark.parametrize("attendance,cancelled_days_before,rules,paid", [
    (Attendance.NOT_ATTENDED, None, ChargingRules(), True),
    (Attendance.NOT_ATTENDED, None, ChargingRules(charge_non_attendance=False), False),
    (Attendance.CANCELLED, 1, ChargingRules(late_cancellation_days=2), True),      # late: paid
    (Attendance.CANCELLED, 2, ChargingRules(late_cancellation_days=2), False),     # with notice: free
    (Attendance.CANCELLED, 0, ChargingRules(charge_late_cancellation=False), False),
    (None, None, ChargingRules(), False),                                          # booked, not yet held
])
def test_cancellation_and_non_attendance_follow_the_contracts_rules(attendance, cancelled_days_before, rules, paid):
    day = date(2015, 6, 10)
    cancelled_on = day - timedelta(days=cancelled_days_before) if cancelled_days_before is not None else None
    meeting = Meeting("M1", "Kent", MED, day, attendance, cancelled_on)
    assert bool(charges([meeting], RATES, 0, rules)) is paid


def test_bad_terms_are_refused():
    with pytest.raises(ValueError):
        charges([], RATES, -1)
    with pytest.raises(ValueError):
        charges([], {MED: D(1000)}, 5)
    with pytest.raises(ValueError):
        ChargingRules(late_cancellation_days=-1)


def test_periods_cover_the_contract():
    end = date(2018, 3, 31)
    years = year_periods(START, end)
    assert [(p.start, p.end, p.label) for p in years] == [
        (date(2015, 4, 1), date(2016, 3, 31), "Contract year 1"),
        (date(2016, 4, 1), date(2017, 3, 31), "Contract year 2"),
        (date(2017, 4, 1), date(2018, 3, 31), "Contract year 3")]
    assert len(quarters(START, end)) == 12 and quarters(START, end)[1].start == date(2015, 7, 1)
    assert months(START, end)[0].label == "April 2015" and len(months(START, end)) == 36


def test_core_falls_due_in_the_period_its_contract_year_begins():
    terms = Terms(START, [D("12480"), D("7480")], 5)
    q = quarters(START, date(2017, 3, 31))
    assert statement("Kent", q[0], [], terms).core == D("12480.00")
    assert statement("Kent", q[1], [], terms).core == D("0.00")
    assert statement("Kent", q[4], [], terms).core == D("7480.00")
    assert statement("Kent", q[0], [], terms).saving is None  # a saving is for a contract year


def _seed():
    scenario = tomllib.loads(SEED.read_text(encoding="utf-8"))
    collaboration, tender = next((c, t) for c in scenario["collaborations"] for t in c.get("tenders", [])
                                 if "award" in t)
    winner = tender["evaluation"]["recommendation"]["supplier"]
    bid = next(b for b in tender["bids"] if b["supplier"] == winner)
    prices = {code: D(str(p)) for code, p in bid["prices"].items()}
    shares = tender["award"]["cost_shares"]
    kent = next(b for b in shares["baselines"] if b["organisation"] == collaboration["lead"])
    dr_code = next(line["code"] for line in tender["lines"] if line["description"].startswith("Disagreement"))
    return prices, shares, kent, dr_code


def test_kents_year_one_statement_reconciles_with_the_seed_paper():
    prices, shares, kent, dr_code = _seed()
    core = core_by_year([prices[code] for code in shares["core"]], 3)
    previous = D(kent["previous"])
    rates = {MED: prices[shares["payg"]], DR: prices[dr_code]}
    # the meetings Kent expected (7 a year), held through year 1
    meetings = [held(f"KCC-{n}", kent["organisation"], START + timedelta(days=45 * n))
                for n in range(kent["meetings"])]
    plan = projection(core, shares["included_meetings"], rates[MED], kent["meetings"], previous)
    year1 = year_periods(START, date(2018, 3, 31))[0]
    kent_year1 = statement(kent["organisation"], year1, charges(meetings, rates, shares["included_meetings"]),
                           Terms(START, core, shares["included_meetings"], previous), plan.years[0].total)
    assert kent_year1.core == D("12480.00")
    assert (kent_year1.included_used, kent_year1.included_left) == (5, 0)
    assert (kent_year1.payg_meetings, kent_year1.payg_cost) == (2, D("2000.00"))
    assert kent_year1.total == D("14480.00")
    assert kent_year1.saving == D("9623.21")
    assert kent_year1.projected_total == D("14480.00") and kent_year1.against_projection == D("0.00")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Kent", "Medway"]), st.integers(0, 1000), st.booleans()),
                max_size=25), st.integers(0, 6))
def test_totals_add_up_over_any_year_split(rows, included):
    meetings = [held(f"M{i}", a, START + timedelta(days=d)) if not dr else
                held(f"M{i}", a, START + timedelta(days=d), DR, funding_kind=FundingPartyKind.COLLEGE,
                     funding_name="Valley College") for i, (a, d, dr) in enumerate(rows)]
    result = charges(meetings, RATES, included)
    end = date(2018, 3, 31)
    terms = Terms(START, [D("100")] * 3, included)
    for authority in ("Kent", "Medway"):
        own = [m for m in meetings if m.authority == authority and not m.funding_party_pays]
        per_year = [statement(authority, p, result, terms) for p in year_periods(START, end)]
        assert sum(s.included_used for s in per_year) == min(included, len(own))
        assert sum(s.payg_meetings for s in per_year) == len(own) - min(included, len(own))
        assert sum((s.total for s in per_year), D(0)) == D(300) + RATES[MED] * sum(s.payg_meetings for s in per_year)
        assert all(s.included_left >= 0 for s in per_year)
    whole = Period(START, end, "Whole contract")
    funded = sum(m.funding_party_pays for m in meetings)
    assert sum(p.meetings for p in funding_party_statements(result, whole)) == funded
