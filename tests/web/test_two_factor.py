"""Two-factor sign-in through the real pages: set-up, codes at sign-in, replays, recovery
codes, an admin's reset, and the opening that needs it."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlmodel import select

from tenderapp.access import actor_for
from tenderapp.domain.errors import Forbidden
from tenderapp.models import AuditEvent, RecoveryCode, User, UserSession
from tenderapp.services import opening
from tests import factories
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

    wrong = _post(browser, "/account/two-factor/set-up", {"code": "000000" if _code(secret, clock.moment) != "000000" else "111111"})
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
    assert wrong.status_code == 400 and "Enter the 6-digit code your authenticator app shows" in wrong.get_data(as_text=True)
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
        opening.turn_key(db, actor, world.open_tender.id, clock.moment)
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


def test_wrong_codes_are_counted_like_passwords(app, world, enrolled):
    app.config["PASSWORD_ATTEMPTS_PER_ACCOUNT"] = "3 per minute"
    try:
        browser = Browser(app.test_client())
        browser.sign_in(ADMIN, second_factor=False)
        statuses = [_post(browser, "/sign-in/two-factor", {"code": "000001"}).status_code for _ in range(4)]
        assert statuses[-1] == 429
    finally:
        app.config["PASSWORD_ATTEMPTS_PER_ACCOUNT"] = "1000 per minute"
