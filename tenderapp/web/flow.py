"""The one shape of a form page: validate → call one service → flash and redirect; or show
the form again, with the rule's message beside its field and everything typed kept.

    return form_page(form, "tenders/line.html", tender=tender, line=line,
                     action=lambda: tender_schedule.save_line(...),
                     done=flashed("Pricing line saved", "tenders.tender", tender_id=tender.id),
                     field="code")

``action`` runs only when the form validates; a ``RuleViolation`` or ``Conflict`` it raises is
shown beside ``error.field`` (or ``field``) and the page answers 400. Other domain errors
(``NotFound``, ``Forbidden``) pass up to the error handlers, as everywhere.
"""

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from tenderapp.domain.errors import Conflict, RuleViolation

SHOWN_ON_THE_FORM = (RuleViolation, Conflict)


def status_code(form) -> int:
    """200 for a fresh form, 400 for one with errors."""
    return 400 if form.errors else 200


def flashed(message: str | Callable[[Any], str], endpoint: str | Callable[[Any], str], **values):
    """A ``done`` callback: flash ``message`` (or ``message(result)``) and redirect to
    ``endpoint`` (or ``endpoint(result)``, a URL) with ``values``."""

    def done(result):
        flash(message(result) if callable(message) else message, "success")
        return redirect(endpoint(result) if callable(endpoint) else url_for(endpoint, **values))

    return done


def attempt(form, action: Callable[[], Any], field: str | None = None) -> tuple[bool, Any]:
    """Runs ``action`` when the form validates. Returns (True, result) when it succeeded, and
    (False, None) when the form was not sent, did not validate, or the rule said no (its message
    is then beside its field)."""
    if not form.validate_on_submit():
        return False, None
    try:
        return True, action()
    except SHOWN_ON_THE_FORM as error:
        form.add_domain_error(error, field)
        return False, None


def form_page(form, template: str, *, action: Callable[[], Any], done: Callable[[Any], Response],
              field: str | None = None, **context) -> Response | tuple[str, int]:
    """The whole form → service → redirect-or-render flow of a page."""
    succeeded, result = attempt(form, action, field)
    if succeeded:
        return done(result)
    return render_template(template, form=form, **context), status_code(form)
