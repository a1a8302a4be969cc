"""The audit log is one keyed hash chain per organisation, anchored outside the database.

Played as a database administrator would attack it: edit a field, delete an entry, insert
one, cut off the newest entries and reset the head, rewrite an entry and recompute every
later hash with the public algorithm (plain SHA-256, or HMAC under a guessed key), move an
entry to another chain, forge a checkpoint. Each is detected, at the first bad position, by
the service and by ``flask verify-audit``.
"""

import hashlib
import json
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from tenderapp.domain.audit_chain import (
    GENESIS_HASH,
    AuditEntry,
    anchor_lines,
    entry_mac,
    legacy_entry_hash,
)
from tenderapp.models import AuditEvent, AuditHead
from tenderapp.services import audit


def write_events(db, now, count=5, organisation_id=None):
    for n in range(count):
        audit.record(db, None, f"test.event_{n}", "thing", n, now + timedelta(seconds=n), {"n": n},
                     organisation_id=organisation_id)
    db.commit()


def checkpoint(app):
    result = app.test_cli_runner().invoke(args=["audit-checkpoint"])
    assert result.exit_code == 0, result.output
    return result


def verify_cli(app, *args):
    return app.test_cli_runner().invoke(args=["verify-audit", *args])


def test_a_fresh_log_and_a_written_log_verify(app, db, clock):
    assert audit.verify(db) == []
    write_events(db, clock.moment)
    assert audit.verify(db) == []
    events = db.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert {e.chain for e in events} == {0} and {e.scheme for e in events} == {"hmac-sha256"}


def test_each_organisation_has_a_chain_of_its_own(world, db, clock):
    write_events(db, clock.moment, 3, organisation_id=world.lead.id)
    write_events(db, clock.moment, 2, organisation_id=world.supplier.id)
    heads = {h.id: h.seq for h in db.exec(select(AuditHead)).all()}
    assert heads[world.lead.id] >= 3 and heads[world.supplier.id] >= 2
    lead_seqs = db.exec(select(AuditEvent.seq).where(AuditEvent.chain == world.lead.id)
                        .order_by(AuditEvent.seq)).all()
    assert lead_seqs == list(range(1, len(lead_seqs) + 1))
    assert audit.verify(db) == []


def test_state_changes_through_the_web_are_audited(world, sign_in_as, db):
    sign_in_as("admin@lead.example").submit("/admin/collaborations/new", {"name": "Audited Group"})
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.chain == world.lead.id)
                      .order_by(AuditEvent.seq)).all()
    assert actions[-2:] == ["auth.signed_in", "collaboration.created"]
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "collaboration.created")).one()
    assert event.actor_user_id == world.lead_admin.id
    assert event.organisation_id == world.lead.id
    assert audit.verify(db) == []


TAMPERING = {
    "details": "UPDATE audit_event SET details = :fake WHERE seq = :seq",
    "action": "UPDATE audit_event SET action = 'test.innocent' WHERE seq = :seq",
    "actor": "UPDATE audit_event SET actor_user_id = 42 WHERE seq = :seq",
    "time": "UPDATE audit_event SET occurred_at = '2020-01-01 00:00:00' WHERE seq = :seq",
    "hash": "UPDATE audit_event SET hash = :fake WHERE seq = :seq",
    "delete": "DELETE FROM audit_event WHERE seq = :seq",
    "unkeyed": "UPDATE audit_event SET scheme = 'sha256' WHERE seq = :seq",
}


@pytest.mark.parametrize("seq", [1, 3, 5])
@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_tampering_with_any_entry_is_detected_at_that_entry(app, db, clock, kind, seq):
    write_events(db, clock.moment)
    fake = {"hash": {"fake": "f" * 64}, "details": {"fake": '{"n":99}'}}.get(kind, {})
    db.exec(text(TAMPERING[kind]).bindparams(seq=seq, **fake))
    db.commit()
    [broken] = audit.verify(db)
    assert (broken.chain, broken.seq) == (0, seq)


def _recompute_from(db, seq, hasher):
    """What an attacker with the database and the published algorithm can do: rewrite entry
    ``seq`` and recompute every later hash and the head."""
    events = db.exec(select(AuditEvent).where(AuditEvent.chain == 0).order_by(AuditEvent.seq)).all()
    prev = events[seq - 2].hash if seq > 1 else GENESIS_HASH
    for event in events[seq - 1:]:
        if event.seq == seq:
            event.actor_user_id = 999  # "someone else opened the bids"
        entry = AuditEntry(seq=event.seq, chain=0, occurred_at=event.occurred_at, actor_user_id=event.actor_user_id,
                           organisation_id=event.organisation_id, action=event.action,
                           object_type=event.object_type, object_id=event.object_id,
                           details=json.loads(event.details))
        event.prev_hash, event.hash = prev, hasher(prev, entry)
        prev = event.hash
        db.add(event)
    head = db.get(AuditHead, 0)
    head.hash = prev
    db.add(head)
    db.commit()


@pytest.mark.parametrize("hasher", [
    pytest.param(legacy_entry_hash, id="plain SHA-256"),
    pytest.param(lambda prev, entry: entry_mac(b"guessed key" * 3, prev, entry), id="HMAC under a guessed key"),
    pytest.param(lambda prev, entry: entry_mac(hashlib.sha256(b"").digest(), prev, entry), id="HMAC, empty key"),
])
def test_rewriting_an_entry_and_recomputing_the_rest_is_detected(app, db, clock, hasher):
    write_events(db, clock.moment)
    _recompute_from(db, 3, hasher)
    [broken] = audit.verify(db)
    assert (broken.chain, broken.seq) == (0, 3)
    result = verify_cli(app)
    assert result.exit_code == 1
    assert "BROKEN: chain 0 at entry 3" in result.output


def test_an_inserted_entry_is_detected(app, db, clock):
    write_events(db, clock.moment)
    db.exec(text("UPDATE audit_event SET seq = seq + 100 WHERE seq >= 3"))
    db.exec(text("UPDATE audit_event SET seq = seq - 99 WHERE seq >= 103"))
    db.exec(text("INSERT INTO audit_event (chain, seq, scheme, occurred_at, action, object_type, object_id, details, "
                 "prev_hash, hash) SELECT 0, 3, 'hmac-sha256', occurred_at, 'test.inserted', 'thing', '9', '{}', "
                 "hash, :fake FROM audit_event WHERE chain = 0 AND seq = 2").bindparams(fake="e" * 64))
    db.commit()
    [broken] = audit.verify(db)
    assert (broken.chain, broken.seq) == (0, 3)


def test_an_entry_moved_to_another_chain_is_detected(world, db, clock):
    write_events(db, clock.moment, 3)
    write_events(db, clock.moment, 3, organisation_id=world.other_lead.id)
    last = db.exec(select(AuditEvent).where(AuditEvent.chain == 0).order_by(AuditEvent.seq.desc())).first()
    db.exec(text("UPDATE audit_event SET chain = :other, seq = 999 WHERE id = :id")
            .bindparams(other=world.other_lead.id, id=last.id))
    db.commit()
    chains = {b.chain for b in audit.verify(db)}
    assert chains == {0, world.other_lead.id}


def _cut_off_newest(db, keep):
    db.exec(text("DELETE FROM audit_event WHERE chain = 0 AND seq > :keep").bindparams(keep=keep))
    kept = db.exec(select(AuditEvent).where(AuditEvent.chain == 0, AuditEvent.seq == keep)).one()
    db.exec(text("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 0").bindparams(seq=keep, hash=kept.hash))
    db.commit()


def test_cutting_off_the_newest_entries_and_resetting_the_head_is_caught_by_a_checkpoint(app, db, clock):
    write_events(db, clock.moment)
    checkpoint(app)
    assert verify_cli(app).exit_code == 0
    _cut_off_newest(db, 2)
    assert audit.verify(db) == []  # the database alone cannot tell: that is why anchors exist
    result = verify_cli(app)
    assert result.exit_code == 1
    assert "chain 0 at entry 3: the log ends at entry 2, but the checkpoint" in result.output
    assert "entries were cut off" in result.output


def test_a_receipt_catches_entries_cut_off_after_it(app, db, clock, tmp_path):
    write_events(db, clock.moment, 3)
    at_receipt = db.exec(select(AuditEvent).where(AuditEvent.chain == 0, AuditEvent.seq == 3)).one()
    receipt = tmp_path / "receipt.txt"
    receipt.write_text("Tenderapp bid receipt\n\n" + anchor_lines(0, at_receipt.seq, at_receipt.hash))
    write_events(db, clock.moment + timedelta(minutes=1), 2)
    _cut_off_newest(db, 2)
    result = verify_cli(app, "--receipt", str(receipt))
    assert result.exit_code == 1
    assert "chain 0 at entry 3: the log ends at entry 2, but the receipt receipt.txt records entry 3" in result.output


def test_a_receipt_whose_entry_was_rewritten_is_detected(app, db, clock, tmp_path):
    write_events(db, clock.moment, 3)
    entry = db.exec(select(AuditEvent).where(AuditEvent.chain == 0, AuditEvent.seq == 2)).one()
    receipt = tmp_path / "receipt.txt"
    receipt.write_text(anchor_lines(0, 2, entry.hash))
    assert verify_cli(app, "--receipt", str(receipt)).exit_code == 0
    _recompute_from(db, 1, legacy_entry_hash)
    result = verify_cli(app, "--receipt", str(receipt))
    assert result.exit_code == 1 and "chain 0 at entry 1" in result.output


def test_a_forged_or_altered_checkpoint_is_refused(app, db, clock):
    write_events(db, clock.moment)
    checkpoint(app)
    folder = app.extensions["tenderapp.audit"].checkpoints.directory
    [path] = list(folder.glob("chain-0.jsonl"))
    record = json.loads(path.read_text().splitlines()[0])
    record["seq"] = 2  # "the log only ever went up to 2"
    path.write_text(json.dumps(record) + "\n")
    result = verify_cli(app)
    assert result.exit_code == 1
    assert "FORGED or unreadable anchor" in result.output and "signature does not match" in result.output


def test_the_key_is_not_in_the_database(app, db, clock, database_url):
    write_events(db, clock.moment)
    key = app.extensions["tenderapp.audit"].key.hex()
    dump = " ".join(str(v) for row in db.exec(text("SELECT * FROM audit_event")).all() for v in row)
    dump += " ".join(str(v) for row in db.exec(text("SELECT * FROM audit_head")).all() for v in row)
    assert key not in dump


def test_the_opening_is_anchored_and_the_anchor_emailed(app, db, clock):
    from tests.factories import build_world

    world = build_world(db, clock.moment)
    audit.record(db, None, "tender.opened", "tender", world.open_tender.id, clock.moment, {},
                 organisation_id=world.lead.id)
    db.commit()
    folder = app.extensions["tenderapp.audit"].checkpoints.directory
    lines = (folder / f"chain-{world.lead.id}.jsonl").read_text().splitlines()
    assert json.loads(lines[-1])["reason"] == "tender.opened"
    from tenderapp.models import OutboxMessage

    mails = db.exec(select(OutboxMessage).where(OutboxMessage.subject == "Audit checkpoint: tender.opened")).all()
    assert {m.recipient for m in mails} == {"admin@lead.example", "admin2@lead.example"}
    assert "Audit position:" in mails[0].body


def test_a_rolled_back_entry_leaves_no_checkpoint(app, db, clock):
    audit.record(db, None, "tender.opened", "tender", 1, clock.moment, {})
    db.rollback()
    folder = app.extensions["tenderapp.audit"].checkpoints.directory
    assert not (folder / "chain-0.jsonl").exists()
    write_events(db, clock.moment, 1)
    assert verify_cli(app).exit_code == 0


def test_verify_audit_command_reports_ok_and_the_first_broken_entry(app, db, clock):
    write_events(db, clock.moment)
    result = verify_cli(app)
    assert result.exit_code == 0
    assert "OK: 1 audit chains intact" in result.output
    db.exec(text("UPDATE audit_event SET details = '{}' WHERE seq = 2"))
    db.commit()
    result = verify_cli(app)
    assert result.exit_code == 1
    assert "BROKEN: chain 0 at entry 2" in result.output
