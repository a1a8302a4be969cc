"""When the database cannot be reached, or cannot be written to (read-only, disk full), people get
a 503 page that says so and shows back what they typed, and nothing saved before is lost."""

import re

import pytest
from sqlalchemy import event

from tenderapp import create_app
from tests.conftest import BACKEND, Browser, csrf_from
from tests.web.test_bids import answer

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2"


@pytest.fixture
def unreachable_app(_app, tmp_path):
    return create_app({"ENV": "testing", "DATABASE_URL": UNREACHABLE, "INSTANCE_PATH": str(tmp_path),
                       "CLOCK": _app.config["CLOCK"]})


def test_pages_answer_503_with_a_friendly_page_when_the_database_is_down(unreachable_app, world, sign_in_as):
    assert unreachable_app.test_client().get("/open-data/tenders/OPEN-001.json").status_code == 503
    client = unreachable_app.test_client()  # someone signed in before the database went down
    client.set_cookie("session", sign_in_as("viewer@lead.example").client.get_cookie("session").value)
    response = client.get("/tenders")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Sorry, the service is unavailable" in page and "Try again in a few minutes" in page
    assert 'class="govuk-template__header"' in page and "govuk/application.css" in page  # the GOV.UK page
    assert response.headers["Retry-After"] == "30"
    assert client.get("/healthz").status_code == 503


def test_a_form_sent_while_the_database_is_down_is_shown_back_except_secrets(unreachable_app):
    client = unreachable_app.test_client()
    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"csrf_token": token, "email": "officer@kent.example",
                                             "password": "my secret password"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "We could not save your changes" in page
    assert "officer@kent.example" in page
    assert "my secret password" not in page and token not in page


def _second_app(_app, tmp_path, url, on_connect):
    """Another app on the same database and secrets, whose connections ``on_connect`` restricts."""
    other = create_app({"ENV": "testing", "DATABASE_URL": url, "INSTANCE_PATH": _app.instance_path,
                        "SECRET_KEY": _app.config["SECRET_KEY"], "CLOCK": _app.config["CLOCK"],
                        "DOCUMENTS_PATH": _app.config["DOCUMENTS_PATH"]})
    event.listen(other.extensions["tenderapp.engine"], "connect", on_connect)
    return other


def _restricted_app(_app, database_url, tmp_path, mode):
    if BACKEND == "postgresql":
        if mode == "full":
            pytest.skip("a full disk is simulated on SQLite only (max_page_count)")

        def read_only(dbapi_connection, _record):
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()

        return _second_app(_app, tmp_path, database_url, read_only)

    def restrict(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if mode == "read-only":
            cursor.execute("PRAGMA query_only = ON")
        else:  # no room for one more page (and no free pages to reuse: VACUUM drops them first)
            cursor.execute("VACUUM")
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    return _second_app(_app, tmp_path, database_url, restrict)


@pytest.mark.parametrize("mode", ["read-only", "full"])
def test_a_draft_answer_that_cannot_be_saved_is_shown_back_and_the_saved_draft_is_kept(
        _app, app, database_url, world, sign_in_as, tmp_path, mode):
    tender_id = world.open_tender.id
    bidder = sign_in_as("bidder@supplier.example")
    assert answer(bidder, tender_id, "Saved before: three regional hubs.").status_code == 302

    restricted = _restricted_app(_app, database_url, tmp_path, mode)
    stuck = Browser(restricted.test_client())
    stuck.client.set_cookie("session", bidder.client.get_cookie("session").value)
    html = bidder.get(f"/tenders/{tender_id}/bid/answers").get_data(as_text=True)  # the form, opened before
    fields = re.findall(r'name="(criterion_\d+)"', html)
    new_text = "Changed while the disk was full: " + "a long considered answer. " * 200
    response = stuck.client.post(f"/tenders/{tender_id}/bid/answers",
                                 data={"csrf_token": csrf_from(html), **{f: new_text for f in fields}})
    assert response.status_code == 503
    shown = response.get_data(as_text=True)
    assert "We could not save your changes" in shown and "Anything you saved before is safe" in shown
    assert new_text.strip() in shown.replace("&#39;", "'")

    kept = bidder.get(f"/tenders/{tender_id}/bid/answers").get_data(as_text=True)
    assert "Saved before: three regional hubs." in kept and "Changed while the disk was full" not in kept
    restricted.extensions["tenderapp.engine"].dispose()
