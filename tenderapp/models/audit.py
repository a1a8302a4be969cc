"""The append-only, hash-chained audit log."""

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from tenderapp.models.base import UTCDateTime


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor_user_id: int | None = Field(default=None, index=True)
    organisation_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=80)
    object_type: str = Field(max_length=60)
    object_id: str = Field(max_length=60)
    details: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str = Field(max_length=64, unique=True)
    hash: str = Field(max_length=64, unique=True)


class AuditHead(SQLModel, table=True):
    """One row holding the chain's latest sequence number and hash; writers lock it so the
    chain never forks under concurrent requests."""

    __tablename__ = "audit_head"

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(default=0)
    hash: str = Field(max_length=64)
