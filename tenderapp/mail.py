"""Delivering outbox messages after the transaction that queued them commits.

Messages are tracked per database session: ids flushed in a transaction become
deliverable when it commits and are dropped if it rolls back. Delivery prints to the
console (development) and/or sends over SMTP (when MAIL_SERVER is set), and records
``sent_at`` or the error on the message. A failed delivery never fails the request.
"""

import smtplib
import sys
from email.message import EmailMessage

from flask import Flask, g
from sqlalchemy import event
from sqlmodel import Session

from tenderapp import clock
from tenderapp.models import OutboxMessage

_PENDING = "outbox_pending_ids"
_COMMITTED = "outbox_committed_ids"


@event.listens_for(Session, "after_flush")
def _track_new_messages(session, _flush_context):
    for obj in session.new:
        if isinstance(obj, OutboxMessage):
            session.info.setdefault(_PENDING, []).append(obj)


@event.listens_for(Session, "after_commit")
def _promote(session):
    pending = session.info.pop(_PENDING, [])
    if pending:
        session.info.setdefault(_COMMITTED, []).extend(m.id for m in pending)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, _previous_transaction):
    session.info.pop(_PENDING, None)


def _send_smtp(config, message: OutboxMessage) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def deliver(session: Session, config, now) -> int:
    """Delivers the messages committed through ``session`` so far; returns how many."""
    ids = session.info.pop(_COMMITTED, [])
    if not ids or not (config["OUTBOX_CONSOLE"] or config["MAIL_SERVER"]):
        return 0
    delivered = 0
    for message_id in ids:
        message = session.get(OutboxMessage, message_id)
        if message is None or message.sent_at is not None:
            continue
        if config["OUTBOX_CONSOLE"]:
            print(f"--- outbox message {message.id} to {message.recipient}: {message.subject}\n"
                  f"{message.body}---", file=sys.stderr, flush=True)
        try:
            if config["MAIL_SERVER"]:
                _send_smtp(config, message)
            message.sent_at = now
        except (OSError, smtplib.SMTPException) as error:
            message.delivery_error = str(error)[:500]
        session.add(message)
        delivered += 1
    session.commit()
    return delivered


def init_app(app: Flask) -> None:
    @app.after_request
    def deliver_committed(response):
        session = g.get("db_session")
        if session is not None and session.info.get(_COMMITTED):
            deliver(session, app.config, clock.now())
        return response
