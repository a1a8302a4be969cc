"""One structured line per request (never passwords, codes or the session token), and a request
id the person can quote from the 500 and 503 pages."""

import json
import logging
import re

import pytest
from flask import g
from sqlmodel import select

from tenderapp import create_app
from tenderapp.models import User
from tenderapp.web import request_log
from tests.factories import PASSWORD
from tests.web.test_database_unavailable import UNREACHABLE

FIELDS = {"time", "level", "logger", "request_id", "user_id", "route", "endpoint", "method", "status",
          "duration_ms"}


def session_cookie_value(client) -> str:
    return client.get_cookie("session").value


@pytest.fixture
def lines(caplog):
    """The request log's lines (as written, parsed back from JSON) for the requests made so far."""
    logger = logging.getLogger(request_log.LOGGER_NAME)
    logger.addHandler(caplog.handler)
    formatter = request_log.JsonFormatter()
    try:
        yield lambda: [formatter.format(record) for record in caplog.records if record.name == logger.name]
    finally:
        logger.removeHandler(caplog.handler)


def test_each_request_writes_one_line_with_its_fields(world, client, lines):
    response = client.get("/sign-in?next=%2Fdashboard&secret=xyzzy")
    [line] = lines()
    entry = json.loads(line)
    assert set(entry) == FIELDS
    assert entry["logger"] == "tenderapp.request" and entry["level"] == "INFO"
    assert entry["route"] == "/sign-in" and entry["endpoint"] == "auth.sign_in"
    assert entry["method"] == "GET" and entry["status"] == 200 and entry["user_id"] is None
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert re.fullmatch(r"[0-9a-f]{32}", entry["request_id"])
    assert response.headers["X-Request-ID"] == entry["request_id"]
    assert "xyzzy" not in line and "next" not in line  # never the query string


def test_an_unknown_address_has_no_route(client, lines):
    assert client.get("/no/such/page").status_code == 404
    [entry] = [json.loads(line) for line in lines()]
    assert entry["route"] is None and entry["endpoint"] is None and entry["status"] == 404


def test_signing_in_logs_no_password_email_or_session_token(world, app, db, browser, lines):
    browser.sign_in("viewer@lead.example")
    with browser.client:  # keeps the request's context, to read the session token
        browser.get("/dashboard")
        token = g._login_user.session_token
    token_in_cookie = session_cookie_value(browser.client)
    written = lines()
    text = "\n".join(written)
    assert "viewer@lead.example" not in text.lower() and PASSWORD not in text
    assert token and token not in text and token_in_cookie not in text
    user = db.exec(select(User).where(User.email == "viewer@lead.example")).one()
    posted = [json.loads(line) for line in written if json.loads(line)["method"] == "POST"]
    assert [(entry["route"], entry["status"]) for entry in posted] == [("/sign-in", 302)]
    assert json.loads(written[-1])["user_id"] == user.id  # the dashboard, signed in


@pytest.mark.parametrize("incoming", ["abc", "x" * 65, "two words", "line\\nbreak", "<script>", "é", "a=b", ""])
def test_an_unsafe_or_long_request_id_is_replaced(client, lines, incoming):
    response = client.get("/sign-in", headers={"X-Request-ID": incoming})
    [entry] = [json.loads(line) for line in lines()]
    if incoming == "abc":
        assert entry["request_id"] == "abc" == response.headers["X-Request-ID"]
    else:
        assert re.fullmatch(r"[0-9a-f]{32}", entry["request_id"])
        assert response.headers["X-Request-ID"] == entry["request_id"]


def test_a_plain_request_id_from_the_proxy_is_kept(client, lines):
    good = "Root-1.67a_b-" + "9" * 51  # 64 characters
    response = client.get("/sign-in", headers={"X-Request-ID": good})
    assert response.headers["X-Request-ID"] == good
    assert json.loads(lines()[0])["request_id"] == good


def test_a_500_page_shows_the_request_id_to_quote(tmp_path, lines):
    app = create_app({"ENV": "testing", "INSTANCE_PATH": str(tmp_path), "PROPAGATE_EXCEPTIONS": False})

    def broken():
        raise RuntimeError("a fault")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken", headers={"X-Request-ID": "ref-500"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "If you contact us, quote this reference: <code>ref-500</code>" in page
    [entry] = [json.loads(line) for line in lines()]
    assert (entry["request_id"], entry["route"], entry["status"]) == ("ref-500", "/broken", 500)


def test_a_503_page_shows_the_request_id_to_quote(_app, tmp_path, lines):
    app = create_app({"ENV": "testing", "DATABASE_URL": UNREACHABLE, "INSTANCE_PATH": str(tmp_path),
                      "CLOCK": _app.config["CLOCK"]})
    response = app.test_client().get("/open-data/tenders/OPEN-001.json")
    assert response.status_code == 503
    reference = response.headers["X-Request-ID"]
    assert f"If you contact us, quote this reference: <code>{reference}</code>" in response.get_data(as_text=True)
    assert [json.loads(line)["status"] for line in lines()] == [503]


def test_other_error_pages_show_no_reference(client):
    assert "quote this reference" not in client.get("/no/such/page").get_data(as_text=True)


def test_lines_are_written_once_to_standard_error(world, client, capsys):
    class Reached(logging.Handler):
        records: list = []

        def emit(self, record):
            self.records.append(record)

    root = logging.getLogger()
    reached = Reached()
    root.addHandler(reached)
    try:
        client.get("/sign-in")
    finally:
        root.removeHandler(reached)
    assert not [r for r in reached.records if r.name == request_log.LOGGER_NAME]  # not again through root
    err = capsys.readouterr().err
    written = [line for line in err.splitlines() if '"logger":"tenderapp.request"' in line]
    assert len(written) == 1 and json.loads(written[0])["route"] == "/sign-in"
