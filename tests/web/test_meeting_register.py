"""The meeting register on the web: the provider records and corrects cases (errors beside the
field, nothing typed lost), the lead reads every authority's statement, a member its own, each
printable and as Excel; nobody else reaches any of it."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.models import MeetingCase
from tests import factories


@pytest.fixture
def contract(db, world, clock):
    return factories.awarded_contract(db, world, clock.moment)


def case_form(world, reference="MED-2015-001", told=("1", "5", "2015"), meeting=("20", "5", "2015"), **more):
    data = {"organisation_id": str(world.lead.id), "reference": reference, "kind": "mediation",
            "requester": "parent", "day_told": list(told), "meeting_day": list(meeting),
            "attendance": "held", "outcome": "agreement_full"}
    return {**data, **more}


def test_the_provider_finds_its_register_from_the_navigation_and_records_a_case(world, contract, sign_in_as, db):
    provider = sign_in_as("provider@supplier.example")
    assert 'href="/registers"' in provider.get("/dashboard").get_data(as_text=True)
    assert f'href="/contracts/{contract.id}/register"' in provider.get("/registers").get_data(as_text=True)
    form = provider.get(f"/contracts/{contract.id}/register/new").get_data(as_text=True)
    assert "Do not enter the name of a child, young person or parent" in form
    response = provider.submit(f"/contracts/{contract.id}/register/new", case_form(world))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/contracts/{contract.id}/register")
    page = provider.get(f"/contracts/{contract.id}/register").get_data(as_text=True)
    assert "Case MED-2015-001 recorded" in page
    assert "MED-2015-001" in page and "31 May 2015" in page  # mediation due 30 days after 1 May
    assert db.exec(select(MeetingCase)).one().organisation_id == world.lead.id


@pytest.mark.parametrize("change,message", [
    ({"meeting_day": ["30", "4", "2015"]}, "The meeting day cannot be before the authority was told"),
    ({"certificate_on": ["19", "5", "2015"], "certificate_kind": "after_mediation"},
     "The certificate cannot be issued before the meeting"),
    ({"kind": "disagreement_resolution", "funding_kind": "school", "funding_name": "Oakwood Primary School"},
     "cannot be held without the funding party&#39;s agreement"),
    ({"day_told": ["1", "3", "2015"], "meeting_day": ["", "", ""], "attendance": "", "outcome": ""},
     "must be within the contract&#39;s period"),
    ({"reference": "Jane Smith"}, "with no names"),
])
def test_bad_cases_get_the_message_beside_the_field_and_keep_what_was_typed(world, contract, sign_in_as, change,
                                                                          message):
    provider = sign_in_as("provider@supplier.example")
    response = provider.submit(f"/contracts/{contract.id}/register/new", case_form(world, **change))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and message in page and "<title>Error:" in page
    assert 'value="' + change.get("reference", "MED-2015-001") + '"' in page


def test_a_duplicate_reference_for_one_authority_is_refused(world, contract, sign_in_as):
    provider = sign_in_as("provider@supplier.example")
    provider.submit(f"/contracts/{contract.id}/register/new", case_form(world))
    again = provider.submit(f"/contracts/{contract.id}/register/new", case_form(world, reference="med-2015-001"))
    assert again.status_code == 400 and "already has a case with this reference" in again.get_data(as_text=True)


def test_the_provider_completes_a_case_and_the_form_shows_what_is_stored(world, contract, sign_in_as, db):
    provider = sign_in_as("provider@supplier.example")
    provider.submit(f"/contracts/{contract.id}/register/new", case_form(world))
    case = db.exec(select(MeetingCase)).one()
    url = f"/contracts/{contract.id}/register/{case.id}"
    assert 'value="MED-2015-001"' in provider.get(url).get_data(as_text=True)
    response = provider.submit(url, case_form(world, certificate_on=["21", "5", "2015"],
                                              certificate_kind="after_mediation"))
    assert response.status_code == 302
    assert db.exec(select(MeetingCase.certificate_on)).one() == date(2015, 5, 21)


def _seven_meetings(provider, world, contract):
    for n in range(7):
        day = date(2015, 5, 1) + timedelta(days=40 * n)
        told = [str(day.day), str(day.month), str(day.year)]
        assert provider.submit(f"/contracts/{contract.id}/register/new",
                               case_form(world, f"MED-{n}", told=told, meeting=told)).status_code == 302


def test_the_leads_statement_reads_the_seed_figures_and_downloads_as_excel(world, contract, sign_in_as):
    _seven_meetings(sign_in_as("provider@supplier.example"), world, contract)
    lead = sign_in_as("admin@lead.example")
    assert f'href="/contracts/{contract.id}/meetings"' in lead.get(f"/contracts/{contract.id}").get_data(as_text=True)
    register = lead.get(f"/contracts/{contract.id}/meetings").get_data(as_text=True)
    url = f"/contracts/{contract.id}/statements/{world.lead.id}"
    assert f'href="{url}"' in register
    page = lead.get(url).get_data(as_text=True)
    assert "£12,480.00" in page and "2 (£2,000.00)" in page and "£14,480.00" in page and "£9,623.21" in page
    assert "on projection" in page
    book = load_workbook(io.BytesIO(lead.get(f"{url}.xlsx?period=year&number=1").data))
    figures = {row[0]: row[1] for row in book["Statement"].iter_rows(min_row=3, values_only=True)}
    assert figures["Total (£)"] == 14480 and figures["Saving against the previous contract (£)"] == 9623.21
    assert book["Meetings"].max_row == 8


def test_a_member_reads_its_own_statement_only(world, contract, sign_in_as):
    _seven_meetings(sign_in_as("provider@supplier.example"), world, contract)
    partner = sign_in_as("signatory@partner.example")
    member_page = partner.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f'href="/contracts/{contract.id}/your-statement"' in member_page
    own = partner.get(f"/contracts/{contract.id}/your-statement").get_data(as_text=True)
    assert "Partner Borough Council: statement" in own and "MED-0" not in own and "£12,480.00" in own
    assert "0 cases recorded for Partner Borough Council" in own
    for url in (f"/contracts/{contract.id}/statements/{world.lead.id}", f"/contracts/{contract.id}/meetings",
                f"/contracts/{contract.id}/register"):
        assert partner.get(url).status_code in (403, 404), url


def test_nobody_but_the_awarded_provider_reaches_the_register(world, contract, sign_in_as, db, clock):
    rival = factories.organisation(db, "Rival Mediation Ltd", clock.moment, OrganisationKind.SUPPLIER)
    factories.user(db, rival, "provider@rival.example", [Role.PROVIDER], clock.moment)
    for email in ("provider@rival.example", "bidder@supplier.example", "admin@lead.example", "admin@other.example"):
        person = sign_in_as(email)
        for url in (f"/contracts/{contract.id}/register", f"/contracts/{contract.id}/register/new"):
            assert person.get(url).status_code == 404, (email, url)
    other = sign_in_as("admin@other.example")
    for url in (f"/contracts/{contract.id}/meetings", f"/contracts/{contract.id}/statements/{world.lead.id}",
                f"/contracts/{contract.id}/your-statement"):
        assert other.get(url).status_code == 404, url


def test_another_contracts_case_is_not_found(world, contract, sign_in_as, db):
    provider = sign_in_as("provider@supplier.example")
    provider.submit(f"/contracts/{contract.id}/register/new", case_form(world))
    case = db.exec(select(MeetingCase)).one()
    assert provider.get(f"/contracts/999999/register/{case.id}").status_code == 404
    assert provider.get(f"/contracts/{contract.id}/register/{case.id + 1}").status_code == 404


def test_the_lead_sets_the_meeting_terms(world, contract, sign_in_as):
    lead = sign_in_as("admin@lead.example")
    response = lead.submit(f"/contracts/{contract.id}/meeting-terms", {
        "mediation_code": "PAYG-MED", "dr_code": "PAYG-DR", "late_cancellation_days": "3",
        "charge_non_attendance": "y"})
    assert response.status_code == 302
    page = lead.get(f"/contracts/{contract.id}/meetings").get_data(as_text=True)
    assert "under 3 days' notice is not charged" in page and "no one attended is charged" in page


@pytest.mark.parametrize("query", ["?period=quarter&number=2", "?period=month&number=999", "?period=x&number=-1",
                                   "?number=%D9%A3", "?period=year&number=" + "9" * 400])
def test_odd_periods_in_the_address_show_a_statement(world, contract, sign_in_as, query):
    response = sign_in_as("admin@lead.example").get(f"/contracts/{contract.id}/statements/{world.lead.id}{query}")
    assert response.status_code == 200


def test_the_lead_reads_the_groups_performance_and_downloads_the_dfe_report(world, contract, sign_in_as):
    provider = sign_in_as("provider@supplier.example")
    _seven_meetings(provider, world, contract)
    provider.submit(f"/contracts/{contract.id}/register/new", case_form(
        world, "LATE-1", told=("1", "6", "2015"), meeting=("10", "7", "2015")))  # 39 days: late
    lead = sign_in_as("admin@lead.example")
    assert f'href="/contracts/{contract.id}/kpis"' in lead.get(f"/contracts/{contract.id}").get_data(as_text=True)
    page = lead.get(f"/contracts/{contract.id}/kpis?period=year&number=1").get_data(as_text=True)
    assert "87.5%" in page and "(7 of 8)" in page  # mediations within 30 days
    assert "Lead County Council" in page and "Partner Borough Council" in page
    book = load_workbook(io.BytesIO(lead.get(f"/contracts/{contract.id}/monitoring-report.xlsx?period=year").data))
    rows = list(book["Monitoring"].iter_rows(min_row=4, values_only=True))
    group = rows[-1]
    assert group[0] == "The group" and group[1:4] == (8, 8, 8) and float(group[4]) == 0.875
    assert group[-1] == 3000  # the 3 meetings after the 5 included, at £1,000


def test_a_member_reads_its_own_performance_only(world, contract, sign_in_as):
    _seven_meetings(sign_in_as("provider@supplier.example"), world, contract)
    partner = sign_in_as("signatory@partner.example")
    page = partner.get(f"/contracts/{contract.id}/your-kpis").get_data(as_text=True)
    assert "Partner Borough Council: performance" in page and "Lead County Council" not in page.split("<main")[1]
    assert partner.get(f"/contracts/{contract.id}/kpis").status_code in (403, 404)
    assert partner.get(f"/contracts/{contract.id}/monitoring-report.xlsx").status_code in (403, 404)


def test_the_lead_reads_each_funding_partys_statement(world, contract, sign_in_as):
    provider = sign_in_as("provider@supplier.example")
    assert provider.submit(f"/contracts/{contract.id}/register/new", case_form(
        world, "DR-1", kind="disagreement_resolution", funding_kind="health_body", funding_name="NHS West Kent CCG",
        funding_agreed_on=["10", "5", "2015"])).status_code == 302
    page = sign_in_as("admin@lead.example").get(f"/contracts/{contract.id}/meetings").get_data(as_text=True)
    assert "Funding parties&#39; statement, Contract year 1" in page
    assert "NHS West Kent CCG" in page and "£950.00" in page


def test_the_register_and_statement_name_each_kind_attendance_and_outcome(world, contract, sign_in_as, db):
    from tenderapp.domain.meetings import Attendance, FundingPartyKind, MeetingKind, Outcome, Requester
    from tenderapp.models import User
    from tenderapp.services import meetings
    from tenderapp.services.meetings import CaseInput

    provider = factories.actor(db, db.exec(select(User).where(User.email == "provider@supplier.example")).one())
    now, tender = datetime(2016, 4, 20, 10, tzinfo=UTC), world.open_tender
    meetings.record_case(db, provider, contract, tender, CaseInput(
        "MED-1", MeetingKind.MEDIATION, date(2015, 5, 1), organisation_id=world.lead.id, requester=Requester.PARENT,
        meeting_day=date(2015, 5, 20), attendance=Attendance.HELD, outcome=Outcome.AGREEMENT_PARTIAL), now)
    meetings.record_case(db, provider, contract, tender, CaseInput(
        "DR-1", MeetingKind.DISAGREEMENT_RESOLUTION, date(2015, 6, 1),
        organisation_id=world.lead.id, requester=Requester.PARENT,
        meeting_day=date(2015, 6, 20), attendance=Attendance.NOT_ATTENDED, funding_kind=FundingPartyKind.SCHOOL,
        funding_name="Oakwood Primary School", funding_agreed_on=date(2015, 6, 5)), now)
    lead = sign_in_as("admin@lead.example")
    register = lead.get(f"/contracts/{contract.id}/meetings").get_data(as_text=True)
    assert "Disagreement resolution" in register and "20 June 2015 (booked, not attended)" in register
    assert "20 May 2015 (held)" in register
    own = lead.get(f"/contracts/{contract.id}/your-statement").get_data(as_text=True)
    assert "Agreement reached in part" in own and "Agreement partial" not in own


def test_a_member_that_declined_the_agreement_is_told_it_has_no_statement(world, contract, sign_in_as, db, clock):
    from tenderapp.models import AgreementResponse, AgreementVersion

    agreement = factories.agreement(db, world.collab, world.lead_admin, clock.moment)
    version = db.exec(select(AgreementVersion).where(AgreementVersion.agreement_id == agreement.id)).one()
    db.add(AgreementResponse(agreement_id=agreement.id, version_id=version.id, organisation_id=world.partner.id,
                             action="declined", note="Not joining", user_id=world.partner_admin.id,
                             acting_organisation_id=world.partner.id, created_at=clock.moment))
    db.commit()
    partner = sign_in_as("signatory@partner.example")
    for url in (f"/contracts/{contract.id}/your-statement", f"/contracts/{contract.id}/your-kpis"):
        response = partner.get(url)
        assert response.status_code == 200, url
        assert "declined the collaborative agreement, so it pays no core subscription" in response.get_data(
            as_text=True)
    assert partner.get(f"/contracts/{contract.id}/your-statement.xlsx").status_code == 404
    lead = sign_in_as("admin@lead.example")
    assert lead.get(f"/contracts/{contract.id}/statements/{world.partner.id}").status_code == 404
    assert f"/statements/{world.partner.id}" not in lead.get(f"/contracts/{contract.id}/meetings").get_data(
        as_text=True)
