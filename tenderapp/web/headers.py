"""Security headers on every response, with a per-request nonce for the one inline script
GOV.UK's page template needs; download names any server can send."""

import secrets
import unicodedata
from urllib.parse import quote

from flask import Flask, g, request
from werkzeug.http import dump_options_header, parse_options_header


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
        if "Content-Disposition" in response.headers:
            response.headers["Content-Disposition"] = portable_disposition(response.headers["Content-Disposition"])
        return response


def portable_disposition(value: str) -> str:
    """A Content-Disposition a server can send. Headers are Latin-1, so a download whose name
    has other letters (a Welsh ŵ, a Polish ł) would fail as it is: it gets an ASCII name and,
    beside it, the real name in UTF-8 (RFC 6266), as Flask's send_file does."""
    if value.isascii():
        return value
    kind, options = parse_options_header(value)
    name = options.get("filename", "")
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii") or "download"
    return dump_options_header(kind, {"filename": plain, "filename*": f"UTF-8''{quote(name, safe='!#$&+^`|~')}"})
