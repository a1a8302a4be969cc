"""Bids: one per supplier and tender, with an encrypted draft and every submitted version
(encrypted). Nothing here holds a price or an answer in plain text."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderapp.models.base import UTCDateTime


class Bid(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("tender_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    draft: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # encrypted JSON
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_by_user_id: int = Field(foreign_key="user_account.id")


class BidSubmission(SQLModel, table=True):
    """One submitted version. The latest that is not withdrawn is the bid that counts."""

    __tablename__ = "bid_submission"
    __table_args__ = (UniqueConstraint("bid_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(foreign_key="bid.id", index=True)
    number: int
    receipt: str = Field(max_length=40, unique=True)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # encrypted canonical JSON
    content_sha256: str = Field(max_length=64)
    schedule_version: int
    submitted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    submitted_by_user_id: int = Field(foreign_key="user_account.id")
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    withdrawn_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")


class LateAttempt(SQLModel, table=True):
    """Something a bidder sent at or after the deadline, refused and kept for the opening record."""

    __tablename__ = "late_attempt"

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    user_id: int = Field(foreign_key="user_account.id")
    action: str = Field(max_length=20)
    attempted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class TenderOpening(SQLModel, table=True):
    """The dual-key opening: two different procurement admins, after the deadline."""

    __tablename__ = "tender_opening"
    __table_args__ = (
        CheckConstraint("second_key_user_id IS NULL OR second_key_user_id <> first_key_user_id",
                        name="two_people"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", unique=True)
    first_key_user_id: int = Field(foreign_key="user_account.id")
    first_key_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    second_key_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    second_key_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class BidAttachment(SQLModel, table=True):
    """A file supporting a quality answer, sealed like the rest of the bid. Never changed:
    removing one only marks it, so a submitted version's files stay readable."""

    __tablename__ = "bid_attachment"

    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(foreign_key="bid.id", index=True)
    criterion_id: int = Field(foreign_key="quality_criterion.id")
    sealed_name: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # file names can tell prices
    size: int
    sha256: str = Field(max_length=64)  # of the file itself; the submitted content lists it
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    uploaded_by_user_id: int = Field(foreign_key="user_account.id")
    removed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
