"""Two-factor sign-in through the real pages: set-up, codes at sign-in, replays, recovery
codes, an admin's reset, and the opening that needs it."""

import json
import re
from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from tenderapp.access import actor_for
from tenderapp.domain.errors import Forbidden
from tenderapp.models import AuditEvent, RecoveryCode, User, UserSession
from tenderapp.services import opening
from tests.conftest import Browser, csrf_from

ADMIN = "admin@lead.example"


def _post(browser, url, data):
    token = csrf_from(browser.get(url).get_data(as_text=True))
    return browser.client.post(url, data={**data, "csrf_token": token})


def _secret_from(page: str) -> str:
    match = re.search(r'id="setup-key">([A-Z2-7 ]+)<', page)
    assert match, "no key on the set-up page"
    return match.group(1).replace(" ", "")


def _code(secret, moment):
    return pyotp.TOTP(secret).at(moment)


def _codes_from(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", page)


@pytest.fixture
def enrolled(app, world, clock):
    """The lead admin sets up two-factor sign-in through the pages: (secret, recovery codes)."""
    browser = Browser(app.test_client())
    browser.sign_in(ADMIN, second_factor=False)
    page = browser.get("/account/two-factor/set-up").get_data(as_text=True)
    secret = _secret_from(page)
    response = _post(browser, "/account/two-factor/set-up", {"code": _code(secret, clock.moment)})
    assert response.status_code == 200
    return secret, _codes_from(response.get_data(as_text=True))


def test_an_admin_sets_up_an_app_before_seeing_any_page(app, world, db, clock):
    browser = Browser(app.test_client())
    response = browser.sign_in(ADMIN, second_factor=False)
    assert response.headers["Location"] == "/account/two-factor/set-up"
    for page in ["/dashboard", "/tenders", "/account", f"/tenders/{world.open_tender.id}"]:
        refused = browser.get(page)
        assert refused.status_code == 302
        assert refused.headers["Location"].startswith("/account/two-factor/set-up?next=")
    assert browser.get("/accessibility").status_code == 200  # public pages stay public

    setup = browser.get("/account/two-factor/set-up")
    assert setup.headers["Cache-Control"] == "no-store"
    page = setup.get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page and 'alt="QR code for your authenticator app"' in page
    secret = _secret_from(page)
    assert 'href="/tenders"' not in page and 'href="/account"' not in page  # nowhere to go yet

    wrong = _post(browser, "/account/two-factor/set-up",
                  {"code": "000000" if _code(secret, clock.moment) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert 'href="#code">The code is not correct' in wrong.get_data(as_text=True)
    assert _secret_from(wrong.get_data(as_text=True)) == secret  # the same key while setting up

    done = _post(browser, "/account/two-factor/set-up", {"code": _code(secret, clock.moment)})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    codes = _codes_from(done.get_data(as_text=True))
    assert len(codes) == 10
    assert browser.get("/dashboard").status_code == 200

    user = db.exec(select(User).where(User.email == ADMIN)).one()
    assert user.totp_enrolled_at == clock.moment
    assert secret.encode() not in user.totp_secret_sealed  # sealed at rest
    stored = db.exec(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not any(code.replace("-", "") in "".join(stored) for code in codes)
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.object_id == str(user.id))).all()
    assert "auth.two_factor_failed" in actions and "auth.two_factor_enrolled" in actions
    account = browser.get("/account").get_data(as_text=True)
    assert "10 of 10 recovery codes unused" in account


def test_people_who_do_not_need_it_are_not_asked(world, browser):
    response = browser.sign_in("viewer@lead.example", second_factor=False)
    assert response.headers["Location"] == "/dashboard"
    assert browser.get("/dashboard").status_code == 200


def test_the_next_sign_in_asks_for_a_code_and_never_takes_one_twice(app, world, clock, enrolled):
    secret, _ = enrolled
    browser = Browser(app.test_client())
    response = browser.sign_in(ADMIN, second_factor=False)
    assert response.headers["Location"] == "/sign-in/two-factor"
    assert browser.get("/tenders").headers["Location"] == "/sign-in/two-factor?next=/tenders"

    used = _post(browser, "/sign-in/two-factor?next=/tenders", {"code": _code(secret, clock.moment)})
    assert used.status_code == 400  # the code that set the app up: a replay
    assert "The code is not correct" in used.get_data(as_text=True)
    assert browser.get("/dashboard").status_code == 302

    accepted = _post(browser, "/sign-in/two-factor?next=/tenders",
                     {"code": _code(secret, clock.moment + timedelta(seconds=30))})
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/tenders"
    assert browser.get("/tenders").status_code == 200

    again = Browser(app.test_client())
    again.sign_in(ADMIN, second_factor=False)
    replay = _post(again, "/sign-in/two-factor", {"code": _code(secret, clock.moment + timedelta(seconds=30))})
    assert replay.status_code == 400  # the same code in another browser: refused
    clock.set(clock.moment + timedelta(minutes=2))
    assert _post(again, "/sign-in/two-factor", {"code": _code(secret, clock.moment)}).status_code == 302


def test_a_recovery_code_works_once(app, world, db, clock, enrolled):
    _, codes = enrolled
    browser = Browser(app.test_client())
    browser.sign_in(ADMIN, second_factor=False)
    response = _post(browser, "/sign-in/two-factor", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert "9 unused recovery codes are left" in browser.get("/dashboard").get_data(as_text=True)

    other = Browser(app.test_client())
    other.sign_in(ADMIN, second_factor=False)
    assert _post(other, "/sign-in/two-factor", {"code": codes[0]}).status_code == 400
    assert _post(other, "/sign-in/two-factor", {"code": codes[1]}).status_code == 302
    assert "8 of 10 recovery codes unused" in other.get("/account").get_data(as_text=True)


def test_new_recovery_codes_replace_the_old_ones(app, world, clock, enrolled):
    secret, old_codes = enrolled
    browser = Browser(app.test_client())
    browser.sign_in(ADMIN, second_factor=False)
    _post(browser, "/sign-in/two-factor", {"code": old_codes[0]})
    wrong = _post(browser, "/account/two-factor/recovery-codes", {"code": old_codes[1]})
    assert wrong.status_code == 400 and ("Enter the 6-digit code your authenticator app shows"
                                         in wrong.get_data(as_text=True))
    clock.set(clock.moment + timedelta(minutes=1))
    renewed = _post(browser, "/account/two-factor/recovery-codes", {"code": _code(secret, clock.moment)})
    new_codes = _codes_from(renewed.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert "Your old recovery codes no longer work" in renewed.get_data(as_text=True)

    later = Browser(app.test_client())
    later.sign_in(ADMIN, second_factor=False)
    assert _post(later, "/sign-in/two-factor", {"code": old_codes[2]}).status_code == 400
    assert _post(later, "/sign-in/two-factor", {"code": new_codes[0]}).status_code == 302


def test_an_admin_resets_a_colleagues_lost_phone(app, world, db, clock, enrolled, sign_in_as):
    lost = Browser(app.test_client())
    lost.sign_in(ADMIN)  # signed in somewhere: the reset ends it
    colleague = sign_in_as("admin2@lead.example")
    page = colleague.get(f"/admin/organisations/{world.lead.id}").get_data(as_text=True)
    assert f"/admin/users/{world.lead_admin.id}/two-factor/reset" in page
    response = colleague.submit(f"/admin/users/{world.lead_admin.id}/two-factor/reset", {})
    assert response.status_code == 302
    assert lost.get("/dashboard").status_code == 302  # signed out
    user = db.get(User, world.lead_admin.id)
    db.refresh(user)
    assert user.totp_enrolled_at is None and user.totp_secret_sealed is None
    assert not db.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    again = Browser(app.test_client())
    assert again.sign_in(ADMIN, second_factor=False).headers["Location"] == "/account/two-factor/set-up"
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "auth.two_factor_reset")).one()

    # not one's own, and not someone who has nothing to reset
    own = colleague.submit(f"/admin/users/{world.lead_admin2.id}/two-factor/reset", {})
    assert own.status_code == 400 and "cannot reset your own" in own.get_data(as_text=True)
    none = colleague.submit(f"/admin/users/{world.lead_viewer.id}/two-factor/reset", {})
    assert none.status_code == 400 and "has not set up two-factor sign-in" in none.get_data(as_text=True)


def test_opening_bids_needs_a_session_that_passed_the_second_factor(app, world, db, clock):
    user = db.get(User, world.lead_admin.id)
    token = "unverified-session"
    actor = actor_for(db, user, token, second_factor_passed=False)
    with pytest.raises(Forbidden, match="two-factor"):
        opening.turn_key(db, actor, world.open_tender, clock.moment, "http://localhost/opening",
                         "http://localhost/evaluate")
    # and through the pages, a session still waiting for its code cannot reach the opening
    browser = Browser(app.test_client())
    browser.sign_in("admin2@lead.example", second_factor=False)
    response = browser.get(f"/tenders/{world.open_tender.id}/opening")
    assert response.status_code == 302 and "/two-factor" in response.headers["Location"]
    assert db.exec(select(UserSession).where(UserSession.second_factor_at.is_not(None))).first() is None


def test_the_set_up_and_code_pages_need_a_signed_in_person(client, world):
    for url in ["/sign-in/two-factor", "/account/two-factor/set-up", "/account/two-factor/recovery-codes"]:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in?next=" in response.headers["Location"]


@pytest.fixture
def code_limit(app):
    """code_limit("3 per 15 minutes") sets the limit on two-factor codes per account for one test."""
    saved = app.config["TWO_FACTOR_ATTEMPTS_PER_ACCOUNT"]

    def set_limit(limit):
        app.config["TWO_FACTOR_ATTEMPTS_PER_ACCOUNT"] = limit

    yield set_limit
    app.config["TWO_FACTOR_ATTEMPTS_PER_ACCOUNT"] = saved


def _wrong_code(secret, moment):
    accepted = {_code(secret, moment + timedelta(seconds=s)) for s in (-30, 0, 30)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def _signed_in_with_password(app, email=ADMIN):
    """A new browser (as an attacker who knows the password would use) waiting for its code."""
    browser = Browser(app.test_client())
    browser.sign_in(email, second_factor=False)
    return browser


TOO_MANY = 'href="#code">You have entered too many wrong codes. Wait 15 minutes, then try again'


def test_signing_in_again_does_not_give_more_guesses_at_the_code(app, world, db, clock, enrolled, code_limit):
    """Someone who knows the password cannot go on guessing codes by signing in again after
    every few: wrong codes have their own count, which a correct password does not start again."""
    secret, _ = enrolled
    code_limit("3 per 15 minutes")
    wrong = _wrong_code(secret, clock.moment)
    attacker = _signed_in_with_password(app)
    assert [_post(attacker, "/sign-in/two-factor", {"code": wrong}).status_code for _ in range(2)] == [400, 400]
    attacker = _signed_in_with_password(app)  # the password is right: its own count starts again
    assert _post(attacker, "/sign-in/two-factor", {"code": wrong}).status_code == 400
    refused = _post(attacker, "/sign-in/two-factor", {"code": wrong})
    assert refused.status_code == 429 and refused.headers["Retry-After"].isdigit()
    page = refused.get_data(as_text=True)
    assert TOO_MANY in page and "<title>Error: " in page

    # while the account is locked even the right code is refused, unchecked (and not used up)
    clock.set(clock.moment + timedelta(minutes=1))
    attacker = _signed_in_with_password(app)
    right = _post(attacker, "/sign-in/two-factor", {"code": _code(secret, clock.moment)})
    assert right.status_code == 429 and TOO_MANY in right.get_data(as_text=True)
    assert attacker.get("/dashboard").status_code == 302
    user = db.get(User, world.lead_admin.id)
    assert user.totp_last_step < clock.moment.timestamp() // 30 - 1
    locked = db.exec(select(AuditEvent).where(AuditEvent.action == "auth.two_factor_locked_out")).all()
    assert [event.object_id for event in locked] == [str(user.id)] * 2
    assert all(json.loads(event.details)["stage"] == "sign_in" for event in locked)


def test_simultaneous_guesses_at_the_code_cannot_slip_past_the_limit(app, world, clock, enrolled, code_limit):
    """Each code is counted before it is checked, so codes sent together are counted too."""
    from concurrent.futures import ThreadPoolExecutor

    secret, _ = enrolled
    code_limit("3 per 15 minutes")
    browsers = [_signed_in_with_password(app) for _ in range(8)]
    pages = [(browser, csrf_from(browser.get("/sign-in/two-factor").get_data(as_text=True))) for browser in browsers]
    wrong = _wrong_code(secret, clock.moment)

    def guess(page):
        browser, token = page
        return browser.client.post("/sign-in/two-factor", data={"code": wrong, "csrf_token": token}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(guess, pages))
    assert statuses.count(400) == 3
    assert statuses.count(429) == 5


def test_a_right_code_starts_the_count_of_wrong_ones_again(app, world, clock, enrolled, code_limit):
    secret, _ = enrolled
    code_limit("3 per 15 minutes")
    browser = _signed_in_with_password(app)
    for _ in range(2):
        assert _post(browser, "/sign-in/two-factor", {"code": _wrong_code(secret, clock.moment)}).status_code == 400
    clock.set(clock.moment + timedelta(minutes=1))
    assert _post(browser, "/sign-in/two-factor", {"code": _code(secret, clock.moment)}).status_code == 302
    later = _signed_in_with_password(app)
    for _ in range(2):
        assert _post(later, "/sign-in/two-factor", {"code": _wrong_code(secret, clock.moment)}).status_code == 400


def test_one_accounts_wrong_codes_do_not_lock_another(app, world, db, clock, enrolled, code_limit):
    secret, _ = enrolled
    code_limit("2 per 15 minutes")
    attacker = _signed_in_with_password(app)
    for _ in range(3):
        last = _post(attacker, "/sign-in/two-factor", {"code": _wrong_code(secret, clock.moment)})
    assert last.status_code == 429
    # a colleague at the same address sets up their app as usual
    colleague = _signed_in_with_password(app, "admin2@lead.example")
    their_secret = _secret_from(colleague.get("/account/two-factor/set-up").get_data(as_text=True))
    assert _post(colleague, "/account/two-factor/set-up",
                 {"code": _wrong_code(their_secret, clock.moment)}).status_code == 400
    done = _post(colleague, "/account/two-factor/set-up", {"code": _code(their_secret, clock.moment)})
    assert done.status_code == 200


def test_wrong_codes_are_limited_while_setting_up_an_app(app, world, db, clock, code_limit):
    code_limit("2 per 15 minutes")
    browser = _signed_in_with_password(app)
    secret = _secret_from(browser.get("/account/two-factor/set-up").get_data(as_text=True))
    for _ in range(2):
        wrong = _post(browser, "/account/two-factor/set-up", {"code": _wrong_code(secret, clock.moment)})
        assert wrong.status_code == 400
    refused = _post(browser, "/account/two-factor/set-up", {"code": _code(secret, clock.moment)})
    assert refused.status_code == 429 and refused.headers["Cache-Control"] == "no-store"
    page = refused.get_data(as_text=True)
    assert TOO_MANY in page and _secret_from(page) == secret  # the same key to try again with later
    assert db.get(User, world.lead_admin.id).totp_enrolled_at is None
    locked = db.exec(select(AuditEvent).where(AuditEvent.action == "auth.two_factor_locked_out")).one()
    assert json.loads(locked.details)["stage"] == "set_up"


def test_wrong_codes_are_limited_when_renewing_recovery_codes(app, world, db, clock, enrolled, code_limit):
    secret, old_codes = enrolled
    browser = _signed_in_with_password(app)
    assert _post(browser, "/sign-in/two-factor", {"code": old_codes[0]}).status_code == 302
    code_limit("2 per 15 minutes")
    clock.set(clock.moment + timedelta(minutes=1))
    for _ in range(2):
        wrong = _post(browser, "/account/two-factor/recovery-codes", {"code": _wrong_code(secret, clock.moment)})
        assert wrong.status_code == 400
    refused = _post(browser, "/account/two-factor/recovery-codes", {"code": _code(secret, clock.moment)})
    assert refused.status_code == 429 and TOO_MANY in refused.get_data(as_text=True)
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "auth.recovery_codes_renewed")).first() is None
    # one count for the account, wherever the codes were typed: signing in is locked too
    again = _signed_in_with_password(app)
    assert _post(again, "/sign-in/two-factor", {"code": old_codes[1]}).status_code == 429


def test_with_rate_limiting_switched_off_nothing_is_refused(_app, app, database_url, world, monkeypatch):
    """RATELIMIT_ENABLED = False (Flask-Limiter's switch) turns the limits off rather than making
    every sign-in fail: in a process where no app turned the limiter on it has no storage at all."""
    from tenderapp import create_app
    from tenderapp.extensions import limiter

    monkeypatch.setattr(limiter, "enabled", limiter.enabled)  # restored: the limiter is shared
    unlimited = create_app({"ENV": "testing", "DATABASE_URL": database_url, "INSTANCE_PATH": _app.instance_path,
                            "SECRET_KEY": _app.config["SECRET_KEY"], "CLOCK": _app.config["CLOCK"],
                            "RATELIMIT_ENABLED": False, "PASSWORD_ATTEMPTS_PER_ACCOUNT": "1 per 15 minutes",
                            "TWO_FACTOR_ATTEMPTS_PER_ACCOUNT": "1 per 15 minutes"})
    monkeypatch.setattr(limiter, "_limiter", None)
    browser = Browser(unlimited.test_client())
    for _ in range(3):
        assert browser.submit("/sign-in", {"email": ADMIN, "password": "wrong password"}).status_code == 400
    browser.sign_in(ADMIN, second_factor=False)
    secret = _secret_from(browser.get("/account/two-factor/set-up").get_data(as_text=True))
    moment = _app.config["CLOCK"].moment
    for _ in range(3):
        assert _post(browser, "/account/two-factor/set-up", {"code": _wrong_code(secret, moment)}).status_code == 400
    assert _post(browser, "/account/two-factor/set-up", {"code": _code(secret, moment)}).status_code == 200
    assert browser.get("/dashboard").status_code == 200
