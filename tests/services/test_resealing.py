"""Rotating BID_SECRET: bids, files and two-factor secrets sealed under the old secret still open
under the new one while the old is listed as previous, and ``reseal`` moves every one of them to
the new secret without changing a receipt, a hash or the audit log."""

import json
import os

import pyotp
import pytest
from sqlmodel import select

from tenderapp.access import actor_for
from tenderapp.access import bids as bid_access
from tenderapp.domain import seals
from tenderapp.domain.bids import REQUIRED_DECLARATIONS
from tenderapp.models import AuditEvent, Bid, BidAttachment, BidSubmission, User
from tenderapp.sealing import Sealer, UnknownSealingKey
from tenderapp.services import bid_attachments, bids, opening, resealing, two_factor
from tests.hostile import pdf

OLD, NEW = os.urandom(32), os.urandom(32)
DOCUMENT = pdf("our method statement")


@pytest.fixture
def sealed_under_old(db, world, clock):
    """A submitted bid with a file, and a two-factor secret, all sealed under OLD."""
    old, tender = Sealer(OLD), world.open_tender
    bidder = actor_for(db, world.bidder, "bidder-session")
    lines, criteria = bid_access.schedule(db, tender)
    bids.save_prices(db, bidder, old, bids.load(db, bidder, old, tender), lines, {"CORE": "7480", "PAYG": "1000"},
                     clock.moment)
    bids.save_answers(db, bidder, old, bids.load(db, bidder, old, tender), criteria,
                      {str(c.id): "Three hubs." for c in criteria}, clock.moment)
    bids.save_declarations(db, bidder, old, bids.load(db, bidder, old, tender), list(REQUIRED_DECLARATIONS),
                           clock.moment)
    bid_attachments.add(db, bidder, old, bids.load(db, bidder, old, tender), criteria[0], DOCUMENT, "method.pdf",
                        clock.moment)
    submission = bids.submit(db, bidder, old, bids.load(db, bidder, old, tender), lines, criteria, clock.moment)
    secret = two_factor.new_secret()
    two_factor.enrol(db, actor_for(db, world.partner_admin, "partner"), old, secret,
                     pyotp.TOTP(secret).at(clock.moment), clock.moment)
    return bidder, tender, submission.id, secret


def _everything_opens(db, world, sealer, bidder, tender, submission_id, secret):
    own = bids.load(db, bidder, sealer, tender)
    assert own.draft.prices == {"CORE": "7480.00", "PAYG": "1000.00"}
    submission = db.get(BidSubmission, submission_id)
    content = opening.unseal_submission(sealer, tender, submission, world.supplier.id)
    assert content["prices"] == {"CORE": "7480.00", "PAYG": "1000.00"}
    attachment = db.exec(select(BidAttachment)).one()
    assert bid_attachments.read_own(sealer, own, attachment) == ("method.pdf", DOCUMENT)
    user = db.get(User, world.partner_admin.id)
    assert sealer.open_value(two_factor.PURPOSE, user.totp_secret_sealed,
                             seals.totp_secret_binding(user.id)).decode() == secret


def test_values_sealed_under_the_old_secret_open_while_it_is_listed_as_previous(db, world, sealed_under_old):
    bidder, tender, submission_id, secret = sealed_under_old
    _everything_opens(db, world, Sealer(NEW, [OLD]), bidder, tender, submission_id, secret)
    with pytest.raises(UnknownSealingKey, match="BID_SECRETS_PREVIOUS"):
        bids.load(db, bidder, Sealer(NEW), tender)


def test_reseal_moves_every_value_to_the_new_secret_and_changes_no_receipt(db, world, sealed_under_old, clock):
    bidder, tender, submission_id, secret = sealed_under_old
    before = db.get(BidSubmission, submission_id)
    receipt, digest = before.receipt, before.content_sha256
    rotated = Sealer(NEW, [OLD])

    preview = resealing.reseal(db, rotated, clock.moment, dry_run=True)
    assert preview.total_resealed == 5 and not db.exec(select(AuditEvent).where(
        AuditEvent.action == "sealing.resealed")).first()
    assert not rotated.is_current(db.exec(select(Bid)).one().draft)

    report = resealing.reseal(db, rotated, clock.moment, batch=1)
    assert report.resealed == {"bid drafts": 1, "submitted bids": 1, "bid file names": 1, "bid files": 1,
                               "two-factor secrets": 1}
    assert report.unreadable == [] and report.changed_meanwhile == 0
    db.expire_all()
    _everything_opens(db, world, Sealer(NEW), bidder, tender, submission_id, secret)
    after = db.get(BidSubmission, submission_id)
    assert (after.receipt, after.content_sha256) == (receipt, digest)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "sealing.resealed")).one()
    assert event.object_id == rotated.key_id.hex() and json.loads(event.details)["resealed"]["bid files"] == 1

    again = resealing.reseal(db, rotated, clock.moment)
    assert again.total_resealed == 0 and sum(again.current.values()) == 5


def test_reseal_reports_what_opens_under_no_secret_and_leaves_it(db, world, sealed_under_old, clock):
    report = resealing.reseal(db, Sealer(NEW), clock.moment)  # OLD not given
    assert sorted(kind for kind, _ in report.unreadable) == ["bid drafts", "bid file names", "bid files",
                                                              "submitted bids", "two-factor secrets"]
    assert report.total_resealed == 0
    assert not Sealer(NEW).is_current(db.exec(select(Bid)).one().draft)


def test_reseal_never_overwrites_a_value_saved_meanwhile(db, world, sealed_under_old, clock):
    rotated = Sealer(NEW, [OLD])
    bid = db.exec(select(Bid)).one()
    read_earlier = bid.draft
    bid.draft = rotated.seal(bid.tender_id, b'{"saved": "meanwhile"}', seals.draft_binding(bid.tender_id,
                                                                                          bid.organisation_id))
    db.add(bid)
    db.commit()
    report = resealing.ResealReport()
    stale = (bid.id, read_earlier, bid.tender_id, bid.organisation_id)
    resealing._reseal_row(db, rotated, resealing.COLUMNS[0], stale, report, dry_run=False)
    db.commit()
    db.expire_all()
    assert report.changed_meanwhile == 1 and report.total_resealed == 0
    assert rotated.open(bid.tender_id, db.get(Bid, bid.id).draft,
                        seals.draft_binding(bid.tender_id, bid.organisation_id)) == b'{"saved": "meanwhile"}'


def test_rotating_bid_secret_as_the_readme_says(app, db, world, clock, tmp_path, monkeypatch):
    """audit-key under the old secret; restart with the new one, the old as previous and AUDIT_KEY;
    reseal; the audit log still verifies; then the old secret can go."""
    from pathlib import Path

    from tenderapp import MissingSecrets, create_app

    for name in ("BID_SECRET", "BID_SECRETS_PREVIOUS", "AUDIT_KEY"):
        monkeypatch.delenv(name, raising=False)
    tender, bidder = world.open_tender, actor_for(db, world.bidder, "bidder-session")
    current = app.extensions["tenderapp.sealer"]
    lines, _ = bid_access.schedule(db, tender)
    bids.save_prices(db, bidder, current, bids.load(db, bidder, current, tender), lines, {"CORE": "7480", "PAYG": ""},
                     clock.moment)
    audit_key = app.test_cli_runner().invoke(args=["audit-key"]).output.strip()
    old_hex, new_hex = (Path(app.instance_path) / "bid_secret").read_text().strip(), os.urandom(32).hex()
    base = {"ENV": "testing", "DATABASE_URL": app.config["DATABASE_URL"], "CLOCK": app.config["CLOCK"],
            "INSTANCE_PATH": str(tmp_path), "BID_SECRET": new_hex}

    with pytest.raises(MissingSecrets, match="AUDIT_KEY is not set"):
        create_app({**base, "BID_SECRETS_PREVIOUS": old_hex})
    with pytest.raises(MissingSecrets, match="64 hexadecimal"):
        create_app({**base, "BID_SECRETS_PREVIOUS": "not-a-secret", "AUDIT_KEY": audit_key})
    rotated = create_app({**base, "BID_SECRETS_PREVIOUS": f"{old_hex}, ", "AUDIT_KEY": audit_key})
    retired = create_app({**base, "AUDIT_KEY": audit_key})
    forgot_audit_key = create_app(base)
    try:
        result = rotated.test_cli_runner().invoke(args=["reseal"])
        assert result.exit_code == 0, result.output
        new_key_id = rotated.extensions["tenderapp.sealer"].key_id.hex()
        assert f"Sealed again under key {new_key_id}: 1 values" in result.output
        assert "BID_SECRETS_PREVIOUS can be removed" in result.output
        verified = retired.test_cli_runner().invoke(args=["verify-audit"])
        assert verified.exit_code == 0, verified.output
        assert forgot_audit_key.test_cli_runner().invoke(args=["verify-audit"]).exit_code != 0
        db.expire_all()
        assert bids.load(db, bidder, retired.extensions["tenderapp.sealer"], tender).draft.prices == {"CORE": "7480.00"}
    finally:
        for made in (rotated, retired, forgot_audit_key):
            made.extensions["tenderapp.engine"].dispose()
