"""Admins see the messages the outbox worker gave up on, for the organisations they manage
only, and can ask for each to be tried again."""

from datetime import timedelta

from sqlmodel import select

from tenderapp import outbox_worker
from tenderapp.models import AuditEvent, OutboxMessage
from tenderapp.services import outbox
from tests.conftest import csrf_from

PAGE = "/admin/outbox/failed"


def failed(db, clock, organisation_id, recipient, subject):
    message = outbox.queue(db, recipient, subject, "body", clock.moment, organisation_id)
    message.attempts, message.failed_at = 8, clock.moment
    message.delivery_error = "SMTPRecipientsRefused: 550 mailbox unavailable"
    db.commit()
    return message


def test_the_page_lists_failed_messages_of_managed_organisations_only(world, sign_in_as, db, clock):
    failed(db, clock, world.partner.id, "gone@partner.example", "Yours")
    failed(db, clock, world.other_lead.id, "gone@other.example", "Theirs")
    outbox.queue(db, "fine@partner.example", "Still queued", "body", clock.moment, world.partner.id)
    db.commit()
    admin = sign_in_as("admin@lead.example")
    listing = admin.get("/admin/collaborations").get_data(as_text=True)
    assert f'href="{PAGE}"' in listing and "(1 could not be delivered)" in listing
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Yours" in page and "gone@partner.example" in page and "550 mailbox unavailable" in page
    assert "Theirs" not in page and "Still queued" not in page and "Try again" in page
    dashboard = admin.get("/dashboard").get_data(as_text=True)
    assert "1 message could not be delivered." in dashboard and f'href="{PAGE}"' in dashboard
    assert "could not be delivered" not in sign_in_as("viewer@lead.example").get("/dashboard").get_data(as_text=True)


def test_the_page_is_there_without_the_development_outbox(world, sign_in_as, app):
    app.config["OUTBOX_PAGE"] = False
    try:
        admin = sign_in_as("admin@lead.example")
        assert admin.get("/admin/outbox").status_code == 404
        page = admin.get(PAGE)
        assert f'href="{PAGE}"' in admin.get("/admin/collaborations").get_data(as_text=True)
    finally:
        app.config["OUTBOX_PAGE"] = True
    assert page.status_code == 200 and "No failed messages." in page.get_data(as_text=True)


def test_try_again_resets_the_message_and_the_worker_sends_it(world, sign_in_as, db, clock, app):
    message = failed(db, clock, world.partner.id, "back@partner.example", "Yours")
    admin = sign_in_as("admin@lead.example")
    token = csrf_from(admin.get(PAGE).get_data(as_text=True))
    response = admin.client.post(f"/admin/outbox/{message.id}/retry", data={"csrf_token": token},
                                 follow_redirects=True)
    assert response.status_code == 200
    assert "The message to back@partner.example will be sent again shortly." in response.get_data(as_text=True)
    again = db.exec(select(OutboxMessage)).one()
    assert again.failed_at is None and again.attempts == 0 and again.next_attempt_at is None
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "outbox.retry")).one().object_id == str(message.id)
    app.config["OUTBOX_CONSOLE"] = True
    try:
        clock.set(clock.moment + timedelta(seconds=1))
        result = outbox_worker.deliver_pass(app.extensions["tenderapp.engine"], app.config, app.config["CLOCK"])
    finally:
        app.config["OUTBOX_CONSOLE"] = False
    assert result.sent == 1
    assert db.exec(select(OutboxMessage)).one().sent_at == clock.moment


def test_another_tenants_failed_message_answers_404(world, sign_in_as, db, clock):
    theirs = failed(db, clock, world.other_lead.id, "gone@other.example", "Theirs")
    admin = sign_in_as("admin@lead.example")
    token = csrf_from(admin.get(PAGE).get_data(as_text=True))
    assert admin.client.post(f"/admin/outbox/{theirs.id}/retry", data={"csrf_token": token}).status_code == 404
    assert db.exec(select(OutboxMessage)).one().failed_at is not None


def test_a_message_not_failed_cannot_be_retried(world, sign_in_as, db, clock):
    queued = outbox.queue(db, "x@partner.example", "Queued", "body", clock.moment, world.partner.id)
    db.commit()
    admin = sign_in_as("admin@lead.example")
    token = csrf_from(admin.get(PAGE).get_data(as_text=True))
    assert admin.client.post(f"/admin/outbox/{queued.id}/retry", data={"csrf_token": token}).status_code == 404


def test_try_again_without_the_form_token_changes_nothing(world, sign_in_as, db, clock):
    message = failed(db, clock, world.partner.id, "x@partner.example", "Yours")
    response = sign_in_as("admin@lead.example").client.post(f"/admin/outbox/{message.id}/retry", data={})
    assert response.status_code == 400
    assert db.exec(select(OutboxMessage)).one().failed_at is not None
