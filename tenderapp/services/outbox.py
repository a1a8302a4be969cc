"""Queueing outgoing messages. Every message lands in the outbox
table inside the caller's transaction; the outbox worker (``tenderapp.outbox_worker``, run as
``flask --app tenderapp deliver-outbox``) delivers it later, never the request."""

from datetime import datetime

from sqlmodel import Session

from tenderapp.models import OutboxMessage


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
