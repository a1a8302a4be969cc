"""money columns 64-bit

PostgreSQL's INTEGER stops at 2,147,483,647 pence (£21,474,836.47): a larger contract or
estimated value would fail to save. The pence columns become BIGINT there. SQLite's INTEGER
is 64-bit already, so nothing changes on SQLite.

Revision ID: b1c2d3e4f5a6
Revises: cedb3bd650d8
Create Date: 2026-11-29 11:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'b1c2d3e4f5a6'
down_revision: Union[str, Sequence[str], None] = 'cedb3bd650d8'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COLUMNS = [
    ("tender", "estimated_value_pence"),
    ("contract", "value_pence"),
    ("contract_price", "unit_price_pence"),
    ("cost_share_basis", "procurement_cost_pence"),
    ("authority_baseline", "previous_annual_cost_pence"),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())
