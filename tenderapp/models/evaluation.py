"""Evaluation: the panel and its conflicts declarations, individual and moderated scores,
compliance checks, and the recommendation."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderapp.models.base import UTCDateTime


class EvaluatorAssignment(SQLModel, table=True):
    """An evaluator on a tender's panel, for one quality criterion."""

    __tablename__ = "evaluator_assignment"
    __table_args__ = (UniqueConstraint("tender_id", "user_id", "criterion_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    criterion_id: int = Field(foreign_key="quality_criterion.id")
    assigned_by_user_id: int = Field(foreign_key="user_account.id")
    assigned_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ConflictDeclaration(SQLModel, table=True):
    """An evaluator's declaration for one tender: none, or a conflict the admin resolves
    (continue with a mitigation, or remove the evaluator)."""

    __tablename__ = "conflict_declaration"
    __table_args__ = (
        UniqueConstraint("tender_id", "user_id"),
        CheckConstraint("resolution IS NULL OR resolution IN ('continue', 'removed')", name="resolution"),
        CheckConstraint("has_conflict OR resolution IS NULL", name="resolution_needs_conflict"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    user_id: int = Field(foreign_key="user_account.id")
    has_conflict: bool
    details: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    declared_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    resolution: str | None = Field(default=None, max_length=10)
    mitigation: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    resolved_by_user_id: int | None = Field(default=None, foreign_key="user_account.id")
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class IndividualScore(SQLModel, table=True):
    """One evaluator's score for one bid on one criterion, with the reasons. Locked once
    submitted (rows are never updated)."""

    __tablename__ = "individual_score"
    __table_args__ = (
        UniqueConstraint("submission_id", "criterion_id", "evaluator_user_id"),
        CheckConstraint("score >= 0", name="score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    submission_id: int = Field(foreign_key="bid_submission.id", index=True)
    criterion_id: int = Field(foreign_key="quality_criterion.id")
    evaluator_user_id: int = Field(foreign_key="user_account.id")
    score: int
    justification: str = Field(sa_column=Column(Text, nullable=False))
    submitted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ModeratedScore(SQLModel, table=True):
    """The consensus score that counts, with the moderator's rationale. Changes are audited."""

    __tablename__ = "moderated_score"
    __table_args__ = (UniqueConstraint("submission_id", "criterion_id"), CheckConstraint("score >= 0", name="score"))

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    submission_id: int = Field(foreign_key="bid_submission.id", index=True)
    criterion_id: int = Field(foreign_key="quality_criterion.id")
    score: int
    rationale: str = Field(sa_column=Column(Text, nullable=False))
    moderator_user_id: int = Field(foreign_key="user_account.id")
    moderated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ComplianceCheck(SQLModel, table=True):
    """Pass or fail of a bid's compliance, with the reason; a failed bid is not ranked."""

    __tablename__ = "compliance_check"
    __table_args__ = (UniqueConstraint("submission_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id", index=True)
    submission_id: int = Field(foreign_key="bid_submission.id")
    passed: bool
    reason: str = Field(sa_column=Column(Text, nullable=False))
    checked_by_user_id: int = Field(foreign_key="user_account.id")
    checked_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Recommendation(SQLModel, table=True):
    """The recommended bidder: what moves the tender on to the award decision."""

    __table_args__ = (UniqueConstraint("tender_id"),)

    id: int | None = Field(default=None, primary_key=True)
    tender_id: int = Field(foreign_key="tender.id")
    submission_id: int = Field(foreign_key="bid_submission.id")
    rationale: str = Field(sa_column=Column(Text, nullable=False))
    recommended_by_user_id: int = Field(foreign_key="user_account.id")
    recommended_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
