"""One place that maps domain errors and HTTP errors to GOV.UK error pages."""

from flask import Flask, current_app, g, render_template, request
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc

from tenderapp.domain.errors import Conflict, Forbidden, NotFound, RuleViolation
from tenderapp.storage import DocumentMissing
from tenderapp.web.request_log import request_id

PAGES = {
    400: ("Sorry, there is a problem with the request", "errors/400.html"),
    403: ("You do not have permission to see this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("Sorry, there is a problem with the request", "errors/400.html"),
    409: ("This has changed since you opened it", "errors/400.html"),
    413: ("The file is too large", "errors/400.html"),
    429: ("Too many attempts", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
    503: ("Sorry, the service is unavailable", "errors/503.html"),
}

# SQLSTATEs that mean "cannot write now" rather than a fault in the request: read-only
# transaction (a standby, or a database put in read-only mode), disk full, out of memory.
_UNAVAILABLE_SQLSTATES = {"25006", "53100", "53200", "57P01", "57P02", "57P03"}
_NOT_KEPT = ("csrf_token", "password", "code")


def database_unavailable(error: Exception) -> bool:
    """Whether a database error means the database cannot be reached or written to now (so the
    person should try again later), not that the request itself was wrong."""
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        return error.connection_invalidated or getattr(error.orig, "sqlstate", None) in _UNAVAILABLE_SQLSTATES
    return False


def _cannot_save(error: Exception) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return any(words in text for words in ("readonly", "read-only", "read only", "disk is full", "disk full",
                                             "no space", "disk i/o"))


def _entered_text() -> list[tuple[str, str]]:
    """What the person typed into the form they sent (never passwords, codes or tokens), so that
    a failure to save loses nothing: the page shows it for them to copy."""
    if request.method != "POST":
        return []
    kept = []
    for name, value in request.form.items(multi=True):
        if any(word in name.lower() for word in _NOT_KEPT) or not value.strip():
            continue
        kept.append((name.replace("_", " ").replace("-", " ").strip().capitalize(), value))
    return kept


def render_error(status: int, message: str | None = None):
    title, template = PAGES.get(status, PAGES[500])
    reference = request_id() if status >= 500 else None  # for the person to quote when they contact us
    return render_template(template, title=title, message=message, reference=reference), status


def init_app(app: Flask) -> None:
    for status in PAGES:
        app.register_error_handler(status, lambda e, s=status: render_error(s))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "Your form expired or was sent from somewhere else.")

    @app.errorhandler(DocumentMissing)  # its row, object or file is gone: 404, never 500
    @app.errorhandler(NotFound)
    def not_found(error):
        return render_error(404)

    @app.errorhandler(Forbidden)
    def forbidden(error):
        return render_error(403, error.message)

    @app.errorhandler(RuleViolation)
    def rule_violation(error):
        return render_error(400, error.message)

    @app.errorhandler(Conflict)
    def conflict(error):
        return render_error(409, error.message)

    @app.errorhandler(sa_exc.DBAPIError)
    @app.errorhandler(sa_exc.TimeoutError)
    def database_error(error):
        if not database_unavailable(error):
            raise error  # a fault: the usual 500 page, and logged
        current_app.logger.error("database unavailable: %s", error.__class__.__name__, exc_info=error)
        if "_login_user" not in g:
            g._login_user = AnonymousUserMixin()  # the page must not need the database
        title, template = PAGES[503]
        body = render_template(template, title=title, cannot_save=_cannot_save(error), entered=_entered_text(),
                               was_saving=request.method == "POST", reference=request_id())
        return body, 503, {"Retry-After": "30", "Cache-Control": "no-store"}
