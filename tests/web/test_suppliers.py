"""Suppliers register themselves, confirm by email, invite colleagues, register interest and
ask clarification questions; the lead answers, publishing or privately."""

import re

import pytest
from sqlmodel import select

from tenderapp.models import Clarification, Organisation, OrganisationIdentifier, OutboxMessage, TenderInterest
from tests import factories
from tests.conftest import csrf_from

REGISTRATION = {"organisation_name": "Calm Waters Mediation Ltd", "company_number": "01234 567",
                "address": "1 High Street\nMaidstone\nME14 1XX", "contact_name": "Jo Calm",
                "email": "Jo@CalmWaters.example "}


def confirmation_link(db, email):
    message = db.exec(select(OutboxMessage).where(OutboxMessage.recipient == email)
                      .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"http://localhost(/register/confirm/\S+)", message.body).group(1)


def test_a_supplier_registers_confirms_and_signs_in_as_a_bidder(world, db, browser):
    response = browser.submit("/register", REGISTRATION)
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    assert db.exec(select(Organisation).where(Organisation.name == "Calm Waters Mediation Ltd")).first() is None
    link = confirmation_link(db, "jo@calmwaters.example")
    assert browser.submit(link, {"password": "calm waters password", "confirm_password": "calm waters password"}
                          ).status_code == 302
    supplier = db.exec(select(Organisation).where(Organisation.name == "Calm Waters Mediation Ltd")).one()
    assert supplier.kind == "supplier"
    identifiers = db.exec(select(OrganisationIdentifier).where(OrganisationIdentifier.organisation_id == supplier.id))
    assert [(i.scheme, i.identifier) for i in identifiers] == [("GB-COH", "01234567")]
    browser.sign_in("jo@calmwaters.example", "calm waters password")
    page = browser.get("/dashboard").get_data(as_text=True)
    assert "Calm Waters Mediation Ltd" in page and "Bidder" in page
    assert browser.get(link).status_code == 410


def test_registration_errors_appear_beside_fields(world, browser):
    response = browser.submit("/register", {**REGISTRATION, "company_number": "ABC", "email": "not-an-email",
                                            "organisation_name": "Supplier Ltd"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in page
    response = browser.submit("/register", {**REGISTRATION, "company_number": "ABC"})
    assert ("Enter a Companies House number in the correct format, like 01234567 or SC123456"
            in response.get_data(as_text=True))
    response = browser.submit("/register", {**REGISTRATION, "company_number": "12"})  # too short: not padded
    assert response.status_code == 400
    assert ("Enter a Companies House number in the correct format, like 01234567 or SC123456"
            in response.get_data(as_text=True))
    response = browser.submit("/register", {**REGISTRATION, "organisation_name": "supplier ltd"})
    assert "An organisation with this name is already registered" in response.get_data(as_text=True)


def test_registering_an_address_that_has_an_account_reveals_nothing(world, db, browser):
    response = browser.submit("/register", {**REGISTRATION, "email": "bidder@supplier.example"})
    assert "Check your email" in response.get_data(as_text=True)
    message = db.exec(select(OutboxMessage).where(OutboxMessage.recipient == "bidder@supplier.example")).one()
    assert message.subject == "You already have a Tenderapp account"


def test_a_bidder_invites_a_colleague_as_a_bidder_only(world, sign_in_as, db):
    bidder = sign_in_as("bidder@supplier.example")
    url = f"/admin/organisations/{world.supplier.id}/invite"
    form = bidder.get(url).get_data(as_text=True)
    assert "Bidder" in form and "Procurement admin" not in form
    assert bidder.submit(url, {"full_name": "Col League", "email": "col@supplier.example", "roles": ["bidder"]}
                         ).status_code == 302
    assert bidder.get(f"/admin/organisations/{world.lead.id}").status_code == 404
    assert bidder.get("/admin/collaborations").status_code == 403


@pytest.fixture
def tender(world, db, clock):
    return factories.published_tender(db, world.collab, world.lead_admin, clock.moment)


def test_a_bidder_registers_interest_once(world, tender, sign_in_as, db):
    bidder = sign_in_as("bidder@supplier.example")
    assert "Register interest" in bidder.get(f"/tenders/{tender.id}").get_data(as_text=True)
    token = csrf_from(bidder.get(f"/tenders/{tender.id}").get_data(as_text=True))
    for _ in range(2):
        assert bidder.client.post(f"/tenders/{tender.id}/interest", data={"csrf_token": token}).status_code == 302
    assert len(db.exec(select(TenderInterest)).all()) == 1
    lead_page = sign_in_as("admin@lead.example").get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "Suppliers who registered interest (1)" in lead_page and "Supplier Ltd" in lead_page


def test_published_answers_reach_every_interested_supplier_without_naming_the_asker(world, tender, sign_in_as, db,
                                                                                    clock):
    other_supplier = factories.organisation(db, "Other Supplier Ltd", clock.moment, factories.OrganisationKind.SUPPLIER)
    factories.user(db, other_supplier, "bidder@other-supplier.example", ["bidder"], clock.moment)
    other = sign_in_as("bidder@other-supplier.example")
    other.client.post(f"/tenders/{tender.id}/interest",
                      data={"csrf_token": csrf_from(other.get(f"/tenders/{tender.id}").get_data(as_text=True))})
    asker = sign_in_as("bidder@supplier.example")
    assert asker.submit(f"/tenders/{tender.id}/questions/new", {"question": "Is TUPE expected to apply?"}
                        ).status_code == 302
    assert "Is TUPE expected to apply?" not in other.get(f"/tenders/{tender.id}").get_data(as_text=True)
    admin = sign_in_as("admin@lead.example")
    listing = admin.get(f"/tenders/{tender.id}/questions").get_data(as_text=True)
    assert "Supplier Ltd" in listing and "Is TUPE expected to apply?" in listing
    question = db.exec(select(Clarification)).one()
    response = admin.submit(f"/tenders/{tender.id}/questions/{question.id}",
                            {"answer": "No: the service is new.", "visibility": "published"})
    assert response.status_code == 302
    page = other.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "Is TUPE expected to apply?" in page and "No: the service is new." in page
    assert "Supplier Ltd" not in page.split("Questions and answers")[1].split("<footer")[0]
    recipients = set(db.exec(select(OutboxMessage.recipient)
                             .where(OutboxMessage.subject.startswith("Clarification"))).all())
    assert recipients == {"bidder@supplier.example", "bidder@other-supplier.example"}


def test_a_private_answer_needs_a_reason_and_reaches_only_the_asker(world, tender, sign_in_as, db):
    asker = sign_in_as("bidder@supplier.example")
    asker.submit(f"/tenders/{tender.id}/questions/new", {"question": "Can we see our own old invoices?"})
    question = db.exec(select(Clarification)).one()
    admin = sign_in_as("admin@lead.example")
    url = f"/tenders/{tender.id}/questions/{question.id}"
    response = admin.submit(url, {"answer": "Yes.", "visibility": "private", "private_reason": ""})
    assert response.status_code == 400
    assert "Enter why this answer is not published to every supplier" in response.get_data(as_text=True)
    admin.submit(url, {"answer": "Yes.", "visibility": "private", "private_reason": "About its own contract"})
    assert "answered privately to you" in asker.get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "Can we see our own old invoices?" not in (admin.get(f"/tenders/{tender.id}").get_data(as_text=True)
                                                      .split("Questions and answers")[1].split("See and answer")[0])


def test_no_questions_after_the_clarification_deadline(world, tender, sign_in_as, clock, db):
    clock.set(tender.clarification_deadline)
    bidder = sign_in_as("bidder@supplier.example")
    assert "Ask a clarification question" not in bidder.get(f"/tenders/{tender.id}").get_data(as_text=True)
    response = bidder.submit(f"/tenders/{tender.id}/questions/new", {"question": "Too late?"})
    assert response.status_code == 400
    assert "You can no longer ask a question" in response.get_data(as_text=True)
    assert db.exec(select(Clarification)).first() is None


def test_only_the_lead_sees_questions_and_who_asked(world, tender, sign_in_as):
    for email in ("admin@partner.example", "admin@other.example", "bidder@supplier.example"):
        assert sign_in_as(email).get(f"/tenders/{tender.id}/questions").status_code in (403, 404), email


def test_amendments_reach_interested_suppliers(world, tender, sign_in_as, db):
    bidder = sign_in_as("bidder@supplier.example")
    bidder.client.post(f"/tenders/{tender.id}/interest",
                       data={"csrf_token": csrf_from(bidder.get(f"/tenders/{tender.id}").get_data(as_text=True))})
    admin = sign_in_as("admin@lead.example")
    admin.submit(f"/tenders/{tender.id}/weighting", {"price_weight": "40", "price_method": "deviation",
                                                     "amendment_summary": "Price now scored by deviation"})
    message = db.exec(select(OutboxMessage).where(OutboxMessage.recipient == "bidder@supplier.example")).one()
    assert "Price now scored by deviation" in message.body
