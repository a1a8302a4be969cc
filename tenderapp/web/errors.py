"""One place that maps domain errors and HTTP errors to GOV.UK error pages."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from tenderapp.domain.errors import Conflict, Forbidden, NotFound, RuleViolation

PAGES = {
    400: ("Sorry, there is a problem with the request", "errors/400.html"),
    403: ("You do not have permission to see this page", "errors/403.html"),
    404: ("Page not found", "errors/404.html"),
    405: ("Sorry, there is a problem with the request", "errors/400.html"),
    409: ("This has changed since you opened it", "errors/400.html"),
    413: ("The file is too large", "errors/400.html"),
    429: ("Too many attempts", "errors/429.html"),
    500: ("Sorry, there is a problem with the service", "errors/500.html"),
}


def render_error(status: int, message: str | None = None):
    title, template = PAGES.get(status, PAGES[500])
    return render_template(template, title=title, message=message), status


def init_app(app: Flask) -> None:
    for status in PAGES:
        app.register_error_handler(status, lambda e, s=status: render_error(s))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "Your form expired or was sent from somewhere else.")

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
