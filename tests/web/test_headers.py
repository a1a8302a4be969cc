"""Security headers on every response; the inline script runs only with the page's nonce."""

import re


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
