"""The append-only audit log: one keyed hash chain per organisation (tenderapp.domain.audit_chain)."""

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderapp.models.base import UTCDateTime


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    # The chain: the organisation the event belongs to, 0 for events of no organisation, -1
    # for entries written before chains were keyed (hashed with plain SHA-256).
    chain: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    seq: int
    scheme: str = Field(default="hmac-sha256", max_length=20, sa_column_kwargs={"server_default": "hmac-sha256"})
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor_user_id: int | None = Field(default=None, index=True)
    organisation_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=80)
    object_type: str = Field(max_length=60)
    object_id: str = Field(max_length=60)
    details: str = Field(sa_column=Column(Text, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class AuditHead(SQLModel, table=True):
    """One row per chain holding its latest position and hash; writers lock their chain's row
    so that a chain never forks, while other organisations' writers go on in parallel. When
    the chain was last anchored outside the database (a checkpoint) decides when the next is
    due; the anchor itself is never trusted from here."""

    __tablename__ = "audit_head"

    id: int | None = Field(default=None, primary_key=True, sa_column_kwargs={"autoincrement": False})
    seq: int = Field(default=0)
    hash: str = Field(max_length=64)
    checkpointed_seq: int | None = None
    checkpointed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
