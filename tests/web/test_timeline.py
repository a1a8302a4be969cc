"""A tender's timeline: the lead's admins see every audit event of the tender and of its bids,
questions, contract and decisions (who, what, when in UK time), filter it by kind and download
it as Excel; members and suppliers see the public events only; bids' events stay out until
the bids are opened; the page's queries do not grow with the events."""

import io
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tenderapp.models import Tender
from tenderapp.services import audit
from tests import factories
from tests.conftest import T0

DEMO = "demo-password"


@pytest.fixture
def demo_tenders(load_demo, db):
    load_demo()
    return {t.reference: t for t in db.exec(select(Tender)).all()}


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r'<td class="govuk-table__cell">(.*?)</td>', html,
                                                                 re.S)]


def test_the_leads_admins_see_every_event_with_who_and_when(demo_tenders, sign_in_as):
    tender = demo_tenders["SC14027"]
    admin = sign_in_as("admin@kent.example", DEMO)
    assert f'href="/tenders/{tender.id}/timeline"' in admin.get(f"/tenders/{tender.id}").get_data(as_text=True)
    page = admin.get(f"/tenders/{tender.id}/timeline").get_data(as_text=True)
    cells = _cells(page)
    for what in ("Draft tender created", "Published", "Submission deadline passed", "Bid submitted", "Bids opened",
                 "Contract awarded", "Contract extended", "Evaluation: score submitted", "Decision recorded"):
        assert what in cells, what
    assert "Priya Shah, Kent County Council" in cells  # the person and their organisation
    assert re.search(r"\d{1,2} [A-Z][a-z]+ 20\d\d(,| at) \d", page)  # a UK date and time
    assert f"{len(cells) // 4} events" in page  # the count of what is shown


def test_the_timeline_is_filtered_by_kind(demo_tenders, sign_in_as):
    tender = demo_tenders["SC14027"]
    admin = sign_in_as("admin@kent.example", DEMO)
    bids = _cells(admin.get(f"/tenders/{tender.id}/timeline?kind=bids").get_data(as_text=True))
    whats = set(bids[1::4])
    assert whats and whats <= {"Bid submitted", "Bid draft saved", "A supplier registered interest"}
    bad = admin.get(f"/tenders/{tender.id}/timeline?kind=everything")
    assert bad.status_code == 400 and bad.get_data(as_text=True).count("Select a kind of event from the list") == 2


def test_members_and_suppliers_see_the_public_events_only(demo_tenders, sign_in_as):
    tender = demo_tenders["SC14027"]
    for email in ("signatory@medway.example", "bidder@common-ground.example"):
        page = sign_in_as(email, DEMO).get(f"/tenders/{tender.id}/timeline").get_data(as_text=True)
        whats = set(_cells(page)[1::4])
        assert whats == {"Published", "Submission deadline passed", "Bids opened", "Contract awarded"}, (email, whats)
        assert "Priya Shah" not in page and "Download" not in page
        assert 'value="opening"' in page and 'value="evaluation"' not in page  # only the public kinds offered
        assert sign_in_as(email, DEMO).get(f"/tenders/{tender.id}/timeline.xlsx").status_code in (403, 404)


def test_amendments_are_public_with_their_summary(world, db, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    tender = world.open_tender
    audit.record(db, factories.actor(db, world.lead_admin), "tender.details_changed", "tender", tender.id, T0,
                 {"changes": {"title": ["a", "b"]}, "amendment": "The title now names the service."})
    db.commit()
    bidder = _cells(sign_in_as("bidder@supplier.example").get(f"/tenders/{tender.id}/timeline").get_data(
        as_text=True))
    assert "Details changed: The title now names the service." in bidder
    assert "Alex Admin, Lead County Council" in _cells(admin.get(f"/tenders/{tender.id}/timeline").get_data(
        as_text=True))


def test_bids_events_stay_out_until_the_bids_are_opened(demo_tenders, sign_in_as):
    tender = demo_tenders["SC26041"]  # open for bids: Family Voice has submitted
    page = sign_in_as("admin@kent.example", DEMO).get(f"/tenders/{tender.id}/timeline").get_data(as_text=True)
    cells = _cells(page)
    assert "Published" in cells and "A supplier registered interest" in cells  # as the tender page lists them
    assert "Bid submitted" not in cells and "Bid draft saved" not in cells


def test_a_draft_tenders_timeline_is_the_leads_alone(world, sign_in_as):
    assert sign_in_as("admin@lead.example").get(f"/tenders/{world.tender.id}/timeline").status_code == 200
    for email in ("signatory@partner.example", "bidder@supplier.example", "admin@other.example"):
        assert sign_in_as(email).get(f"/tenders/{world.tender.id}/timeline").status_code == 404, email


def test_the_timeline_downloads_as_a_workbook_of_the_same_events(demo_tenders, sign_in_as):
    tender = demo_tenders["SC14027"]
    admin = sign_in_as("admin@kent.example", DEMO)
    page = admin.get(f"/tenders/{tender.id}/timeline?kind=opening").get_data(as_text=True)
    assert f'href="/tenders/{tender.id}/timeline.xlsx?kind=opening"' in page
    response = admin.get(f"/tenders/{tender.id}/timeline.xlsx?kind=opening")
    assert response.status_code == 200 and "SC14027-timeline.xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("SC14027: ") and rows[3][:3] == ("When (UK time)", "Kind", "What happened")
    whats = [r[2] for r in rows[4:]]
    assert whats == [c for c in _cells(page)[1::4]] and "Bids opened" in whats
    assert isinstance(rows[4][0], datetime)  # an Excel date and time, not text


def test_the_timelines_queries_do_not_grow_with_its_events(world, db, sign_in_as, count_queries):
    admin = sign_in_as("admin@lead.example")
    tender = world.open_tender
    url = f"/tenders/{tender.id}/timeline"
    admin.get(url)
    few = count_queries(lambda: admin.get(url))
    lead = factories.actor(db, world.lead_admin)
    for n in range(30):
        audit.record(db, lead, "tender.criterion_saved", "tender", tender.id, T0 + timedelta(minutes=n))
        decision = factories.decision(db, world.collab, world.lead_admin, T0, f"TL/{n}")
        decision.tender_id = tender.id
        db.add(decision)
        audit.record(db, lead, "decision.recorded", "decision", decision.id, T0 + timedelta(minutes=n))
    db.commit()
    many = admin.get(url).get_data(as_text=True)
    assert many.count("Decision recorded") == 30
    assert count_queries(lambda: admin.get(url)) == few
