"""Organisations (tenants) and the collaborations they form."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderapp.domain.roles import OrganisationKind
from tenderapp.models.base import UTCDateTime, in_check


class Organisation(SQLModel, table=True):
    """A tenant: a local authority, health body, internal service or supplier."""

    __table_args__ = (
        CheckConstraint(in_check("kind", [k.value for k in OrganisationKind]), name="kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(max_length=30)
    # The authority whose procurement admins also manage this organisation's people: the one
    # that brought it onto Tenderapp. Being added to someone's collaboration grants nothing.
    managed_by_organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    address: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))

    @property
    def kind_enum(self) -> OrganisationKind:
        return OrganisationKind(self.kind)


class OrganisationIdentifier(SQLModel, table=True):
    """A registered identifier of an organisation (org-id.guide scheme and id), such as its
    Companies House number or local-authority code: at most one per scheme, and no two
    organisations with the same one."""

    __tablename__ = "organisation_identifier"
    __table_args__ = (UniqueConstraint("organisation_id", "scheme"), UniqueConstraint("scheme", "identifier"))

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    scheme: str = Field(max_length=20)
    identifier: str = Field(max_length=40)
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Collaboration(SQLModel, table=True):
    """A group of authorities commissioning together, led by one of them."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    lead_organisation_id: int = Field(foreign_key="organisation.id", index=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CollaborationMember(SQLModel, table=True):
    """An organisation's membership of a collaboration (the lead is a member too)."""

    __tablename__ = "collaboration_member"
    __table_args__ = (UniqueConstraint("collaboration_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    joined_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Representation(SQLModel, table=True):
    """One organisation acts on behalf of another within a collaboration
    (for example a commissioning support unit for seven health bodies)."""

    __table_args__ = (
        UniqueConstraint("collaboration_id", "represented_organisation_id"),
        CheckConstraint(
            "representative_organisation_id <> represented_organisation_id", name="not_self"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    representative_organisation_id: int = Field(foreign_key="organisation.id", index=True)
    represented_organisation_id: int = Field(foreign_key="organisation.id", index=True)
    authority_reference: str = Field(max_length=500)
    document_sha256: str | None = Field(default=None, max_length=64)
    document_name: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
