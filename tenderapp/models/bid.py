"""Bids: one per supplier and tender, with an encrypted draft and every submitted version
(encrypted). Nothing here holds a price or an answer in plain text."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, LargeBinary, Text, UniqueConstraint
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
    # Where the audit log stood when this was received (chain, position, entry hash): the
    # receipt carries them, so the log cannot later be cut back past this bid unnoticed.
    audit_chain: int | None = None
    audit_seq: int | None = None
    audit_hash: str | None = Field(default=None, max_length=64)


class LateAttempt(SQLModel, table=True):
    """Something a bidder sent at or after the deadline, refused and kept for the opening record."""

    __tablename__ = "late_attempt"

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    user_id: int = Field(foreign_key="user_account.id")
    action: str = Field(max_length=20)
    attempted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class TenderOpener(SQLModel, table=True):
    """A procurement admin of the lead named, before the submission deadline, as one who may
    turn a key of the bid box. Never deleted: a removal or replacement only marks the row, so
    the opening record shows every change."""

    __tablename__ = "tender_opener"

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    user_id: int = Field(foreign_key="user_account.id")
    named_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    named_by_user_id: int = Field(foreign_key="user_account.id")
    # A replacement after the deadline: who confirmed it (a second person) and why.
    confirmed_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    removed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    removed_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")


class OpenerReplacement(SQLModel, table=True):
    """A proposal, after the deadline, to replace a named opener who has left. It takes effect
    only when a second person confirms it (see tenderapp.domain.openers)."""

    __tablename__ = "opener_replacement"
    __table_args__ = (
        CheckConstraint("nominee_user_id <> leaving_user_id", name="different_people"),
        CheckConstraint("confirmed_by_user_id IS NULL OR confirmed_by_user_id <> proposed_by_user_id",
                        name="two_people"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    leaving_user_id: int = Field(foreign_key="user_account.id")
    nominee_user_id: int = Field(foreign_key="user_account.id")
    reason: str = Field(sa_column=Column(Text, nullable=False))
    proposed_by_user_id: int = Field(foreign_key="user_account.id")
    proposed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    confirmed_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    confirmed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class OpeningKey(SQLModel, table=True):
    """A key of the bid box turned by a named opener after the deadline. The box opens when
    the tender's quorum of different named openers has turned one."""

    __tablename__ = "opening_key"
    __table_args__ = (UniqueConstraint("tender_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    user_id: int = Field(foreign_key="user_account.id")
    turned_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


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
