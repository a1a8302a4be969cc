"""Shared column types and the constraint naming convention (keeps Alembic diffs quiet)."""

from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Integer, TypeDecorator
from sqlmodel import Field, SQLModel

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


# Money in pence: 64-bit. SQLite's INTEGER is 64-bit already; PostgreSQL needs BIGINT (its
# INTEGER stops at £21,474,836.47).
Pence = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """An aware UTC datetime on every database: naive values are refused on the way in,
    and values read back (SQLite keeps no zone) are returned in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def in_check(column: str, values) -> str:
    """SQL for a CHECK constraint that ``column`` holds one of ``values``."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class UploadedDocumentColumns(SQLModel):
    """The columns every uploaded document keeps beside its owner (a tender, a decision): its
    title, the file's name, the content's SHA-256 (under which ``StoredDocument``, the content
    store, holds the bytes), size, and who uploaded it when. Not a table itself: each kind of
    document is its own table with these columns (after its id; the owner's columns follow)."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    filename: str = Field(max_length=200)
    sha256: str = Field(max_length=64)
    size: int
    uploaded_by_user_id: int = Field(foreign_key="user_account.id")
    uploaded_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
