"""stored documents

Uploaded documents kept in the database (DOCUMENT_STORAGE=database), in 1 MiB chunks, so
that every server of one deployment sees them.

Revision ID: c5d9e3f7a1b2
Revises: a7c3e9d2b4f1
Create Date: 2026-12-02 09:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import tenderapp.models.base

revision: str = 'c5d9e3f7a1b2'
down_revision: Union[str, Sequence[str], None] = 'a7c3e9d2b4f1'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'stored_document',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', tenderapp.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_document')),
    )
    op.create_table(
        'document_chunk',
        sa.Column('document_key', sa.String(length=64), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['document_key'], ['stored_document.key'],
                                name=op.f('fk_document_chunk_document_key_stored_document'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('document_key', 'sequence', name=op.f('pk_document_chunk')),
    )


def downgrade() -> None:
    op.drop_table('document_chunk')
    op.drop_table('stored_document')
