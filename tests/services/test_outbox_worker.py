"""Mail never inside a request: requests only write outbox rows; the outbox worker claims each
message, sends it to a real SMTP server (aiosmtpd on 127.0.0.1), retries failures with
backoff, marks a message failed after OUTBOX_MAX_ATTEMPTS, and two workers at once send
each message exactly once."""

import os
import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from tenderapp import outbox_worker
from tenderapp.domain.outbox import retry_delay
from tenderapp.models import OutboxMessage
from tenderapp.services import outbox


class Recorder:
    """An SMTP handler that keeps what it receives, or refuses every message while ``refusing``."""

    def __init__(self):
        self.received: list[tuple[list[str], str]] = []
        self.refusing = False
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "554 Transaction failed: not today"
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), envelope.content.decode()))
        return "250 OK"

    def subjects(self):
        return sorted(line.removeprefix("Subject: ") for _, content in self.received
                      for line in content.splitlines() if line.startswith("Subject: "))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "OUTBOX_CONSOLE")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False, OUTBOX_CONSOLE=False)
    yield recorder
    app.config.update(saved)
    controller.stop()




def invite(sign_in_as, world, name="New Person"):
    return sign_in_as("admin@lead.example").submit(
        f"/admin/organisations/{world.partner.id}/invite",
        {"full_name": name, "email": "new.person@partner.example", "roles": ["signatory"]})


def one_pass(app):
    return outbox_worker.deliver_pass(app.extensions["tenderapp.engine"], app.config, app.config["CLOCK"])


def test_a_request_only_queues_and_one_worker_pass_sends(world, smtp, app, sign_in_as, db, clock):
    assert invite(sign_in_as, world).status_code == 302
    assert smtp.received == []  # nothing was sent inside the request
    message = db.exec(select(OutboxMessage)).one()
    assert message.sent_at is None and message.attempts == 0
    assert one_pass(app) == outbox_worker.PassResult(sent=1, retrying=0, failed=0)
    [(recipients, content)] = smtp.received
    assert recipients == ["new.person@partner.example"] and "You have been invited" in content
    message = db.exec(select(OutboxMessage)).one()
    assert message.sent_at == clock.moment and message.claimed_by is None and message.delivery_error is None
    assert one_pass(app).sent == 0  # never twice


def test_a_refused_message_is_retried_with_backoff(world, smtp, app, db, clock):
    outbox.queue(db, "x@partner.example", "Hello", "body", clock.moment, world.partner.id)
    db.commit()
    smtp.refusing = True
    assert one_pass(app) == outbox_worker.PassResult(sent=0, retrying=1, failed=0)
    message = db.exec(select(OutboxMessage)).one()
    assert message.attempts == 1 and "not today" in message.delivery_error
    assert message.next_attempt_at == clock.moment + timedelta(minutes=1) and message.failed_at is None
    smtp.refusing = False
    assert one_pass(app).sent == 0  # not due yet
    clock.set(clock.moment + timedelta(minutes=1))
    assert one_pass(app).sent == 1
    assert smtp.subjects() == ["Hello"]
    message = db.exec(select(OutboxMessage)).one()
    assert message.sent_at == clock.moment and message.delivery_error is None


def test_a_message_is_failed_after_the_limit(world, smtp, app, db, clock):
    app.config["OUTBOX_MAX_ATTEMPTS"] = 3
    try:
        outbox.queue(db, "x@partner.example", "Hello", "body", clock.moment, world.partner.id)
        db.commit()
        smtp.refusing = True
        results = []
        for _ in range(4):
            results.append(one_pass(app))
            clock.set(clock.moment + timedelta(hours=1))
    finally:
        app.config["OUTBOX_MAX_ATTEMPTS"] = 8
    assert [(r.retrying, r.failed) for r in results] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    message = db.exec(select(OutboxMessage)).one()
    assert message.attempts == 3 and message.failed_at is not None and message.sent_at is None


def test_an_expired_lease_is_claimed_again_and_the_old_holder_cannot_record(world, smtp, app, db, clock):
    engine = app.extensions["tenderapp.engine"]
    outbox.queue(db, "x@partner.example", "Hello", "body", clock.moment, world.partner.id)
    db.commit()
    [held] = outbox_worker.claim(engine, "dead-worker", clock.moment)
    assert outbox_worker.claim(engine, "other", clock.moment) == []  # the lease holds
    clock.set(clock.moment + outbox_worker.LEASE)
    assert one_pass(app).sent == 1
    outbox_worker._record(engine, "dead-worker", held, "late failure", clock.moment, 8)
    message = db.exec(select(OutboxMessage)).one()
    assert message.sent_at is not None and message.delivery_error is None


def test_backoff_doubles_up_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3, 7, 8, 30)] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4), timedelta(hours=1),
        timedelta(hours=1), timedelta(hours=1)]


def _race(app, workers=4):
    engine = app.extensions["tenderapp.engine"]
    start = threading.Barrier(workers)
    results, errors = [], []

    def work():
        try:
            start.wait()
            results.append(outbox_worker.deliver_pass(engine, app.config, app.config["CLOCK"]))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results


def _queue_many(db, world, clock, count=30):
    for n in range(count):
        outbox.queue(db, f"p{n}@partner.example", f"Message {n:02d}", "body", clock.moment, world.partner.id)
    db.commit()


def test_two_workers_at_once_send_each_message_exactly_once(world, smtp, app, db, clock):
    _queue_many(db, world, clock)
    results = _race(app)
    assert sum(r.sent for r in results) == 30
    assert smtp.subjects() == [f"Message {n:02d}" for n in range(30)]
    assert all(m.sent_at is not None for m in db.exec(select(OutboxMessage)))


@pytest.mark.postgres
@pytest.mark.skipif(os.environ.get("TEST_BACKEND") != "postgresql", reason="needs TEST_BACKEND=postgresql")
def test_workers_on_postgresql_skip_locked_rows_and_send_each_once(world, smtp, app, db, clock):
    assert app.extensions["tenderapp.engine"].dialect.name == "postgresql"
    _queue_many(db, world, clock, 60)
    results = _race(app, workers=6)
    assert sum(r.sent for r in results) == 60
    assert smtp.subjects() == [f"Message {n:02d}" for n in range(60)]


def test_the_command_sends_once_and_reports_retries(world, smtp, app, db, clock):
    outbox.queue(db, "x@partner.example", "Hello", "body", clock.moment, world.partner.id)
    db.commit()
    runner = app.test_cli_runner()
    smtp.refusing = True
    failed = runner.invoke(args=["deliver-outbox"])
    assert failed.exit_code == 1 and "1 will be retried" in failed.output
    smtp.refusing = False
    clock.set(clock.moment + timedelta(minutes=1))
    result = runner.invoke(args=["deliver-outbox"])
    assert result.exit_code == 0 and "Sent 1 messages" in result.output, result.output
    assert smtp.subjects() == ["Hello"]


def test_the_command_refuses_without_a_way_to_deliver(app):
    assert app.config["MAIL_SERVER"] is None and not app.config["OUTBOX_CONSOLE"]
    result = app.test_cli_runner().invoke(args=["deliver-outbox"])
    assert result.exit_code != 0 and "set MAIL_SERVER" in result.output


def test_watch_keeps_delivering_until_stopped(world, smtp, app, db, clock):
    stop = threading.Event()
    worker = threading.Thread(target=outbox_worker.watch, args=(
        app.extensions["tenderapp.engine"], app.config, app.config["CLOCK"], 0.05, stop))
    worker.start()
    try:
        outbox.queue(db, "x@partner.example", "While watching", "body", clock.moment, world.partner.id)
        db.commit()
        for _ in range(200):
            if smtp.received:
                break
            threading.Event().wait(0.05)
    finally:
        stop.set()
        worker.join(5)
    assert not worker.is_alive() and smtp.subjects() == ["While watching"]


def test_a_rolled_back_message_is_never_delivered(world, smtp, app, db, clock):
    outbox.queue(db, "someone@partner.example", "Never sent", "body", clock.moment, world.partner.id)
    db.flush()
    db.rollback()
    outbox.queue(db, "other@partner.example", "Sent", "body", clock.moment, world.partner.id)
    db.commit()
    assert one_pass(app).sent == 1
    assert smtp.subjects() == ["Sent"]


def test_a_message_subject_stays_on_one_line(world, db, clock):
    message = outbox.queue(db, "x@partner.example", "Hello\r\nBcc: victim@example.com", "body", clock.moment, None)
    assert message.subject == "Hello Bcc: victim@example.com"


def test_names_with_line_breaks_are_refused_beside_the_field(world, sign_in_as):
    response = invite(sign_in_as, world, name="Eve\r\nBcc: victim@example.com")
    assert response.status_code == 400
    assert "Full name must be on one line, without special characters" in response.get_data(as_text=True)
