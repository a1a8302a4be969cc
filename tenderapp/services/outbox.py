"""Queueing outgoing messages, and trying failed ones again. Every message lands in the outbox
table inside the caller's transaction; the outbox worker (``tenderapp.outbox_worker``, run as
``flask --app tenderapp deliver-outbox``) delivers it later, never the request."""

from datetime import datetime

from sqlmodel import Session

from tenderapp.access import Actor
from tenderapp.models import OutboxMessage
from tenderapp.services import audit


def queue(
    session: Session,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
    organisation_id: int | None,
) -> OutboxMessage:
    message = OutboxMessage(
        organisation_id=organisation_id,
        recipient=recipient,
        subject=" ".join(subject.split())[:300],  # one line: no header injection
        body=body,
        created_at=now,
    )
    session.add(message)
    return message


def retry(session: Session, actor: Actor, message: OutboxMessage, now: datetime) -> OutboxMessage:
    """An admin asks for a failed message (loaded through ``access.get_failed_message``) to be
    delivered again: the worker sends it on its next pass, with a fresh count of attempts."""
    message.failed_at = None
    message.attempts = 0
    message.next_attempt_at = None
    session.add(message)
    audit.record(session, actor, "outbox.retry", "outbox_message", message.id, now,
                 organisation_id=message.organisation_id)
    session.commit()
    return message
