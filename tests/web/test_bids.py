"""A supplier's bid through the web: prices online, answers, declarations, submission with
a receipt, the deadline, withdrawal and resubmission; and the sealed box."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, select

from tenderapp.domain.bids import REQUIRED_DECLARATIONS, content_hash
from tenderapp.models import AuditEvent, BidSubmission, LateAttempt, OutboxMessage
from tests import factories
from tests.conftest import csrf_from


@pytest.fixture
def tender(world):
    return world.open_tender


@pytest.fixture
def closing(world, db, clock):
    """A published tender whose deadline is three hours away (inside one signed-in session)."""
    return factories.published_tender(db, world.collab, world.lead_admin, clock.moment, "SOON-001",
                                      clarification_in=timedelta(hours=1), submission_in=timedelta(hours=3))


@pytest.fixture
def bidder(world, sign_in_as):
    return sign_in_as("bidder@supplier.example")


def line_fields(browser, tender_id):
    page = browser.get(f"/tenders/{tender_id}/bid/prices").get_data(as_text=True)
    return re.findall(r'name="(line_\d+)"', page)


def price(browser, tender_id, *values):
    fields = line_fields(browser, tender_id)
    return browser.submit(f"/tenders/{tender_id}/bid/prices", dict(zip(fields, values, strict=False)))


def answer(browser, tender_id, text_="We will run the service from three regional hubs."):
    page = browser.get(f"/tenders/{tender_id}/bid/answers").get_data(as_text=True)
    fields = re.findall(r'name="(criterion_\d+)"', page)
    return browser.submit(f"/tenders/{tender_id}/bid/answers", {f: text_ for f in fields})


def declare(browser, tender_id):
    return browser.submit(f"/tenders/{tender_id}/bid/declarations", {"declarations": REQUIRED_DECLARATIONS})


def complete_bid(browser, tender_id, core="£7,480.00", payg="1000"):
    assert price(browser, tender_id, core, payg).status_code == 302
    assert answer(browser, tender_id).status_code == 302
    assert declare(browser, tender_id).status_code == 302


def _post(browser, tender_id, action):
    token = csrf_from(browser.get(f"/tenders/{tender_id}/bid").get_data(as_text=True))
    return browser.client.post(f"/tenders/{tender_id}/bid/{action}", data={"csrf_token": token})


def test_prices_accept_pounds_and_pence_written_as_people_write_them(world, tender, bidder):
    assert price(bidder, tender.id, "£7,480.00", "1000").status_code == 302
    page = bidder.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)
    # 16 × 7,480 + 112 × 1,000
    assert "£231,680.00" in page
    assert "£7,480.00" in page


def test_each_bad_price_gets_its_own_message_and_nothing_typed_is_lost(world, tender, bidder):
    response = price(bidder, tender.id, "-5", "a thousand")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 1 (CORE): enter a price of £0 or more" in page
    assert "Line 2 (PAYG): enter a number, like 1250.00" in page
    assert 'value="-5"' in page and 'value="a thousand"' in page
    assert price(bidder, tender.id, "12.345", "1").status_code == 400


def test_prices_in_other_digits_or_with_spaces_inside_are_refused_beside_the_line(world, tender, bidder):
    from tests.web.test_uploads import error_beside

    fields = line_fields(bidder, tender.id)
    response = price(bidder, tender.id, "٣٤٥", "1 2 3")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(page, fields[0]) == "Line 1 (CORE): enter a price using the digits 0 to 9, like 1250.00"
    assert error_beside(page, fields[1]) == (
        "Line 2 (PAYG): enter a price without spaces between the digits, like 1250.00")
    assert 'value="٣٤٥"' in page and 'value="1 2 3"' in page
    assert "£345.00" not in bidder.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)
    assert price(bidder, tender.id, " £ 7,480.00 ", "1000 ").status_code == 302


def test_a_complete_bid_is_submitted_with_a_receipt_matching_the_stored_content(world, tender, bidder, db, app):
    complete_bid(bidder, tender.id)
    response = _post(bidder, tender.id, "submit")
    assert response.status_code == 302
    page = bidder.get(response.headers["Location"]).get_data(as_text=True)
    submission = db.exec(select(BidSubmission)).one()
    assert submission.receipt in page and submission.content_sha256 in page
    assert "30 November 2026 at 9am" in page  # UK time of the frozen clock
    sealed = app.extensions["tenderapp.sealer"].open(
        tender.id, submission.content, f"submission:{tender.id}:{world.supplier.id}:{submission.receipt}")
    assert content_hash(sealed.decode()) == submission.content_sha256
    assert '"CORE":"7480.00"' in sealed.decode()
    receipt = db.exec(select(OutboxMessage).where(OutboxMessage.subject.startswith("Receipt"))).one()
    assert submission.receipt in receipt.body and submission.content_sha256 in receipt.body
    sealed_copy = bidder.get(f"/tenders/{tender.id}/bid/receipts/1.json").data
    assert content_hash(sealed_copy.decode()) == submission.content_sha256
    download = bidder.get(f"/tenders/{tender.id}/bid/receipts/1.txt")
    assert download.mimetype == "text/plain" and submission.content_sha256 in download.get_data(as_text=True)


def test_an_incomplete_bid_cannot_be_submitted(world, tender, bidder, db):
    price(bidder, tender.id, "7480", "")
    response = _post(bidder, tender.id, "submit")
    page = bidder.get(response.headers["Location"]).get_data(as_text=True)
    assert "Enter the unit price for PAYG" in page
    assert db.exec(select(BidSubmission)).first() is None


def test_a_second_before_the_deadline_is_in_time_and_at_the_deadline_is_refused(world, closing, bidder, db, clock):
    tender = closing
    complete_bid(bidder, tender.id)
    clock.set(tender.submission_deadline - timedelta(seconds=1))
    assert _post(bidder, tender.id, "submit").status_code == 302
    assert len(db.exec(select(BidSubmission)).all()) == 1
    clock.set(tender.submission_deadline)
    response = _post(bidder, tender.id, "submit")
    page = bidder.get(response.headers["Location"]).get_data(as_text=True)
    assert ("The submission deadline has passed: nothing more can be sent or changed. "
            "Your draft is kept as it was.") in page
    assert len(db.exec(select(BidSubmission)).all()) == 1
    assert db.exec(select(LateAttempt)).one().action == "submit"
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "bid.late_attempt_refused")).one()
    assert "£231,680.00" in page  # the draft is still there


def test_a_late_price_change_is_refused_and_the_draft_kept(world, closing, bidder, db, clock):
    tender = closing
    price(bidder, tender.id, "7480", "1000")
    clock.set(tender.submission_deadline + timedelta(minutes=1))
    response = price(bidder, tender.id, "1", "1")
    assert response.status_code == 302
    assert "£231,680.00" in bidder.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)
    assert db.exec(select(LateAttempt)).one().action == "save prices"


def test_withdraw_and_resubmit_keeps_every_version_and_the_last_counts(world, tender, bidder, db, sign_in_as):
    complete_bid(bidder, tender.id)
    _post(bidder, tender.id, "submit")
    admin = sign_in_as("admin@lead.example")
    assert "1 bid submitted" in admin.get(f"/tenders/{tender.id}").get_data(as_text=True)
    _post(bidder, tender.id, "withdraw")
    assert "0 bids submitted" in admin.get(f"/tenders/{tender.id}").get_data(as_text=True)
    price(bidder, tender.id, "7000", "950")
    _post(bidder, tender.id, "submit")
    versions = db.exec(select(BidSubmission).order_by(BidSubmission.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].withdrawn_at is not None and versions[1].withdrawn_at is None
    assert "1 bid submitted" in admin.get(f"/tenders/{tender.id}").get_data(as_text=True)
    page = bidder.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)
    assert "Withdrawn" in page and "Counts" in page


def test_one_supplier_never_sees_another_suppliers_bid(world, tender, bidder, db, clock, sign_in_as):
    complete_bid(bidder, tender.id, core="4321.99")
    _post(bidder, tender.id, "submit")
    rival_org = factories.organisation(db, "Rival Ltd", clock.moment, factories.OrganisationKind.SUPPLIER)
    factories.user(db, rival_org, "bidder@rival.example", ["bidder"], clock.moment)
    rival = sign_in_as("bidder@rival.example")
    page = rival.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)
    assert "4,321.99" not in page and "Submitted" not in page.split("Check your bid")[0]
    assert rival.get(f"/tenders/{tender.id}/bid/receipts/1").status_code == 404


def test_authorities_cannot_reach_the_bid_pages(world, tender, sign_in_as):
    for email in ("admin@lead.example", "admin@partner.example", "viewer@lead.example"):
        assert sign_in_as(email).get(f"/tenders/{tender.id}/bid").status_code == 403, email


def test_the_database_holds_no_price_or_answer_in_plain_text(world, tender, bidder, db, app):
    marker_price, marker_answer = "98765.43", "CANARY-ANSWER-zq81"
    complete_bid(bidder, tender.id, core=marker_price)
    answer(bidder, tender.id, f"Our approach {marker_answer} is tested.")
    _post(bidder, tender.id, "submit")
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for row in db.exec(text(f'SELECT * FROM "{table.name}"')).all():
            blob = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
            for marker in (marker_price, marker_answer, "98,765.43"):
                if marker.encode() in blob:
                    found.append((table.name, marker))
    assert found == []
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        db.commit()
        for suffix in ("", "-wal"):
            try:
                raw = open(path + suffix, "rb").read()
            except FileNotFoundError:
                continue
            assert marker_answer.encode() not in raw and marker_price.encode() not in raw


def upload_workbook(browser, tender_id, data, name="prices.xlsx"):
    url = f"/tenders/{tender_id}/bid/upload"
    token = csrf_from(browser.get(url).get_data(as_text=True))
    return browser.client.post(url, data={"csrf_token": token, "workbook": (io.BytesIO(data), name)},
                               content_type="multipart/form-data")


def test_prices_round_trip_through_the_excel_template(world, tender, bidder):
    from io import BytesIO

    from openpyxl import load_workbook

    price(bidder, tender.id, "7480", "")
    response = bidder.get(f"/tenders/{tender.id}/bid/template.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(BytesIO(response.data))
    sheet = book["Pricing"]
    assert sheet["A5"].value == "CORE" and sheet["E5"].value == 7480  # the draft's price, prefilled
    sheet["E6"] = 1000
    buffer = BytesIO()
    book.save(buffer)
    response = upload_workbook(bidder, tender.id, buffer.getvalue())
    assert response.status_code == 302
    assert "£231,680.00" in bidder.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)


def test_a_bad_workbook_lists_every_problem_and_saves_nothing(world, tender, bidder):
    from io import BytesIO

    from openpyxl import load_workbook

    price(bidder, tender.id, "7480", "1000")
    book = load_workbook(BytesIO(bidder.get(f"/tenders/{tender.id}/bid/template.xlsx").data))
    book["Pricing"]["E5"], book["Pricing"]["E6"] = "=1+1", "lots"
    buffer = BytesIO()
    book.save(buffer)
    response = upload_workbook(bidder, tender.id, buffer.getvalue())
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Pricing, E5: enter a number, not a formula" in page
    assert "Pricing, E6: enter a number, like 1250.00" in page
    assert "£231,680.00" in bidder.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)
    response = upload_workbook(bidder, tender.id, b"MZ this is an exe", "prices.xlsx")
    assert response.status_code == 400
    assert "must be an Excel workbook" in response.get_data(as_text=True)


def test_a_bid_priced_at_nothing_is_refused_at_submission_though_a_free_line_is_fine(world, tender, bidder, db):
    complete_bid(bidder, tender.id, core="0", payg="0.00")
    refusal = "Your evaluated price is £0.00, which cannot be scored: enter a unit price of more than £0 for at " \
              "least one line"
    assert refusal in bidder.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)  # in "Before you can submit"
    response = _post(bidder, tender.id, "submit")
    assert refusal in bidder.get(response.headers["Location"]).get_data(as_text=True)
    assert db.exec(select(BidSubmission)).first() is None
    price(bidder, tender.id, "0", "1000")  # one line free of charge: scorable
    assert "Submit your bid" in bidder.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)
    assert _post(bidder, tender.id, "submit").status_code == 302
    assert db.exec(select(BidSubmission)).one()


def _template_with(browser, tender_id, cells):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(browser.get(f"/tenders/{tender_id}/bid/template.xlsx").data))
    for cell, value in cells.items():
        book["Pricing"][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_workbook_with_every_price_cleared_is_refused_and_the_saved_prices_kept(world, tender, bidder):
    from tests.web.test_uploads import error_beside

    price(bidder, tender.id, "7480", "1000")
    page = bidder.get(f"/tenders/{tender.id}/bid/upload").get_data(as_text=True)
    assert "A price cell you leave blank keeps the price already saved for that line" in page
    response = upload_workbook(bidder, tender.id, _template_with(bidder, tender.id, {"E5": None, "E6": None}))
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), "workbook") == (
        "The workbook has no prices in it: enter a unit price in the yellow cells and upload it again. "
        "Your saved prices have not changed")
    page = bidder.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)
    assert "2 of 2 lines priced" in page and "£231,680.00" in page


def test_a_blank_cell_in_a_workbook_keeps_that_lines_saved_price_and_says_so(world, tender, bidder):
    price(bidder, tender.id, "7480", "1000")
    response = upload_workbook(bidder, tender.id, _template_with(bidder, tender.id, {"E5": 7000, "E6": None}))
    assert response.status_code == 302
    page = bidder.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Prices read from your workbook and saved. Left blank in the workbook, so kept at their saved price: "
            "line 2 (PAYG) at £1,000.00. Check them below.") in page
    assert "£7,000.00" in page and "2 of 2 lines priced" in page  # 16 × 7,000 + 112 × 1,000 = 224,000
    assert "£224,000.00" in page


def test_a_blank_cell_for_a_line_never_priced_is_named_as_still_not_priced(world, tender, bidder):
    response = upload_workbook(bidder, tender.id, _template_with(bidder, tender.id, {"E5": 7480, "E6": None}))
    page = bidder.get(response.headers["Location"]).get_data(as_text=True)
    assert "Left blank and still not priced: line 2 (PAYG)." in page and "1 of 2 lines priced" in page


def test_check_your_bid_lists_each_answers_attached_files_with_their_size(world, tender, bidder):
    from tests.hostile import pdf
    from tests.web.test_opening import attach

    document = pdf("our method statement")
    assert attach(bidder, tender.id, document, "method.pdf").status_code == 302
    complete_bid(bidder, tender.id)
    page = bidder.get(f"/tenders/{tender.id}/bid").get_data(as_text=True)
    card = page.split("Check your bid")[1].split("Declarations")[0]
    assert "Files attached" in card and f"method.pdf ({len(document):,} bytes)" in card


def test_after_the_deadline_every_bid_page_is_read_only_and_says_why(world, closing, bidder, clock):
    from tests.hostile import pdf
    from tests.web.test_opening import attach

    tender = closing
    attach(bidder, tender.id, pdf("our method statement"), "method.pdf")
    complete_bid(bidder, tender.id)
    pages = {name: f"/tenders/{tender.id}/bid/{name}" for name in ("prices", "upload", "answers", "declarations")}
    answers = bidder.get(pages["answers"]).get_data(as_text=True)
    pages["files"] = re.search(r'href="(/tenders/\d+/bid/answers/\d+/files)"', answers).group(1)
    pages["overview"] = f"/tenders/{tender.id}/bid"
    for name, url in pages.items():
        assert "<form" in bidder.get(url).get_data(as_text=True) or name == "overview", name
    clock.set(tender.submission_deadline + timedelta(minutes=1))
    notice = "The deadline passed on 30 November 2026 at midday: you can no longer change your bid."
    for name, url in pages.items():
        response = bidder.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, name
        assert notice in page, name
        body = page.split('id="main-content"')[1]
        assert 'method="post"' not in body and "<input" not in body and "<textarea" not in body, name
    assert "£7,480.00" in bidder.get(pages["prices"]).get_data(as_text=True)
    assert "We will run the service from three regional hubs." in bidder.get(pages["answers"]).get_data(as_text=True)
    assert REQUIRED_DECLARATIONS[0] in bidder.get(pages["declarations"]).get_data(as_text=True)
    assert "method.pdf" in bidder.get(pages["files"]).get_data(as_text=True)
    assert "Submit your bid" not in bidder.get(pages["overview"]).get_data(as_text=True)
