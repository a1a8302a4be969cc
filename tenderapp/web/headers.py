"""Security headers on every response, with a per-request nonce for the one inline script
GOV.UK's page template needs; nothing but static assets and public pages kept in a cache.
(Download names: tenderapp.web.downloads.)"""

import secrets

from flask import Flask, current_app, g, request, session


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def security_headers(response):
        policy = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{csp_nonce()}'; "
            "style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if not cacheable():
            response.headers["Cache-Control"] = "no-store"
        return response


def cacheable() -> bool:
    """Whether a browser or proxy may keep this response: a static asset, or a public page
    answered to someone not signed in. Anything else (bids, receipts, downloads, evaluation,
    errors, every page of a signed-in person) may hold what a shared computer must not keep.
    Whether someone is signed in is read from the session, not the database, so that the
    error page of a database that cannot be reached is still answered."""
    if request.endpoint == "static":
        return True
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    public = getattr(getattr(view, "access_rule", None), "kind", None) == "public"
    return public and "_user_id" not in session  # Flask-Login's key for the signed-in session
