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
from tests.hostile import pdf
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
    assert "Your key is turned" in page
    assert "You have turned your key" in turn(admin, closing.id)  # the same admin twice: refused
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
    assert actions == ["tender.opening_key_turned", "tender.opened"]


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
    canary = pdf("CANARY-ATTACHMENT-5521")
    bidder = sign_in_as("bidder@supplier.example")
    assert attach(bidder, closing.id, b"MZ not a document", "virus.pdf").status_code == 400
    assert attach(bidder, closing.id, canary).status_code == 302
    complete_bid(bidder, closing.id)
    _post(bidder, closing.id, "submit")
    for table in SQLModel.metadata.sorted_tables:
        for row in db.exec(text(f'SELECT * FROM "{table.name}"')).all():
            assert b"CANARY-ATTACHMENT-5521" not in b"".join(v if isinstance(v, bytes) else str(v).encode()
                                                             for v in row)
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
    assert admin.get(file_url).data == canary
    assert sign_in_as("admin@partner.example").get(file_url).status_code in (403, 404)


def test_nothing_about_the_tender_can_change_after_the_deadline(world, closing, db, clock, sign_in_as):
    from tests.web.test_tender_builder import timetable

    admin = sign_in_as("admin@lead.example")
    clock.set(closing.submission_deadline)
    later = closing.submission_deadline + timedelta(days=5)
    response = admin.submit(f"/tenders/{closing.id}/timetable", timetable(
        publication_date=["29", "11", "2026"], clarification_date=["30", "11", "2026"],
        submission_date=[str(later.day), str(later.month), str(later.year)], evaluation_date=None, award_date=None,
        amendment_summary="Reopened"))
    assert response.status_code == 400
    assert "The submission deadline has passed: the tender can no longer change" in response.get_data(as_text=True)
    assert db.get(Tender, closing.id).submission_deadline == closing.submission_deadline
    response = admin.submit(f"/tenders/{closing.id}/weighting", {"price_weight": "40", "price_method": "deviation",
                                                                 "amendment_summary": "After the fact"})
    assert response.status_code == 400
    response = admin.submit(f"/tenders/{closing.id}/pricing/new", {"code": "NEW", "description": "x", "unit": "y",
                                                                   "evaluation_quantity": "1",
                                                                   "amendment_summary": "z"})
    assert response.status_code == 400


def test_a_published_deadline_can_be_extended_but_not_brought_forward(world, closing, db, sign_in_as):
    from tests.web.test_tender_builder import timetable

    admin = sign_in_as("admin@lead.example")
    earlier = timetable(publication_date=["29", "11", "2026"], publication_time="9am",
                        clarification_date=["30", "11", "2026"], clarification_time="9:30am",
                        submission_date=["30", "11", "2026"], submission_time="10am",
                        evaluation_date=None, award_date=None, amendment_summary="Sooner")
    response = admin.submit(f"/tenders/{closing.id}/timetable", {k: v for k, v in earlier.items() if v is not None})
    assert response.status_code == 400
    assert "can be extended, not brought forward" in response.get_data(as_text=True)


def test_a_late_withdrawal_is_refused_and_the_bid_stays_in_the_box(world, closing, db, clock, sign_in_as):
    bidder = sign_in_as("bidder@supplier.example")
    complete_bid(bidder, closing.id)
    _post(bidder, closing.id, "submit")
    clock.set(closing.submission_deadline)
    _post(bidder, closing.id, "withdraw")
    from tenderapp.models import BidSubmission, LateAttempt

    assert db.exec(select(BidSubmission)).one().withdrawn_at is None
    assert db.exec(select(LateAttempt)).one().action == "withdraw"


def test_late_files_are_refused_and_logged(world, closing, db, clock, sign_in_as):
    from tenderapp.models import BidAttachment, LateAttempt

    bidder = sign_in_as("bidder@supplier.example")
    assert attach(bidder, closing.id, pdf("early")).status_code == 302
    clock.set(closing.submission_deadline)
    attach(bidder, closing.id, pdf("late"))
    assert len(db.exec(select(BidAttachment)).all()) == 1
    attachment = db.exec(select(BidAttachment)).one()
    token = csrf_from(bidder.get(f"/tenders/{closing.id}/bid").get_data(as_text=True))
    bidder.client.post(f"/tenders/{closing.id}/bid/files/{attachment.id}/remove", data={"csrf_token": token})
    assert db.exec(select(BidAttachment)).one().removed_at is None
    assert sorted(db.exec(select(LateAttempt.action)).all()) == ["attach a file", "remove a file"]


def test_a_supplier_cannot_fetch_another_suppliers_file_by_id(world, closing, db, clock, sign_in_as):
    from tenderapp.models import BidAttachment

    owner = sign_in_as("bidder@supplier.example")
    attach(owner, closing.id, pdf("owner's file"))
    theirs = db.exec(select(BidAttachment)).one()
    rival_org = factories.organisation(db, "Rival Three Ltd", clock.moment, factories.OrganisationKind.SUPPLIER)
    factories.user(db, rival_org, "bidder@rival3.example", ["bidder"], clock.moment)
    rival = sign_in_as("bidder@rival3.example")
    attach(rival, closing.id, pdf("rival's own file"))
    assert rival.get(f"/tenders/{closing.id}/bid/files/{theirs.id}").status_code == 404
    own = db.exec(select(BidAttachment).where(BidAttachment.id != theirs.id)).one()
    assert rival.get(f"/tenders/{closing.id}/bid/files/{own.id}").data == pdf("rival's own file")


def _one_bid_opened(closing, db, clock, sign_in_as):
    """The supplier's bid submitted and the box opened by both named openers: its submission."""
    from tenderapp.models import BidSubmission

    bidder = sign_in_as("bidder@supplier.example")
    complete_bid(bidder, closing.id)
    _post(bidder, closing.id, "submit")
    clock.set(closing.submission_deadline)
    turn(sign_in_as("admin@lead.example"), closing.id)
    turn(sign_in_as("admin2@lead.example"), closing.id)
    return db.exec(select(BidSubmission)).one()


def test_the_audit_log_fixes_what_was_in_the_box_at_the_opening(world, closing, db, clock, sign_in_as):
    import json

    submission = _one_bid_opened(closing, db, clock, sign_in_as)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "tender.opened")).one()
    details = json.loads(event.details)
    assert details["bids"] == [{"receipt": submission.receipt, "sha256": submission.content_sha256,
                                "submitted_at": submission.submitted_at.isoformat(), "schedule_version": 1}]


def test_a_bid_altered_in_the_database_is_refused_on_reading(world, closing, db, clock, sign_in_as, app):
    from tenderapp.access import actor_for, get_lead_tender
    from tenderapp.models import User
    from tenderapp.services import opening

    submission = _one_bid_opened(closing, db, clock, sign_in_as)
    submission.content_sha256 = "0" * 64
    db.add(submission)
    db.commit()
    admin = actor_for(db, db.get(User, world.lead_admin.id), "token")
    with pytest.raises(ValueError, match="does not match its receipt"):
        opening.unsealed_bids(db, app.extensions["tenderapp.sealer"], get_lead_tender(db, admin, closing.id))


def test_the_tender_page_offers_no_changes_after_the_deadline(world, closing, clock, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    assert "Add a pricing line" in admin.get(f"/tenders/{closing.id}").get_data(as_text=True)
    clock.set(closing.submission_deadline)
    page = admin.get(f"/tenders/{closing.id}").get_data(as_text=True)
    assert "Add a pricing line" not in page and ">Change<" not in page
    assert "Closed, not yet opened" in page
