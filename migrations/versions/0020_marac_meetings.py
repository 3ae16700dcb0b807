"""marac meetings: sittings, listings of referrals on them with their history, agency research,
attendance, the action plan and agency representatives' invitations (issue 18)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 17:11:08.370880
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('marac_sitting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sits_on', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('chair', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('one_off', sa.Boolean(), nullable=False),
    sa.Column('pattern_day', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('pattern_day')
    )
    with op.batch_alter_table('marac_sitting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marac_sitting_sits_on'), ['sits_on'], unique=False)

    op.create_table('marac_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('agency', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('attendee', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['sitting_id'], ['marac_sitting.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sitting_id', 'agency')
    )
    with op.batch_alter_table('marac_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marac_attendance_sitting_id'), ['sitting_id'], unique=False)

    op.create_table('marac_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('agency', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('confidentiality_accepted_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('invited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sitting_id'], ['marac_sitting.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sitting_id', 'user_id')
    )
    with op.batch_alter_table('marac_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marac_invitation_sitting_id'), ['sitting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marac_invitation_user_id'), ['user_id'], unique=False)

    op.create_table('marac_listing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('listed', 'adjourned', 'heard', 'actions_open', 'done', name='meetingstate', native_enum=False, length=32), nullable=False),
    sa.Column('relisted_from_id', sa.Integer(), nullable=True),
    sa.Column('risks', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('heard_on', sa.Date(), nullable=True),
    sa.Column('listed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], ),
    sa.ForeignKeyConstraint(['relisted_from_id'], ['marac_listing.id'], ),
    sa.ForeignKeyConstraint(['sitting_id'], ['marac_sitting.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('marac_listing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marac_listing_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_marac_listing_sitting_id'), ['sitting_id'], unique=False)

    op.create_table('marac_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('agency', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('open', 'done', 'closed', name='actionstate', native_enum=False, length=32), nullable=False),
    sa.Column('closed_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['marac_listing.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('marac_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marac_action_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_marac_action_listing_id'), ['listing_id'], unique=False)

    op.create_table('marac_listing_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.Enum('listed', 'adjourned', 'heard', 'actions_open', 'done', name='meetingstate', native_enum=False, length=32), nullable=True),
    sa.Column('to_state', sa.Enum('listed', 'adjourned', 'heard', 'actions_open', 'done', name='meetingstate', native_enum=False, length=32), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['listing_id'], ['marac_listing.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('marac_listing_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marac_listing_change_listing_id'), ['listing_id'], unique=False)

    op.create_table('marac_research',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('agency', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('known', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_label', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['listing_id'], ['marac_listing.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('marac_research', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_marac_research_listing_id'), ['listing_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('marac_research', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marac_research_listing_id'))

    op.drop_table('marac_research')
    with op.batch_alter_table('marac_listing_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marac_listing_change_listing_id'))

    op.drop_table('marac_listing_change')
    with op.batch_alter_table('marac_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marac_action_listing_id'))
        batch_op.drop_index(batch_op.f('ix_marac_action_due_on'))

    op.drop_table('marac_action')
    with op.batch_alter_table('marac_listing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marac_listing_sitting_id'))
        batch_op.drop_index(batch_op.f('ix_marac_listing_referral_id'))

    op.drop_table('marac_listing')
    with op.batch_alter_table('marac_invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marac_invitation_user_id'))
        batch_op.drop_index(batch_op.f('ix_marac_invitation_sitting_id'))

    op.drop_table('marac_invitation')
    with op.batch_alter_table('marac_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marac_attendance_sitting_id'))

    op.drop_table('marac_attendance')
    with op.batch_alter_table('marac_sitting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_marac_sitting_sits_on'))

    op.drop_table('marac_sitting')
