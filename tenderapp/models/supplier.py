"""Supplier self-registration (pending until the email address is confirmed) and
clarification questions."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Text
from sqlmodel import Field, SQLModel

from tenderapp.models.base import UTCDateTime


class SupplierRegistration(SQLModel, table=True):
    """A supplier's request to join; becomes an organisation and its first bidder when the
    contact confirms their address through the emailed link."""

    __tablename__ = "supplier_registration"

    id: int | None = Field(default=None, primary_key=True)
    organisation_name: str = Field(max_length=200)
    company_number: str | None = Field(default=None, max_length=8)
    address: str = Field(sa_column=Column(Text, nullable=False))
    contact_name: str = Field(max_length=200)
    email: str = Field(max_length=320, index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    confirmed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")


class Clarification(SQLModel, table=True):
    """A supplier's question and the buyer's answer: published to every interested supplier
    without saying who asked (the default), or sent privately with a recorded reason."""

    __table_args__ = (
        CheckConstraint("visibility IS NULL OR visibility IN ('published', 'private')", name="visibility"),
        CheckConstraint("visibility <> 'private' OR private_reason IS NOT NULL", name="private_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    asked_by_user_id: int = Field(foreign_key="user_account.id")
    question: str = Field(sa_column=Column(Text, nullable=False))
    asked_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    visibility: str | None = Field(default=None, max_length=10)
    private_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answered_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    answered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
