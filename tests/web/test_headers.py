"""Security headers on every response; the inline script runs only with the page's nonce."""

import re

from tests.conftest import csrf_from
from tests.factories import PASSWORD


def test_pages_carry_security_headers(client, app):
    response = client.get("/sign-in")
    policy = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"):
        assert directive in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # plain http in tests


def test_the_inline_script_carries_the_nonce_of_its_response(client):
    first, second = client.get("/sign-in"), client.get("/sign-in")
    nonces = []
    for response in (first, second):
        nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
        page = response.get_data(as_text=True)
        assert f'<script nonce="{nonce}">document.body.className' in page
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_https_responses_ask_for_strict_transport(client):
    response = client.get("/sign-in", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_errors_and_downloads_carry_the_headers_too(client):
    assert "frame-ancestors 'none'" in client.get("/no-such-page").headers["Content-Security-Policy"]
    assert client.get("/static/app.js").headers["X-Content-Type-Options"] == "nosniff"


def test_every_page_and_download_carries_the_headers(app, world, sign_in_as):
    from flask import url_for

    from tests.web.test_tenant_isolation import OWN, PUBLIC_BY_NATURE, SAMPLE_VALUES, access_rule

    admin, checked = sign_in_as("admin@lead.example"), 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_BY_NATURE or "GET" not in rule.methods:
            continue
        marker = access_rule(app, rule)
        values = {a: (OWN[marker.objects[a]](world) if a in marker.objects else SAMPLE_VALUES[a])
                  for a in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        headers = admin.get(url).headers
        policy = headers.get("Content-Security-Policy", "")
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, url
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "same-origin", url
        checked += 1
    assert checked > 60


def _session_cookie(app, email="viewer@lead.example"):
    from tests.conftest import Browser

    browser = Browser(app.test_client())
    response = browser.sign_in(email)
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_the_session_cookie_is_httponly_samesite_lax_and_secure_outside_development(app, world, database_url, tmp_path):
    from tenderapp import create_app

    cookie = _session_cookie(app)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    production = create_app({"ENV": "production", "DATABASE_URL": database_url, "INSTANCE_PATH": app.instance_path,
                             "SECRET_KEY": app.config["SECRET_KEY"], "BID_SECRET": "ab" * 32,
                             "CLOCK": app.config["CLOCK"],
                             "PASSWORD_HASH": app.config["PASSWORD_HASH"]})
    assert production.config["SESSION_COOKIE_SECURE"] is True
    client = production.test_client()
    page = client.get("/sign-in", base_url="https://localhost")
    response = client.post("/sign-in", base_url="https://localhost", headers={"Referer": "https://localhost/sign-in"},
                           data={"email": "viewer@lead.example", "password": PASSWORD,
                                 "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 302, response.get_data(as_text=True)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    production.extensions["tenderapp.engine"].dispose()
