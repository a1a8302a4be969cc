"""Bid openers named before the deadline, played as an insider would attack them.

Admin A alone must not be able to open the box: not with an account A invites after the
deadline, not by promoting a colleague after it, not by adding an opener after it, not by
replacing an opener without a second person. The two named openers still open it, and a
replacement confirmed by a second eligible person works when an opener has left.
"""

from datetime import timedelta

import pytest
from sqlmodel import select

from tenderapp.models import AuditEvent, OutboxMessage, Tender, TenderOpener, User
from tests import factories
from tests.conftest import csrf_from
from tests.web.test_bids import _post, complete_bid
from tests.web.test_opening import turn


def enrol(db, user, when):
    """As if ``user`` set up an authenticator app at ``when``."""
    row = db.get(User, user.id)
    row.totp_enrolled_at = when
    db.add(row)
    db.commit()


@pytest.fixture
def closing(world, db, clock):
    """A published tender closing in 3 hours, with one submitted bid; Alex Admin and Admin2
    (procurement admins with two-factor sign-in since long before) are its named openers."""
    for person in (world.lead_admin, world.lead_admin2):
        enrol(db, person, clock.moment - timedelta(days=30))
    tender = factories.published_tender(db, world.collab, world.lead_admin, clock.moment, "SOON-003",
                                        clarification_in=timedelta(hours=1), submission_in=timedelta(hours=3))
    return tender


@pytest.fixture
def with_bid(closing, sign_in_as):
    bidder = sign_in_as("bidder@supplier.example")
    complete_bid(bidder, closing.id, core="7480", payg="995.50")
    assert _post(bidder, closing.id, "submit").status_code == 302
    return closing


def current_opener_ids(db, tender):
    return {o.user_id for o in db.exec(select(TenderOpener).where(TenderOpener.tender_id == tender.id,
                                                                   TenderOpener.removed_at.is_(None))).all()}


def is_sealed(db, admin, tender):
    return db.get(Tender, tender.id).opened_at is None and admin.get(f"/tenders/{tender.id}/bids").status_code == 403


def new_admin(db, world, email, when, roles=("procurement_admin",)):
    person = factories.user(db, world.lead, email, list(roles), when)
    enrol(db, person, when)
    return person


# --- naming before the deadline --------------------------------------------------------------


def test_the_page_offers_every_eligible_admin_and_names_them_with_an_audit_and_an_email(world, db, clock, sign_in_as):
    enrol(db, world.lead_admin, clock.moment)
    enrol(db, world.lead_admin2, clock.moment)
    third = new_admin(db, world, "admin3@lead.example", clock.moment)
    admin = sign_in_as("admin@lead.example")
    url = f"/tenders/{world.tender.id}/openers"
    page = admin.get(url).get_data(as_text=True)
    assert page.count("checked") == 3  # the default: every eligible procurement admin
    response = admin.submit(url, {"openers": [str(world.lead_admin.id), str(third.id)], "quorum": "2"})
    assert response.status_code == 302
    assert current_opener_ids(db, world.tender) == {world.lead_admin.id, third.id}
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "tender.openers_named")).one()
    assert event.actor_user_id == world.lead_admin.id
    told = {m.recipient for m in db.exec(select(OutboxMessage).where(
        OutboxMessage.subject == "Bid openers changed: tender LEAD-001")).all()}
    assert told == {"admin@lead.example", "admin2@lead.example", "admin3@lead.example"}
    assert "Alex Admin" in admin.get(f"/tenders/{world.tender.id}").get_data(as_text=True).split("Bid openers</h2>")[1]


@pytest.mark.parametrize("choice,quorum,message", [
    ("one", "2", "Choose at least 2 openers"),
    ("two", "1", "At least 2 openers, and at most 20, must turn a key"),
    ("two", "3", "Choose at least 3 openers"),
    ("without 2FA", "2", "cannot be an opener: openers must be procurement admins of the lead with two-factor"),
])
def test_bad_choices_are_refused_beside_the_field(world, db, clock, sign_in_as, choice, quorum, message):
    enrol(db, world.lead_admin, clock.moment)
    enrol(db, world.lead_admin2, clock.moment)
    ids = {"one": [world.lead_admin.id], "two": [world.lead_admin.id, world.lead_admin2.id],
           "without 2FA": [world.lead_admin.id, world.lead_viewer.id]}[choice]
    if choice == "without 2FA":
        factories.user(db, world.lead, "nofactor@lead.example", ["procurement_admin"], clock.moment)
        ids = [world.lead_admin.id, db.exec(select(User.id).where(User.email == "nofactor@lead.example")).one()]
    response = sign_in_as("admin@lead.example").submit(f"/tenders/{world.tender.id}/openers",
                                                       {"openers": [str(i) for i in ids], "quorum": quorum})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert current_opener_ids(db, world.tender) == set()


def test_another_tenants_person_cannot_be_named(world, db, clock, sign_in_as):
    enrol(db, world.lead_admin, clock.moment)
    enrol(db, world.other_admin, clock.moment)
    response = sign_in_as("admin@lead.example").submit(
        f"/tenders/{world.tender.id}/openers",
        {"openers": [str(world.lead_admin.id), str(world.other_admin.id)], "quorum": "2"})
    assert response.status_code == 404
    assert current_opener_ids(db, world.tender) == set()


def test_a_tender_cannot_be_published_without_its_openers(world, db, sign_in_as):
    page = sign_in_as("admin@lead.example").get(f"/tenders/{world.tender.id}").get_data(as_text=True)
    assert "Name at least 2 bid openers" in page


# --- the attacks, after the deadline ---------------------------------------------------------


def test_the_two_named_openers_open_the_box(with_bid, db, clock, sign_in_as):
    clock.set(with_bid.submission_deadline)
    admin, admin2 = sign_in_as("admin@lead.example"), sign_in_as("admin2@lead.example")
    assert "Your key is turned" in turn(admin, with_bid.id)
    mail = db.exec(select(OutboxMessage).where(OutboxMessage.subject == "A key has been turned: tender SOON-003")).one()
    assert mail.recipient == "admin2@lead.example"
    assert "The bids are open" in turn(admin2, with_bid.id)
    assert admin.get(f"/tenders/{with_bid.id}/bids").status_code == 200


def test_an_account_admin_a_invites_after_the_deadline_cannot_turn_the_second_key(with_bid, world, db, clock,
                                                                                   sign_in_as):
    clock.set(with_bid.submission_deadline + timedelta(minutes=5))
    admin = sign_in_as("admin@lead.example")
    turn(admin, with_bid.id)
    new_admin(db, world, "sockpuppet@lead.example", clock.moment)  # invited and enrolled by A, after the deadline
    puppet = sign_in_as("sockpuppet@lead.example")
    page = turn(puppet, with_bid.id)
    assert "Only the named openers can turn a key" in page
    assert is_sealed(db, admin, with_bid)
    # nor can A name it now
    response = admin.submit(f"/tenders/{with_bid.id}/openers", {"openers": [str(world.lead_admin.id)], "quorum": "2"})
    assert response.status_code == 400 and "fixed at the submission deadline" in response.get_data(as_text=True)
    assert current_opener_ids(db, with_bid) == {world.lead_admin.id, world.lead_admin2.id}


def test_a_colleague_promoted_after_the_deadline_cannot_turn_a_key(with_bid, world, db, clock, sign_in_as):
    enrol(db, world.lead_viewer, clock.moment - timedelta(days=30))
    clock.set(with_bid.submission_deadline + timedelta(minutes=5))
    admin = sign_in_as("admin@lead.example")
    turn(admin, with_bid.id)
    response = admin.submit(f"/admin/users/{world.lead_viewer.id}/roles", {"roles": ["procurement_admin"]})
    assert response.status_code == 302
    colleague = sign_in_as("viewer@lead.example")
    assert "Only the named openers can turn a key" in turn(colleague, with_bid.id)
    assert is_sealed(db, admin, with_bid)


def propose(browser, tender, leaving, nominee, reason="Left the council on 30 November"):
    page = browser.get(f"/tenders/{tender.id}/openers").get_data(as_text=True)
    return browser.client.post(f"/tenders/{tender.id}/openers/replace", data={
        "csrf_token": csrf_from(page), "leaving": str(leaving.id), "nominee": str(nominee.id), "reason": reason})


def decide(browser, tender, action):
    page = browser.get(f"/tenders/{tender.id}/openers").get_data(as_text=True)
    proposal = db_proposal_id(browser, tender)
    response = browser.client.post(f"/tenders/{tender.id}/openers/replacements/{proposal}/{action}",
                                   data={"csrf_token": csrf_from(page)})
    return browser.get(response.headers["Location"]).get_data(as_text=True)


def db_proposal_id(browser, tender):
    from sqlmodel import Session

    from tenderapp.models import OpenerReplacement

    with Session(browser.client.application.extensions["tenderapp.engine"]) as session:
        return session.exec(select(OpenerReplacement.id).where(OpenerReplacement.tender_id == tender.id)
                            .order_by(OpenerReplacement.id.desc())).first()


def test_a_replacement_made_or_promoted_after_the_deadline_is_refused(with_bid, world, db, clock, sign_in_as):
    clock.set(with_bid.submission_deadline + timedelta(minutes=5))
    puppet = new_admin(db, world, "sockpuppet@lead.example", clock.moment)
    admin = sign_in_as("admin@lead.example")
    response = propose(admin, with_bid, world.lead_admin2, puppet)
    assert response.status_code == 400
    assert "only a procurement admin who had the role and two-factor sign-in before the submission deadline" \
        in response.get_data(as_text=True)
    assert "Left the council on 30 November" in response.get_data(as_text=True)  # nothing typed is lost
    assert current_opener_ids(db, with_bid) == {world.lead_admin.id, world.lead_admin2.id}


def test_one_admin_cannot_confirm_a_replacement_alone(with_bid, world, db, clock, sign_in_as):
    colleague = new_admin(db, world, "admin3@lead.example", clock.moment - timedelta(days=10))
    clock.set(with_bid.submission_deadline + timedelta(minutes=5))
    admin = sign_in_as("admin@lead.example")
    assert propose(admin, with_bid, world.lead_admin2, colleague).status_code == 302
    assert "someone other than the proposer" in decide(admin, with_bid, "confirm")
    nominee = sign_in_as("admin3@lead.example")
    assert "someone other than the proposer" in decide(nominee, with_bid, "confirm")
    assert current_opener_ids(db, with_bid) == {world.lead_admin.id, world.lead_admin2.id}
    assert "Only the named openers can turn a key" in turn(nominee, with_bid.id)
    assert is_sealed(db, admin, with_bid)


def test_an_opener_who_left_is_replaced_by_two_people_and_the_box_still_opens(with_bid, world, db, clock,
                                                                              sign_in_as):
    colleague = new_admin(db, world, "admin3@lead.example", clock.moment - timedelta(days=10))
    confirmer = new_admin(db, world, "admin4@lead.example", clock.moment - timedelta(days=10))
    clock.set(with_bid.submission_deadline + timedelta(minutes=5))
    leaving = sign_in_as("admin2@lead.example")
    turn(leaving, with_bid.id)  # turned a key, then left
    gone = db.get(User, world.lead_admin2.id)
    gone.active = False
    db.add(gone)
    db.commit()
    admin = sign_in_as("admin@lead.example")
    assert propose(admin, with_bid, world.lead_admin2, colleague).status_code == 302
    page = decide(sign_in_as("admin4@lead.example"), with_bid, "confirm")
    assert "Replacement confirmed" in page
    assert current_opener_ids(db, with_bid) == {world.lead_admin.id, colleague.id}
    record = admin.get(f"/tenders/{with_bid.id}/opening").get_data(as_text=True)
    assert "no longer counts: replaced as an opener" in record
    assert "Left the council on 30 November" in record and "Admin4" in record
    assert "The bids are open" not in turn(admin, with_bid.id)  # the leaver's key no longer counts
    assert is_sealed(db, admin, with_bid)
    assert "The bids are open" in turn(sign_in_as("admin3@lead.example"), with_bid.id)
    replaced = db.exec(select(AuditEvent).where(AuditEvent.action == "tender.opener_replaced")).one()
    assert replaced.actor_user_id == confirmer.id


def test_a_quorum_of_three_needs_three_keys(world, db, clock, sign_in_as):
    enrol(db, world.lead_admin, clock.moment - timedelta(days=30))
    enrol(db, world.lead_admin2, clock.moment - timedelta(days=30))
    third = new_admin(db, world, "admin3@lead.example", clock.moment - timedelta(days=30))
    tender = factories.published_tender(db, world.collab, world.lead_admin, clock.moment, "Q3-001",
                                        clarification_in=timedelta(hours=1), submission_in=timedelta(hours=3))
    admin = sign_in_as("admin@lead.example")
    assert admin.submit(f"/tenders/{tender.id}/openers", {
        "openers": [str(world.lead_admin.id), str(world.lead_admin2.id), str(third.id)], "quorum": "3"}
    ).status_code == 302
    clock.set(tender.submission_deadline)
    assert "key 1 of 3" in admin.get(f"/tenders/{tender.id}/opening").get_data(as_text=True)
    turn(admin, tender.id)
    turn(sign_in_as("admin2@lead.example"), tender.id)
    assert db.get(Tender, tender.id).opened_at is None
    assert "The bids are open" in turn(sign_in_as("admin3@lead.example"), tender.id)
