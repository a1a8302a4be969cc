"""People, the roles they hold in their organisation, and their server-side sessions."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from tenderapp.domain.roles import Role
from tenderapp.models.base import UTCDateTime, in_check


class User(SQLModel, table=True):
    """A person. Belongs to exactly one organisation; email addresses are stored lower-case."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    email: str = Field(max_length=320, unique=True)
    full_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    active: bool = Field(default=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    password_changed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # Two-factor sign-in (TOTP): the shared secret, sealed with a key derived from the instance
    # secret; the last time step accepted, so that no code is accepted twice.
    totp_secret_sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    totp_enrolled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    totp_last_step: int | None = Field(default=None)


class RecoveryCode(SQLModel, table=True):
    """A single-use code that stands in for the authenticator app. Only its SHA-256 is kept."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))


class RoleAssignment(SQLModel, table=True):
    """A role a user holds in their own organisation."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint(in_check("role", [r.value for r in Role]), name="role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    role: str = Field(max_length=30)
    # Since when: a role given after a tender's deadline does not make its holder eligible to
    # confirm or become a replacement bid opener (tenderapp.domain.openers).
    granted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class UserSession(SQLModel, table=True):
    """A signed-in browser session. The cookie holds a random token; only its SHA-256 is stored,
    and a session that has ended is refused even if someone kept a copy of the cookie."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    ended_reason: str | None = Field(default=None, max_length=40)
    # When this session passed the second factor (a code from the app or a recovery code).
    second_factor_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    ip_address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=500)


class PasswordReset(SQLModel, table=True):
    """A single-use, short-lived link to set a new password, sent to the account's address."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
