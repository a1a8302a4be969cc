"""Decisions (award, extension, other), the contract register and extensions."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderapp.domain.decisions import DecisionKind, DocumentKind
from tenderapp.models.base import Pence, UploadedDocumentColumns, UTCDateTime, in_check

DECISION_KINDS = tuple(k.value for k in DecisionKind)


class Decision(SQLModel, table=True):
    """A formal decision with its maker, forum and dates; its status follows from them
    (proposed → endorsed → taken → published)."""

    __table_args__ = (CheckConstraint(in_check("kind", DECISION_KINDS), name="kind"),)

    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    tender_id: int | None = Field(default=None, foreign_key="tender.id")
    number: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=300)
    kind: str = Field(max_length=20)
    key_decision: bool = Field(default=False)
    decision_maker: str = Field(max_length=300)
    forum: str | None = Field(default=None, max_length=300)
    delegation_reference: str | None = Field(default=None, max_length=300)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    endorsed_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    taken_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    created_by_user_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Contract(SQLModel, table=True):
    """The contract awarded from a tender: its term, options, standstill and signature."""

    __table_args__ = (UniqueConstraint("tender_id"), CheckConstraint("value_pence >= 0", name="value"))

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id")
    submission_id: int = Field(foreign_key="bid_submission.id")
    supplier_organisation_id: int = Field(foreign_key="organisation.id")
    award_decision_id: int = Field(foreign_key="decision.id")
    value_pence: int = Field(sa_column=Column(Pence, nullable=False))
    start_date: date = Field(sa_column=Column(Date, nullable=False))
    initial_end_date: date = Field(sa_column=Column(Date, nullable=False))
    end_date: date = Field(sa_column=Column(Date, nullable=False))
    extensions_allowed: int
    extension_max_months: int
    regime: str = Field(max_length=10)
    standstill_start: date = Field(sa_column=Column(Date, nullable=False))
    standstill_last_day: date = Field(sa_column=Column(Date, nullable=False))
    earliest_signing_date: date = Field(sa_column=Column(Date, nullable=False))
    entered_into_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ContractExtension(SQLModel, table=True):
    __tablename__ = "contract_extension"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    decision_id: int = Field(foreign_key="decision.id")
    months: int
    previous_end_date: date = Field(sa_column=Column(Date, nullable=False))
    new_end_date: date = Field(sa_column=Column(Date, nullable=False))
    decided_by: str = Field(max_length=300)
    consulted: str | None = Field(default=None, max_length=300)
    decided_on: date = Field(sa_column=Column(Date, nullable=False))
    light_touch_exempt: bool = Field(default=False)  # no contract change notice needed
    # Procurement Act 2023 s.75: a contract change notice (UK10) before the change takes effect,
    # unless the contract is light touch; the 2015 regulations need none for an extension option.
    change_notice_required: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    change_notice_published_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    recorded_by_user_id: int = Field(foreign_key="user_account.id")
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ContractPrice(SQLModel, table=True):
    """The winning bid's unit prices: the contract's rates, fixed at award."""

    __tablename__ = "contract_price"
    __table_args__ = (UniqueConstraint("contract_id", "code"), CheckConstraint("unit_price_pence >= 0", name="price"))

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    code: str = Field(max_length=20)
    unit_price_pence: int = Field(sa_column=Column(Pence, nullable=False))


class CostShareBasis(SQLModel, table=True):
    """How each authority's cost is worked out from the contract's rates."""

    __tablename__ = "cost_share_basis"
    __table_args__ = (UniqueConstraint("contract_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    core_codes: str = Field(max_length=300)  # the per-year core subscription lines, comma separated, in year order
    payg_code: str = Field(max_length=20)
    included_meetings: int = Field(default=0)
    procurement_cost_pence: int = Field(default=0, sa_column=Column(Pence, nullable=False, default=0))
    weighted: bool = Field(default=False)  # split the procurement cost by weights, not equally


class AuthorityBaseline(SQLModel, table=True):
    """An authority's previous contract cost, expected volume and weight for the split."""

    __tablename__ = "authority_baseline"
    __table_args__ = (UniqueConstraint("contract_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id")
    previous_annual_cost_pence: int | None = Field(default=None, sa_column=Column(Pence, nullable=True))
    meetings_per_year: int = Field(default=0)
    weight: int = Field(default=1)


class AssessmentSummary(SQLModel, table=True):
    """What each bidder is told of its assessment: drafted from the moderated scores and
    rationales, edited by the lead, then issued (after which it is fixed)."""

    __tablename__ = "assessment_summary"
    __table_args__ = (UniqueConstraint("contract_id", "submission_id"),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    submission_id: int = Field(foreign_key="bid_submission.id")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    drafted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_by_user_id: int = Field(foreign_key="user_account.id")
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    issued_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    issued_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")


DECISION_DOCUMENT_KINDS = tuple(k.value for k in DocumentKind)


class DecisionDocument(UploadedDocumentColumns, table=True):
    """A paper behind a decision (the report, the equality impact assessment, legal advice),
    kept by content hash; readable by the members once the decision is published."""

    __tablename__ = "decision_document"
    __table_args__ = (CheckConstraint(in_check("kind", DECISION_DOCUMENT_KINDS), name="kind"),)

    decision_id: int = Field(foreign_key="decision.id", index=True)
    kind: str = Field(max_length=20)
