"""Which optional emails a person has turned off (one row per person and kind: no row, it is sent)."""

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderapp.models.base import UTCDateTime


class NotificationOptOut(SQLModel, table=True):
    __tablename__ = "notification_opt_out"
    __table_args__ = (UniqueConstraint("user_id", "notice"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    notice: str = Field(max_length=40)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
