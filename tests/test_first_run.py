"""First run: ``flask bootstrap`` on an empty database creates the first authority and its procurement
admin and prints a single-use link; the admin sets a password with it, signs in and sets up
two-factor sign-in. It refuses a database that has organisations, and bad input."""

import json
import re
import threading
from datetime import timedelta

import pyotp
import pytest
from sqlmodel import Session, select

from tenderapp.db import write_intent
from tenderapp.domain.errors import Conflict
from tenderapp.models import AuditEvent, Organisation, PasswordReset, RoleAssignment, User
from tenderapp.services import first_run, password_resets
from tests import factories
from tests.conftest import T0, Browser, csrf_from

BASE = "https://tenders.example.gov.uk"
LINK = re.compile(re.escape(BASE) + r"(/reset-password/[A-Za-z0-9_\-]+)\s")
NEW_PASSWORD = "a long first password"


@pytest.fixture
def run(app, monkeypatch):
    """run(*args) -> the result of ``flask bootstrap *args``, with PUBLIC_BASE_URL set to BASE."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)

    def invoke(*args):
        return app.test_cli_runner().invoke(args=["bootstrap", *args])

    return invoke


def _link(result) -> str:
    assert result.exit_code == 0, result.output
    match = LINK.search(result.output)
    assert match, result.output
    return match.group(1)


def _set_password(browser, link):
    return browser.submit(link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})


def test_the_first_admin_sets_a_password_signs_in_and_is_led_to_two_factor_set_up(app, db, clock, run):
    result = run("Kent County Council", " Jo.Bloggs@Kent.gov.uk ", "--full-name", "Jo Bloggs")
    link = _link(result)
    assert "Created Kent County Council and its procurement admin jo.bloggs@kent.gov.uk" in result.output
    assert "works once, until 30 November 2026 at 10am UK time" in result.output

    organisation = db.exec(select(Organisation)).one()
    assert (organisation.name, organisation.kind, organisation.managed_by_organisation_id) == (
        "Kent County Council", "local_authority", None)
    admin = db.exec(select(User)).one()
    assert (admin.email, admin.full_name, admin.organisation_id) == ("jo.bloggs@kent.gov.uk", "Jo Bloggs",
                                                                     organisation.id)
    assert db.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == admin.id)).all() == [
        "procurement_admin"]

    browser = Browser(app.test_client())
    page = browser.get(link)
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    response = _set_password(browser, link)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")

    signed_in = browser.sign_in("jo.bloggs@kent.gov.uk", NEW_PASSWORD, second_factor=False)
    assert signed_in.headers["Location"] == "/account/two-factor/set-up"
    assert browser.get("/dashboard").headers["Location"].startswith("/account/two-factor/set-up")
    set_up = browser.get("/account/two-factor/set-up").get_data(as_text=True)
    assert "Set up two-factor sign-in" in set_up
    assert "Procurement admins and evaluators" in set_up  # required, not offered

    secret = re.search(r'id="setup-key">([A-Z2-7 ]+)<', set_up).group(1).replace(" ", "")
    token = csrf_from(set_up)
    done = browser.client.post("/account/two-factor/set-up",
                               data={"code": pyotp.TOTP(secret).at(clock.moment), "csrf_token": token})
    assert done.status_code == 200 and "recovery codes" in done.get_data(as_text=True).lower()
    dashboard = browser.get("/dashboard")
    assert dashboard.status_code == 200 and "Kent County Council" in dashboard.get_data(as_text=True)


def test_the_link_works_once(app, db, run):
    link = _link(run("Kent County Council", "admin@kent.gov.uk"))
    browser = Browser(app.test_client())
    assert _set_password(browser, link).status_code == 302
    used = browser.get(link)
    assert used.status_code == 410 and "already been used" in used.get_data(as_text=True)
    token = csrf_from(browser.get("/sign-in").get_data(as_text=True))
    again = browser.client.post(link, data={"password": "another long password",
                                            "confirm_password": "another long password", "csrf_token": token})
    assert again.status_code == 410
    assert Browser(app.test_client()).sign_in("admin@kent.gov.uk", NEW_PASSWORD, second_factor=False)


def test_no_password_signs_the_admin_in_before_the_link_is_used(app, db, run):
    run("Kent County Council", "admin@kent.gov.uk")
    refused = Browser(app.test_client()).submit("/sign-in", {"email": "admin@kent.gov.uk", "password": "anything"})
    assert refused.status_code == 400


def test_the_link_expires_after_an_hour(app, db, clock, run):
    link = _link(run("Kent County Council", "admin@kent.gov.uk"))
    clock.set(clock.moment + timedelta(hours=1))
    expired = Browser(app.test_client()).get(link)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)


def test_the_first_run_is_audited_in_the_new_organisations_chain(db, run):
    run("NHS Kent and Medway", "admin@nhs.example", "--kind", "health_body", "--full-name", "Sam Patel")
    organisation = db.exec(select(Organisation)).one()
    assert organisation.kind == "health_body"
    admin = db.exec(select(User)).one()
    events = db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.object_id, e.organisation_id, e.actor_user_id) for e in events] == [
        ("organisation.created", str(organisation.id), organisation.id, None),
        ("user.created", str(admin.id), organisation.id, None),
        ("auth.password_reset_requested", str(admin.id), organisation.id, None),
    ]
    assert json.loads(events[1].details) == {"email": "admin@nhs.example", "roles": ["procurement_admin"],
                                             "first_run": True}
    assert not any("reset-password" in str(e.details) for e in events)  # the link is never logged
    assert db.exec(select(PasswordReset.token_hash)).one() not in str([e.details for e in events])


def test_the_link_is_under_public_base_url_with_its_path(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://www.example.gov.uk/tenders/")
    result = app.test_cli_runner().invoke(args=["bootstrap", "Kent County Council", "admin@kent.gov.uk"])
    assert result.exit_code == 0, result.output
    assert re.search(r"\n  https://www\.example\.gov\.uk/tenders/reset-password/[A-Za-z0-9_\-]+\n", result.output)


def test_it_refuses_a_database_that_has_organisations(db, clock, run):
    factories.organisation(db, "Somewhere Else", clock.moment)
    result = run("Kent County Council", "admin@kent.gov.uk")
    assert result.exit_code == 1
    assert "already has organisations" in result.output and "reset-password" not in result.output
    assert db.exec(select(Organisation.name)).all() == ["Somewhere Else"]
    assert db.exec(select(User)).all() == [] and db.exec(select(AuditEvent)).all() == []


def test_it_refuses_a_second_run(db, run):
    assert run("Kent County Council", "admin@kent.gov.uk").exit_code == 0
    again = run("Medway Council", "admin@medway.gov.uk")
    assert again.exit_code == 1 and "already has organisations" in again.output
    assert db.exec(select(User.email)).all() == ["admin@kent.gov.uk"]


@pytest.mark.parametrize("name, email, message", [
    ("", "admin@kent.gov.uk", "Enter the organisation's name"),
    ("   ", "admin@kent.gov.uk", "Enter the organisation's name"),
    ("Kent\nCounty Council", "admin@kent.gov.uk", "Organisation name must be on one line"),
    ("K" * 201, "admin@kent.gov.uk", "Organisation name must be 200 characters or fewer"),
    ("Kent County Council", "", "Enter an email address"),
    ("Kent County Council", "not-an-email", "Enter an email address in the correct format"),
    ("Kent County Council", "admin@", "Enter an email address in the correct format"),
    ("Kent County Council", "admin@kent.gov.uk\nBcc: x@evil.example", "Enter an email address in the correct format"),
])
def test_it_refuses_bad_input_and_creates_nothing(db, run, name, email, message):
    result = run(name, email)
    assert result.exit_code == 1
    assert message in result.output and "reset-password" not in result.output
    assert db.exec(select(Organisation)).all() == [] and db.exec(select(User)).all() == []


def test_a_supplier_cannot_be_the_first_organisation(db, run):
    result = run("Acme Ltd", "admin@acme.example", "--kind", "supplier")
    assert result.exit_code == 2 and "'supplier' is not one of" in result.output
    assert db.exec(select(Organisation)).all() == []


def test_two_first_runs_at_once_make_one_organisation(app, db, monkeypatch):
    """The second waits for the first (a table lock on PostgreSQL, the one writer on SQLite), then
    finds an organisation and refuses."""
    inside, go_on = threading.Event(), threading.Event()
    issue = password_resets.issue

    def first_waits_inside_its_transaction(session, user, now):
        if not inside.is_set():
            inside.set()
            go_on.wait(10)
        return issue(session, user, now)

    monkeypatch.setattr(password_resets, "issue", first_waits_inside_its_transaction)
    outcomes = {}

    def bootstrap(name, email):
        with app.app_context(), write_intent(), Session(app.extensions["tenderapp.engine"]) as session:
            try:
                first_run.bootstrap(session, first_run.FirstRunRequest(name, email, "Admin"), T0, str)
                outcomes[name] = "created"
            except Conflict:
                outcomes[name] = "refused"

    first = threading.Thread(target=bootstrap, args=("Kent County Council", "admin@kent.gov.uk"))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=bootstrap, args=("Medway Council", "admin@medway.gov.uk"))
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for the first
    go_on.set()
    first.join(10)
    second.join(10)
    assert outcomes == {"Kent County Council": "created", "Medway Council": "refused"}
    assert db.exec(select(Organisation.name)).all() == ["Kent County Council"]
