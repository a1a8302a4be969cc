"""Uploaded documents kept in the database, so that every server sees them.

A document is stored once under its SHA-256 (``key``) and split into 1 MiB chunks.
"""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, LargeBinary, String
from sqlmodel import Field, SQLModel

from tenderapp.models.base import UTCDateTime


class StoredDocument(SQLModel, table=True):
    __tablename__ = "stored_document"

    key: str = Field(sa_column=Column(String(64), primary_key=True))
    size: int
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class DocumentChunk(SQLModel, table=True):
    __tablename__ = "document_chunk"

    document_key: str = Field(sa_column=Column(
        String(64), ForeignKey("stored_document.key", ondelete="CASCADE"), primary_key=True))
    sequence: int = Field(primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
