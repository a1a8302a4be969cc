"""The collaborative agreement, its versions, members' responses and signatures."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderapp.domain.agreements import Action
from tenderapp.models.base import UTCDateTime, in_check


class Agreement(SQLModel, table=True):
    """A collaborative agreement between a collaboration's members."""

    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    title: str = Field(max_length=200)
    created_by_user_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class AgreementVersion(SQLModel, table=True):
    """One version's text (Markdown) or document (PDF with a summary). A version is a draft
    until issued; once issued it never changes, and its SHA-256 is what members sign."""

    __tablename__ = "agreement_version"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number"),
        CheckConstraint("(body IS NOT NULL) OR (document_sha256 IS NOT NULL)", name="has_content"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    number: int
    body: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    document_sha256: str | None = Field(default=None, max_length=64)
    document_name: str | None = Field(default=None, max_length=200)
    summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    change_summary: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    issued_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    issued_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")


class AgreementResponse(SQLModel, table=True):
    """A member organisation's answer to one version: agreed in principle (with a note),
    signed, or declined (with a reason). Append-only; the status is derived from these."""

    __tablename__ = "agreement_response"
    __table_args__ = (
        CheckConstraint(in_check("action", [a.value for a in Action]), name="action"),
    )

    id: int | None = Field(default=None, primary_key=True)
    agreement_id: int = Field(foreign_key="agreement.id", index=True)
    version_id: int = Field(foreign_key="agreement_version.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    action: str = Field(max_length=30)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    user_id: int = Field(foreign_key="user_account.id")
    acting_organisation_id: int = Field(foreign_key="organisation.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Signature(SQLModel, table=True):
    """A signature binding one organisation to one exact version. The signer may belong to
    another organisation that represents it; one signature per organisation and version."""

    __table_args__ = (UniqueConstraint("version_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="agreement_version.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    signer_user_id: int = Field(foreign_key="user_account.id")
    signer_organisation_id: int = Field(foreign_key="organisation.id")
    representation_id: int | None = Field(default=None, foreign_key="representation.id")
    signer_name: str = Field(max_length=200)
    signer_job_title: str = Field(max_length=200)
    version_number: int
    version_sha256: str = Field(max_length=64)
    signed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reauthenticated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ip_address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=500)
