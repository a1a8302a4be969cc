"""The meeting register of a contract: each referral and meeting the provider records, and the
contract's meeting terms (which price lines are the meeting rates, and the charging rules)."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderapp.domain.meetings import Attendance, CertificateKind, FundingPartyKind, MeetingKind, Outcome, Requester
from tenderapp.models.base import UTCDateTime, in_check


def _optional_in(column: str, values) -> str:
    return f"{column} IS NULL OR {in_check(column, [v.value for v in values])}"


class MeetingTerms(SQLModel, table=True):
    """Which of the contract's price lines is the rate for each kind of meeting, fixed at the
    award, and the contract's cancellation and non-attendance rules."""

    __tablename__ = "meeting_terms"
    __table_args__ = (UniqueConstraint("contract_id"),
                      CheckConstraint("late_cancellation_days >= 0 AND late_cancellation_days <= 60",
                                      name="late_days"))

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id")
    mediation_code: str = Field(max_length=20)
    dr_code: str = Field(max_length=20)
    charge_late_cancellation: bool = Field(default=True)
    late_cancellation_days: int = Field(default=2)
    charge_non_attendance: bool = Field(default=True)
    updated_by_user_id: int = Field(foreign_key="user_account.id")
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class MeetingCase(SQLModel, table=True):
    """One referral for one member authority, and its meeting, outcome and certificate. The
    reference is the provider's case number: the register holds no names (data minimisation).
    A disagreement-resolution case names its funding party (a name, not a tenant)."""

    __tablename__ = "meeting_case"
    __table_args__ = (
        UniqueConstraint("contract_id", "organisation_id", "reference"),
        CheckConstraint(in_check("kind", [k.value for k in MeetingKind]), name="kind"),
        CheckConstraint(in_check("requester", [r.value for r in Requester]), name="requester"),
        CheckConstraint(_optional_in("attendance", Attendance), name="attendance"),
        CheckConstraint(_optional_in("funding_kind", FundingPartyKind), name="funding_kind"),
        CheckConstraint(_optional_in("outcome", Outcome), name="outcome"),
        CheckConstraint(_optional_in("certificate_kind", CertificateKind), name="certificate_kind"),
        CheckConstraint("meeting_day IS NULL OR meeting_day >= day_told", name="meeting_after_referral"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)  # the member authority
    reference: str = Field(max_length=40)
    kind: str = Field(max_length=30)
    requester: str = Field(max_length=20)
    day_told: date = Field(sa_column=Column(Date, nullable=False))
    meeting_day: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    attendance: str | None = Field(default=None, max_length=20)
    cancelled_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    funding_kind: str | None = Field(default=None, max_length=20)
    funding_name: str | None = Field(default=None, max_length=200)
    funding_agreed_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    outcome: str | None = Field(default=None, max_length=20)
    certificate_on: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    certificate_kind: str | None = Field(default=None, max_length=20)
    recorded_by_user_id: int = Field(foreign_key="user_account.id")
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_by_user_id: int = Field(foreign_key="user_account.id")
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))

    @property
    def kind_label(self) -> str:
        return MeetingKind(self.kind).label

    @property
    def attendance_label(self) -> str | None:
        return Attendance(self.attendance).label if self.attendance else None

    @property
    def outcome_label(self) -> str | None:
        return Outcome(self.outcome).label if self.outcome else None
