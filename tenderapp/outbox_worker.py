"""The outbox worker: claims due messages with a lease, sends them outside any transaction,
then records the outcome, but only while it still holds the claim.

Claiming is one short transaction. On PostgreSQL the candidates are locked with
``FOR UPDATE SKIP LOCKED`` so that concurrent workers take different rows; on SQLite the
transaction begins with BEGIN IMMEDIATE (one writer at a time) and the conditional UPDATE
re-checks that no one else holds a live lease. A worker that dies mid-send leaves a lease
that expires, and the message is tried again. Failures are retried with exponential backoff
(``domain.outbox.retry_delay``) and marked failed after OUTBOX_MAX_ATTEMPTS.
"""

import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from tenderapp import mail
from tenderapp.db import write_intent
from tenderapp.domain.outbox import has_given_up, retry_delay
from tenderapp.models import OutboxMessage

LEASE = timedelta(minutes=5)  # well beyond BATCH messages at the 10 s SMTP timeout each
BATCH = 20


@dataclass(frozen=True)
class PassResult:
    sent: int
    retrying: int
    failed: int


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"


def _due(now: datetime):
    return (
        col(OutboxMessage.sent_at).is_(None),
        col(OutboxMessage.failed_at).is_(None),
        or_(col(OutboxMessage.next_attempt_at).is_(None), col(OutboxMessage.next_attempt_at) <= now),
        or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) <= now),
    )


def claim(engine: Engine, me: str, now: datetime, limit: int = BATCH) -> list[OutboxMessage]:
    """Leases up to ``limit`` due messages to worker ``me`` and returns them (detached)."""
    with write_intent(), Session(engine, expire_on_commit=False) as session:
        candidates = (select(OutboxMessage.id).where(*_due(now)).order_by(col(OutboxMessage.id)).limit(limit)
                      .with_for_update(skip_locked=True))
        ids = list(session.exec(candidates).all())
        if not ids:
            return []
        session.execute(
            update(OutboxMessage).where(col(OutboxMessage.id).in_(ids), *_due(now))
            .values(claimed_by=me, claimed_until=now + LEASE))
        session.commit()
        mine = select(OutboxMessage).where(col(OutboxMessage.id).in_(ids), OutboxMessage.claimed_by == me)
        messages = list(session.exec(mine.order_by(col(OutboxMessage.id))).all())
        session.commit()
        return messages


def _record(engine: Engine, me: str, message: OutboxMessage, error: str | None, now: datetime,
            max_attempts: int) -> None:
    attempts = message.attempts if error is None else message.attempts + 1
    values: dict[str, Any] = {"claimed_by": None, "claimed_until": None, "attempts": attempts,
                              "delivery_error": error}
    if error is None:
        values.update(sent_at=now, next_attempt_at=None)
    elif has_given_up(attempts, max_attempts):
        values.update(failed_at=now, next_attempt_at=None)
    else:
        values.update(next_attempt_at=now + retry_delay(attempts))
    with write_intent(), Session(engine) as session:
        session.execute(update(OutboxMessage)
                        .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == me)
                        .values(**values))
        session.commit()


def deliver_pass(engine: Engine, config: Mapping[str, Any], clock: Callable[[], datetime],
                 me: str | None = None, log: Any = None) -> PassResult:
    """Claims and sends batches until nothing is due; returns what happened."""
    me = me or worker_id()
    sent = retrying = failed = 0
    max_attempts = int(config["OUTBOX_MAX_ATTEMPTS"])
    while batch := claim(engine, me, clock()):
        for message in batch:
            try:
                mail.send(config, message.recipient, message.subject, message.body)
                error = None
            except Exception as exc:  # noqa: BLE001 - any failure is recorded on the message
                error = f"{type(exc).__name__}: {exc}"[:500]
                if log is not None:
                    log.warning("outbox delivery of message %s failed: %s", message.id, error)
            _record(engine, me, message, error, clock(), max_attempts)
            if error is None:
                sent += 1
            elif has_given_up(message.attempts + 1, max_attempts):
                failed += 1
            else:
                retrying += 1
    return PassResult(sent, retrying, failed)


def watch(engine: Engine, config: Mapping[str, Any], clock: Callable[[], datetime], interval: float,
          stop: threading.Event, log: Any = None) -> None:
    """Runs passes every ``interval`` seconds until ``stop`` is set."""
    me = worker_id()
    while not stop.is_set():
        try:
            deliver_pass(engine, config, clock, me, log)
        except Exception:  # a database hiccup must not end the worker; the next pass retries
            if log is None:
                raise
            log.exception("outbox pass failed")
        stop.wait(interval)
