"""Trying again a message the outbox worker gave up on."""

from datetime import datetime

from sqlmodel import Session

from tenderapp.access import Actor
from tenderapp.models import OutboxMessage
from tenderapp.services import audit


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
