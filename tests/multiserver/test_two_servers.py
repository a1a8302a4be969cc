"""The production path on two servers: sessions, two-factor set-up, documents, bids and attempt
counts carry from one server to the other, and a server killed mid-request loses nothing.

Each server has its own instance folder (nothing generated there: production refuses to
generate secrets), shares SECRET_KEY and BID_SECRET through the environment, and keeps
documents in the database and attempt counts in Redis."""

import re
import socket

import pyotp
import pytest
from sqlmodel import Session, select

from tenderapp.domain.bids import REQUIRED_DECLARATIONS
from tenderapp.models import Bid, BidSubmission, TenderDocument, User
from tests.conftest import BACKEND
from tests.factories import PASSWORD
from tests.hostile import PDF_BYTES
from tests.multiserver.client import CSRF_RE, Person

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(BACKEND != "postgresql", reason="the two-server proof runs in the PostgreSQL pass"),
]


def sign_in(person: Person, port: int, email: str, password: str = PASSWORD):
    return person.submit(port, "/sign-in", {"email": email, "password": password})


def draft_bid(person: Person, tender_id: int, first: int, second: int) -> None:
    """Prices on ``first``, answers on ``second``, declarations on ``first``: each form opened on
    one server and sent to the other."""
    base = f"/tenders/{tender_id}/bid"
    fields = re.findall(r'name="(line_\d+)"', person.get(first, f"{base}/prices").text)
    assert person.submit(second, f"{base}/prices", dict(zip(fields, ["£7,480.00", "1000"], strict=True)),
                         form_on=first).status == 302
    criteria = re.findall(r'name="(criterion_\d+)"', person.get(second, f"{base}/answers").text)
    assert person.submit(first, f"{base}/answers", {c: "We run three regional hubs." for c in criteria},
                         form_on=second).status == 302
    assert person.submit(first, f"{base}/declarations", {"declarations": list(REQUIRED_DECLARATIONS)}).status == 302


def test_a_session_begun_on_one_server_carries_on_on_the_other_and_ends_on_both(deployment, new_bidder):
    a, b, tender = deployment.a.port, deployment.b.port, deployment.world.open_tender
    person = Person()
    assert sign_in(person, a, new_bidder).status == 302
    page = person.get(b, f"/tenders/{tender.id}/bid")
    assert page.status == 200 and tender.title in page.text
    token = CSRF_RE.search(person.get(b, "/account").text).group(1)
    assert person.post(b, "/sign-out", {"csrf_token": token}).status == 302
    assert "/sign-in" in person.get(a, f"/tenders/{tender.id}/bid").location


def test_two_factor_set_up_on_one_server_is_confirmed_on_the_other_then_a_document_crosses(deployment):
    """The admin starts setting up an authenticator on A (the pending key sealed in the session
    with BID_SECRET) and confirms its code on B; a document uploaded on A downloads from B."""
    a, b, world = deployment.a.port, deployment.b.port, deployment.world
    person = Person()
    signed_in = sign_in(person, a, world.lead_admin.email)
    assert "/two-factor/set-up" in signed_in.location
    setup = person.get(a, signed_in.location)
    key = re.search(r'id="setup-key">([^<]+)<', setup.text).group(1)
    code = pyotp.TOTP(re.sub(r"\s", "", key)).now()
    confirmed = person.submit(b, signed_in.location, {"code": code}, form_on=a)
    assert confirmed.status in (200, 302), confirmed.text[:500]
    assert person.get(b, "/dashboard").status == 200
    path = f"/tenders/{world.tender.id}/documents/new"
    uploaded = person.submit(a, path, {"title": "Specification"},
                             files={"document": ("specification.pdf", PDF_BYTES, "application/pdf")})
    assert uploaded.status == 302, uploaded.text[:800]
    with Session(deployment.engine) as session:
        document = session.exec(select(TenderDocument).where(TenderDocument.tender_id == world.tender.id)).one()
    download = person.get(b, f"/tenders/{world.tender.id}/documents/{document.id}")
    assert download.status == 200 and download.body == PDF_BYTES
    assert not any(p.name in ("secret_key", "bid_secret", "documents") for p in deployment.a.instance.iterdir())


def test_a_bid_drafted_across_both_servers_with_a_file_is_submitted_on_b(deployment, new_bidder):
    a, b, tender = deployment.a.port, deployment.b.port, deployment.world.open_tender
    person = Person()
    assert sign_in(person, a, new_bidder).status == 302
    draft_bid(person, tender.id, a, b)
    files_page = person.get(a, f"/tenders/{tender.id}/bid/answers").text
    criterion = re.search(rf"/tenders/{tender.id}/bid/answers/(\d+)/files", files_page).group(1)
    attach = f"/tenders/{tender.id}/bid/answers/{criterion}/files"
    assert person.submit(a, attach, {}, files={"attachment": ("method.pdf", PDF_BYTES, "application/pdf")}
                         ).status == 302
    link = re.search(rf"/tenders/{tender.id}/bid/files/\d+", person.get(b, attach).text).group(0)
    assert person.get(b, link).body == PDF_BYTES
    submitted = person.submit(b, f"/tenders/{tender.id}/bid/submit", {}, form_path=f"/tenders/{tender.id}/bid",
                              form_on=a)
    assert submitted.status == 302 and "/receipts/1" in submitted.location
    receipt = person.get(a, submitted.location)
    assert receipt.status == 200 and "TA-" in receipt.text


def test_wrong_passwords_are_counted_across_both_servers(deployment, new_bidder):
    """Ten wrong passwords an account (five on each server) and the eleventh try is refused on
    either, the right password included: the count is in Redis, not in one server's memory."""
    a, b = deployment.a.port, deployment.b.port
    for attempt in range(10):
        wrong = sign_in(Person(), (a, b)[attempt % 2], new_bidder, "not the password")
        assert wrong.status == 200 or wrong.status == 400, wrong.status
    for port in (a, b):
        assert sign_in(Person(), port, new_bidder).status == 429


def test_a_server_killed_mid_submission_loses_nothing_and_the_other_takes_over(deployment, new_bidder):
    """A third server is killed (SIGKILL, master and workers) while a submission is on its way to
    it: the draft is whole on B, nothing half-submitted exists, and B takes the submission."""
    tender, b = deployment.world.open_tender, deployment.b.port
    c = deployment.server("c")
    person = Person()
    assert sign_in(person, c.port, new_bidder).status == 302
    draft_bid(person, tender.id, c.port, b)
    token = CSRF_RE.search(person.get(c.port, f"/tenders/{tender.id}/bid").text).group(1)
    body = f"csrf_token={token}".encode()
    cookies = "; ".join(f"{k}={v}" for k, v in person.cookies.items())
    with socket.create_connection(("127.0.0.1", c.port), timeout=10) as in_flight:
        in_flight.sendall(f"POST /tenders/{tender.id}/bid/submit HTTP/1.1\r\nHost: 127.0.0.1:{c.port}\r\n"
                          f"Cookie: {cookies}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                          f"Content-Length: {len(body)}\r\n\r\n".encode() + body[: len(body) // 2])
        c.kill()
    with Session(deployment.engine) as session:
        user = session.exec(select(User).where(User.email == new_bidder)).one()
        bid = session.exec(select(Bid).where(Bid.tender_id == tender.id,
                                             Bid.organisation_id == user.organisation_id)).one()
        assert session.exec(select(BidSubmission).where(BidSubmission.bid_id == bid.id)).all() == []
    overview = person.get(b, f"/tenders/{tender.id}/bid")
    assert overview.status == 200 and "£7,480.00" in overview.text
    submitted = person.submit(b, f"/tenders/{tender.id}/bid/submit", {}, form_path=f"/tenders/{tender.id}/bid")
    assert submitted.status == 302 and "/receipts/1" in submitted.location
