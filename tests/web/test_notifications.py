"""Every hand-off sends its email through the outbox with a link to the exact page, and that
link opens for the person it was sent to. Optional emails can be turned off on the account
page; the ones the law or the process needs cannot."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from tenderapp.domain.notifications import OPTIONAL, Notice
from tenderapp.domain.roles import OrganisationKind
from tenderapp.models import AuditEvent, Clarification, Contract, OutboxMessage, QualityCriterion
from tenderapp.services import contract_reminders, evaluating
from tests import factories
from tests.conftest import T0, csrf_from
from tests.web.test_agreements import sign_form
from tests.web.test_opening import turn


def _mail(db, recipient, subject_part):
    found = db.exec(select(OutboxMessage).where(OutboxMessage.recipient == recipient,
                                                OutboxMessage.subject.contains(subject_part))).all()
    assert len(found) == 1, [m.subject for m in db.exec(select(OutboxMessage))]
    return found[0]


def _link(message) -> str:
    """The address the email ends with, as a path of this app."""
    url = re.findall(r"http://localhost(/\S*)", message.body)
    assert url, message.body
    return url[-1]


def _opens(browser, message) -> str:
    response = browser.get(_link(message))
    assert response.status_code == 200, _link(message)
    return response.get_data(as_text=True)


def test_a_question_asked_and_its_published_answer_link_to_their_pages(world, db, sign_in_as):
    bidder, admin = sign_in_as("bidder@supplier.example"), sign_in_as("admin@lead.example")
    tender = world.open_tender
    assert bidder.submit(f"/tenders/{tender.id}/questions/new", {"question": "Is TUPE likely?"}).status_code == 302
    asked = db.exec(select(Clarification)).one()
    mail = _mail(db, "admin@lead.example", "New clarification question")
    assert _link(mail) == f"/tenders/{tender.id}/questions/{asked.id}"
    assert "Is TUPE likely?" in _opens(admin, mail)

    assert admin.submit(_link(mail), {"answer": "It may be.", "visibility": "published"}).status_code == 302
    answered = _mail(db, "bidder@supplier.example", "Clarification answered")
    assert _link(answered) == f"/tenders/{tender.id}"
    assert "It may be." in _opens(bidder, answered)


def test_the_lead_is_told_when_a_member_agrees_in_principle_and_signs(world, db, sign_in_as):
    partner, admin = sign_in_as("signatory@partner.example"), sign_in_as("admin@lead.example")
    url = f"/agreements/{world.agreement.id}"
    version_id = re.search(r'name="version_id" type="hidden" value="(\d+)"',
                           partner.get(url + "/in-principle").get_data(as_text=True)).group(1)
    partner.submit(url + "/in-principle", {"version_id": version_id, "organisation_ids": [world.partner.id],
                                           "note": "Subject to our board"})
    told = _mail(db, "admin@lead.example", "agreed in principle to the agreement")
    assert told.subject == "Partner Borough Council agreed in principle to the agreement"
    assert _link(told) == f"{url}/tracker" and "Partner Borough Council" in _opens(admin, told)
    partner.submit(url + "/sign", sign_form(partner, world.agreement.id, organisation_ids=[world.partner.id]))
    assert _link(_mail(db, "admin2@lead.example", "signed the agreement")) == f"{url}/tracker"


def test_the_first_key_tells_the_other_opener_and_the_opening_tells_the_panel(world, db, clock, sign_in_as):
    tender = world.open_tender
    clock.set(tender.submission_deadline + timedelta(minutes=1))
    admin, admin2 = sign_in_as("admin@lead.example"), sign_in_as("admin2@lead.example")
    assert "Your key is turned" in turn(admin, tender.id)
    key = _mail(db, "admin2@lead.example", "A key has been turned")
    assert _link(key) == f"/tenders/{tender.id}/opening" and "Open the bids" in _opens(admin2, key)
    assert "The bids are open" in turn(admin2, tender.id)
    opened = _mail(db, "admin@lead.example", "Bids opened")  # Alex Admin sits on the panel
    assert _link(opened) == f"/tenders/{tender.id}/evaluate"
    assert tender.reference in _opens(admin, opened)


def test_the_last_score_tells_the_moderators_that_every_score_is_in(world, db, clock, sign_in_as):
    tender, evaluator = world.open_tender, factories.actor(db, world.lead_admin)
    second = factories.organisation(db, "Second Supplier Ltd", T0, OrganisationKind.SUPPLIER)
    evaluating.declare(db, evaluator, tender, False, "", T0)
    submissions = factories.opened_bids(db, tender, [world.supplier, second], world.bidder, T0)
    criterion = evaluating.tasks(db, evaluator, tender)[0].criterion
    link = f"http://localhost/tenders/{tender.id}/evaluation/moderation"
    evaluating.submit_score(db, evaluator, tender, submissions[0].id, criterion.id, 3,
                            "A sound model that meets the requirement well.", T0, link)
    assert not db.exec(select(OutboxMessage).where(OutboxMessage.subject.contains("All scores are in"))).all()
    evaluating.submit_score(db, evaluator, tender, submissions[1].id, criterion.id, 4,
                            "A strong model with clear added value.", T0, link)
    mail = _mail(db, "admin2@lead.example", "All scores are in")
    assert "Compliance and moderation" in _opens(sign_in_as("admin2@lead.example"), mail)


def test_an_extension_decision_coming_due_is_told_once_with_the_contracts_page(app, db, clock, load_demo,
                                                                               sign_in_as):
    load_demo()
    contract = db.exec(select(Contract)).one()
    contract.extensions_allowed = 2  # the demo's one extension is used: allow another
    db.add(contract)
    db.commit()
    near_end = contract.end_date - timedelta(days=30)
    clock.set(clock.moment.replace(year=near_end.year, month=near_end.month, day=near_end.day))
    runner = app.test_cli_runner()
    assert "Told the lead of 1 extension decisions" in runner.invoke(args=["notify-due"]).output
    assert "Told the lead of 0 extension decisions" in runner.invoke(args=["notify-due"]).output
    mail = _mail(db, "admin@kent.example", "Extension decision due")
    assert re.search(rf"https?://[^/\s]+/contracts/{contract.id}\n", mail.body)
    assert db.exec(select(AuditEvent).where(AuditEvent.action == contract_reminders.TOLD)).one()


def test_optional_emails_can_be_turned_off_and_required_ones_cannot(world, db, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    account = admin.get("/account").get_data(as_text=True)
    assert "/account/notifications" in account and "Emails you get" in account
    page = admin.get("/account/notifications").get_data(as_text=True)
    assert "cannot be turned off" in page and "Procurement Act 2023, s.50" in page
    assert all(f'value="{n.value}"' in page for n in OPTIONAL)
    assert f'value="{Notice.ANSWER_PUBLISHED.value}"' not in page  # required: listed, not offered
    kept = [n.value for n in OPTIONAL if n is not Notice.QUESTION_ASKED]
    assert admin.submit("/account/notifications", {"wanted": kept}).status_code == 302
    assert admin.submit("/account/notifications", {"wanted": ["answer_published"]}).status_code == 400

    bidder = sign_in_as("bidder@supplier.example")
    bidder.submit(f"/tenders/{world.open_tender.id}/questions/new", {"question": "Which areas are covered?"})
    assert not db.exec(select(OutboxMessage).where(OutboxMessage.recipient == "admin@lead.example",
                                                   OutboxMessage.subject.contains("New clarification"))).all()
    assert _mail(db, "admin2@lead.example", "New clarification question")  # their colleague still gets it
    page = admin.get("/account/notifications").get_data(as_text=True)
    token = csrf_from(page)
    assert token and f'value="{Notice.QUESTION_ASKED.value}"' in page


def test_a_hand_off_email_without_its_link_is_refused_and_none_is_queued(world, db):
    from tenderapp.services import notifications, panel

    with pytest.raises(ValueError, match="link"):
        notifications.send(db, Notice.QUESTION_ASKED, [("admin@lead.example", world.lead.id)], "Subject", "Body:",
                           " ", T0)
    evaluator = factories.user(db, world.partner, "evaluator@partner.example", ["evaluator"], T0)
    criterion = db.exec(select(QualityCriterion).where(QualityCriterion.tender_id == world.open_tender.id)).one()
    with pytest.raises(ValueError, match="link"):
        panel.assign(db, factories.actor(db, world.lead_admin), world.open_tender, evaluator.id, [criterion.id], T0,
                     "")
    db.rollback()
    assert not db.exec(select(OutboxMessage)).all()
