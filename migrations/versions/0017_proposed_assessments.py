"""proposed assessments: a mailed checklist waits for a coordinator to accept or reject it,
and changes nothing on the referral until then

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('proposed_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.Enum('safelives_dash_24', 'acpo_dash_27', 's_dash_11', name='instrument', native_enum=False, length=32), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('completed_date', sa.Date(), nullable=True),
    sa.Column('provenance', sa.JSON(), nullable=False),
    sa.Column('needs_review', sa.JSON(), nullable=False),
    sa.Column('sender_known', sa.Boolean(), nullable=False),
    sa.Column('from_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'accepted', 'rejected', name='proposalstatus', native_enum=False, length=32), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], ),
    sa.ForeignKeyConstraint(['message_id'], ['inbound_message.id'], ),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('proposed_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposed_assessment_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposed_assessment_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposed_assessment_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('proposed_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposed_assessment_status'))
        batch_op.drop_index(batch_op.f('ix_proposed_assessment_referral_id'))
        batch_op.drop_index(batch_op.f('ix_proposed_assessment_message_id'))

    op.drop_table('proposed_assessment')
