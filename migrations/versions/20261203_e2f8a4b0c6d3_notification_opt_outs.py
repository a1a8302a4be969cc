"""notification opt-outs

The optional emails each person has turned off on their account page (issue 16).

Revision ID: e2f8a4b0c6d3
Revises: d1e7f3a9b5c2
Create Date: 2026-12-03 15:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import tenderapp.models.base

revision: str = 'e2f8a4b0c6d3'
down_revision: Union[str, Sequence[str], None] = 'd1e7f3a9b5c2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'notification_opt_out',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('notice', sa.String(length=40), nullable=False),
        sa.Column('created_at', tenderapp.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_opt_out_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_opt_out')),
        sa.UniqueConstraint('user_id', 'notice', name=op.f('uq_notification_opt_out_user_id_notice')),
    )
    with op.batch_alter_table('notification_opt_out', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_opt_out_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notification_opt_out', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_opt_out_user_id'))
    op.drop_table('notification_opt_out')
