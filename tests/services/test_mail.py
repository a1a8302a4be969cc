"""Outbox delivery: after the commit, outside the transaction; failures are recorded on the
message and never fail the request; rolled-back messages are never sent."""

import pytest
from sqlmodel import select

from tenderapp import mail
from tenderapp.models import OutboxMessage
from tenderapp.services import outbox


@pytest.fixture
def console(app):
    app.config["OUTBOX_CONSOLE"] = True
    yield
    app.config["OUTBOX_CONSOLE"] = False
    app.config["MAIL_SERVER"] = None


def invite(sign_in_as, world, name="New Person"):
    return sign_in_as("admin@lead.example").submit(
        f"/admin/organisations/{world.partner.id}/invite",
        {"full_name": name, "email": "new.person@partner.example", "roles": ["signatory"]})


def test_a_committed_message_is_delivered_and_marked_sent(world, console, sign_in_as, db, capsys, clock):
    assert invite(sign_in_as, world).status_code == 302
    message = db.exec(select(OutboxMessage)).one()
    assert message.sent_at == clock.moment
    assert message.delivery_error is None
    assert "to new.person@partner.example: You have been invited" in capsys.readouterr().err


def test_an_smtp_failure_is_recorded_and_the_request_still_succeeds(world, console, app, sign_in_as, db):
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", 9  # nothing listens there
    response = invite(sign_in_as, world)
    assert response.status_code == 302
    message = db.exec(select(OutboxMessage)).one()
    assert message.sent_at is None
    assert "Error" in message.delivery_error or "refused" in message.delivery_error


def test_deliver_outbox_command_retries_what_is_unsent(world, console, app, sign_in_as, db):
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", 9
    invite(sign_in_as, world)
    runner = app.test_cli_runner()
    failed = runner.invoke(args=["deliver-outbox"])
    assert failed.exit_code == 1 and "1 still undelivered" in failed.output
    app.config["MAIL_SERVER"] = None  # the console alone now
    result = runner.invoke(args=["deliver-outbox"])
    assert result.exit_code == 0, result.output
    assert db.exec(select(OutboxMessage)).one().sent_at is not None


def test_a_rolled_back_message_is_never_delivered(world, console, app, db, clock):
    outbox.queue(db, "someone@partner.example", "Never sent", "body", clock.moment, world.partner.id)
    db.flush()
    db.rollback()
    outbox.queue(db, "other@partner.example", "Sent", "body", clock.moment, world.partner.id)
    db.commit()
    with app.app_context():
        assert mail.deliver(db, app.config, clock.moment) == 1
    assert [m.subject for m in db.exec(select(OutboxMessage))] == ["Sent"]


def test_a_message_subject_stays_on_one_line(world, db, clock):
    message = outbox.queue(db, "x@partner.example", "Hello\r\nBcc: victim@example.com", "body", clock.moment, None)
    assert message.subject == "Hello Bcc: victim@example.com"


def test_names_with_line_breaks_are_refused_beside_the_field(world, sign_in_as):
    response = invite(sign_in_as, world, name="Eve\r\nBcc: victim@example.com")
    assert response.status_code == 400
    assert "Full name must be on one line, without special characters" in response.get_data(as_text=True)
