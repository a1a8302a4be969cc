"""organisation identifiers

Registered identifiers (org-id.guide scheme and id) per organisation, replacing the supplier's
single Companies House number: each existing number becomes a GB-COH identifier.

Revision ID: d1e7f3a9b5c2
Revises: f3a9b5c1d7e4
Create Date: 2026-12-03 15:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import tenderapp.models.base

revision: str = 'd1e7f3a9b5c2'
down_revision: Union[str, Sequence[str], None] = 'f3a9b5c1d7e4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('organisation_identifier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=20), nullable=False),
    sa.Column('identifier', sa.String(length=40), nullable=False),
    sa.Column('recorded_at', tenderapp.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_identifier_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_identifier')),
    sa.UniqueConstraint('organisation_id', 'scheme', name=op.f('uq_organisation_identifier_organisation_id_scheme')),
    sa.UniqueConstraint('scheme', 'identifier', name=op.f('uq_organisation_identifier_scheme_identifier'))
    )
    with op.batch_alter_table('organisation_identifier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_identifier_organisation_id'), ['organisation_id'], unique=False)
    op.execute("INSERT INTO organisation_identifier (organisation_id, scheme, identifier, recorded_at) "
               "SELECT id, 'GB-COH', company_number, created_at FROM organisation WHERE company_number IS NOT NULL")
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('company_number')


def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('company_number', sa.String(length=8), nullable=True))
    op.execute("UPDATE organisation SET company_number = (SELECT identifier FROM organisation_identifier "
               "WHERE organisation_identifier.organisation_id = organisation.id AND scheme = 'GB-COH')")
    with op.batch_alter_table('organisation_identifier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_identifier_organisation_id'))
    op.drop_table('organisation_identifier')
