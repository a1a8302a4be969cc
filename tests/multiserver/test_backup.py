"""Backups as the README gives them: a pg_dump of the database, restored into a fresh one, with
the same SECRET_KEY and BID_SECRET, opens a sealed bid and passes verify-audit against the
bid's receipt; with another BID_SECRET it opens nothing and the audit check fails."""

import json
import secrets
import subprocess

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine, select

from tenderapp import create_app
from tenderapp.domain import seals
from tenderapp.models import Bid, BidSubmission, User
from tests.conftest import BACKEND, PG_URL
from tests.multiserver.client import Person
from tests.multiserver.conftest import _database
from tests.multiserver.test_two_servers import draft_bid, sign_in

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(BACKEND != "postgresql", reason="the backup test runs in the PostgreSQL pass"),
]


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _restored_app(url: str, deployment, tmp_path, bid_secret: str):
    return create_app({"ENV": "production", "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path),
                       "SECRET_KEY": deployment.env["SECRET_KEY"], "BID_SECRET": bid_secret})


def test_a_restored_dump_opens_a_sealed_bid_and_its_audit_chain_verifies(deployment, new_bidder, tmp_path):
    tender, a = deployment.world.open_tender, deployment.a.port
    person = Person()
    assert sign_in(person, a, new_bidder).status == 302
    draft_bid(person, tender.id, a, deployment.b.port)
    submitted = person.submit(a, f"/tenders/{tender.id}/bid/submit", {}, form_path=f"/tenders/{tender.id}/bid")
    receipt = tmp_path / "receipt.txt"
    receipt.write_bytes(person.get(a, submitted.location + ".txt").body)
    assert b"Audit hash:" in receipt.read_bytes()

    dump = tmp_path / "tenderapp.dump"
    subprocess.run(["pg_dump", "--format=custom", "--file", str(dump), _libpq(deployment.url)], check=True)
    name = f"{make_url(PG_URL).database}_restored"
    restored = _database(PG_URL, name, create=True)
    try:
        subprocess.run(["pg_restore", "--no-owner", "--dbname", _libpq(restored), str(dump)], check=True)
        app = _restored_app(restored, deployment, tmp_path / "same", deployment.env["BID_SECRET"])
        engine = create_engine(restored)
        with Session(engine) as session:
            user = session.exec(select(User).where(User.email == new_bidder)).one()
            bid = session.exec(select(Bid).where(Bid.organisation_id == user.organisation_id)).one()
            submission = session.exec(select(BidSubmission).where(BidSubmission.bid_id == bid.id)).one()
        binding = seals.submission_binding(tender.id, user.organisation_id, submission.receipt)
        content = json.loads(app.extensions["tenderapp.sealer"].open(tender.id, submission.content, binding))
        assert "7480.00" in json.dumps(content)
        checked = app.test_cli_runner().invoke(args=["verify-audit", "--receipt", str(receipt)])
        assert checked.exit_code == 0 and checked.output.startswith("OK:"), checked.output

        wrong = _restored_app(restored, deployment, tmp_path / "wrong", secrets.token_hex(32))
        with pytest.raises(InvalidTag):
            wrong.extensions["tenderapp.sealer"].open(tender.id, submission.content, binding)
        assert wrong.test_cli_runner().invoke(args=["verify-audit", "--receipt", str(receipt)]).exit_code == 1
        for each in (app, wrong):
            each.extensions["tenderapp.engine"].dispose()
        engine.dispose()
    finally:
        _database(PG_URL, name, create=False)
