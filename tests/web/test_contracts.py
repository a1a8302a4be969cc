"""Decisions, the award and standstill, the contract and its extensions, through the web."""

import json
import re
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from tenderapp.models import Contract, ContractExtension, Decision, Tender
from tests.conftest import arranged_once, csrf_from
from tests.web.test_evaluation import finish, opened  # noqa: F401  (the fixture)


def decision_form(number, kind="award", taken=("12", "11", "2026"), **overrides):
    data = {"number": number, "title": f"Decision {number}", "kind": kind,
            "decision_maker": "Cabinet Member for Education and Health Reform",
            "forum": "Education and Young People's Services Cabinet Committee",
            "summary": "The cabinet member agreed the award and the delegation.",
            "endorsed_on": ["10", "11", "2026"], "taken_on": list(taken)}
    data.update(overrides)
    return data


@pytest.fixture
def recommended(app, db, world, opened, sign_in_as):  # noqa: F811
    """The opened tender scored, moderated and Rival Mediation Ltd recommended, with the lead admin
    signed in (through the pages once a process; later tests get the same rows back)."""

    def arrange():
        tender, criterion = opened
        lead = finish(sign_in_as, tender, criterion, {"Supplier Ltd": 4, "Rival Mediation Ltd": 5})
        page = lead.get(f"/tenders/{tender.id}/evaluation/results").get_data(as_text=True)
        rival_id = re.search(r'<option value="(\d+)">1\. Rival Mediation Ltd', page).group(1)
        lead.submit(f"/tenders/{tender.id}/evaluation/results", {
            "submission_id": rival_id, "rationale": "Ranked first on price and quality and robust throughout."})
        return tender, lead

    return arranged_once("recommended", app, db, arrange)


def test_award_records_the_contract_with_its_standstill(world, recommended, db, clock, sign_in_as):
    tender, lead = recommended
    assert "Award recommended" in lead.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("14/00153")).status_code == 302
    award_decision = db.exec(select(Decision).where(Decision.number == "14/00153")).one()
    clock.set(datetime(2026, 12, 23, 10, tzinfo=UTC))
    lead = sign_in_as("admin@lead.example")
    response = lead.submit(f"/tenders/{tender.id}/award", {"decision_id": award_decision.id,
                                                          "notice_on": ["23", "12", "2026"]})
    assert response.status_code == 302
    page = lead.get(response.headers["Location"]).get_data(as_text=True)
    # Procurement Act: 8 working days from Wed 23 Dec 2026 (Christmas, Boxing Day substitute, New Year)
    assert "to the end of 6 January 2027" in page
    assert "7 January 2027" in page and "Rival Mediation Ltd" in page
    clock.set(datetime(2027, 1, 6, 23, 59, tzinfo=UTC))  # 23:59 on the last day, UK time (GMT)
    assert "In standstill" in sign_in_as("admin@lead.example").get("/tenders").get_data(as_text=True)
    clock.set(datetime(2027, 1, 7, 0, 0, tzinfo=UTC))
    assert "Awarded" in sign_in_as("admin@lead.example").get(f"/tenders/{tender.id}").get_data(as_text=True)
    clock.set(datetime(2027, 1, 7, 10, tzinfo=UTC))
    lead = sign_in_as("admin@lead.example")
    contract = db.exec(select(Contract)).one()
    response = lead.submit(f"/contracts/{contract.id}/entered", {"signed_on": ["8", "1", "2027"]})
    assert response.status_code == 400
    assert "The date the contract was entered into cannot be in the future" in response.get_data(as_text=True)
    response = lead.submit(f"/contracts/{contract.id}/entered", {"signed_on": ["6", "1", "2027"]})
    assert response.status_code == 400
    assert "cannot be entered into before 7 January 2027" in response.get_data(as_text=True)
    assert lead.submit(f"/contracts/{contract.id}/entered", {"signed_on": ["7", "1", "2027"]}).status_code == 302
    assert db.get(Contract, contract.id).entered_into_on is not None


def test_an_award_needs_a_taken_award_decision(world, recommended, db):
    tender, lead = recommended
    lead.submit(f"/collaborations/{world.collab.id}/decisions/new",
                decision_form("AW/2", taken=("", "", "")))
    pending = db.exec(select(Decision).where(Decision.number == "AW/2")).one()
    response = lead.submit(f"/tenders/{tender.id}/award",
                           {"decision_id": pending.id, "notice_on": ["30", "11", "2026"]})
    assert response.status_code == 400
    assert "The award decision has not been taken yet" in response.get_data(as_text=True)
    assert db.exec(select(Contract)).first() is None


def test_one_extension_of_up_to_two_years_and_no_more(world, recommended, db, clock, sign_in_as):
    tender, lead = recommended
    tender = db.get(Tender, tender.id)
    assert tender.regime == "PA2023"
    tender.light_touch = False  # so that the extension needs a contract change notice
    db.add(tender)
    db.commit()
    lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("AW/1"))
    lead.submit(f"/tenders/{tender.id}/award", {
        "decision_id": db.exec(select(Decision.id).where(Decision.number == "AW/1")).one(),
        "notice_on": ["30", "11", "2026"]})
    contract = db.exec(select(Contract)).one()
    lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("EX/1", kind="extension"))
    extension_id = db.exec(select(Decision.id).where(Decision.number == "EX/1")).one()
    url = f"/contracts/{contract.id}/extensions"
    data = {"decision_id": extension_id, "months": "25", "decided_by": "Corporate Director, Education",
            "consulted": "Cabinet Member for Education", "decided_on": ["1", "12", "2027"]}
    response = lead.client.post(url, data={**data, "csrf_token": _token(lead, contract.id)})
    assert response.status_code == 400 and "An extension can be for 1 to 24 months" in response.get_data(as_text=True)
    ok = lead.client.post(url, data={**data, "months": "24", "csrf_token": _token(lead, contract.id)})
    assert ok.status_code == 302
    extension = db.exec(select(ContractExtension)).one()
    assert extension.previous_end_date.year + 2 == extension.new_end_date.year
    page = lead.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "No extension option is left" in page and "Corporate Director, Education, consulted Cabinet Member" in page
    again = lead.client.post(url, data={**data, "months": "12", "csrf_token": _token(lead, contract.id)})
    assert again.status_code == 400 and "no extension option left" in again.get_data(as_text=True)

    # Procurement Act, not light touch: the contract change notice is kept with the extension
    assert extension.change_notice_required and "UK10 not yet recorded" in page
    notice_url = f"/contracts/{contract.id}/extensions/{extension.id}/change-notice"
    early = lead.client.post(notice_url, data={"published_on": ["30", "11", "2027"],
                                               "csrf_token": _token(lead, contract.id)})
    assert early.status_code == 400  # before the decision, and in the future
    assert 'value="30"' in early.get_data(as_text=True)
    clock.set(datetime(2027, 12, 6, 9, tzinfo=UTC))
    lead = sign_in_as("admin@lead.example")
    future = lead.client.post(notice_url, data={"published_on": ["7", "12", "2027"],
                                                "csrf_token": _token(lead, contract.id)})
    assert future.status_code == 400 and "cannot be in the future" in future.get_data(as_text=True)
    done = lead.client.post(notice_url, data={"published_on": ["2", "12", "2027"],
                                              "csrf_token": _token(lead, contract.id)})
    assert done.status_code == 302
    assert "UK10 published 2 December 2027" in lead.get(f"/contracts/{contract.id}").get_data(as_text=True)


def _token(browser, contract_id):
    from tests.conftest import csrf_from

    return csrf_from(browser.get(f"/contracts/{contract_id}").get_data(as_text=True))


def test_members_see_published_decisions_only_and_others_nothing(world, sign_in_as, db):
    lead = sign_in_as("admin@lead.example")
    lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("PUB/1"))
    partner = sign_in_as("signatory@partner.example")
    assert "PUB/1" not in partner.get("/decisions").get_data(as_text=True)
    decision_id = db.exec(select(Decision.id).where(Decision.number == "PUB/1")).one()
    from tests.conftest import csrf_from

    token = csrf_from(lead.get("/decisions").get_data(as_text=True))
    lead.client.post(f"/decisions/{decision_id}/publish", data={"csrf_token": token})
    assert "PUB/1" in partner.get("/decisions").get_data(as_text=True)
    assert "PUB/1" not in sign_in_as("admin@other.example").get("/decisions").get_data(as_text=True)
    assert sign_in_as("admin@other.example").client.post(f"/decisions/{decision_id}/publish",
                                                        data={"csrf_token": token}).status_code in (400, 404)


def test_decision_documents_are_read_by_members_once_published(world, sign_in_as, db):
    from tests.web.test_tender_builder import PDF, upload

    lead = sign_in_as("admin@lead.example")
    lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("DOC/1"))
    decision_id = db.exec(select(Decision.id).where(Decision.number == "DOC/1")).one()
    url = f"/decisions/{decision_id}/documents/new"
    bad = upload(lead, url, b"not a pdf", "report.pdf", kind="report", title="Report to the Cabinet Committee")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "must be a PDF, Word or Excel document" in page
    assert 'value="Report to the Cabinet Committee"' in page  # nothing typed is lost
    assert upload(lead, url, PDF, "report.pdf", kind="report", title="Report to the Cabinet Committee"
                  ).status_code == 302
    assert upload(lead, url, PDF, "eqia.pdf", kind="equality_impact", title="EqIA").status_code == 302
    page = lead.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert "Report: Report to the Cabinet Committee (report.pdf)" in page and "Equality impact assessment: EqIA" in page
    document_id = re.search(rf'/decisions/{decision_id}/documents/(\d+)"', page).group(1)
    download = f"/decisions/{decision_id}/documents/{document_id}"
    assert lead.get(download).data == PDF

    partner = sign_in_as("signatory@partner.example")
    assert partner.get(f"/decisions/{decision_id}").status_code == 404  # not yet published
    assert partner.get(download).status_code == 404
    token = csrf_from(lead.get("/decisions").get_data(as_text=True))
    lead.client.post(f"/decisions/{decision_id}/publish", data={"csrf_token": token})
    assert "Report to the Cabinet Committee" in partner.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert partner.get(download).data == PDF
    assert partner.get(url).status_code in (403, 404)  # members read; only the lead adds
    other = sign_in_as("admin@other.example")
    assert other.get(f"/decisions/{decision_id}").status_code == 404 and other.get(download).status_code == 404


def test_the_contract_links_to_its_award_decision(world, recommended, db):
    tender, lead = recommended
    lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("AW/9"))
    decision_id = db.exec(select(Decision.id).where(Decision.number == "AW/9")).one()
    lead.submit(f"/tenders/{tender.id}/award", {"decision_id": decision_id, "notice_on": ["30", "11", "2026"]})
    contract = db.exec(select(Contract)).one()
    page = lead.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert f'href="/decisions/{decision_id}"' in page
    assert "AW/9" in lead.get(f"/decisions/{decision_id}").get_data(as_text=True)


def test_a_contract_is_active_from_00_30_uk_summer_time_on_its_start_day(world, recommended, db, clock, sign_in_as):
    """Its status goes by the UK date: at 00:30 BST on the start day it is still the day before in UTC."""
    tender, lead = recommended
    lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("AW/7"))
    decision_id = db.exec(select(Decision.id).where(Decision.number == "AW/7")).one()
    assert lead.submit(f"/tenders/{tender.id}/award",
                       {"decision_id": decision_id, "notice_on": ["30", "11", "2026"]}).status_code == 302
    contract = db.exec(select(Contract)).one()
    assert contract.start_date == date(2027, 3, 30)  # British Summer Time began on 28 March 2027
    contract.entered_into_on = contract.earliest_signing_date
    db.add(contract)
    db.commit()
    clock.set(datetime(2027, 3, 29, 23, 30, tzinfo=UTC))  # 00:30 on 30 March in the UK
    page = sign_in_as("admin@lead.example").get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Active" in page and "Entered into, not started" not in page
    clock.set(datetime(2027, 3, 29, 22, 30, tzinfo=UTC))  # 23:30 on 29 March in the UK
    page = sign_in_as("admin@lead.example").get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Entered into, not started" in page


def test_the_notice_date_is_checked_against_the_opening_the_decision_and_today(world, recommended, db, clock,
                                                                               sign_in_as):
    tender, lead = recommended  # opened on 30 November 2026, the clock's day
    lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("AW/3", taken=("3", "12", "2026")))
    decision_id = db.exec(select(Decision.id).where(Decision.number == "AW/3")).one()
    clock.set(datetime(2026, 12, 5, 10, tzinfo=UTC))
    lead = sign_in_as("admin@lead.example")
    url = f"/tenders/{tender.id}/award"
    for day, message in ((["1", "1", "2020"],
                          "The notice date cannot be before the bids were opened on 30 November 2026"),
                         (["2", "12", "2026"], "cannot be before the award decision was taken on 3 December 2026"),
                         (["6", "12", "2026"], "The notice date cannot be in the future")):
        response = lead.submit(url, {"decision_id": decision_id, "notice_on": day})
        assert response.status_code == 400 and message in response.get_data(as_text=True), day
        assert db.exec(select(Contract)).first() is None
    assert lead.submit(url, {"decision_id": decision_id, "notice_on": ["5", "12", "2026"]}).status_code == 302


def test_the_lead_corrects_a_notice_date_until_the_contract_is_entered_into(world, recommended, db, clock, sign_in_as):
    from tenderapp.domain.deadlines import standstill_period
    from tenderapp.models import AuditEvent

    tender, lead = recommended
    lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("AW/4"))
    decision_id = db.exec(select(Decision.id).where(Decision.number == "AW/4")).one()
    lead.submit(f"/tenders/{tender.id}/award", {"decision_id": decision_id, "notice_on": ["30", "11", "2026"]})
    contract = db.exec(select(Contract)).one()
    clock.set(datetime(2026, 12, 2, 10, tzinfo=UTC))
    lead = sign_in_as("admin@lead.example")
    url = f"/contracts/{contract.id}/notice-date"
    assert f'href="{url}"' in lead.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "The notice date recorded is 30 November 2026" in lead.get(url).get_data(as_text=True)
    reason = "The award notice was published a day later than recorded."
    for data, message in (({"notice_on": ["1", "12", "2026"], "reason": ""},
                           "Enter why the notice date is being corrected"),
                          ({"notice_on": ["3", "12", "2026"], "reason": reason},
                           "The notice date cannot be in the future"),
                          ({"notice_on": ["1", "1", "2020"], "reason": reason}, "before the bids were opened")):
        response = lead.submit(url, data)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert reason in response.get_data(as_text=True)  # what was typed is kept
    assert lead.submit(url, {"notice_on": ["1", "12", "2026"], "reason": reason}).status_code == 302
    contract = db.get(Contract, contract.id)
    period = standstill_period(date(2026, 12, 1), "PA2023")
    assert (contract.standstill_start, contract.standstill_last_day, contract.earliest_signing_date) == (
        date(2026, 12, 1), period.last_day, period.earliest_signing_date)
    assert period.earliest_signing_date == date(2026, 12, 11)  # a day later than from 30 November
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "contract.notice_date_corrected")).one()
    assert event.actor_user_id == world.lead_admin.id and reason in event.details
    assert json.loads(event.details)["notice_on"] == {"before": "2026-11-30", "after": "2026-12-01"}
    page = lead.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "From 1 December 2026" in page

    clock.set(datetime.combine(period.earliest_signing_date, datetime.min.time(), tzinfo=UTC).replace(hour=10))
    lead = sign_in_as("admin@lead.example")
    signed = period.earliest_signing_date
    assert lead.submit(f"/contracts/{contract.id}/entered",
                       {"signed_on": [str(signed.day), str(signed.month), str(signed.year)]}).status_code == 302
    assert f'href="{url}"' not in lead.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert lead.get(url).status_code == 302
    contract = db.get(Contract, contract.id)
    assert contract.standstill_start == date(2026, 12, 1)
