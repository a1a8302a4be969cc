"""The audit log is hash-chained: it verifies, and editing or deleting any one event is
detected at that event, by the service and by `flask verify-audit`."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from tenderapp.models import AuditEvent
from tenderapp.services import audit


def write_events(db, now, count=5):
    for n in range(count):
        audit.record(db, None, f"test.event_{n}", "thing", n, now + timedelta(seconds=n), {"n": n})
    db.commit()


def test_a_fresh_log_and_a_written_log_verify(app, db, clock):
    assert audit.verify(db) is None
    write_events(db, clock.moment)
    assert audit.verify(db) is None
    events = db.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:]))


def test_state_changes_through_the_web_are_audited(world, sign_in_as, db):
    sign_in_as("admin@lead.example").submit("/admin/collaborations/new", {"name": "Audited Group"})
    actions = db.exec(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions == ["auth.signed_in", "collaboration.created"]
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "collaboration.created")).one()
    assert event.actor_user_id == world.lead_admin.id
    assert event.organisation_id == world.lead.id
    assert audit.verify(db) is None


TAMPERING = {
    "details": "UPDATE audit_event SET details = :fake WHERE seq = :seq",
    "action": "UPDATE audit_event SET action = 'test.innocent' WHERE seq = :seq",
    "actor": "UPDATE audit_event SET actor_user_id = 42 WHERE seq = :seq",
    "hash": "UPDATE audit_event SET hash = :fake WHERE seq = :seq",
    "delete": "DELETE FROM audit_event WHERE seq = :seq",
}


@pytest.mark.parametrize("seq", [1, 3, 5])
@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_tampering_with_any_event_is_detected_at_that_event(app, db, clock, kind, seq):
    write_events(db, clock.moment)
    fake = {"hash": {"fake": "f" * 64}, "details": {"fake": '{"n":99}'}}.get(kind, {})
    db.exec(text(TAMPERING[kind]).bindparams(seq=seq, **fake))
    db.commit()
    broken = audit.verify(db)
    assert broken is not None
    assert broken.seq == seq


def test_verify_audit_command_reports_ok_and_the_first_broken_entry(app, db, clock):
    write_events(db, clock.moment)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 0
    assert "OK" in result.output
    db.exec(text("UPDATE audit_event SET details = '{}' WHERE seq = 2"))
    db.commit()
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 1
    assert "BROKEN at entry 2" in result.output
