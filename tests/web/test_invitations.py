"""An admin invites a person; the single-use, expiring link lets them set a password."""

import re
from datetime import timedelta

from sqlmodel import select

from tenderapp.models import Invitation, OutboxMessage, RoleAssignment, User

LINK = re.compile(r"http://localhost/invitations/([A-Za-z0-9_\-]+)")


def invite(browser, organisation_id, email="new.person@partner.example", roles=("signatory",), name="New Person"):
    return browser.submit(f"/admin/organisations/{organisation_id}/invite",
                          {"full_name": name, "email": email, "roles": list(roles)})


def invitation_link(db, email) -> str:
    message = db.exec(select(OutboxMessage).where(OutboxMessage.recipient == email)
                      .order_by(OutboxMessage.id.desc())).first()
    assert message is not None, "no message in the outbox"
    return LINK.search(message.body).group(0).replace("http://localhost", "")


def test_invited_person_sets_a_password_and_signs_in_with_their_roles(world, db, sign_in_as, browser):
    admin = sign_in_as("admin@lead.example")
    response = invite(admin, world.partner.id, email="New.Person@Partner.example", roles=("signatory", "viewer"))
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation sent to new.person@partner.example" in page
    assert "Invitations waiting to be accepted" in page

    link = invitation_link(db, "new.person@partner.example")
    outbox = admin.get("/admin/outbox").get_data(as_text=True)
    assert "You have been invited to Tenderapp for Partner Borough Council" in outbox

    assert "Create your account" in browser.get(link).get_data(as_text=True)
    response = browser.submit(link, {"password": "my own long password", "confirm_password": "my own long password"})
    assert response.status_code == 302
    browser.sign_in("new.person@partner.example", "my own long password")
    dashboard = browser.get("/dashboard").get_data(as_text=True)
    assert "Partner Borough Council" in dashboard
    assert "Signatory, Viewer" in dashboard
    user = db.exec(select(User).where(User.email == "new.person@partner.example")).one()
    assert sorted(db.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == user.id)).all()) == [
        "signatory", "viewer"]


def test_an_invitation_link_works_once(world, db, sign_in_as, app):
    invite(sign_in_as("admin@lead.example"), world.partner.id)
    link = invitation_link(db, "new.person@partner.example")
    first = app.test_client()
    from tests.conftest import Browser

    Browser(first).submit(link, {"password": "my own long password", "confirm_password": "my own long password"})
    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "already been used" in again.get_data(as_text=True)


def test_an_invitation_link_expires_after_seven_days(world, db, sign_in_as, browser, clock):
    invite(sign_in_as("admin@lead.example"), world.partner.id)
    link = invitation_link(db, "new.person@partner.example")
    start = clock.moment
    clock.set(start + timedelta(days=7) - timedelta(seconds=1))
    assert browser.get(link).status_code == 200
    clock.set(start + timedelta(days=7))
    response = browser.get(link)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert db.exec(select(User).where(User.email == "new.person@partner.example")).first() is None


def test_an_unknown_link_is_not_found(world, browser):
    response = browser.get("/invitations/not-a-real-token")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_a_new_invitation_withdraws_the_earlier_link(world, db, sign_in_as, browser):
    admin = sign_in_as("admin@lead.example")
    invite(admin, world.partner.id)
    first_link = invitation_link(db, "new.person@partner.example")
    invite(admin, world.partner.id)
    second_link = invitation_link(db, "new.person@partner.example")
    assert first_link != second_link
    assert browser.get(first_link).status_code == 410
    assert browser.get(second_link).status_code == 200


def test_invitation_form_errors_keep_what_was_typed(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    response = invite(admin, world.partner.id, email="not-an-email", roles=(), name="Kept Name")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert "Select at least one role" in page
    assert 'value="Kept Name"' in page
    assert 'value="not-an-email"' in page


def test_an_existing_users_address_cannot_be_invited(world, sign_in_as):
    response = invite(sign_in_as("admin@lead.example"), world.partner.id, email="signatory@partner.example")
    assert response.status_code == 400
    assert 'href="#email">A user with this email address already exists' in response.get_data(as_text=True)


def test_a_supplier_role_cannot_be_given_in_an_authority(world, sign_in_as, db):
    response = invite(sign_in_as("admin@lead.example"), world.partner.id, roles=("bidder",))
    assert response.status_code == 400
    assert db.exec(select(Invitation)).first() is None


def test_weak_password_on_acceptance_is_refused_beside_the_field(world, db, sign_in_as, browser):
    invite(sign_in_as("admin@lead.example"), world.partner.id)
    link = invitation_link(db, "new.person@partner.example")
    response = browser.submit(link, {"password": "new.person@partner.example",
                                     "confirm_password": "new.person@partner.example"})
    assert response.status_code == 400
    assert 'href="#password">Password must not be your email address' in response.get_data(as_text=True)
    assert browser.get(link).status_code == 200  # the link still works


def test_invitation_email_gives_the_expiry_in_uk_time(world, db, sign_in_as, clock):
    invite(sign_in_as("admin@lead.example"), world.partner.id)
    message = db.exec(select(OutboxMessage)).one()
    # sent at 9am on 30 November 2026 (GMT): expires seven days later
    assert "expires on 7 December 2026 at 9am (UK time)" in message.body
    assert message.organisation_id == world.partner.id


def test_invitation_validity_is_configurable(world, db, app, sign_in_as, browser, clock):
    app.config["INVITATION_VALIDITY_DAYS"] = 2
    try:
        invite(sign_in_as("admin@lead.example"), world.partner.id)
    finally:
        app.config["INVITATION_VALIDITY_DAYS"] = 7
    link = invitation_link(db, "new.person@partner.example")
    clock.set(clock.moment + timedelta(days=2))
    assert browser.get(link).status_code == 410
