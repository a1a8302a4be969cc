"""One JSON line per request on the ``tenderapp.request`` logger, and a request id that a
person can quote from an error page.

A line holds the request id, the signed-in user's id, the route pattern, endpoint, method,
status and duration: never the query string, form data, passwords, codes or bid content
(nor the session token Flask-Login keeps in the session as ``_user_id``)."""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, request
from flask.wrappers import Response

LOGGER_NAME = "tenderapp.request"
HEADER = "X-Request-ID"
# An incoming id is kept only when it is short and plain, so that it cannot forge log lines
# or carry anything into the page and the response header.
_GOOD_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

logger = logging.getLogger(LOGGER_NAME)


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time (UTC), level, logger and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        line.update(getattr(record, "fields", None) or {"message": record.getMessage()})
        return json.dumps(line, separators=(",", ":"), default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is written (it may be swapped, as test
    runners do), rather than the stream there was when the handler was made."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def _configure_logger() -> None:
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        logger.addHandler(_StderrHandler())
    logger.setLevel(logging.INFO)
    logger.propagate = False  # its own handler: through the root logger too, each line would print twice


def request_id() -> str:
    """This request's id: the incoming X-Request-ID when it is plain, otherwise a new one."""
    if "request_id" not in g:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _GOOD_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def _user_id() -> int | None:
    user = g.get("_login_user")  # only when something this request loaded the user
    return getattr(user, "user_id", None)


def request_fields(response: Response) -> dict:
    started = g.get("request_started")
    return {
        "request_id": request_id(),
        "user_id": _user_id(),
        "route": request.url_rule.rule if request.url_rule is not None else None,
        "endpoint": request.endpoint,
        "method": request.method,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
    }


def init_app(app: Flask) -> None:
    """Register first among the extensions: its before_request then runs first and its
    after_request last, so the line has the final status and the whole duration."""
    _configure_logger()
    app.jinja_env.globals["request_id"] = request_id

    @app.before_request
    def start_request() -> None:
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def log_request(response: Response) -> Response:
        response.headers[HEADER] = request_id()
        logger.info("request", extra={"fields": request_fields(response)})
        return response
