"""A tender: what is bought, its timetable, documents, pricing schedule and quality criteria."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderapp.domain.tenders import PriceMethod, Regime
from tenderapp.models.base import Pence, UploadedDocumentColumns, UTCDateTime, in_check


class Tender(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(in_check("regime", [r.value for r in Regime]), name="regime"),
        CheckConstraint(in_check("price_method", [m.value for m in PriceMethod]), name="price_method"),
        CheckConstraint("price_weight BETWEEN 0 AND 100", name="price_weight"),
        CheckConstraint("estimated_value_pence IS NULL OR estimated_value_pence >= 0", name="estimated_value"),
        CheckConstraint("opening_quorum >= 2", name="opening_quorum"),
    )

    id: int | None = Field(default=None, primary_key=True)
    collaboration_id: int = Field(foreign_key="collaboration.id", index=True)
    reference: str = Field(max_length=50, unique=True)
    title: str = Field(max_length=200)
    description: str = Field(sa_column=Column(Text, nullable=False))
    regime: str = Field(default=Regime.PA2023.value, max_length=10)
    procedure: str = Field(default="open", max_length=20)
    light_touch: bool = Field(default=False)
    cpv_code: str = Field(max_length=12)
    estimated_value_pence: int | None = Field(default=None, sa_column=Column(Pence, nullable=True))
    contract_start: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    initial_term_months: int | None = None
    extensions_allowed: int = Field(default=0)
    extension_max_months: int = Field(default=0)
    publication_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    clarification_deadline: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    submission_deadline: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    evaluation_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    award_date: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    # The legal ground recorded for a tendering period shorter than the regime's minimum (shown
    # with the timetable); empty when the period meets the minimum.
    shorter_period_ground: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    price_weight: int = Field(default=40)
    price_method: str = Field(default=PriceMethod.LOWEST.value, max_length=20)
    # Procurement Act 2023 s.83: publication is refused until a conflicts assessment is recorded
    conflicts_assessment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    conflicts_assessed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    conflicts_assessed_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    schedule_version: int = Field(default=1)
    created_by_user_id: int = Field(foreign_key="user_account.id")
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    published_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    published_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    opened_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    # How many different named openers must turn a key before the bids can be read (at least 2).
    opening_quorum: int = Field(default=2, sa_column_kwargs={"server_default": "2"})
    # Evaluation settings (issue 5): wide disagreement between evaluators, abnormally low prices
    spread_threshold: int = Field(default=2, sa_column_kwargs={"server_default": "2"})
    abnormally_low_percent: int = Field(default=80, sa_column_kwargs={"server_default": "80"})


class PricingLine(SQLModel, table=True):
    """A line of the pricing schedule. Evaluated price = Σ unit price × evaluation quantity."""

    __tablename__ = "pricing_line"
    __table_args__ = (
        UniqueConstraint("tender_id", "code"),
        CheckConstraint("evaluation_quantity >= 0", name="quantity"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    position: int
    code: str = Field(max_length=20)
    description: str = Field(max_length=300)
    unit: str = Field(max_length=60)
    evaluation_quantity: int
    per_authority: bool = Field(default=False)


class QualityCriterion(SQLModel, table=True):
    __tablename__ = "quality_criterion"
    __table_args__ = (
        CheckConstraint("weight > 0 AND weight <= 100", name="weight"),
        CheckConstraint("max_score > 0", name="max_score"),
        CheckConstraint("min_score IS NULL OR (min_score >= 0 AND min_score <= max_score)", name="min_score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    position: int
    title: str = Field(max_length=200)
    guidance: str = Field(sa_column=Column(Text, nullable=False))
    weight: int
    max_score: int = Field(default=5)
    min_score: int | None = None
    descriptors: str = Field(sa_column=Column(Text, nullable=False))
    word_limit: int = Field(default=1000)


class TenderDocument(UploadedDocumentColumns, table=True):
    __tablename__ = "tender_document"

    tender_id: int = Field(foreign_key="tender.id", index=True)
    withdrawn_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class TenderAmendment(SQLModel, table=True):
    """A recorded change after publication; interested suppliers are told of each."""

    __tablename__ = "tender_amendment"

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    changes: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON: field -> [before, after]
    made_by_user_id: int = Field(foreign_key="user_account.id")
    made_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class TenderInterest(SQLModel, table=True):
    """A supplier organisation's registered interest in a published tender: it is told of
    amendments and published clarifications, and may bid."""

    __tablename__ = "tender_interest"
    __table_args__ = (UniqueConstraint("tender_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    user_id: int = Field(foreign_key="user_account.id")
    registered_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
