"""Delivering outbox messages after the transaction that queued them commits.

Messages are tracked per database session: ids flushed in a transaction become deliverable
when it commits and are dropped if it rolls back. Delivery prints to the console
(development) and/or sends over SMTP (when MAIL_SERVER is set), outside any database
transaction, then records ``sent_at`` or the error on each message. A failed delivery never
fails the request; ``flask --app tenderapp deliver-outbox`` retries what is unsent.
"""

import smtplib
import sys
from email.message import EmailMessage

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlmodel import Session, select

from tenderapp import clock
from tenderapp.models import OutboxMessage

_PENDING = "outbox_pending_ids"
_COMMITTED = "outbox_committed_ids"


@event.listens_for(Session, "after_flush")
def _track_new_messages(session, _flush_context):
    ids = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if ids:
        session.info.setdefault(_PENDING, []).extend(ids)


@event.listens_for(Session, "after_commit")
def _promote(session):
    pending = session.info.pop(_PENDING, [])
    if pending:
        session.info.setdefault(_COMMITTED, []).extend(pending)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    # a real rollback of the whole transaction (not of a savepoint)
    session.info.pop(_PENDING, None)


def _send_smtp(config, recipient: str, subject: str, body: str) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = recipient
    email["Subject"] = subject
    email.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def _deliver_one(config, recipient: str, subject: str, body: str) -> str | None:
    """Returns None when delivered, or the error."""
    try:
        if config["OUTBOX_CONSOLE"]:
            print(f"--- outbox message to {recipient}: {subject}\n{body}---", file=sys.stderr, flush=True)
        if config["MAIL_SERVER"]:
            _send_smtp(config, recipient, subject, body)
    except Exception as error:  # noqa: BLE001 - any failure is recorded on the message, never raised
        current_app.logger.warning("outbox delivery to %s failed: %s", recipient, error)
        return f"{type(error).__name__}: {error}"[:500]
    return None


def deliver(session: Session, config, now, ids: list[int] | None = None) -> int:
    """Delivers the given messages (by default those committed through ``session`` so far),
    skipping any already sent; returns how many were attempted."""
    ids = session.info.pop(_COMMITTED, []) if ids is None else ids
    if not ids or not (config["OUTBOX_CONSOLE"] or config["MAIL_SERVER"]):
        return 0
    messages = [(m.id, m.recipient, m.subject, m.body) for m in session.exec(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.sent_at.is_(None)))]
    session.commit()  # hold no lock while talking to the mail server
    outcomes = {message_id: _deliver_one(config, *rest) for message_id, *rest in messages}
    for message in session.exec(select(OutboxMessage).where(OutboxMessage.id.in_(list(outcomes)))):
        error = outcomes[message.id]
        message.sent_at = now if error is None else None
        message.delivery_error = error
        session.add(message)
    session.commit()
    return len(outcomes)


def unsent_ids(session: Session) -> list[int]:
    return list(session.exec(select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None))
                             .order_by(OutboxMessage.id)).all())


def init_app(app: Flask) -> None:
    @app.after_request
    def deliver_committed(response):
        session = g.get("db_session")
        if session is not None and session.info.get(_COMMITTED):
            deliver(session, app.config, clock.now())
        return response
