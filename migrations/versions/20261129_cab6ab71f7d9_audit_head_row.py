"""audit chain head row

Revision ID: cab6ab71f7d9
Revises: d79ef325f7c2
Create Date: 2026-11-29 06:21:24.777915
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'cab6ab71f7d9'
down_revision: Union[str, Sequence[str], None] = 'd79ef325f7c2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


GENESIS_HASH = "0" * 64  # tenderapp.domain.audit_chain.GENESIS_HASH, fixed here as it was


def upgrade() -> None:
    # The chain's head exists from the start, so concurrent first writers lock one row
    # instead of racing to create it.
    head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", sa.Integer),
                    sa.column("hash", sa.String))
    op.execute(head.insert().from_select(
        ["id", "seq", "hash"],
        sa.select(sa.literal(1), sa.literal(0), sa.literal(GENESIS_HASH)).where(
            ~sa.exists().where(head.c.id == 1))))


def downgrade() -> None:
    op.execute("DELETE FROM audit_head WHERE id = 1 AND seq = 0")
