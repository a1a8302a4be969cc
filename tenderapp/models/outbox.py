"""Outgoing messages. Every message is kept here; the outbox worker delivers them (console,
SMTP) and records each attempt: the table is the queue."""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from tenderapp.models.base import UTCDateTime


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    recipient: str = Field(max_length=320)
    subject: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    delivery_error: str | None = Field(default=None, max_length=500)
    # delivery bookkeeping: failed attempts so far, when to try next, who holds the lease
    # (until when) while sending, and when the worker gave up
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    failed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
