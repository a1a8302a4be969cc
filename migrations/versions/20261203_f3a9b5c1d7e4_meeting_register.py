"""meeting register

The meeting register of a contract (meeting_case), its meeting terms (the rates' price lines
and the cancellation and non-attendance rules), and the provider role for the awarded
supplier's people.

Revision ID: f3a9b5c1d7e4
Revises: b4c8d2e6f0a1
Create Date: 2026-12-03 14:35:38.931922
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tenderapp.models.base

revision: str = 'f3a9b5c1d7e4'
down_revision: Union[str, Sequence[str], None] = 'b4c8d2e6f0a1'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


ROLES_BEFORE = ('procurement_admin', 'signatory', 'evaluator', 'viewer', 'bidder')


def _roles(roles: tuple[str, ...]) -> None:
    """The role check constraint, remade to allow exactly ``roles``."""
    quoted = ", ".join(f"'{r}'" for r in roles)
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_role_assignment_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_role_assignment_role'), f"role IN ({quoted})")


def upgrade() -> None:
    _roles(ROLES_BEFORE + ('provider',))
    op.create_table('meeting_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('requester', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('day_told', sa.Date(), nullable=False),
    sa.Column('meeting_day', sa.Date(), nullable=True),
    sa.Column('attendance', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('funding_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('funding_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('funding_agreed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('certificate_on', sa.Date(), nullable=True),
    sa.Column('certificate_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('recorded_by_user_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tenderapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_user_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', tenderapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("attendance IS NULL OR attendance IN ('held', 'cancelled', 'not_attended')", name=op.f('ck_meeting_case_attendance')),
    sa.CheckConstraint("certificate_kind IS NULL OR certificate_kind IN ('after_mediation', 'declined', 'deemed')", name=op.f('ck_meeting_case_certificate_kind')),
    sa.CheckConstraint("funding_kind IS NULL OR funding_kind IN ('school', 'college', 'early_years', 'la_education', 'la_childrens', 'la_adult', 'health_body')", name=op.f('ck_meeting_case_funding_kind')),
    sa.CheckConstraint("kind IN ('mediation', 'disagreement_resolution')", name=op.f('ck_meeting_case_kind')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('agreement_full', 'agreement_partial', 'no_agreement', 'withdrawn')", name=op.f('ck_meeting_case_outcome')),
    sa.CheckConstraint("requester IN ('parent', 'young_person')", name=op.f('ck_meeting_case_requester')),
    sa.CheckConstraint('meeting_day IS NULL OR meeting_day >= day_told', name=op.f('ck_meeting_case_meeting_after_referral')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_meeting_case_contract_id_contract')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_meeting_case_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['recorded_by_user_id'], ['user_account.id'], name=op.f('fk_meeting_case_recorded_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['updated_by_user_id'], ['user_account.id'], name=op.f('fk_meeting_case_updated_by_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_case')),
    sa.UniqueConstraint('contract_id', 'organisation_id', 'reference', name=op.f('uq_meeting_case_contract_id_organisation_id_reference'))
    )
    with op.batch_alter_table('meeting_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_case_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_case_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('meeting_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('mediation_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('dr_code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('charge_late_cancellation', sa.Boolean(), nullable=False),
    sa.Column('late_cancellation_days', sa.Integer(), nullable=False),
    sa.Column('charge_non_attendance', sa.Boolean(), nullable=False),
    sa.Column('updated_by_user_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', tenderapp.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('late_cancellation_days >= 0 AND late_cancellation_days <= 60', name=op.f('ck_meeting_terms_late_days')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_meeting_terms_contract_id_contract')),
    sa.ForeignKeyConstraint(['updated_by_user_id'], ['user_account.id'], name=op.f('fk_meeting_terms_updated_by_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_terms')),
    sa.UniqueConstraint('contract_id', name=op.f('uq_meeting_terms_contract_id'))
    )


def downgrade() -> None:
    op.drop_table('meeting_terms')
    with op.batch_alter_table('meeting_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_case_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_case_contract_id'))

    op.drop_table('meeting_case')
    op.execute("DELETE FROM role_assignment WHERE role = 'provider'")
    _roles(ROLES_BEFORE)
