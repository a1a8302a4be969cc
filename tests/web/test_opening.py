"""The dual-key opening: after the deadline, two different procurement admins; the opening
record; the bids readable only afterwards."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, select

from tenderapp.models import AuditEvent, Tender
from tests import factories
from tests.conftest import csrf_from
from tests.web.test_bids import _post, complete_bid


@pytest.fixture
def closing(world, db, clock):
    return factories.published_tender(db, world.collab, world.lead_admin, clock.moment, "SOON-002",
                                      clarification_in=timedelta(hours=1), submission_in=timedelta(hours=3))


def turn(browser, tender_id):
    url = f"/tenders/{tender_id}/opening"
    token = csrf_from(browser.get(url).get_data(as_text=True))
    response = browser.client.post(url, data={"csrf_token": token})
    return browser.get(response.headers["Location"]).get_data(as_text=True)


def test_two_admins_open_the_bids_after_the_deadline(world, closing, db, clock, sign_in_as):
    bidder = sign_in_as("bidder@supplier.example")
    complete_bid(bidder, closing.id, core="7480", payg="995.50")
    _post(bidder, closing.id, "submit")
    admin, admin2 = sign_in_as("admin@lead.example"), sign_in_as("admin2@lead.example")
    assert "cannot be opened before the submission deadline" in turn(admin, closing.id)
    assert admin.get(f"/tenders/{closing.id}/bids").status_code == 403

    clock.set(closing.submission_deadline)
    _post(bidder, closing.id, "submit")  # a late attempt, refused
    page = turn(admin, closing.id)
    assert "First key turned" in page
    assert "You turned the first key" in turn(admin, closing.id)  # the same admin twice: refused
    assert db.get(Tender, closing.id).opened_at is None
    assert admin.get(f"/tenders/{closing.id}/bids").status_code == 403

    page = turn(admin2, closing.id)
    assert "The bids are open" in page
    assert "1 bids in the box" in page and "Supplier Ltd" in page
    assert "Supplier Ltd: submit" in page and "(refused)" in page
    listing = admin.get(f"/tenders/{closing.id}/bids").get_data(as_text=True)
    # 16 × 7,480 + 112 × 995.50
    assert "£231,176.00" in listing
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.action.startswith("tender.open"))).all()
    assert actions == ["tender.opening_first_key", "tender.opened"]


def test_partners_and_other_tenants_cannot_open_or_read(world, closing, clock, sign_in_as):
    clock.set(closing.submission_deadline)
    for email in ("admin@partner.example", "admin@other.example", "bidder@supplier.example", "viewer@lead.example"):
        person = sign_in_as(email)
        assert person.get(f"/tenders/{closing.id}/opening").status_code in (403, 404), email
        assert person.get(f"/tenders/{closing.id}/bids").status_code in (403, 404), email


def attach(browser, tender_id, content, name="method.pdf"):
    page = browser.get(f"/tenders/{tender_id}/bid/answers").get_data(as_text=True)
    url = re.search(r'href="(/tenders/\d+/bid/answers/\d+/files)"', page).group(1)
    token = csrf_from(browser.get(url).get_data(as_text=True))
    return browser.client.post(url, data={"csrf_token": token, "attachment": (io.BytesIO(content), name)},
                               content_type="multipart/form-data")


def test_attachments_are_sealed_listed_in_the_receipt_and_readable_after_opening(world, closing, db, clock, sign_in_as):
    pdf = b"%PDF-1.4\nCANARY-ATTACHMENT-5521\n%%EOF\n"
    bidder = sign_in_as("bidder@supplier.example")
    assert attach(bidder, closing.id, b"MZ not a document", "virus.pdf").status_code == 400
    assert attach(bidder, closing.id, pdf).status_code == 302
    complete_bid(bidder, closing.id)
    _post(bidder, closing.id, "submit")
    for table in SQLModel.metadata.sorted_tables:
        for row in db.exec(text(f'SELECT * FROM "{table.name}"')).all():
            assert b"CANARY-ATTACHMENT-5521" not in b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
    rival_org = factories.organisation(db, "Rival Two Ltd", clock.moment, factories.OrganisationKind.SUPPLIER)
    factories.user(db, rival_org, "bidder@rival2.example", ["bidder"], clock.moment)
    assert sign_in_as("bidder@rival2.example").get(f"/tenders/{closing.id}/bid/files/1").status_code == 404
    admin, admin2 = sign_in_as("admin@lead.example"), sign_in_as("admin2@lead.example")
    clock.set(closing.submission_deadline)
    turn(admin, closing.id)
    turn(admin2, closing.id)
    listing = admin.get(f"/tenders/{closing.id}/bids").get_data(as_text=True)
    bid_url = re.search(rf'href="(/tenders/{closing.id}/bids/\d+)"', listing).group(1)
    page = admin.get(bid_url).get_data(as_text=True)
    file_url = re.search(r'href="(/tenders/\d+/bids/\d+/files/[0-9a-f]{64})">method.pdf', page).group(1)
    assert admin.get(file_url).data == pdf
    assert sign_in_as("admin@partner.example").get(file_url).status_code in (403, 404)
