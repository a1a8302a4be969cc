"""Forgotten passwords: a single-use, hour-long link sent to the account's address; the form
never reveals whether an address has an account."""

import re
from datetime import timedelta

from sqlmodel import select

from tenderapp.models import AuditEvent, OutboxMessage
from tests.factories import PASSWORD

LINK = re.compile(r"http://localhost(/reset-password/[A-Za-z0-9_\-]+)")


def ask(browser, email):
    return browser.submit("/forgotten-password", {"email": email})


def reset_link(db, email):
    message = db.exec(select(OutboxMessage).where(OutboxMessage.recipient == email)
                      .order_by(OutboxMessage.id.desc())).first()
    return LINK.search(message.body).group(1)


def test_a_person_resets_a_forgotten_password_and_other_sessions_end(world, db, app, browser, sign_in_as):
    elsewhere = sign_in_as("viewer@lead.example")
    response = ask(browser, " Viewer@Lead.example ")
    assert response.status_code == 200
    assert "Check your email" in response.get_data(as_text=True)
    link = reset_link(db, "viewer@lead.example")
    response = browser.submit(link, {"password": "a fresh long password", "confirm_password": "a fresh long password"})
    assert response.status_code == 302
    assert elsewhere.get("/dashboard").status_code == 302  # signed out everywhere
    browser.sign_in("viewer@lead.example", "a fresh long password")
    assert browser.get(link).status_code == 410  # used up


def test_unknown_addresses_get_the_same_answer_and_no_email(world, db, browser):
    def page(email):
        html = ask(browser, email).get_data(as_text=True).replace(email, "X")
        return re.sub(r'nonce="[^"]+"', "", html)

    assert page("viewer@lead.example") == page("nobody@lead.example")
    assert db.exec(select(OutboxMessage.recipient)).all() == ["viewer@lead.example"]


def test_the_link_expires_after_an_hour(world, db, browser, clock):
    ask(browser, "viewer@lead.example")
    link = reset_link(db, "viewer@lead.example")
    clock.set(clock.moment + timedelta(hours=1))
    response = browser.get(link)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_a_newer_link_replaces_the_older_one(world, db, browser):
    ask(browser, "viewer@lead.example")
    first = reset_link(db, "viewer@lead.example")
    ask(browser, "viewer@lead.example")
    assert browser.get(first).status_code == 410
    assert browser.get(reset_link(db, "viewer@lead.example")).status_code == 200


def test_a_weak_new_password_is_refused_and_the_link_still_works(world, db, browser):
    ask(browser, "viewer@lead.example")
    link = reset_link(db, "viewer@lead.example")
    response = browser.submit(link, {"password": "short", "confirm_password": "short"})
    assert response.status_code == 400
    assert 'href="#password">Password must be 12 characters or more' in response.get_data(as_text=True)
    assert browser.get(link).status_code == 200
    browser.sign_in("viewer@lead.example", PASSWORD)  # unchanged


def test_resets_are_audited(world, db, browser):
    ask(browser, "viewer@lead.example")
    browser.submit(reset_link(db, "viewer@lead.example"), {"password": "a fresh long password",
                                                           "confirm_password": "a fresh long password"})
    actions = db.exec(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions == ["auth.password_reset_requested", "auth.password_reset"]


def test_sign_in_and_the_too_many_attempts_page_offer_a_reset(world, client):
    assert 'href="/forgotten-password">Forgotten your password?' in client.get("/sign-in").get_data(as_text=True)
