"""Signing in and out, CSRF, the rate limit and server-side session ends."""

import pytest

from tests.conftest import csrf_from
from tests.factories import PASSWORD


def test_sign_in_takes_a_person_to_their_organisations_dashboard(world, browser):
    response = browser.submit("/sign-in", {"email": "Viewer@Lead.example ", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    page = browser.get("/dashboard").get_data(as_text=True)
    assert "Viewer, Lead County Council" in page
    assert "Viewer" in page


def test_wrong_password_shows_error_summary_and_keeps_the_email(world, browser):
    response = browser.submit("/sign-in", {"email": "admin@lead.example", "password": "wrong password!"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: Sign in – Tenderapp</title>" in page
    assert "There is a problem" in page
    assert 'href="#email">Enter a correct email address and password' in page
    assert 'value="admin@lead.example"' in page


def test_unknown_email_gets_the_same_message_as_a_wrong_password(world, browser):
    page = browser.submit("/sign-in", {"email": "nobody@lead.example",
                                       "password": "whatever it is"}).get_data(as_text=True)
    assert "Enter a correct email address and password" in page


def test_empty_fields_get_a_message_beside_each(world, browser):
    response = browser.submit("/sign-in", {"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert 'class="govuk-error-message"' in page


def test_sign_in_without_csrf_token_is_refused(world, client):
    response = client.post("/sign-in", data={"email": "admin@lead.example", "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still signed out


@pytest.fixture
def limits(app):
    """set_limits(per_account, per_address) for one test; restored afterwards."""
    saved = {k: app.config[k] for k in ("PASSWORD_ATTEMPTS_PER_ACCOUNT", "PASSWORD_ATTEMPTS_PER_ADDRESS")}

    def set_limits(per_account="1000 per minute", per_address="1000 per minute"):
        app.config["PASSWORD_ATTEMPTS_PER_ACCOUNT"] = per_account
        app.config["PASSWORD_ATTEMPTS_PER_ADDRESS"] = per_address

    yield set_limits
    app.config.update(saved)


def test_repeated_guesses_at_one_account_are_refused(world, limits, browser, sign_in_as):
    limits(per_account="3 per 15 minutes")
    for _ in range(3):
        assert browser.submit("/sign-in", {"email": "admin@lead.example",
                                           "password": "bad password"}).status_code == 400
    response = browser.submit("/sign-in", {"email": "Admin@Lead.example", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    sign_in_as("viewer@lead.example")  # other people at the same address are not locked out


def test_guesses_across_accounts_from_one_address_are_refused(world, limits, browser):
    limits(per_address="3 per 15 minutes")
    for email in ("a@lead.example", "b@lead.example", "c@lead.example"):
        assert browser.submit("/sign-in", {"email": email, "password": "bad password"}).status_code == 400
    assert browser.submit("/sign-in", {"email": "viewer@lead.example", "password": PASSWORD}).status_code == 429


def test_successful_sign_ins_start_the_count_again(world, limits, sign_in_as, browser):
    limits(per_account="3 per 15 minutes")
    for _ in range(2):
        browser.submit("/sign-in", {"email": "admin@lead.example", "password": "bad password"})
    for _ in range(5):
        sign_in_as("admin@lead.example")
    assert browser.submit("/sign-in", {"email": "admin@lead.example", "password": "bad password"}).status_code == 400


def test_an_empty_form_is_not_an_attempt(world, limits, browser):
    limits(per_account="1 per 15 minutes")
    for _ in range(3):
        assert browser.submit("/sign-in", {"email": "admin@lead.example", "password": ""}).status_code == 400
    assert browser.submit("/sign-in", {"email": "admin@lead.example", "password": PASSWORD}).status_code == 302


def test_simultaneous_guesses_cannot_slip_past_the_limit(world, limits, app):
    """Each attempt is counted before the password is checked, so requests in flight
    together are counted too (here: from eight threads at once)."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.conftest import Browser

    limits(per_account="3 per 15 minutes")

    def guess(_):
        return Browser(app.test_client()).submit("/sign-in", {"email": "admin@lead.example",
                                                              "password": "nope nope"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, range(8)))
    assert statuses.count(400) == 3
    assert statuses.count(429) == 5


def test_guessing_the_current_password_when_changing_it_is_limited(world, limits, browser):
    browser.sign_in("admin@lead.example")
    limits(per_account="2 per 15 minutes")
    for _ in range(2):
        browser.submit("/account/password", {"current_password": "guess guess", "new_password": "another long password",
                                             "confirm_password": "another long password"})
    response = browser.submit("/account/password", {"current_password": PASSWORD,
                                                    "new_password": "another long password",
                                                    "confirm_password": "another long password"})
    assert response.status_code == 429


def test_a_copied_cookie_no_longer_works_after_sign_out(world, app, browser):
    browser.sign_in("admin@lead.example")
    cookie = browser.client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert thief.get("/dashboard").status_code == 200
    browser.sign_out()
    assert browser.get("/dashboard").status_code == 302
    stolen = thief.get("/dashboard")
    assert stolen.status_code == 302
    assert "/sign-in" in stolen.headers["Location"]


def test_a_copied_cookie_no_longer_works_after_a_password_change(world, app, browser):
    browser.sign_in("admin@lead.example")
    thief = app.test_client()
    thief.set_cookie("session", browser.client.get_cookie("session").value)
    response = browser.submit("/account/password", {
        "current_password": PASSWORD, "new_password": "a brand new passphrase",
        "confirm_password": "a brand new passphrase"})
    assert response.status_code == 302
    assert browser.get("/account").status_code == 200  # this browser stays signed in
    assert thief.get("/dashboard").status_code == 302
    browser.sign_out()
    browser.sign_in("admin@lead.example", "a brand new passphrase")


def test_password_change_errors_appear_beside_the_fields(world, browser):
    browser.sign_in("admin@lead.example")
    response = browser.submit("/account/password", {
        "current_password": "not my password", "new_password": "another long password",
        "confirm_password": "another long password"})
    assert response.status_code == 400
    assert 'href="#current_password">Your current password is incorrect' in response.get_data(as_text=True)
    response = browser.submit("/account/password", {
        "current_password": PASSWORD, "new_password": "short", "confirm_password": "different"})
    assert 'href="#confirm_password">Passwords must match' in response.get_data(as_text=True)
    response = browser.submit("/account/password", {
        "current_password": PASSWORD, "new_password": "short", "confirm_password": "short"})
    assert 'href="#new_password">Password must be 12 characters or more' in response.get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/", "/%09/evil.example/", "/\t/evil.example/", "/\\evil.example",
                                    "https://evil.example/", "javascript:alert(1)", " /account", "/\x7f/evil"])
def test_sign_in_never_returns_off_site(world, browser, target):
    page = browser.get("/sign-in", query_string={"next": target})
    response = browser.client.post("/sign-in", query_string={"next": target}, data={
        "email": "viewer@lead.example", "password": PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.headers["Location"] == "/dashboard"


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(world, browser):
    assert "/sign-in?next=%2Faccount" in browser.get("/account").headers["Location"]
    page = browser.get("/sign-in?next=/account")
    token = csrf_from(page.get_data(as_text=True))
    response = browser.client.post("/sign-in?next=/account", data={
        "email": "viewer@lead.example", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/account"
    browser.sign_out()
    page = browser.get("/sign-in?next=//evil.example/")
    response = browser.client.post("/sign-in?next=//evil.example/", data={
        "email": "viewer@lead.example", "password": PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.headers["Location"] == "/dashboard"


def test_sign_out_needs_a_post_with_csrf(world, browser):
    browser.sign_in("admin@lead.example")
    assert browser.get("/sign-out").status_code == 405
    assert browser.client.post("/sign-out").status_code == 400
    assert browser.get("/dashboard").status_code == 200
