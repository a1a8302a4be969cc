"""outbox worker

Delivery bookkeeping on outbox messages so that a worker outside the request claims each
message with a lease, retries failures with backoff and marks a message failed after a limit.

Revision ID: b4c8d2e6f0a1
Revises: c5d9e3f7a1b2
Create Date: 2026-12-03 09:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import tenderapp.models.base

revision: str = 'b4c8d2e6f0a1'
down_revision: Union[str, Sequence[str], None] = 'c5d9e3f7a1b2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', tenderapp.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', tenderapp.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('failed_at', tenderapp.models.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('failed_at')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
